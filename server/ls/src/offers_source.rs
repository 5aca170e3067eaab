//! Where offer previews come from, and the plain offer table the `dstack.offers` command and the
//! `offers` CLI print.
//!
//! * Catalog: the embedded one, or `dstack.catalog.path` (a gpuhunt directory of provider CSVs,
//!   the v3 bucket layout, or a `catalog.zip`) laid over it: a provider present in the loaded
//!   catalog replaces the embedded provider entirely (gpuhunt also replaces per provider); the
//!   others stay embedded.
//! * Backends: `~/.dstack/server/config.yml` (missing file: every backend with dstack's defaults).
//!
//! Loading is file I/O, so callers run it off the async runtime (`spawn_blocking`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dstack_offers::{BackendSettings, Catalog, OfferList, OfferView};
use serde_json::{Value, json};

/// Which catalog answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Embedded,
    Catalog,
    Live,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Embedded => "embedded",
            SourceKind::Catalog => "catalog",
            SourceKind::Live => "live",
        }
    }
}

/// What a load has to tell about the files themselves (entries skipped as not regular files):
/// the catalog's warnings that name no row.
pub fn load_notes(catalog: &Catalog) -> impl Iterator<Item = String> + '_ {
    catalog
        .warnings()
        .iter()
        .filter(|w| w.line == 0)
        .map(|w| format!("{}: {}", w.provider, w.message))
}

/// Loads `path` and lays it over the embedded catalog.
pub fn load_catalog(path: &Path) -> Result<Catalog, String> {
    let loaded = dstack_offers::fs::load_path(path)?;
    if loaded.is_empty() {
        return Err(format!(
            "{}: no catalog rows found (expected gpuhunt CSV files such as aws.csv, or a catalog.zip)",
            path.display()
        ));
    }
    let mut catalog = Catalog::embedded();
    catalog.merge(&loaded);
    let providers = loaded.providers().join(", ");
    catalog.set_source(format!("catalog {} ({providers})", path.display()));
    Ok(catalog)
}

/// `~` at the start of a settings path means the home directory.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// Backend settings from `~/.dstack/server/config.yml` for `project` (or the file's `main` or
/// first project). A missing or unreadable file means dstack's defaults.
pub fn load_backends(project: Option<&str>) -> BackendSettings {
    let Some(path) = home_dir().map(|h| h.join(".dstack/server/config.yml")) else {
        return BackendSettings::default();
    };
    load_backends_from(&path, project)
}

pub fn load_backends_from(path: &Path, project: Option<&str>) -> BackendSettings {
    match std::fs::read_to_string(path) {
        Ok(text) => BackendSettings::from_server_config(&text, project),
        Err(_) => BackendSettings::default(),
    }
}

/// One offer row as the command and the CLI print it (sizes in GiB, price in USD per hour).
#[derive(Clone, Debug, PartialEq)]
pub struct OfferRow {
    pub backend: String,
    pub region: String,
    pub instance: String,
    pub price: f64,
    pub spot: bool,
    pub gpu_name: Option<String>,
    pub gpu_count: i64,
    pub gpu_memory_gib: Option<f64>,
    pub cpus: i64,
    pub memory_gib: f64,
    pub disk_gib: f64,
}

impl OfferRow {
    pub fn to_json(&self) -> Value {
        json!({
            "backend": self.backend,
            "region": self.region,
            "instance": self.instance,
            "price": self.price,
            "spot": self.spot,
            "gpu_name": self.gpu_name,
            "gpu_count": self.gpu_count,
            "gpu_memory_gib": self.gpu_memory_gib,
            "cpus": self.cpus,
            "memory_gib": self.memory_gib,
            "disk_gib": self.disk_gib,
        })
    }

    /// The row as the analysis renders offers (hover tables).
    pub fn view(&self) -> OfferView<'_> {
        OfferView {
            backend: &self.backend,
            region: &self.region,
            instance: &self.instance,
            price: self.price,
            spot: self.spot,
            // Not shown by the renderers; a live offer's architecture is not read.
            cpu_arch: dstack_offers::CpuArch::X86,
            cpus: i32::try_from(self.cpus).unwrap_or(i32::MAX),
            memory_gb: self.memory_gib,
            gpu_count: i32::try_from(self.gpu_count).unwrap_or(i32::MAX),
            gpu_vendor: None,
            gpu_name: self.gpu_name.as_deref(),
            gpu_memory_gb: self.gpu_memory_gib,
            disk_gb: self.disk_gib,
            total_blocks: None,
        }
    }

    /// `8×H100 (80GB)` or `-` for CPU-only.
    pub fn gpus_text(&self) -> String {
        if self.gpu_count == 0 {
            return "-".to_string();
        }
        let name = self.gpu_name.as_deref().unwrap_or("GPU");
        match self.gpu_memory_gib.filter(|m| *m > 0.0) {
            Some(m) => format!("{}x{name} ({}GB)", self.gpu_count, trim_num(m)),
            None => format!("{}x{name}", self.gpu_count),
        }
    }
}

