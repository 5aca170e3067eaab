//! What a configuration asks for, in two steps: [`ResourcesSpec`] + [`Profile`] as written
//! in the file (fields absent stay `None`), and [`Requirements`], the resolved query after
//! dstack's defaults and server-side rules (default sizes, vendor inference, x86 for the default
//! image, on-demand by default, multinode / privileged backend restrictions).

use crate::gpus;
use dstack_values::cpu::CpuArch;
use dstack_values::gpu_names::Vendor;

/// Ranges are dstack-values' (`cpu: 4` is `min = max = 4`; a missing side is unbounded), so
/// the analysis layer's parses pass straight through. Counts are `i128` like theirs.
pub use dstack_values::range::Range;

/// What matching needs on top of dstack-values' ranges.
pub trait RangeExt<T> {
    /// Inclusive on both sides, like gpuhunt.
    fn contains(&self, v: T) -> bool;
}

impl<T: Copy + PartialOrd> RangeExt<T> for Range<T> {
    fn contains(&self, v: T) -> bool {
        !(self.min.is_some_and(|m| v < m) || self.max.is_some_and(|m| v > m))
    }
}

/// `min..max`, both sides set.
pub fn between<T>(min: T, max: T) -> Range<T> {
    Range {
        min: Some(min),
        max: Some(max),
    }
}

/// Intersection of two size ranges, `None` when empty (dstack's `Range.intersect`).
pub fn intersect(a: &Range<f64>, b: &Range<f64>) -> Option<Range<f64>> {
    let start = a
        .min
        .unwrap_or(f64::NEG_INFINITY)
        .max(b.min.unwrap_or(f64::NEG_INFINITY));
    let end = a
        .max
        .unwrap_or(f64::INFINITY)
        .min(b.max.unwrap_or(f64::INFINITY));
    if start > end {
        return None;
    }
    Some(Range {
        min: start.is_finite().then_some(start),
        max: end.is_finite().then_some(end),
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpotPolicy {
    Spot,
    OnDemand,
    Auto,
}

impl SpotPolicy {
    pub fn parse(s: &str) -> Option<SpotPolicy> {
        match s {
            "spot" => Some(SpotPolicy::Spot),
            "on-demand" => Some(SpotPolicy::OnDemand),
            "auto" => Some(SpotPolicy::Auto),
            _ => None,
        }
    }
    /// `spot` of the query: `Some(true)` spot only, `Some(false)` on-demand only, `None` both.
    pub fn spot(self) -> Option<bool> {
        match self {
            SpotPolicy::Spot => Some(true),
            SpotPolicy::OnDemand => Some(false),
            SpotPolicy::Auto => None,
        }
    }
}

/// `resources.gpu` as written; `None` fields were not given.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct GpuSpec {
    pub vendor: Option<Vendor>,
    /// Names as written (`tpu-` prefix already stripped); matched case-insensitively.
    pub names: Option<Vec<String>>,
    /// `None` means "not given": `1..` once any GPU spec is present.
    pub count: Option<Range<i128>>,
    /// Per-GPU memory in GB.
    pub memory: Option<Range<f64>>,
    pub total_memory: Option<Range<f64>>,
    /// Minimum compute capability (NVIDIA only).
    pub compute_capability: Option<(u32, u32)>,
}

/// `resources` as written; `None` fields take dstack's defaults.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ResourcesSpec {
    pub cpu_arch: Option<CpuArch>,
    pub cpu: Option<Range<i128>>,
    /// GB.
    pub memory: Option<Range<f64>>,
    pub gpu: Option<GpuSpec>,
    /// `None`: not given (default `100GB..`); `Some(None)`: `disk: null` (no disk constraint).
    pub disk: Option<Option<Range<f64>>>,
}

impl GpuSpec {
    /// From `resources.gpu` as `dstack_values::gpu` parsed it (count already defaulted to `1..`).
    pub fn from_values(v: &dstack_values::gpu::GpuSpec) -> GpuSpec {
        let cc = |x: i128| u32::try_from(x).unwrap_or(if x < 0 { 0 } else { u32::MAX });
        GpuSpec {
            vendor: v.vendor,
            names: v.names.clone(),
            count: Some(v.count),
            memory: v.memory,
            total_memory: v.total_memory,
            compute_capability: v.compute_capability.map(|(a, b)| (cc(a), cc(b))),
        }
    }
}

impl ResourcesSpec {
    /// From the parts of `resources` as `dstack_values` parsed them; `None` = not written.
    /// `disk: Some(None)` is an explicit `disk: null`.
    pub fn from_values(
        cpu: Option<&dstack_values::cpu::CpuSpec>,
        memory: Option<&dstack_values::range::MemoryRange>,
        gpu: Option<&dstack_values::gpu::GpuSpec>,
        disk: Option<Option<&dstack_values::range::MemoryRange>>,
    ) -> ResourcesSpec {
        ResourcesSpec {
            cpu_arch: cpu.and_then(|c| c.arch),
            cpu: cpu.map(|c| c.count),
            memory: memory.copied(),
            gpu: gpu.map(GpuSpec::from_values),
            disk: disk.map(|d| d.copied()),
        }
    }
}

/// The profile fields that take part in matching.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Profile {
    pub spot_policy: Option<SpotPolicy>,
    /// dstack backend names (`aws`, `lambda`, `runpod`, …).
    pub backends: Option<Vec<String>>,
    pub regions: Option<Vec<String>>,
    pub instance_types: Option<Vec<String>>,
    pub max_price: Option<f64>,
    pub reservation: Option<String>,
}

