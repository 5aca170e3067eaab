//! Runs our matcher over the cases of an `expected.jsonl`-style file (written by
//! `tests/offers/gen_expected.sh`, possibly with `OFFERS_CATALOG` / `OFFERS_SPECS` pointing
//! elsewhere) and prints our count next to dstack's for each spec.
//!
//!     cargo run --release -p dstack-offers --example compare -- CATALOG_DIR CASES.jsonl

#[path = "../tests/cases/mod.rs"]
mod cases;

use dstack_offers::match_offers;
use serde_json::Value;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: compare CATALOG_DIR CASES.jsonl");
        std::process::exit(2);
    };
    let catalog = cases::load_dir(std::path::Path::new(dir));
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut same = 0;
    let mut total = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(case) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        total += 1;
        let spec = case["spec"].as_str().unwrap_or("?");
        let theirs = case["count"].as_u64().map(|c| c.to_string());
        let theirs = theirs.unwrap_or_else(|| format!("error: {}", case["error"]));
        let started = std::time::Instant::now();
        let ours = match cases::requirements(&case) {
            Err(e) => format!("error: {e:?}"),
            Ok(req) => {
                let offers = match_offers(
                    &catalog,
                    &req,
                    &cases::settings(&catalog, &case["backend_config"]),
                );
                format!("{}", offers.count())
            }
        };
        let took = started.elapsed();
        let ok = ours == theirs || (ours.starts_with("error") && theirs.starts_with("error"));
        same += usize::from(ok);
        println!(
            "{spec:45} dstack {theirs:>8}  ours {ours:>8}  {:>7.2} ms {}",
            took.as_secs_f64() * 1e3,
            if ok { "" } else { "DIFF" }
        );
    }
    println!("{same}/{total} specs agree");
}
