//! Times diagnostics on a file (parse excluded):
//! `cargo run --release -p dstack-lsp-tests --example diag_time -- FILE [RUNS]`.

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: diag_time FILE");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let doc = dstack_ide::Document::new(text);
    let config = dstack_ide::AnalysisConfig::default();
    let mut times = Vec::new();
    let mut count = 0;
    let runs: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(15);
    for _ in 0..runs {
        let start = Instant::now();
        count = dstack_ide::diagnostics(&doc, &config).len();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    if times.is_empty() {
        return;
    }
    println!(
        "{path}: {count} diagnostics; min {:.2} ms, median {:.2} ms",
        times[0],
        times[times.len() / 2]
    );
}
