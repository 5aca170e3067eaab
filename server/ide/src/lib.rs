//! The analysis core of dstack-lsp. Editor-level types only: byte offsets, strings, plain structs.
//! No LSP types, no tokio, no I/O. Every entry point takes a [`Document`] and returns plain data.

pub mod bridge;
pub mod code_actions;
pub mod completion;
pub mod config_type;
pub mod diagnostics;
pub mod document;
pub mod expansion;
pub mod hover;
pub mod navigation;
pub mod offers;
#[cfg(test)]
pub mod test_util;
pub mod walk;

pub use code_actions::{CodeAction, TextEdit, code_actions};
pub use completion::{CompletionItem, CompletionKind, completions};
pub use config_type::{ConfigType, config_type};
pub use diagnostics::{Diagnostic, Severity, diagnostics};
pub use document::{Document, TextKey};
pub use dstack_syntax::TextRange;
/// The YAML tree and values, so that the server's own small readers (`~/.dstack/config.yml`,
/// live request bodies) need no other core crate.
pub use dstack_syntax::{Node, Parse, ScalarValue, parse};
pub use dstack_values::Value;
pub use hover::{Hover, hover};
pub use navigation::references::references_in;
pub use navigation::{
    Definition, DefinitionKind, Symbol, SymbolKind, definitions_in, document_symbols,
    folding_ranges, reference_at, selection_ranges,
};
pub use offers::{CodeLens, code_lenses, offers_for, offers_hover_section};

use std::sync::Arc;

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

/// Default of `dstack.maxFileSize`: real dstack files are a few KB; a 1 MiB one takes well
/// under a second to analyse.
pub const DEFAULT_MAX_FILE_SIZE: usize = 1 << 20;

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

/// The whole configuration as a value (for a live server's plan request), or `None` when an
/// alias in it is not expanded (see [`expansion`]) or it is larger than the live body allows.
pub fn configuration_value(doc: &Document) -> Option<dstack_values::Value> {
    let root = doc.parse.root.as_ref()?;
    bridge::to_value_within(&doc.parse, doc.expansion(), root, bridge::BODY_LIMIT)
}

/// Builds what the first completion or hover would otherwise build on the spot: the catalog's
/// GPU ranking and regions, and every property's rendered documentation. Call it off the request
/// path (after start-up, after a catalog change) so that no request pays for it.
pub fn warm_up(config: &AnalysisConfig) {
    completion::warm_up(config);
    hover::warm_up();
}
