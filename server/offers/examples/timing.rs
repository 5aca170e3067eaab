//! Quick wall-clock numbers (best of N, robust to a busy machine): embedded-catalog load,
//! loading a catalog directory, and a few queries over it.
//!
//!     cargo run --release -p dstack-offers --example timing -- [CATALOG_DIR]

use std::time::{Duration, Instant};

#[path = "../benches/support/queries.rs"]
mod queries;

use dstack_offers::{BackendSettings, Catalog, match_offers};

fn best<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = f();
    for _ in 0..n {
        let t = Instant::now();
        out = f();
        best = best.min(t.elapsed());
    }
    (best, out)
}

fn main() {
    let (t, c) = best(30, Catalog::embedded);
    println!(
        "embedded: {} rows, {} KiB heap, load {:.2} ms",
        c.len(),
        c.heap_bytes() / 1024,
        t.as_secs_f64() * 1e3
    );
    let Some(dir) = std::env::args().nth(1) else {
        return;
    };
    let files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .filter_map(|p| {
            Some((
                p.file_stem()?.to_str()?.to_string(),
                std::fs::read_to_string(&p).ok()?,
            ))
        })
        .collect();
    let (t, c) = best(10, || {
        let mut c = Catalog::new();
        for (p, text) in &files {
            c.add_csv(p, text);
        }
        c
    });
    println!(
        "{dir}: {} rows, {} KiB heap, parse {:.2} ms",
        c.len(),
        c.heap_bytes() / 1024,
        t.as_secs_f64() * 1e3
    );
    if std::env::args().nth(2).as_deref() == Some("--load-only") {
        return; // for `perf stat`: CPU time of 31 loads, undisturbed by queries
    }
    let qs = queries::queries();
    let s = BackendSettings::default();
    for (name, q) in &qs {
        let (t, n) = best(50, || match_offers(&c, q, &s).count());
        println!("  {name:14} {n:6} offers  {:.3} ms", t.as_secs_f64() * 1e3);
    }
    let big = queries::synthetic_100k();
    println!(
        "synthetic: {} rows, {} KiB heap",
        big.len(),
        big.heap_bytes() / 1024
    );
    for (name, q) in &qs {
        let (t, n) = best(30, || match_offers(&big, q, &s).count());
        println!("  {name:14} {n:6} offers  {:.3} ms", t.as_secs_f64() * 1e3);
    }
}
