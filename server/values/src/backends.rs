//! `backends[]` values (dstack 0.22.5's backend types) with a short description each.

use crate::{ValueCompletion, ValueError, code};

/// `(value, description)`.
pub const BACKENDS: &[(&str, &str)] = &[
    ("amddevcloud", "AMD Developer Cloud (AMD Instinct GPUs)"),
    ("aws", "Amazon Web Services"),
    ("azure", "Microsoft Azure"),
    ("cloudrift", "CloudRift GPU cloud"),
    ("crusoe", "Crusoe Cloud"),
    ("cudo", "Cudo Compute"),
    ("datacrunch", "DataCrunch"),
    ("daytona", "Daytona sandboxes"),
    ("digitalocean", "DigitalOcean GPU droplets"),
    ("dstack", "dstack Sky"),
    ("gcp", "Google Cloud (GPUs and TPUs)"),
    ("hotaisle", "Hot Aisle (AMD GPUs)"),
    ("jarvislabs", "JarvisLabs"),
    ("kubernetes", "a Kubernetes cluster"),
    ("lambda", "Lambda Cloud"),
    ("lium", "Lium"),
    ("remote", "SSH fleets (on-prem or existing machines)"),
    ("nebius", "Nebius AI Cloud"),
    ("oci", "Oracle Cloud Infrastructure"),
    ("runpod", "RunPod"),
    ("seeweb", "Seeweb"),
    ("tensordock", "TensorDock marketplace"),
    ("vastai", "Vast.ai marketplace"),
    ("verda", "Verda"),
    ("vultr", "Vultr"),
    ("slurm", "a Slurm cluster"),
];

/// Checks a backend name (exact, lowercase).
pub fn check(name: &str) -> Result<&'static str, ValueError> {
    BACKENDS
        .iter()
        .find(|(b, _)| *b == name)
        .map(|(b, _)| *b)
        .ok_or_else(|| {
            let fix = crate::closest(name, BACKENDS.iter().map(|(b, _)| *b));
            let close = fix
                .map(|b| format!(" (did you mean {}?)", code(b)))
                .unwrap_or_default();
            let e = ValueError::new(
                "backend",
                format!("{} is not a dstack backend{close}", code(name)),
            )
            .example("aws");
            match fix {
                Some(b) => e.with_fix(b),
                None => e,
            }
        })
}

/// Hover text.
pub fn describe(name: &str) -> Option<&'static str> {
    BACKENDS.iter().find(|(b, _)| *b == name).map(|(_, d)| *d)
}

/// All backends matching the prefix.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    crate::complete_from(BACKENDS, &partial.trim().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(check("aws"), Ok("aws"));
        assert_eq!(
            check("AWS").unwrap_err().message,
            "`AWS` is not a dstack backend (did you mean `aws`?)"
        );
        assert_eq!(BACKENDS.len(), 26);
        assert_eq!(complete("v").len(), 3);
    }
}
