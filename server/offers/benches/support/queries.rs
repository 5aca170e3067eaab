//! The queries and the 100k-row synthetic catalog both the benchmark and the `timing`
//! example use.

use dstack_offers::{Catalog, GpuSpec, Range, Requirements, ResourcesSpec, RunContext};

pub fn queries() -> Vec<(&'static str, Requirements)> {
    let run = |gpu: Option<GpuSpec>| {
        let res = ResourcesSpec {
            gpu,
            ..ResourcesSpec::default()
        };
        Requirements::for_run(&res, &Default::default(), &RunContext::default())
            .unwrap_or_else(|_| Requirements::unconstrained())
    };
    vec![
        ("default", run(None)),
        (
            "gpu_24gb",
            run(Some(GpuSpec {
                memory: Some(Range::exact(24.0)),
                ..GpuSpec::default()
            })),
        ),
        (
            "h100x8",
            run(Some(GpuSpec {
                names: Some(vec!["H100".into()]),
                count: Some(Range::exact(8)),
                ..GpuSpec::default()
            })),
        ),
        ("unconstrained", Requirements::unconstrained()),
    ]
}

/// ~100k rows: the embedded catalog's rows repeated with renamed instances and locations, so
/// strings stay varied like a real catalog's.
pub fn synthetic_100k() -> Catalog {
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
                    format!("{}{suffix}", r.offer.instance),
                    r.location.replacen('-', &format!("{suffix}-"), 1),
                )
            } else {
                (
                    format!("{}{suffix}", r.offer.instance),
                    format!("{}{suffix}", r.location),
                )
            };
            text.push_str(&format!(
                "{instance},{location},{},{},{},{},{},{},{},{},{},{},{},\"{}\"\n",
                r.offer.price * (1.0 + copy as f64 * 0.001),
                r.offer.cpus,
                r.memory,
                r.offer.gpu_count,
                r.offer.gpu_name.unwrap_or(""),
                opt(r.gpu_memory),
                if r.offer.spot { "True" } else { "False" },
                opt(r.disk_size),
                r.offer.gpu_vendor.map(|v| v.as_str()).unwrap_or(""),
                r.flags,
                r.offer.cpu_arch.as_str(),
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
