//! Differential test against dstack 0.22.5 + gpuhunt 0.1.34.
//!
//! `tests/offers/expected.jsonl` holds, for every spec in `tests/offers/specs`, the spec's
//! input as dstack parsed it (resources, profile, run or fleet fields, backend settings),
//! dstack's final requirements and the offers dstack's own code produced over the fixture
//! catalog `tests/offers/catalog` (see `tests/offers/gen_expected.sh`). Here the same input
//! goes through our requirement resolution and matcher, and both must agree: same
//! requirements, same error, same offers (backend, region, instance, price, spot, disk), in
//! price order.

use std::path::PathBuf;

mod cases;

use cases::{normalise, offer_key, requirements, requirements_json, settings};
use dstack_offers::{Catalog, match_offers};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/offers")
}

fn fixture() -> Catalog {
    cases::load_dir(&dir().join("catalog"))
}

#[test]
fn matches_dstack_on_every_spec() {
    let text = std::fs::read_to_string(dir().join("expected.jsonl")).expect("expected.jsonl");
    let catalog = fixture();
    // The fixture carries three malformed rows gpuhunt skips.
    assert_eq!(catalog.warnings().len(), 3, "{:?}", catalog.warnings());
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("valid JSON line");
        let spec = case["spec"].as_str().unwrap_or("?").to_string();
        checked += 1;
        let ours = requirements(&case);
        if let Some(err) = case["error"].as_str() {
            if ours.as_ref().err().map(String::as_str) != Some(err) {
                failures.push(format!("{spec}: dstack error {err:?}, ours {ours:?}"));
            }
            continue;
        }
        let req = match ours {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{spec}: unexpected error {e}"));
                continue;
            }
        };
        let mut theirs = case["requirements"]["resources"].clone();
        let ours_json = requirements_json(&req);
        for k in ["spot", "max_price", "multinode"] {
            theirs[k] = case["requirements"][k].clone();
        }
        if theirs["gpu"].is_null() {
            theirs["gpu"] = ours_json["gpu"].clone(); // checked through the offers instead
        }
        if normalise(&theirs) != normalise(&ours_json) {
            failures.push(format!(
                "{spec}: requirements differ\n  dstack {theirs}\n  ours   {ours_json}"
            ));
        }
        let offers = match_offers(&catalog, &req, &settings(&catalog, &case["backend_config"]));
        let ours: Vec<String> = offers
            .iter()
            .map(|o| {
                offer_key(&serde_json::json!({
                    "backend": o.backend, "region": o.region, "instance": o.instance,
                    "price": o.price, "spot": o.spot, "disk_gib": o.disk_gb,
                    "blocks": o.total_blocks,
                }))
            })
            .collect();
        let expected: Vec<String> = case["offers"]
            .as_array()
            .map(|a| a.iter().map(offer_key).collect())
            .unwrap_or_default();
        let mut a = ours.clone();
        let mut b = expected.clone();
        a.sort();
        b.sort();
        if a != b {
            let missing: Vec<_> = b.iter().filter(|x| !a.contains(x)).take(5).collect();
            let extra: Vec<_> = a.iter().filter(|x| !b.contains(x)).take(5).collect();
            failures.push(format!(
                "{spec}: {} offers, dstack {}\n  missing {missing:#?}\n  extra {extra:#?}",
                a.len(),
                b.len()
            ));
            continue;
        }
        let prices = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.split(' ').nth(3).unwrap_or("").to_string())
                .collect()
        };
        if prices(&ours) != prices(&expected) {
            failures.push(format!("{spec}: same offers, different price order"));
        }
        let summary = offers.summary();
        assert_eq!(summary.count, expected.len());
    }
    assert!(checked >= 30, "only {checked} specs");
    assert!(
        failures.is_empty(),
        "{} of {checked} specs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