/// The parts of a run configuration (dev-environment, task, service) besides `resources`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RunContext {
    pub image: Option<String>,
    /// CPU architectures of the custom `image` when known (dstack asks the registry);
    /// `None` = unknown, treated as x86 (what most images are).
    pub image_arches: Option<Vec<CpuArch>>,
    pub docker: bool,
    pub privileged: bool,
    /// Task `nodes` (1 when absent).
    pub nodes: u32,
    /// A non-optional `instance` volume mount is present.
    pub instance_mounts: bool,
}

/// A fleet configuration besides `resources`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FleetContext {
    /// `placement: cluster`.
    pub cluster: bool,
    /// `nodes` resolves to a target of 0 (then backends without instance creation also count).
    pub zero_nodes: bool,
    pub blocks: Blocks,
}

/// `blocks` of a fleet: split each instance into this many shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocks {
    Count(u32),
    Auto,
}

impl Default for Blocks {
    fn default() -> Blocks {
        Blocks::Count(1)
    }
}

/// The resolved query the matcher runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirements {
    pub cpu_arch: Option<CpuArch>,
    pub cpu: Range<i128>,
    pub memory: Range<f64>,
    /// `None`: no disk constraint (fixed disks always fit, configurable ones get 100GB..).
    pub disk: Option<Range<f64>>,
    pub gpu_vendor: Option<Vendor>,
    pub gpu_names: Option<Vec<String>>,
    pub gpu_count: Range<i128>,
    pub gpu_memory: Option<Range<f64>>,
    pub gpu_total_memory: Option<Range<f64>>,
    pub compute_capability: Option<(u32, u32)>,
    /// `Some(true)` spot only, `Some(false)` on-demand only, `None` both.
    pub spot: Option<bool>,
    pub max_price: Option<f64>,
    pub reservation: Option<String>,
    pub multinode: bool,
    pub privileged: bool,
    pub instance_mounts: bool,
    pub backends: Option<Vec<String>>,
    pub regions: Option<Vec<String>>,
    pub instance_types: Option<Vec<String>>,
    pub blocks: Blocks,
    /// Fleets: only backends that can create instances (not Runpod / Vast.ai).
    pub create_instance_only: bool,
}

impl Default for Requirements {
    /// A run configuration without `resources`: cpu `2..`, memory `8GB..`, disk `100GB..`,
    /// CPU or NVIDIA GPU, x86, on-demand.
    fn default() -> Requirements {
        Requirements::for_run(
            &ResourcesSpec::default(),
            &Profile::default(),
            &RunContext::default(),
        )
        .unwrap_or_else(|_| Requirements::unconstrained())
    }
}

/// Why dstack would reject the configuration before looking for offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementsError {
    pub message: String,
}

pub const DEFAULT_CPU: Range<i128> = Range {
    min: Some(2),
    max: None,
};
pub const DEFAULT_MEMORY: Range<f64> = Range {
    min: Some(8.0),
    max: None,
};
pub const DEFAULT_DISK: Range<f64> = Range {
    min: Some(100.0),
    max: None,
};

