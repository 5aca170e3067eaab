//! What the matcher needs to know about accelerator names, from the shared table in
//! `dstack_values::gpu_names` (gpuhunt 0.1.34's known accelerators): vendors by name (for
//! dstack's vendor inference and image check) and NVIDIA compute capabilities.

use dstack_values::gpu_names;

use dstack_values::gpu_names::Vendor;

/// Compute capability of an NVIDIA GPU name (case-insensitive), `None` when unknown.
pub fn compute_capability(name: &str) -> Option<(u32, u32)> {
    gpu_names::lookup(name)
        .filter(|a| a.vendor == Vendor::Nvidia)
        .find_map(|a| a.compute_capability)
}

/// Every vendor that makes an accelerator with this name (dstack's server-side detection).
pub fn vendors_by_name(name: &str) -> Vec<Vendor> {
    let mut out: Vec<Vendor> = gpu_names::lookup(name).map(|a| a.vendor).collect();
    if gpu_names::tpu_parts(name).is_some() {
        out.push(Vendor::Google);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The vendor dstack infers for a list of GPU names: set only when every name is known and all
/// of them belong to one vendor.
pub fn infer_vendor(names: &[String]) -> Option<Vendor> {
    gpu_names::common_vendor(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inference() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            infer_vendor(&names(&["a100", "H100"])),
            Some(Vendor::Nvidia)
        );
        assert_eq!(infer_vendor(&names(&["v5litepod-8"])), Some(Vendor::Google));
        assert_eq!(infer_vendor(&names(&["MI300X"])), Some(Vendor::Amd));
        assert_eq!(infer_vendor(&names(&["H100", "MI300X"])), None);
        assert_eq!(infer_vendor(&names(&["H100", "Foo"])), None);
        assert_eq!(infer_vendor(&names(&["v4-x"])), None);
        assert_eq!(compute_capability("l40s"), Some((8, 9)));
        assert_eq!(compute_capability("MI300X"), None);
        assert_eq!(vendors_by_name("gaudi2"), vec![Vendor::Intel]);
    }
}
