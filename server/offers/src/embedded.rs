//! The default catalog compiled into the binary: one gpuhunt CSV per provider under `data/`,
//! written by `data/generate.py` from the public facts listed there (see `data/README.md`).

use crate::catalog::store::Catalog;

/// Date the embedded prices were collected (list prices as published on that date).
pub const EMBEDDED_DATE: &str = "2026-11-27";

const FILES: &[(&str, &str)] = &[
    ("aws", include_str!("../data/aws.csv")),
    ("azure", include_str!("../data/azure.csv")),
    ("gcp", include_str!("../data/gcp.csv")),
    ("lambdalabs", include_str!("../data/lambdalabs.csv")),
    ("nebius", include_str!("../data/nebius.csv")),
    ("oci", include_str!("../data/oci.csv")),
    ("runpod", include_str!("../data/runpod.csv")),
    ("verda", include_str!("../data/verda.csv")),
];

impl Catalog {
    /// The embedded catalog, parsed once per process and shared (what the language server and
    /// the analysis layer should use unless the user points at another catalog).
    pub fn embedded_shared() -> &'static Catalog {
        static SHARED: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        SHARED.get_or_init(Catalog::embedded)
    }

    /// The embedded default catalog, freshly parsed (about a millisecond).
    pub fn embedded() -> Catalog {
        let mut c = Catalog::new();
        for (provider, text) in FILES {
            c.add_csv(provider, text);
        }
        c.set_source(format!("embedded catalog ({EMBEDDED_DATE})"));
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_is_clean() {
        let c = Catalog::embedded();
        assert!(c.warnings().is_empty(), "{:?}", c.warnings().first());
        assert!(c.len() > 300, "{}", c.len());
        assert_eq!(c.providers().len(), FILES.len());
        assert_eq!(Catalog::embedded_shared().len(), c.len());
        let regions = c.backend_regions();
        assert!(regions.contains(&("gcp", "us-central1")));
        assert!(regions.contains(&("lambda", "us-east-1")));
        assert!(!regions.iter().any(|(_, r)| *r == "us-central1-a"));
    }
}
