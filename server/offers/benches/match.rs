//! Criterion benchmarks: loading the embedded catalog, and queries over the 27k-row research
//! catalog (`/work/shared/catalog` or `$OFFERS_BENCH_CATALOG`; skipped with a message when
//! absent) and over a 100k-row synthetic catalog generated here. Goals: ≤ 2 ms per query on
//! 27k rows, ≤ 5 ms on 100k.
//!
//!     cargo bench -p dstack-offers --bench match

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use dstack_offers::{BackendSettings, Catalog, match_offers};

#[path = "support/queries.rs"]
mod queries;
use queries::{queries, synthetic_100k};

fn research_catalog() -> Option<Catalog> {
    let dir = std::env::var_os("OFFERS_BENCH_CATALOG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/catalog"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    let mut c = Catalog::new();
    for f in files {
        let provider = f.file_stem()?.to_str()?.to_string();
        c.add_csv(&provider, &std::fs::read_to_string(&f).ok()?);
    }
    Some(c)
}

fn bench(c: &mut Criterion) {
    let settings = BackendSettings::default();
    let embedded = Catalog::embedded();
    eprintln!(
        "embedded catalog: {} rows, ~{} KiB heap",
        embedded.len(),
        embedded.heap_bytes() / 1024
    );
    c.bench_function("load/embedded", |b| {
        b.iter(|| black_box(Catalog::embedded()))
    });

    match research_catalog() {
        Some(cat) => {
            eprintln!(
                "research catalog: {} rows, ~{} KiB heap",
                cat.len(),
                cat.heap_bytes() / 1024
            );
            for (name, req) in queries() {
                let n = match_offers(&cat, &req, &settings).count();
                eprintln!("  27k/{name}: {n} offers");
                c.bench_function(&format!("query27k/{name}"), |b| {
                    b.iter(|| black_box(match_offers(&cat, &req, &settings).count()))
                });
            }
        }
        None => eprintln!(
            "skipping 27k-row benchmarks: /work/shared/catalog not found (set OFFERS_BENCH_CATALOG)"
        ),
    }

    let big = synthetic_100k();
    eprintln!(
        "synthetic catalog: {} rows, ~{} KiB heap",
        big.len(),
        big.heap_bytes() / 1024
    );
    for (name, req) in queries() {
        let n = match_offers(&big, &req, &settings).count();
        eprintln!("  100k/{name}: {n} offers");
        c.bench_function(&format!("query100k/{name}"), |b| {
            b.iter(|| black_box(match_offers(&big, &req, &settings).count()))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
