//! Known accelerator names (as of gpuhunt 0.1.34): which vendor makes them and, for NVIDIA,
//! the compute capability. Used for vendor inference from `gpu: <name>` and for
//! `compute_capability` matching; names compare case-insensitively.

use crate::Vendor;

/// NVIDIA GPU names with their compute capability (major, minor).
pub const NVIDIA: &[(&str, (u32, u32))] = &[
    ("A10", (8, 6)),
    ("A16", (8, 6)),
    ("A40", (8, 6)),
    ("A100", (8, 0)),
    ("A10G", (8, 6)),
    ("A4000", (8, 6)),
    ("A4500", (8, 6)),
    ("A5000", (8, 6)),
    ("A6000", (8, 6)),
    ("H100", (9, 0)),
    ("H100NVL", (9, 0)),
    ("H200", (9, 0)),
    ("H200NVL", (9, 0)),
    ("B200", (10, 0)),
    ("GB200", (10, 0)),
    ("B300", (10, 0)),
    ("GB300", (10, 0)),
    ("L4", (8, 9)),
    ("L40", (8, 9)),
    ("L40S", (8, 9)),
    ("P100", (6, 0)),
    ("RTX2060", (7, 5)),
    ("RTX2060SUPER", (7, 5)),
    ("RTX2070", (7, 5)),
    ("RTX2070SUPER", (7, 5)),
    ("RTX2080", (7, 5)),
    ("RTX2080SUPER", (7, 5)),
    ("RTX2080Ti", (7, 5)),
    ("RTX3050", (8, 6)),
    ("RTX3060", (8, 6)),
    ("RTX3060Ti", (8, 6)),
    ("RTX3070", (8, 6)),
    ("RTX3070Ti", (8, 6)),
    ("RTX3080", (8, 6)),
    ("RTX3080Ti", (8, 6)),
    ("RTX3090", (8, 6)),
    ("RTX3090Ti", (8, 6)),
    ("RTX4060", (8, 9)),
    ("RTX4060Ti", (8, 9)),
    ("RTX4070", (8, 9)),
    ("RTX4070SUPER", (8, 9)),
    ("RTX4070Ti", (8, 9)),
    ("RTX4070TiSUPER", (8, 9)),
    ("RTX4080", (8, 9)),
    ("RTX4080SUPER", (8, 9)),
    ("RTX4090", (8, 9)),
    ("RTX5060", (12, 0)),
    ("RTX5060Ti", (12, 0)),
    ("RTX5070", (12, 0)),
    ("RTX5070Ti", (12, 0)),
    ("RTX5080", (12, 0)),
    ("RTX5090", (12, 0)),
    ("RTX6000", (7, 5)),
    ("RTX2000Ada", (8, 9)),
    ("RTX4000Ada", (8, 9)),
    ("RTX6000Ada", (8, 9)),
    ("RTXPRO4500", (12, 0)),
    ("RTXPRO6000", (12, 0)),
    ("T4", (7, 5)),
    ("V100", (7, 0)),
    ("GH200", (9, 0)),
];

pub const AMD: &[&str] = &[
    "MI100", "MI210", "MI250", "MI250X", "MI300A", "MI300X", "MI308X", "MI325X", "MI350X", "MI355X",
];

pub const INTEL: &[&str] = &["Gaudi", "Gaudi2", "Gaudi3"];

pub const TENSTORRENT: &[&str] = &[
    "n150",
    "n300",
    "tt-galaxy-wh",
    "p100a",
    "p150",
    "p300",
    "tt-galaxy-bh",
];

/// TPU versions; a TPU name is `<version>-<cores>` (`v5litepod-8`).
pub const TPU_VERSIONS: &[&str] = &["v2", "v3", "v4", "v5p", "v5litepod", "v6e"];

/// Compute capability of an NVIDIA GPU name (case-insensitive), `None` when unknown.
pub fn compute_capability(name: &str) -> Option<(u32, u32)> {
    NVIDIA
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, cc)| cc)
}

fn in_list(list: &[&str], name: &str) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// `(version, cores)` of a TPU name such as `v5litepod-8`.
pub fn split_tpu(name: &str) -> Option<(&str, &str)> {
    let (version, cores) = name.split_once('-')?;
    (!cores.is_empty() && cores.bytes().all(|b| b.is_ascii_digit())).then_some((version, cores))
}

/// Every vendor that makes an accelerator with this name (dstack's server-side detection).
pub fn vendors_by_name(name: &str) -> Vec<Vendor> {
    let mut out = Vec::new();
    if NVIDIA.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
        out.push(Vendor::Nvidia);
    }
    if in_list(AMD, name) {
        out.push(Vendor::Amd);
    }
    if in_list(INTEL, name) {
        out.push(Vendor::Intel);
    }
    if in_list(TENSTORRENT, name) {
        out.push(Vendor::Tenstorrent);
    }
    if split_tpu(name).is_some_and(|(version, _)| in_list(TPU_VERSIONS, version)) {
        out.push(Vendor::Google);
    }
    out
}

/// The vendor dstack infers for a list of GPU names: set only when every name is known and all
/// of them belong to one vendor.
pub fn infer_vendor(names: &[String]) -> Option<Vendor> {
    let mut found: Option<Option<Vendor>> = None;
    for name in names {
        let vendors = vendors_by_name(name);
        let this = match vendors.as_slice() {
            [] => None,
            [v] => Some(*v),
            _ => return None,
        };
        match found {
            None => found = Some(this),
            Some(prev) if prev == this => {}
            Some(_) => return None,
        }
    }
    found.flatten()
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
    }
}
