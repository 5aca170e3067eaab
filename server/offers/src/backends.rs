//! What each dstack backend does with its catalog rows before and after the resource filter
//! (dstack 0.22.5 `core/backends/*/compute.py`): default regions, which instance types it
//! supports, whether its disk is fixed or configurable (and the allowed sizes), its post
//! filters and price adjustments, and which features it has (multinode, privileged, …).

use crate::requirements::Range;

/// The backends the matcher knows by name; everything else gets generic rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Aws,
    Azure,
    Gcp,
    Oci,
    Nebius,
    Lambda,
    Runpod,
    Verda,
    CloudRift,
    Other,
}

/// How the offer's disk is chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Disk {
    /// The catalog's disk; the request must contain it.
    Fixed,
    /// Any size in the range; the offer gets the smallest size the request allows.
    Configurable(Range<f64>),
    /// Runpod: GPU pods any size from 1GB, CPU pods up to the flavour's catalog disk.
    Runpod,
}

pub const AWS_DEFAULT_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ap-southeast-1",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
];

pub const AZURE_DEFAULT_REGIONS: &[&str] = &[
    "centralus",
    "eastus",
    "eastus2",
    "southcentralus",
    "westus2",
    "westus3",
    "canadacentral",
    "francecentral",
    "germanywestcentral",
    "northeurope",
    "swedencentral",
    "uksouth",
    "westeurope",
    "southeastasia",
    "eastasia",
    "brazilsouth",
];

pub const GCP_DEFAULT_REGIONS: &[&str] = &[
    "northamerica-northeast1",
    "northamerica-northeast2",
    "us-central1",
    "us-east1",
    "us-east4",
    "us-east5",
    "us-south1",
    "us-west1",
    "us-west2",
    "us-west3",
    "us-west4",
    "southamerica-east1",
    "southamerica-west1",
    "europe-central2",
    "europe-north1",
    "europe-southwest1",
    "europe-west1",
    "europe-west2",
    "europe-west3",
    "europe-west4",
    "europe-west6",
    "europe-west8",
    "europe-west9",
    "asia-east1",
    "asia-east2",
    "asia-northeast1",
    "asia-northeast2",
    "asia-northeast3",
    "asia-south1",
    "asia-south2",
    "asia-southeast1",
    "asia-southeast2",
    "me-west1",
    "australia-southeast1",
    "australia-southeast2",
];

const CREATE_INSTANCE: &[&str] = &[
    "amddevcloud",
    "aws",
    "azure",
    "cloudrift",
    "crusoe",
    "datacrunch",
    "digitalocean",
    "gcp",
    "hotaisle",
    "jarvislabs",
    "lambda",
    "nebius",
    "oci",
    "seeweb",
    "verda",
    "vultr",
];
const MULTINODE: &[&str] = &[
    "aws",
    "azure",
    "crusoe",
    "gcp",
    "jarvislabs",
    "nebius",
    "oci",
    "remote",
    "runpod",
    "seeweb",
    "slurm",
    "vultr",
];
const RESERVATION: &[&str] = &["aws", "gcp"];

/// Backend features used to narrow the backends for a run.
pub fn can_create_instances(backend: &str) -> bool {
    CREATE_INSTANCE.contains(&backend)
}
/// Privileged containers and instance volumes are supported by the same backends as
/// instance creation in dstack 0.22.5.
pub fn supports_privileged(backend: &str) -> bool {
    CREATE_INSTANCE.contains(&backend)
}
pub fn supports_multinode(backend: &str) -> bool {
    MULTINODE.contains(&backend)
}
pub fn supports_reservation(backend: &str) -> bool {
    RESERVATION.contains(&backend)
}

/// dstack backend name of a gpuhunt provider (the catalog file's name).
pub fn backend_of_provider(provider: &str) -> &str {
    match provider {
        "lambdalabs" => "lambda",
        "digitalocean" => "amddevcloud",
        p => p,
    }
}