impl Requirements {
    /// No constraints at all (what `dstack offer` starts from, and fleets without `resources`):
    /// cpu `1..`, memory `0..`, any GPU count, no disk, spot or not.
    pub fn unconstrained() -> Requirements {
        Requirements {
            cpu_arch: None,
            cpu: Range::at_least(1),
            memory: Range::at_least(0.0),
            disk: None,
            gpu_vendor: None,
            gpu_names: None,
            gpu_count: Range::at_least(0),
            gpu_memory: None,
            gpu_total_memory: None,
            compute_capability: None,
            spot: None,
            max_price: None,
            reservation: None,
            multinode: false,
            privileged: false,
            instance_mounts: false,
            backends: None,
            regions: None,
            instance_types: None,
            blocks: Blocks::Count(1),
            create_instance_only: false,
        }
    }

    fn apply_resources(&mut self, res: &ResourcesSpec) {
        self.cpu_arch = res.cpu_arch;
        self.cpu = res.cpu.unwrap_or(DEFAULT_CPU);
        self.memory = res.memory.unwrap_or(DEFAULT_MEMORY);
        self.disk = match res.disk {
            None => Some(DEFAULT_DISK),
            Some(d) => d,
        };
        match &res.gpu {
            None => {
                self.gpu_count = Range::at_least(0);
            }
            Some(g) => self.apply_gpu(g),
        }
    }

    /// A GPU spec as written; `count` defaults to `1..` once `gpu` is given.
    fn apply_gpu(&mut self, g: &GpuSpec) {
        self.gpu_vendor = g.vendor;
        self.gpu_names = g.names.clone();
        self.gpu_count = g.count.unwrap_or(Range::at_least(1));
        self.gpu_memory = g.memory;
        self.gpu_total_memory = g.total_memory;
        self.compute_capability = g.compute_capability;
    }

    fn apply_profile(&mut self, profile: &Profile) {
        self.spot = profile.spot_policy.unwrap_or(SpotPolicy::OnDemand).spot();
        self.max_price = profile.max_price;
        self.reservation = profile.reservation.clone();
        self.backends = profile.backends.clone();
        self.regions = profile.regions.clone();
        self.instance_types = profile.instance_types.clone();
    }

    /// A dev-environment, task or service: dstack's client defaults, then the server's
    /// (`set_default_gpu_spec_vendor`, image checks), then the job's (x86 for the default image,
    /// on-demand unless `spot_policy` says otherwise, multinode for `nodes > 1`).
    pub fn for_run(
        res: &ResourcesSpec,
        profile: &Profile,
        run: &RunContext,
    ) -> Result<Requirements, RequirementsError> {
        let mut r = Requirements::unconstrained();
        r.apply_resources(res);
        r.apply_profile(profile);
        let default_image = run.image.is_none() && !run.docker;
        if r.gpu_vendor.is_none() && r.gpu_count.max != Some(0) {
            r.gpu_vendor = match &r.gpu_names {
                Some(names) if !names.is_empty() => gpus::infer_vendor(names),
                _ if default_image => Some(Vendor::Nvidia),
                _ => None,
            };
        }
        if default_image && r.gpu_count.max != Some(0) {
            // The default image is built for CUDA; TPUs work with it too.
            let mut vendors: Vec<&str> = match (r.gpu_vendor, &r.gpu_names) {
                (Some(v), _) => vec![v.as_str()],
                (None, Some(names)) => names
                    .iter()
                    .flat_map(|n| gpus::vendors_by_name(n))
                    .map(|v| v.as_str())
                    .collect(),
                (None, None) => Vec::new(),
            };
            vendors.retain(|v| *v != "nvidia" && *v != "google");
            vendors.sort_unstable();
            vendors.dedup();
            if !vendors.is_empty() {
                let list: Vec<String> = vendors.iter().map(|v| format!("'{v}'")).collect();
                return Err(RequirementsError {
                    message: format!(
                        "`image` must be set when the requested accelerator is not supported by the default image: [{}]",
                        list.join(", ")
                    ),
                });
            }
        }
        if r.cpu_arch == Some(CpuArch::Arm) {
            if run.docker {
                return Err(RequirementsError {
                    message: "`docker: true` is not supported on ARM CPU".to_string(),
                });
            }
            if run.image.is_none() {
                return Err(RequirementsError {
                    message: "`image` must be set when ARM CPU requested".to_string(),
                });
            }
        }
        if r.cpu_arch.is_none() {
            r.cpu_arch = match (&run.image, &run.image_arches) {
                (None, _) => Some(CpuArch::X86),
                (Some(_), None) => Some(CpuArch::X86),
                (Some(_), Some(arches)) if arches.len() == 1 => arches.first().copied(),
                (Some(_), Some(_)) => None,
            };
        }
        r.multinode = run.nodes > 1;
        r.privileged = run.docker || run.privileged;
        r.instance_mounts = run.instance_mounts;
        Ok(r)
    }

