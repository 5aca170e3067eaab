//! The queries both the benchmark and the `timing` example run.

use dstack_offers::{GpuSpec, Range, Requirements, ResourcesSpec, RunContext};

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
