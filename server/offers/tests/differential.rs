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

use dstack_offers::{
    BackendConfig, BackendSettings, Blocks, Catalog, CpuArch, FleetContext, GpuSpec, Profile,
    Range, Requirements, ResourcesSpec, RunContext, SpotPolicy, Vendor, match_offers,
};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/offers")
}

fn fixture() -> Catalog {
    let mut c = Catalog::new();
    let mut files: Vec<_> = std::fs::read_dir(dir().join("catalog"))
        .expect("fixture catalog directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    for f in files {
        let provider = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        let text = std::fs::read_to_string(&f).expect("readable fixture");
        c.add_csv(&provider, &text);
    }
    c
}

fn f64_range(v: &Value) -> Option<Range<f64>> {
    v.as_object().map(|o| Range {
        min: o.get("min").and_then(Value::as_f64),
        max: o.get("max").and_then(Value::as_f64),
    })
}

fn int_range(v: &Value) -> Option<Range<i64>> {
    v.as_object().map(|o| Range {
        min: o.get("min").and_then(Value::as_i64),
        max: o.get("max").and_then(Value::as_i64),
    })
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| {
        a.iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    })
}

fn resources(v: &Value) -> Option<ResourcesSpec> {
    let o = v.as_object()?;
    let gpu = o.get("gpu").and_then(Value::as_object).map(|g| GpuSpec {
        vendor: g
            .get("vendor")
            .and_then(Value::as_str)
            .and_then(Vendor::parse),
        names: g.get("name").and_then(strings),
        count: g.get("count").and_then(int_range),
        memory: g.get("memory").and_then(f64_range),
        total_memory: g.get("total_memory").and_then(f64_range),
        compute_capability: g.get("compute_capability").and_then(|cc| {
            let a = cc.as_array()?;
            Some((a.first()?.as_u64()? as u32, a.get(1)?.as_u64()? as u32))
        }),
    });
    Some(ResourcesSpec {
        cpu_arch: o
            .get("cpu_arch")
            .and_then(Value::as_str)
            .and_then(CpuArch::parse),
        cpu: o.get("cpu").and_then(int_range),
        memory: o.get("memory").and_then(f64_range),
        gpu,
        // Client-side parsing already filled the default, so null here is an explicit null.
        disk: Some(o.get("disk").and_then(f64_range)),
    })
}

fn profile(v: &Value) -> Profile {
    Profile {
        spot_policy: v["spot_policy"].as_str().and_then(SpotPolicy::parse),
        backends: strings(&v["backends"]),
        regions: strings(&v["regions"]),
        instance_types: strings(&v["instance_types"]),
        max_price: v["max_price"].as_f64(),
        reservation: v["reservation"].as_str().map(str::to_string),
    }
}

fn settings(catalog: &Catalog, overrides: &Value) -> BackendSettings {
    let backends = catalog
        .providers()
        .into_iter()
        .map(|p| {
            let o = &overrides[p];
            BackendConfig {
                backend: dstack_offers::backends::backend_of_provider(p).to_string(),
                regions: strings(&o["regions"]),
                tpu: o["tpu"].as_bool(),
                community_cloud: o["community_cloud"].as_bool(),
                experimental_instance_types: strings(&o["experimental_instance_types"]),
            }
        })
        .collect();
    BackendSettings {
        backends: Some(backends),
    }
}

fn requirements(case: &Value) -> Result<Requirements, String> {
    let res = resources(&case["resources"]);
    let prof = profile(&case["profile"]);
    if case["kind"] == "fleet" {
        let f = &case["fleet"];
        let blocks = match &f["blocks"] {
            Value::String(s) if s == "auto" => Blocks::Auto,
            v => Blocks::Count(v.as_u64().unwrap_or(1) as u32),
        };
        let ctx = FleetContext {
            cluster: f["cluster"].as_bool().unwrap_or(false),
            zero_nodes: f["zero_nodes"].as_bool().unwrap_or(false),
            blocks,
        };
        return Ok(Requirements::for_fleet(res.as_ref(), &prof, &ctx));
    }
    let run = &case["run"];
    let arches = strings(&case["image_arch"]).map(|a| {
        a.iter()
            .filter_map(|s| CpuArch::parse(s))
            .collect::<Vec<_>>()
    });
    let ctx = RunContext {
        image: run["image"].as_str().map(str::to_string),
        image_arches: arches,
        docker: run["docker"].as_bool().unwrap_or(false),
        privileged: run["privileged"].as_bool().unwrap_or(false),
        nodes: run["nodes"].as_u64().unwrap_or(1) as u32,
        instance_mounts: false,
    };
    Requirements::for_run(&res.unwrap_or_default(), &prof, &ctx).map_err(|e| e.message)
}

/// Our requirements in the shape of dstack's, for comparison.
fn requirements_json(r: &Requirements) -> Value {
    let rng = |min: Option<f64>, max: Option<f64>| serde_json::json!({"min": min, "max": max});
    let irng = |x: Range<i64>| serde_json::json!({"min": x.min, "max": x.max});
    let opt_rng = |x: Option<Range<f64>>| x.map(|x| rng(x.min, x.max)).unwrap_or(Value::Null);
    serde_json::json!({
        "cpu_arch": r.cpu_arch.map(|a| a.as_str()),
        "cpu": irng(r.cpu),
        "memory": rng(r.memory.min, r.memory.max),
        "disk": opt_rng(r.disk),
        "gpu": {
            "vendor": r.gpu_vendor.map(|v| v.as_str()),
            "name": r.gpu_names,
            "count": irng(r.gpu_count),
            "memory": opt_rng(r.gpu_memory),
            "total_memory": opt_rng(r.gpu_total_memory),
            "compute_capability": r.compute_capability.map(|(a, b)| vec![a, b]),
        },
        "spot": r.spot,
        "max_price": r.max_price,
        "multinode": r.multinode,
    })
}

/// dstack's requirements with numbers normalised (ints vs floats) and the GPU default made
/// explicit (dstack fills `gpu` on the server; fleets keep `count: 0..`).
fn normalise(v: &Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), normalise(v))).collect())
        }
        v => v.clone(),
    }
}

fn offer_key(o: &Value) -> String {
    format!(
        "{} {} {} {} spot={} disk={} blocks={}",
        o["backend"].as_str().unwrap_or("?"),
        o["region"].as_str().unwrap_or("?"),
        o["instance"].as_str().unwrap_or("?"),
        o["price"].as_f64().unwrap_or(f64::NAN),
        o["spot"],
        o["disk_gib"].as_f64().unwrap_or(f64::NAN),
        o["blocks"],
    )
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