pub fn kind_of_provider(provider: &str) -> Kind {
    match provider {
        "aws" => Kind::Aws,
        "azure" => Kind::Azure,
        "gcp" => Kind::Gcp,
        "oci" => Kind::Oci,
        "nebius" => Kind::Nebius,
        "lambdalabs" => Kind::Lambda,
        "runpod" => Kind::Runpod,
        "verda" => Kind::Verda,
        "cloudrift" => Kind::CloudRift,
        _ => Kind::Other,
    }
}

impl Kind {
    pub fn default_regions(self) -> Option<&'static [&'static str]> {
        match self {
            Kind::Aws => Some(AWS_DEFAULT_REGIONS),
            Kind::Azure => Some(AZURE_DEFAULT_REGIONS),
            Kind::Gcp => Some(GCP_DEFAULT_REGIONS),
            _ => None,
        }
    }

    pub fn disk(self) -> Disk {
        let gb = |min: f64, max: Option<f64>| {
            Disk::Configurable(Range {
                min: Some(min),
                max,
            })
        };
        match self {
            Kind::Aws => gb(100.0, Some(16.0 * 1024.0)),
            Kind::Azure => gb(30.0, Some(4095.0)),
            Kind::Gcp => gb(20.0, Some(32.0 * 1024.0)),
            Kind::Oci => gb(50.0, Some(32.0 * 1024.0)),
            Kind::Nebius => gb(40.0, Some(8192.0)),
            Kind::Verda => gb(50.0, None),
            Kind::Runpod => Disk::Runpod,
            Kind::Lambda | Kind::CloudRift | Kind::Other => Disk::Fixed,
        }
    }
}

const AWS_FAMILIES: &[&str] = &[
    "m7i.", "c7i.", "r7i.", "t3.", "t2.small", "c5.", "m5.", "p6-b300.", "p6-b200.", "p5.", "p5e.",
    "p5en.", "p4d.", "p4de.", "g7.", "g7e.", "g6.", "g6e.", "gr6.", "g5.", "g4dn.",
];

const OCI_FAMILIES: &[&str] = &[
    "VM.Standard2.",
    "BM.Standard2.",
    "BM.Standard3.",
    "BM.Standard.E3.",
    "BM.Standard.E4.",
    "BM.Standard.E5.",
    "BM.Optimized3.",
    "VM.GPU3.",
    "BM.GPU3.",
    "BM.GPU4.",
    "VM.GPU.A10.",
    "BM.GPU.A10.",
];

const NEBIUS_PLATFORMS: &[&str] = &[
    "gpu-h100-sxm",
    "gpu-h200-sxm",
    "gpu-b200-sxm",
    "gpu-b200-sxm-a",
    "gpu-l40s-a",
    "gpu-l40s-d",
    "gpu-rtx6000",
    "cpu-d3",
    "cpu-e2",
];

const GCP_FAMILIES: &[&str] = &[
    "m4-",
    "c4-",
    "n4-",
    "h3-",
    "n2-",
    "e2-medium",
    "e2-standard-",
    "e2-highmem-",
    "e2-highcpu-",
    "m1-",
    "a2-",
    "a3-",
    "g2-",
];

/// Azure VM series dstack supports: `Standard_<prefix><digits><suffix>`.
const AZURE_SERIES: &[(&str, &[&str])] = &[
    ("D", &["s_v6"]),
    ("E", &["s_v6", "is_v6"]),
    ("F", &["s_v2"]),
    (
        "NC",
        &[
            "s_v3",
            "as_T4_v3",
            "ads_A100_v4",
            "ads_H100_v5",
            "adis_H100_v5",
        ],
    ),
    ("ND", &["rs_v2", "asr_v4", "amsr_A100_v4", "isr_H200_v5"]),
    ("NV", &["ads_A10_v5", "adms_A10_v5"]),
];

fn azure_supported(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("Standard_") else {
        return false;
    };
    AZURE_SERIES.iter().any(|(prefix, suffixes)| {
        let Some(after) = rest.strip_prefix(prefix) else {
            return false;
        };
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && suffixes.contains(&after.get(digits..).unwrap_or(""))
    })
}