    /// A fleet: resources as written (or unconstrained without `resources`), no vendor
    /// inference, any CPU arch unless given, on-demand by default, `placement: cluster` is
    /// multinode, and only backends that create instances (unless `nodes` is 0).
    pub fn for_fleet(
        res: Option<&ResourcesSpec>,
        profile: &Profile,
        fleet: &FleetContext,
    ) -> Requirements {
        let mut r = Requirements::unconstrained();
        if let Some(res) = res {
            r.apply_resources(res);
        }
        r.apply_profile(profile);
        r.multinode = fleet.cluster;
        r.blocks = fleet.blocks;
        r.create_instance_only = !fleet.zero_nodes;
        r
    }

    /// `dstack offer`: unconstrained defaults for what is not given, no vendor inference, no
    /// architecture default, but still on-demand unless a spot policy is given.
    pub fn for_offer_command(res: &ResourcesSpec, profile: &Profile) -> Requirements {
        let mut r = Requirements::unconstrained();
        r.cpu_arch = res.cpu_arch;
        if let Some(cpu) = res.cpu {
            r.cpu = cpu;
        }
        if let Some(m) = res.memory {
            r.memory = m;
        }
        if let Some(d) = res.disk {
            r.disk = d;
        }
        if let Some(g) = &res.gpu {
            r.apply_gpu(g);
        }
        r.apply_profile(profile);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_defaults() {
        let r = Requirements::default();
        assert_eq!(r.cpu, Range::at_least(2));
        assert_eq!(r.memory, Range::at_least(8.0));
        assert_eq!(r.disk, Some(Range::at_least(100.0)));
        assert_eq!(r.gpu_count, Range::at_least(0));
        assert_eq!(r.gpu_vendor, Some(Vendor::Nvidia));
        assert_eq!(r.cpu_arch, Some(CpuArch::X86));
        assert_eq!(r.spot, Some(false));
    }

    #[test]
    fn amd_without_image_is_an_error() {
        let res = ResourcesSpec {
            gpu: Some(GpuSpec {
                vendor: Some(Vendor::Amd),
                ..GpuSpec::default()
            }),
            ..ResourcesSpec::default()
        };
        let err = Requirements::for_run(&res, &Profile::default(), &RunContext::default());
        assert!(err.is_err());
        let with_image = RunContext {
            image: Some("rocm/pytorch".into()),
            ..RunContext::default()
        };
        let ok = Requirements::for_run(&res, &Profile::default(), &with_image);
        assert_eq!(ok.map(|r| r.gpu_count), Ok(Range::at_least(1)));
    }

    #[test]
    fn from_values_parsers() {
        use dstack_values::Input;
        let gpu = dstack_values::gpu::parse(&Input::Str("A100:80GB:2"));
        let cpu = dstack_values::cpu::parse(&Input::Str("arm:8.."));
        let (Ok(gpu), Ok(cpu)) = (gpu, cpu) else {
            panic!("the values parsers reject valid shorthand");
        };
        let res = ResourcesSpec::from_values(Some(&cpu), None, Some(&gpu), None);
        assert_eq!(res.cpu, Some(Range::at_least(8)));
        assert_eq!(res.cpu_arch, Some(CpuArch::Arm));
        let g = res.gpu.clone().unwrap_or_default();
        assert_eq!(g.names, Some(vec!["A100".to_string()]));
        assert_eq!(g.count, Some(Range::exact(2)));
        assert_eq!(g.memory, Some(Range::exact(80.0)));
        let r = Requirements::for_run(
            &res,
            &Profile::default(),
            &RunContext {
                image: Some("arm64v8/ubuntu".into()),
                ..RunContext::default()
            },
        );
        assert_eq!(r.map(|r| r.gpu_vendor), Ok(Some(Vendor::Nvidia)));
    }

    #[test]
    fn range_helpers() {
        let a = Range::at_least(100.0);
        assert_eq!(
            intersect(&a, &between(30.0, 4095.0)),
            Some(between(100.0, 4095.0))
        );
        assert_eq!(
            intersect(&Range::exact(5000.0), &between(30.0, 4095.0)),
            None
        );
        assert!(between(2, 4).contains(4) && !between(2, 4).contains(5));
        assert!(Range::at_least(0.5).contains(0.5));
    }
}