/// `80`, `44.7`: whole numbers without decimals, others with one.
fn trim_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Matched offers as rows, cheapest first.
pub fn rows(list: &OfferList<'_>) -> Vec<OfferRow> {
    list.iter()
        .map(|o| OfferRow {
            backend: o.backend.to_string(),
            region: o.region.to_string(),
            instance: o.instance.to_string(),
            price: o.price,
            spot: o.spot,
            gpu_name: o.gpu_name.map(str::to_string),
            gpu_count: i64::from(o.gpu_count),
            gpu_memory_gib: o.gpu_memory_gb,
            cpus: i64::from(o.cpus),
            memory_gib: o.memory_gb,
            disk_gib: o.disk_gb,
        })
        .collect()
}

/// `{"count": N, "offers": [...]}` with at most `max` rows (`count` is the full number).
pub fn offers_json(count: usize, rows: &[OfferRow], max: Option<usize>) -> Value {
    let shown = max.unwrap_or(usize::MAX);
    let offers: Vec<Value> = rows.iter().take(shown).map(OfferRow::to_json).collect();
    json!({"count": count, "offers": offers})
}

/// The shared, swappable sources the server reads when it builds an analysis config.
#[derive(Default)]
pub struct Sources {
    pub catalog: std::sync::RwLock<Option<Arc<Catalog>>>,
    pub backends: std::sync::RwLock<Arc<BackendSettings>>,
    /// Bumped by every `dstack.catalog.path` change: a load finishing after a newer setting
    /// must not win.
    catalog_generation: std::sync::atomic::AtomicU64,
}

impl Sources {
    /// Starts applying a new catalog setting; the ticket says whether it is still the latest.
    pub fn begin_catalog_change(&self) -> u64 {
        self.catalog_generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1
    }

    /// Whether no newer setting came since `ticket` (a queued load that lost can skip its work).
    pub fn is_current_catalog_change(&self, ticket: u64) -> bool {
        self.catalog_generation
            .load(std::sync::atomic::Ordering::SeqCst)
            == ticket
    }

    /// Installs `catalog` if no newer setting came since `ticket`; `false` when it is stale.
    pub fn finish_catalog_change(&self, ticket: u64, catalog: Option<Arc<Catalog>>) -> bool {
        let Ok(mut slot) = self.catalog.write() else {
            return false;
        };
        // Checked under the write lock, so a newer change cannot land in between.
        if !self.is_current_catalog_change(ticket) {
            return false;
        }
        *slot = catalog;
        true
    }

    pub fn catalog(&self) -> Option<Arc<Catalog>> {
        self.catalog.read().ok().and_then(|c| c.clone())
    }
    pub fn backends(&self) -> Arc<BackendSettings> {
        self.backends.read().map(|b| b.clone()).unwrap_or_default()
    }
    pub fn set_backends(&self, backends: BackendSettings) {
        if let Ok(mut b) = self.backends.write() {
            *b = Arc::new(backends);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loaded_providers_replace_embedded_ones() {
        let dir = std::env::temp_dir().join(format!("dstack-lsp-cat-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let header = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\n";
        let row = "gpu_1x_test,us-east-1,0.01,8,32,1,A100,80,False,512,nvidia,,x86,{}\n";
        let wrote = std::fs::write(dir.join("lambdalabs.csv"), format!("{header}{row}"));
        assert!(wrote.is_ok());
        let catalog = load_catalog(&dir).unwrap_or_else(|e| panic!("{e}"));
        let embedded = Catalog::embedded();
        let lambda = |c: &Catalog| c.iter().filter(|i| i.provider == "lambdalabs").count();
        assert_eq!(lambda(&catalog), 1);
        assert!(lambda(&embedded) > 1);
        // Other providers stay as embedded.
        let aws = |c: &Catalog| c.iter().filter(|i| i.provider == "aws").count();
        assert_eq!(aws(&catalog), aws(&embedded));
        assert!(catalog.source().is_some_and(|s| s.contains("lambdalabs")));
        let missing = load_catalog(&dir.join("nope"));
        assert!(missing.is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_late_catalog_load_loses_to_a_newer_setting() {
        let sources = Sources::default();
        let slow = sources.begin_catalog_change(); // path set: load runs
        let cleared = sources.begin_catalog_change(); // path cleared 0.2 s later
        assert!(sources.finish_catalog_change(cleared, None));
        // The first load finishes last: discarded.
        let late = Some(Arc::new(Catalog::embedded()));
        assert!(!sources.finish_catalog_change(slow, late));
        assert!(sources.catalog().is_none());
    }

    #[test]
    fn rows_render_as_json() {
        let row = OfferRow {
            backend: "aws".into(),
            region: "us-east-1".into(),
            instance: "g5.xlarge".into(),
            price: 1.006,
            spot: false,
            gpu_name: Some("A10G".into()),
            gpu_count: 1,
            gpu_memory_gib: Some(24.0),
            cpus: 4,
            memory_gib: 16.0,
            disk_gib: 100.0,
        };
        assert_eq!(row.gpus_text(), "1xA10G (24GB)");
        expect_test::expect![[r#"{"count":3,"offers":[{"backend":"aws","cpus":4,"disk_gib":100.0,"gpu_count":1,"gpu_memory_gib":24.0,"gpu_name":"A10G","instance":"g5.xlarge","memory_gib":16.0,"price":1.006,"region":"us-east-1","spot":false}]}"#]]
            .assert_eq(&offers_json(3, &[row.clone(), row], Some(1)).to_string());
    }
}
