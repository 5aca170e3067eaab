//! Accelerators that gpuhunt 0.1.34 (dstack 0.22.5's catalog library) knows by name, with vendor and memory.
//!
//! dstack infers a vendor only when a name matches this list exactly (ignoring case), or matches the TPU
//! pattern `<version>-<cores>`. Names outside the list are still accepted by the parser.
//!
//! Over 600 lines: one cohesive table (every accelerator name gpuhunt knows), read top to bottom.

/// An accelerator vendor as dstack spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vendor {
    Nvidia,
    Amd,
    Google,
    Intel,
    Tenstorrent,
}

impl Vendor {
    pub const ALL: [Vendor; 5] = [
        Vendor::Nvidia,
        Vendor::Amd,
        Vendor::Google,
        Vendor::Intel,
        Vendor::Tenstorrent,
    ];

    /// The value dstack stores (`nvidia`, `amd`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Nvidia => "nvidia",
            Vendor::Amd => "amd",
            Vendor::Google => "google",
            Vendor::Intel => "intel",
            Vendor::Tenstorrent => "tenstorrent",
        }
    }

    /// Name for prose: "NVIDIA", "AMD", "Google TPU"…
    pub fn display(self) -> &'static str {
        match self {
            Vendor::Nvidia => "NVIDIA",
            Vendor::Amd => "AMD",
            Vendor::Google => "Google TPU",
            Vendor::Intel => "Intel Gaudi",
            Vendor::Tenstorrent => "Tenstorrent",
        }
    }

    /// dstack's vendor spelling rules: any case, plus the aliases `tpu` (Google) and `tt` (Tenstorrent).
    pub fn from_token(token: &str) -> Option<Vendor> {
        match token.to_lowercase().as_str() {
            "nvidia" => Some(Vendor::Nvidia),
            "amd" => Some(Vendor::Amd),
            "google" | "tpu" => Some(Vendor::Google),
            "intel" => Some(Vendor::Intel),
            "tenstorrent" | "tt" => Some(Vendor::Tenstorrent),
            _ => None,
        }
    }

    /// Whether dstack's default image can run this vendor's accelerators (server rule: others need `image`).
    pub fn default_image_supports(self) -> bool {
        matches!(self, Vendor::Nvidia | Vendor::Google)
    }
}

/// One known accelerator model (a name can appear with several memory sizes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accelerator {
    pub name: &'static str,
    pub vendor: Vendor,
    pub memory_gb: u32,
    /// NVIDIA only.
    pub compute_capability: Option<(u32, u32)>,
}

