//! `dstack-lsp offers FILE`: the cloud offers a configuration would get, from the built-in
//! catalog (or `--catalog`) and the dstack server's backends, as a table or as JSON.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use dstack_ide as ide;

use crate::files;
use crate::offers_source::{self, OfferRow};

struct Options {
    file: PathBuf,
    catalog: Option<PathBuf>,
    server_config: Option<PathBuf>,
    json: bool,
    max: Option<usize>,
}

/// Rows the table shows unless `--max` says otherwise.
const TABLE_ROWS: usize = 50;

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut file = None;
    let mut opts = Options {
        file: PathBuf::new(),
        catalog: None,
        server_config: None,
        json: false,
        max: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or(format!("{name} needs a value"))
        };
        match flag {
            "--catalog" => opts.catalog = Some(PathBuf::from(value("--catalog")?)),
            "--server-config" => {
                opts.server_config = Some(PathBuf::from(value("--server-config")?))
            }
            "--json" => opts.json = true,
            "--max" => {
                let v = value("--max")?;
                opts.max = Some(
                    v.parse()
                        .map_err(|_| format!("--max expects a number, got `{v}`"))?,
                );
            }
            f if f.starts_with('-') && f.len() > 1 => return Err(format!("unknown option `{f}`")),
            _ if file.is_some() => return Err(format!("one FILE only (got `{a}` too)")),
            _ => file = Some(PathBuf::from(a)),
        }
    }
    opts.file =
        file.ok_or("usage: dstack-lsp offers FILE [--catalog DIR|ZIP] [--json] [--max N]")?;
    Ok(opts)
}

pub fn run(args: &[String]) -> ExitCode {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dstack-lsp offers: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(args: &[String]) -> Result<ExitCode, String> {
    let opts = parse_args(args)?;
    let read = |p: &Path| {
        files::read_bounded(p, files::MAX_READ_BYTES).map_err(|e| format!("{}: {e}", p.display()))
    };
    let bytes = read(&opts.file)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let catalog = match &opts.catalog {
        Some(p) => {
            let catalog = offers_source::load_catalog(p)?;
            for note in offers_source::load_notes(&catalog) {
                eprintln!("dstack-lsp offers: {note}");
            }
            Some(Arc::new(catalog))
        }
        None => None,
    };
    let project = std::env::var("DSTACK_PROJECT").ok();
    let backends = match &opts.server_config {
        Some(p) => {
            let text = String::from_utf8_lossy(&read(p)?).into_owned();
            dstack_offers::BackendSettings::from_server_config(&text, project.as_deref())
        }
        None => offers_source::load_backends(project.as_deref()),
    };
    let config = ide::AnalysisConfig {
        offers_enabled: true,
        catalog,
        backends: Arc::new(backends),
        diagnostics: ide::DiagnosticsConfig::default(),
    };
    let doc = ide::Document::new(text.clone());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let list = match ide::offers_for(&doc, &config) {
        Ok(list) => list,
        Err(e) => {
            let findings = super::check::analyse(&opts.file, text);
            let rejected = findings.iter().any(|f| f.severity == ide::Severity::Error);
            if rejected {
                let stderr = std::io::stderr();
                let _ = super::check::print_human(&mut stderr.lock(), &findings, 1, false);
            }
            eprintln!("dstack-lsp offers: {}: {e}", opts.file.display());
            // A run dstack rejects is the file's fault (1); a type without offers is a usage error.
            let is_run_or_fleet = matches!(
                ide::config_type(&doc),
                Some(
                    ide::ConfigType::DevEnvironment
                        | ide::ConfigType::Task
                        | ide::ConfigType::Service
                        | ide::ConfigType::Fleet
                )
            );
            return Ok(ExitCode::from(if rejected || is_run_or_fleet {
                1
            } else {
                2
            }));
        }
    };
    let rows = offers_source::rows(&list);
    let printed = if opts.json {
        let v = offers_source::offers_json(rows.len(), &rows, opts.max);
        serde_json::to_writer(&mut out, &v)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        let source = ide::offer_catalog(&config)
            .source()
            .unwrap_or("catalog")
            .to_string();
        print_table(
            &mut out,
            &rows,
            opts.max.unwrap_or(TABLE_ROWS),
            &ide::offers_summary_title(&list),
            &source,
        )
    };
    printed.map_err(|e| format!("writing the output failed: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

fn print_table(
    out: &mut impl Write,
    rows: &[OfferRow],
    max: usize,
    summary: &str,
    source: &str,
) -> std::io::Result<()> {
    let header = ["BACKEND", "REGION", "INSTANCE", "GPUS", "$/H", "SPOT"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .take(max)
        .map(|r| {
            [
                r.backend.clone(),
                r.region.clone(),
                r.instance.clone(),
                r.gpus_text(),
                format!("{:.4}", r.price)
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string(),
                if r.spot { "spot" } else { "on-demand" }.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, row: &[&str]| -> std::io::Result<()> {
        let mut text = String::new();
        for (i, (c, w)) in row.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(c.chars().count());
            // The price column is right-aligned.
            if i == 4 {
                text.push_str(&" ".repeat(pad));
                text.push_str(c);
            } else {
                text.push_str(c);
                if i + 1 < row.len() {
                    text.push_str(&" ".repeat(pad));
                }
            }
            if i + 1 < row.len() {
                text.push_str("  ");
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    if !cells.is_empty() {
        line(out, &header)?;
        for row in &cells {
            let refs: Vec<&str> = row.iter().map(String::as_str).collect();
            line(out, &refs)?;
        }
    }
    if rows.len() > cells.len() {
        writeln!(
            out,
            "… {} more (use --max N or --json)",
            rows.len() - cells.len()
        )?;
    }
    writeln!(out, "{summary} ({source})")
}
