//! Hints from the offer catalog the previews use (the embedded one unless the server set
//! another): how many offers each GPU name has (to rank GPU name completions) and which regions
//! each backend has (to complete `regions` and `region`).
//!
//! Built once per catalog and cached: the embedded catalog's hints for good, a configured
//! catalog's until another one is configured.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use dstack_offers::{Catalog, gpu_offer_counts};

use crate::config::AnalysisConfig;

pub(super) struct Hints {
    /// Lowercased GPU name → position when sorted by offer count (0 = most offers).
    gpu_rank: HashMap<String, usize>,
    /// `(backend, region)` pairs, sorted, without duplicates.
    regions: Vec<(String, String)>,
}

/// The hints of the catalog `config` names.
pub(super) fn hints(config: &AnalysisConfig) -> Arc<Hints> {
    static EMBEDDED: OnceLock<Arc<Hints>> = OnceLock::new();
    static CONFIGURED: Mutex<Option<(Arc<Catalog>, Arc<Hints>)>> = Mutex::new(None);
    let Some(catalog) = &config.catalog else {
        return EMBEDDED
            .get_or_init(|| Arc::new(build(Catalog::embedded_shared())))
            .clone();
    };
    // A poisoned lock only loses the cache.
    let Ok(mut cached) = CONFIGURED.lock() else {
        return Arc::new(build(catalog));
    };
    if let Some((c, h)) = cached.as_ref()
        && Arc::ptr_eq(c, catalog)
    {
        return h.clone();
    }
    let h = Arc::new(build(catalog));
    *cached = Some((catalog.clone(), h.clone()));
    h
}

fn build(catalog: &Catalog) -> Hints {
    let gpu_rank = gpu_offer_counts(catalog)
        .into_iter()
        .enumerate()
        .map(|(i, g)| (g.name.to_lowercase(), i))
        .collect();
    let mut regions: Vec<(String, String)> = catalog
        .iter()
        .filter(|item| !item.location.is_empty())
        .map(|item| {
            let backend = dstack_offers::backends::backend_of_provider(item.provider);
            (
                backend.to_string(),
                region_of(backend, item.location).to_string(),
            )
        })
        .collect();
    regions.sort();
    regions.dedup();
    Hints { gpu_rank, regions }
}

/// GCP catalog rows are per zone (`us-central1-a`); `regions` takes the region (`us-central1`).
fn region_of<'a>(backend: &str, location: &'a str) -> &'a str {
    match location.rsplit_once('-') {
        Some((region, zone)) if backend == "gcp" && zone.len() == 1 => region,
        _ => location,
    }
}

impl Hints {
    /// The GPU's rank by offer count in the catalog, if the catalog has it.
    pub(super) fn gpu_rank(&self, name: &str) -> Option<usize> {
        self.gpu_rank.get(&name.to_lowercase()).copied()
    }

    /// Regions of the given backends (all backends when the list is empty), each once, with the
    /// backends that have it.
    pub(super) fn regions(&self, backends: &[&str]) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for (backend, region) in &self.regions {
            if !backends.is_empty() && !backends.contains(&backend.as_str()) {
                continue;
            }
            match out.iter_mut().find(|(r, _)| r == region) {
                Some((_, bs)) => {
                    if !bs.contains(backend) {
                        bs.push(backend.clone());
                    }
                }
                None => out.push((region.clone(), vec![backend.clone()])),
            }
        }
        out
    }
}
