//! Shared by the differential test and the `compare` example: turns one line of
//! `expected.jsonl` (the spec's input as dstack parsed it) into our `Requirements` and
//! `BackendSettings`, and renders offers as comparable keys.

// Each includer uses a different subset of these helpers.
#![allow(dead_code)]

use dstack_offers::{
    BackendConfig, BackendSettings, Blocks, Catalog, FleetContext, GpuSpec, Profile, Range,
    Requirements, ResourcesSpec, RunContext, SpotPolicy,
};
use serde_json::Value;

/// Loads every `*.csv` of a directory as one provider each.
pub fn load_dir(dir: &std::path::Path) -> Catalog {
    let mut c = Catalog::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_else(|_| Vec::new());
    files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "csv"));
    files.sort();
    for f in files {
        let provider = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        c.add_csv(&provider, &text);
    }
    c
}

pub fn f64_range(v: &Value) -> Option<Range<f64>> {
    v.as_object().map(|o| Range {
        min: o.get("min").and_then(Value::as_f64),
        max: o.get("max").and_then(Value::as_f64),
    })
}

pub fn int_range(v: &Value) -> Option<Range<i128>> {
    v.as_object().map(|o| Range {
        min: o.get("min").and_then(Value::as_i64).map(i128::from),
        max: o.get("max").and_then(Value::as_i64).map(i128::from),
    })
}

pub fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| {
        a.iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    })
}

pub fn resources(v: &Value) -> Option<ResourcesSpec> {
    let o = v.as_object()?;
    let gpu = o.get("gpu").and_then(Value::as_object).map(|g| GpuSpec {
        vendor: g
            .get("vendor")
            .and_then(Value::as_str)
            .and_then(dstack_offers::parse_vendor),
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
            .and_then(dstack_offers::parse_cpu_arch),
        cpu: o.get("cpu").and_then(int_range),
        memory: o.get("memory").and_then(f64_range),
        gpu,
        // Client-side parsing already filled the default, so null here is an explicit null.
        disk: Some(o.get("disk").and_then(f64_range)),
    })
}

pub fn profile(v: &Value) -> Profile {
    Profile {
        spot_policy: v["spot_policy"].as_str().and_then(SpotPolicy::parse),
        backends: strings(&v["backends"]),
        regions: strings(&v["regions"]),
        instance_types: strings(&v["instance_types"]),
        max_price: v["max_price"].as_f64(),
        reservation: v["reservation"].as_str().map(str::to_string),
    }
}

pub fn settings(catalog: &Catalog, overrides: &Value) -> BackendSettings {
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

pub fn requirements(case: &Value) -> Result<Requirements, String> {
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
    if case["kind"] == "offer" {
        return Ok(Requirements::for_offer_command(
            &res.unwrap_or_default(),
            &prof,
        ));
    }
    let run = &case["run"];
    let arches = strings(&case["image_arch"]).map(|a| {
        a.iter()
            .filter_map(|s| dstack_offers::parse_cpu_arch(s))
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
pub fn requirements_json(r: &Requirements) -> Value {
    let rng = |min: Option<f64>, max: Option<f64>| serde_json::json!({"min": min, "max": max});
    let irng = |x: Range<i128>| serde_json::json!({"min": x.min.map(|v| v as f64), "max": x.max.map(|v| v as f64)});
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
pub fn normalise(v: &Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), normalise(v))).collect())
        }
        v => v.clone(),
    }
}

pub fn offer_key(o: &Value) -> String {
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
