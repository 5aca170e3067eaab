//! The analysis core of dstack-lsp. Editor-level types only: byte offsets, strings, plain structs.
//! No LSP types, no tokio, no I/O. Every entry point takes a [`Document`] and returns plain data.

pub mod bridge;
pub mod code_actions;
pub mod completion;
pub mod config_type;
pub mod diagnostics;
pub mod document;
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
pub use document::Document;
pub use dstack_syntax::TextRange;
pub use hover::{Hover, hover};
pub use navigation::{
    Definition, DefinitionKind, Symbol, SymbolKind, definitions_in, document_symbols,
    folding_ranges, reference_at, selection_ranges,
};
pub use offers::{CodeLens, code_lenses};

/// Settings the analysis reads. Built by the server from client settings; plain data.
#[derive(Clone, Debug, Default)]
pub struct AnalysisConfig {
    /// Show offer previews (hover on resources, code lens).
    pub offers_enabled: bool,
}