/// Known NVIDIA, AMD, Intel and Tenstorrent models (Google TPUs are matched by [`TPU_VERSIONS`]).
pub const ACCELERATORS: &[Accelerator] = &[
    Accelerator {
        name: "A10",
        vendor: Vendor::Nvidia,
        memory_gb: 24,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "A16",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "A40",
        vendor: Vendor::Nvidia,
        memory_gb: 48,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "A100",
        vendor: Vendor::Nvidia,
        memory_gb: 40,
        compute_capability: Some((8, 0)),
    },
    Accelerator {
        name: "A100",
        vendor: Vendor::Nvidia,
        memory_gb: 80,
        compute_capability: Some((8, 0)),
    },
    Accelerator {
        name: "A10G",
        vendor: Vendor::Nvidia,
        memory_gb: 24,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "A4000",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "A4500",
        vendor: Vendor::Nvidia,
        memory_gb: 20,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "A5000",
        vendor: Vendor::Nvidia,
        memory_gb: 24,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "A6000",
        vendor: Vendor::Nvidia,
        memory_gb: 48,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "H100",
        vendor: Vendor::Nvidia,
        memory_gb: 80,
        compute_capability: Some((9, 0)),
    },
    Accelerator {
        name: "H100NVL",
        vendor: Vendor::Nvidia,
        memory_gb: 94,
        compute_capability: Some((9, 0)),
    },
    Accelerator {
        name: "H200",
        vendor: Vendor::Nvidia,
        memory_gb: 141,
        compute_capability: Some((9, 0)),
    },
    Accelerator {
        name: "H200NVL",
        vendor: Vendor::Nvidia,
        memory_gb: 141,
        compute_capability: Some((9, 0)),
    },
    Accelerator {
        name: "B200",
        vendor: Vendor::Nvidia,
        memory_gb: 180,
        compute_capability: Some((10, 0)),
    },
    Accelerator {
        name: "GB200",
        vendor: Vendor::Nvidia,
        memory_gb: 186,
        compute_capability: Some((10, 0)),
    },
    Accelerator {
        name: "B300",
        vendor: Vendor::Nvidia,
        memory_gb: 270,
        compute_capability: Some((10, 0)),
    },
    Accelerator {
        name: "GB300",
        vendor: Vendor::Nvidia,
        memory_gb: 270,
        compute_capability: Some((10, 0)),
    },
    Accelerator {
        name: "L4",
        vendor: Vendor::Nvidia,
        memory_gb: 24,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "L40",
        vendor: Vendor::Nvidia,
        memory_gb: 48,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "L40S",
        vendor: Vendor::Nvidia,
        memory_gb: 48,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "P100",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((6, 0)),
    },
    Accelerator {
        name: "RTX2060",
        vendor: Vendor::Nvidia,
        memory_gb: 6,
        compute_capability: Some((7, 5)),
    },
    Accelerator {
        name: "RTX2060",
        vendor: Vendor::Nvidia,
        memory_gb: 12,
        compute_capability: Some((7, 5)),
    },
    Accelerator {
        name: "RTX2060SUPER",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((7, 5)),
    },
    Accelerator {
        name: "RTX2070",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((7, 5)),
    },
    Accelerator {
        name: "RTX2070SUPER",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((7, 5)),
    },
    Accelerator {
        name: "RTX2080",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((7, 5)),
    },
    Accelerator {
        name: "RTX2080SUPER",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((7, 5)),
    },
    Accelerator {
        name: "RTX2080Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 11,
        compute_capability: Some((7, 5)),
    },
    Accelerator {
        name: "RTX3050",
        vendor: Vendor::Nvidia,
        memory_gb: 6,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX3050",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX3060",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX3060",
        vendor: Vendor::Nvidia,
        memory_gb: 12,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX3060Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX3070",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX3070Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX3080",
        vendor: Vendor::Nvidia,
        memory_gb: 10,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX3080Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 12,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX3090",
        vendor: Vendor::Nvidia,
        memory_gb: 24,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX3090Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 24,
        compute_capability: Some((8, 6)),
    },
    Accelerator {
        name: "RTX4060",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX4060Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX4060Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX4070",
        vendor: Vendor::Nvidia,
        memory_gb: 12,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX4070SUPER",
        vendor: Vendor::Nvidia,
        memory_gb: 12,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX4070Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 12,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX4070TiSUPER",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX4080",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX4080SUPER",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX4090",
        vendor: Vendor::Nvidia,
        memory_gb: 24,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX5060",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((12, 0)),
    },
    Accelerator {
        name: "RTX5060Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 8,
        compute_capability: Some((12, 0)),
    },
    Accelerator {
        name: "RTX5060Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((12, 0)),
    },
    Accelerator {
        name: "RTX5070",
        vendor: Vendor::Nvidia,
        memory_gb: 12,
        compute_capability: Some((12, 0)),
    },
    Accelerator {
        name: "RTX5070Ti",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((12, 0)),
    },
    Accelerator {
        name: "RTX5080",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((12, 0)),
    },
    Accelerator {
        name: "RTX5090",
        vendor: Vendor::Nvidia,
        memory_gb: 32,
        compute_capability: Some((12, 0)),
    },
    Accelerator {
        name: "RTX6000",
        vendor: Vendor::Nvidia,
        memory_gb: 24,
        compute_capability: Some((7, 5)),
    },
    Accelerator {
        name: "RTX2000Ada",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX4000Ada",
        vendor: Vendor::Nvidia,
        memory_gb: 20,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTX6000Ada",
        vendor: Vendor::Nvidia,
        memory_gb: 48,
        compute_capability: Some((8, 9)),
    },
    Accelerator {
        name: "RTXPRO4500",
        vendor: Vendor::Nvidia,
        memory_gb: 32,
        compute_capability: Some((12, 0)),
    },
    Accelerator {
        name: "RTXPRO6000",
        vendor: Vendor::Nvidia,
        memory_gb: 96,
        compute_capability: Some((12, 0)),
    },
    Accelerator {
        name: "T4",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((7, 5)),
    },
    Accelerator {
        name: "V100",
        vendor: Vendor::Nvidia,
        memory_gb: 16,
        compute_capability: Some((7, 0)),
    },
    Accelerator {
        name: "V100",
        vendor: Vendor::Nvidia,
        memory_gb: 32,
        compute_capability: Some((7, 0)),
    },
    Accelerator {
        name: "GH200",
        vendor: Vendor::Nvidia,
        memory_gb: 96,
        compute_capability: Some((9, 0)),
    },
    Accelerator {
        name: "MI100",
        vendor: Vendor::Amd,
        memory_gb: 32,
        compute_capability: None,
    },
    Accelerator {
        name: "MI210",
        vendor: Vendor::Amd,
        memory_gb: 64,
        compute_capability: None,
    },
    Accelerator {
        name: "MI250",
        vendor: Vendor::Amd,
        memory_gb: 128,
        compute_capability: None,
    },
    Accelerator {
        name: "MI250X",
        vendor: Vendor::Amd,
        memory_gb: 128,
        compute_capability: None,
    },
    Accelerator {
        name: "MI300A",
        vendor: Vendor::Amd,
        memory_gb: 128,
        compute_capability: None,
    },
    Accelerator {
        name: "MI300X",
        vendor: Vendor::Amd,
        memory_gb: 192,
        compute_capability: None,
    },
    Accelerator {
        name: "MI308X",
        vendor: Vendor::Amd,
        memory_gb: 128,
        compute_capability: None,
    },
    Accelerator {
        name: "MI325X",
        vendor: Vendor::Amd,
        memory_gb: 288,
        compute_capability: None,
    },
    Accelerator {
        name: "MI350X",
        vendor: Vendor::Amd,
        memory_gb: 288,
        compute_capability: None,
    },
    Accelerator {
        name: "MI355X",
        vendor: Vendor::Amd,
        memory_gb: 288,
        compute_capability: None,
    },
    Accelerator {
        name: "Gaudi",
        vendor: Vendor::Intel,
        memory_gb: 32,
        compute_capability: None,
    },
    Accelerator {
        name: "Gaudi2",
        vendor: Vendor::Intel,
        memory_gb: 96,
        compute_capability: None,
    },
    Accelerator {
        name: "Gaudi3",
        vendor: Vendor::Intel,
        memory_gb: 128,
        compute_capability: None,
    },
    Accelerator {
        name: "n150",
        vendor: Vendor::Tenstorrent,
        memory_gb: 12,
        compute_capability: None,
    },
    Accelerator {
        name: "n300",
        vendor: Vendor::Tenstorrent,
        memory_gb: 24,
        compute_capability: None,
    },
    Accelerator {
        name: "tt-galaxy-wh",
        vendor: Vendor::Tenstorrent,
        memory_gb: 12,
        compute_capability: None,
    },
    Accelerator {
        name: "p100a",
        vendor: Vendor::Tenstorrent,
        memory_gb: 28,
        compute_capability: None,
    },
    Accelerator {
        name: "p150",
        vendor: Vendor::Tenstorrent,
        memory_gb: 32,
        compute_capability: None,
    },
    Accelerator {
        name: "p300",
        vendor: Vendor::Tenstorrent,
        memory_gb: 32,
        compute_capability: None,
    },
    Accelerator {
        name: "p300",
        vendor: Vendor::Tenstorrent,
        memory_gb: 64,
        compute_capability: None,
    },
    Accelerator {
        name: "tt-galaxy-bh",
        vendor: Vendor::Tenstorrent,
        memory_gb: 32,
        compute_capability: None,
    },
];

