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
use queries::queries;

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

/// ~100k rows: the embedded catalog's rows repeated with renamed instances and locations, so
/// strings stay varied like a real catalog's.
fn synthetic_100k() -> Catalog {
    let base = Catalog::embedded();
    let mut texts: std::collections::BTreeMap<String, String> = Default::default();
    let header = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\n";
    let mut rows = 0usize;
    let mut copy = 0usize;
    while rows < 100_000 {
        for r in base.iter() {
            let text = texts
                .entry(r.provider.to_string())
                .or_insert_with(|| header.to_string());
            let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            let suffix = if copy == 0 {
                String::new()
            } else {
                format!("-{copy}")
            };
            let (instance, location) = if r.provider == "gcp" {
                // keep zone suffixes intact
                (
                    format!("{}{suffix}", r.instance_name),
                    r.location.replacen('-', &format!("{suffix}-"), 1),
                )
            } else {
                (
                    format!("{}{suffix}", r.instance_name),
                    format!("{}{suffix}", r.location),
                )
            };
            text.push_str(&format!(
                "{instance},{location},{},{},{},{},{},{},{},{},{},{},{},\"{}\"\n",
                r.price * (1.0 + copy as f64 * 0.001),
                r.cpu,
                r.memory,
                r.gpu_count,
                r.gpu_name.unwrap_or(""),
                opt(r.gpu_memory),
                if r.spot { "True" } else { "False" },
                opt(r.disk_size),
                r.gpu_vendor.map(|v| v.as_str()).unwrap_or(""),
                r.flags,
                r.cpu_arch.as_str(),
                r.provider_data.replace('"', "\"\""),
            ));
            rows += 1;
        }
        copy += 1;
    }
    let mut c = Catalog::new();
    for (p, t) in &texts {
        c.add_csv(p, t);
    }
    c
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
