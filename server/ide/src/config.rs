//! The settings the analysis reads: plain data the server builds from client settings.

use std::sync::Arc;

/// Default of `dstack.maxFileSize`: real dstack files are a few KB; a 1 MiB one takes well
/// under a second to analyse.
pub const DEFAULT_MAX_FILE_SIZE: usize = 1 << 20;

/// Settings the analysis reads. Built by the server from client settings; plain data.
/// `Default`: offer previews on, the embedded catalog, every backend with its defaults.
#[derive(Clone, Debug)]
pub struct AnalysisConfig {
    /// Show offer previews (hover on resources, code lens).
    pub offers_enabled: bool,
    /// Catalog for offer previews; `None` = the embedded one.
    pub catalog: Option<Arc<dstack_offers::Catalog>>,
    /// The dstack server's backends (`~/.dstack/server/config.yml`), as far as offers care.
    pub backends: Arc<dstack_offers::BackendSettings>,
    /// Everything [`diagnostics`] reads from the settings (and so what caches of their results
    /// are keyed by).
    pub diagnostics: DiagnosticsConfig,
}

/// The settings diagnostics depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiagnosticsConfig {
    /// Above this many bytes only the YAML syntax is checked (`dstack.maxFileSize`).
    pub max_file_size: usize,
}

impl Default for DiagnosticsConfig {
    fn default() -> DiagnosticsConfig {
        DiagnosticsConfig {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl Default for AnalysisConfig {
    fn default() -> AnalysisConfig {
        AnalysisConfig {
            offers_enabled: true,
            catalog: None,
            backends: Arc::default(),
            diagnostics: DiagnosticsConfig::default(),
        }
    }
}