/// TPU generations; a TPU name is `<version>-<digits>` such as `v5litepod-8`.
pub const TPU_VERSIONS: &[&str] = &["v2", "v3", "v4", "v5p", "v5litepod", "v6e"];

/// All table rows for a name, ignoring case.
pub fn lookup(name: &str) -> impl Iterator<Item = &'static Accelerator> + '_ {
    ACCELERATORS
        .iter()
        .filter(move |a| a.name.eq_ignore_ascii_case(name))
}

/// `(version, cores)` when `name` is a TPU name like `v5p-1024`.
pub fn tpu_parts(name: &str) -> Option<(&'static str, u32)> {
    // dstack splits at the first `-`: `v5litepod-8` → (`v5litepod`, `8`).
    let (version, cores) = name.split_once('-')?;
    let version = TPU_VERSIONS
        .iter()
        .find(|v| v.eq_ignore_ascii_case(version))?;
    if cores.is_empty() || !cores.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((version, cores.parse().unwrap_or(u32::MAX)))
}

/// The vendor of a known name, or `None` for unknown names.
pub fn vendor_of(name: &str) -> Option<Vendor> {
    if tpu_parts(name).is_some() {
        return Some(Vendor::Google);
    }
    lookup(name).next().map(|a| a.vendor)
}

/// The vendor dstack's server fills in for a list of names: only when every name is known and all share one vendor.
pub fn common_vendor(names: &[String]) -> Option<Vendor> {
    let mut found: Option<Vendor> = None;
    for name in names {
        let v = vendor_of(name)?;
        if found.is_some_and(|f| f != v) {
            return None;
        }
        found = Some(v);
    }
    found
}

/// Distinct memory sizes (GB) known for a name, ascending.
pub fn memory_sizes(name: &str) -> Vec<u32> {
    let mut sizes: Vec<u32> = lookup(name).map(|a| a.memory_gb).collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// Distinct known names of one vendor, in table order.
pub fn names_of(vendor: Vendor) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for a in ACCELERATORS.iter().filter(|a| a.vendor == vendor) {
        if !out.contains(&a.name) {
            out.push(a.name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendors_by_name() {
        assert_eq!(vendor_of("a100"), Some(Vendor::Nvidia));
        assert_eq!(vendor_of("Mi300X"), Some(Vendor::Amd));
        assert_eq!(vendor_of("Gaudi2"), Some(Vendor::Intel));
        assert_eq!(vendor_of("n300"), Some(Vendor::Tenstorrent));
        assert_eq!(vendor_of("v5litepod-8"), Some(Vendor::Google));
        assert_eq!(vendor_of("v5litepod"), None);
        assert_eq!(vendor_of("v7-8"), None);
        assert_eq!(vendor_of("UNKNOWN1000"), None);
        assert_eq!(
            common_vendor(&["a40".into(), "l40".into()]),
            Some(Vendor::Nvidia)
        );
        assert_eq!(common_vendor(&["A100".into(), "MI300X".into()]), None);
        assert_eq!(common_vendor(&["A100".into(), "X1".into()]), None);
        assert_eq!(memory_sizes("A100"), [40, 80]);
        assert_eq!(Vendor::from_token("TT"), Some(Vendor::Tenstorrent));
    }
}