/// `<version>-<cores>` with a known TPU version.
fn gcp_is_tpu(name: &str) -> bool {
    let mut parts = name.split('-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(v), Some(cores), None) => {
            dstack_values::gpu_names::TPU_VERSIONS.contains(&v)
                && !cores.is_empty()
                && cores.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

fn gcp_is_single_host_tpu(name: &str) -> bool {
    let mut parts = name.split('-');
    let (Some(version), Some(cores), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Ok(cores) = cores.trim().parse::<i64>() else {
        return false;
    };
    match version {
        "v2" | "v3" | "v5p" | "v5litepod" | "v6e" => cores <= 8,
        _ => false,
    }
}

pub fn gcp_supported(name: &str, gpu_name: Option<&str>) -> bool {
    if gcp_is_tpu(name) && !gcp_is_single_host_tpu(name) {
        return false;
    }
    if GCP_FAMILIES.iter().any(|f| name.starts_with(f)) {
        return true;
    }
    matches!(gpu_name, Some(g) if !matches!(g, "K80" | "P4" | "P100"))
}

/// The instance-type filter of a backend (AWS/OCI also accept `experimental_instance_types`).
pub fn instance_supported(kind: Kind, name: &str, experimental: &[String]) -> bool {
    match kind {
        Kind::Aws => {
            experimental.iter().any(|e| e == name)
                || AWS_FAMILIES.iter().any(|f| name.starts_with(f))
        }
        Kind::Oci => {
            experimental.iter().any(|e| e == name)
                || (!name.contains("Flex") && OCI_FAMILIES.iter().any(|f| name.starts_with(f)))
        }
        Kind::Azure => azure_supported(name),
        Kind::Nebius => {
            let mut parts = name.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some(platform), Some(_), None) => NEBIUS_PLATFORMS.contains(&platform),
                _ => false,
            }
        }
        _ => true,
    }
}

/// Nebius spot prices: the per-GPU price rounded up to 3 decimals (pricing policies allow no
/// more), times the GPU count. Exact decimal arithmetic on the price's shortest form.
pub fn nebius_spot_price(price: f64, gpu_count: i32) -> f64 {
    let units = i128::from(gpu_count.max(1));
    let text = format!("{price}");
    let (int_part, frac_part) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let digits = format!("{int_part}{frac_part}");
    let Ok(mantissa) = digits.parse::<i128>() else {
        return price;
    };
    let Some(scale) = 10i128.checked_pow(frac_part.len() as u32) else {
        return price;
    };
    // ceil(mantissa / scale / units * 1000) thousandths, then times units.
    let num = mantissa.saturating_mul(1000);
    let den = scale.saturating_mul(units);
    if den == 0 {
        return price;
    }
    let q = num.div_euclid(den) + i128::from(num.rem_euclid(den) != 0);
    format!("{}e-3", q.saturating_mul(units))
        .parse()
        .unwrap_or(price)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_filters() {
        assert!(azure_supported("Standard_NC24ads_A100_v4"));
        assert!(azure_supported("Standard_E16is_v6"));
        assert!(!azure_supported("Standard_D4s_v3"));
        assert!(!azure_supported("Standard_NCads_A100_v4"));
        assert!(gcp_supported("v5litepod-8", Some("v5litepod-8")));
        assert!(!gcp_supported("v5litepod-16", Some("v5litepod-16")));
        assert!(!gcp_supported("v4-8", Some("v4-8")));
        assert!(!gcp_supported("n1-standard-4", Some("P100")));
        assert!(gcp_supported("n1-standard-4", Some("T4")));
        assert!(!gcp_supported("n1-standard-4", None));
        assert!(instance_supported(
            Kind::Nebius,
            "gpu-h100-sxm 8gpu-128vcpu-1600gb",
            &[]
        ));
        assert!(!instance_supported(Kind::Oci, "VM.Standard.E4.Flex", &[]));
        assert!(instance_supported(
            Kind::Oci,
            "BM.GPU.H100.8",
            &["BM.GPU.H100.8".into()]
        ));
    }

    #[test]
    fn nebius_rounding() {
        assert_eq!(nebius_spot_price(1.2345, 1), 1.235);
        assert_eq!(nebius_spot_price(10.0001, 8), 10.008);
        assert_eq!(nebius_spot_price(0.5, 2), 0.5);
    }
}
