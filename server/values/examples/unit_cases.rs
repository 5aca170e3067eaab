//! Runs dstack's own verdicts on value syntaxes through this crate's parsers and reports agreement.
//!
//! Usage: `cargo run -p dstack-values --example unit_cases -- /path/to/unit-cases.jsonl [--verbose]`.
//! Each line is `{"kind", "input", "ok", "expected", ...}`. Whole-configuration kinds are skipped and counted.
//! The verdict (accepted or rejected) is always compared; the parsed value is compared where this crate
//! produces the same shape (keys missing from `expected` are not compared).

#[path = "../tests/support/oracle.rs"]
mod oracle;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: unit_cases <unit-cases.jsonl> [--verbose]");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(err) => {
            eprintln!("cannot read {path}: {err}");
            std::process::exit(2);
        }
    };
    let report = oracle::compare(&text);
    if args.iter().any(|a| a == "--verbose") {
        for a in &report.agreements {
            println!("agree  {a}");
        }
    }
    print!("{}", report.render());
}
