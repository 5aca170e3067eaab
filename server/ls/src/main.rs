//! `dstack-lsp`: the language server (stdio) and the `check` / `offers` command-line tools.

mod cli;
mod convert;
mod files;
mod frames;
mod framing;
mod live;
mod logging;
mod memory;
mod offers_source;
mod position;
mod server;
mod settings;
mod state;
mod workspace;

use std::process::ExitCode;

const HELP: &str = "\
dstack-lsp — language server and linter for dstack configuration files

USAGE:
    dstack-lsp [serve]                 Serve the Language Server Protocol over stdio
    dstack-lsp check [OPTIONS] [PATHS…] Check dstack files and print diagnostics
    dstack-lsp offers [OPTIONS] FILE   List the cloud offers that match a configuration
    dstack-lsp --version | --help

CHECK OPTIONS:
    --format <human|json|sarif|github>  Output format (default: human)
    --warnings-as-errors                Exit with 1 when there are warnings
    --color <auto|always|never>         Colour human output (default: auto)

Files named *.dstack.yml, *.dstack.yaml, .dstack.yml and .dstack.yaml are found
recursively under directories (default: the current directory). Files given
explicitly are always checked.

OFFERS OPTIONS:
    --catalog <DIR|ZIP>                 gpuhunt catalog (provider CSVs or catalog.zip) laid
                                        over the built-in one, per provider
    --server-config <FILE>              dstack server config for its backends
                                        (default: ~/.dstack/server/config.yml if present)
    --json                              Print {count, offers: [...]} as JSON
    --max <N>                           Show at most N offers (default: 50; JSON: all)

EXIT STATUS (check, offers):
    0  no errors    1  errors found (offers: dstack would reject the file)
    2  usage or I/O error

ENVIRONMENT:
    RUST_LOG / DSTACK_LSP_LOG           Log filter for stderr (default: info)
";

fn init_logging() {
    let filter = std::env::var("DSTACK_LSP_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_string());
    logging::init(&filter);
    std::panic::set_hook(Box::new(|info| {
        tracing::error!("panic: {info}");
    }));
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => {
            memory::limit_arenas();
            init_logging();
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("dstack-lsp: cannot start the async runtime: {e}");
                    return ExitCode::from(2);
                }
            };
            rt.block_on(server::serve_stdio());
            // The stdin reader may still sit in a blocking read; don't wait for it.
            rt.shutdown_background();
            ExitCode::SUCCESS
        }
        Some("--version") | Some("-V") | Some("version") => {
            println!("dstack-lsp {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("--help") | Some("-h") | Some("help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some("check") => cli::check::run(&args[1..]),
        Some("offers") => cli::offers::run(&args[1..]),
        Some(other) => {
            eprintln!("dstack-lsp: unknown command `{other}`\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}
