//! Vendors and CPU architectures as catalog rows spell them.

use dstack_values::cpu::CpuArch;
use dstack_values::gpu_names::Vendor;

/// A vendor as a catalog row spells it (gpuhunt's names, any case; no aliases).
pub fn parse_vendor(s: &str) -> Option<Vendor> {
    Vendor::ALL
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s))
}

/// A CPU architecture as a catalog row spells it (`x86` / `arm`, any case).
pub fn parse_cpu_arch(s: &str) -> Option<CpuArch> {
    [CpuArch::X86, CpuArch::Arm]
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(s))
}
