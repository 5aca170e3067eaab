//! The analysis core of dstack-lsp. Editor-level types only: byte offsets, strings, plain structs.
//! No LSP types, no tokio, no I/O. Every entry point takes a [`Document`] and returns plain data.

// Every module is private: the names below are the whole API. Files sit in layers, each using
// only those below it (`tests/tools/import_cycles.py` checks there are no cycles):
// config, config_type, diagnostic, expansion → document → bridge, walk, docs → diagnostics →
// offers, hover, completion, navigation, code_actions.
mod bridge;
mod code_actions;
mod completion;
mod config;
mod config_type;
mod diagnostic;
mod diagnostics;
mod docs;
mod document;
mod expansion;
mod hover;
mod interpolation;
mod navigation;
mod offer_query;
mod offers;
#[cfg(test)]
mod test_util;
mod walk;

pub use bridge::to_value as node_value;
pub use code_actions::{CodeAction, code_actions};
pub use completion::{CompletionItem, CompletionKind, completions};
pub use config::{AnalysisConfig, DEFAULT_MAX_FILE_SIZE, DiagnosticsConfig};
pub use config_type::ConfigType;
pub use diagnostic::{Diagnostic, Fix, Severity, TextEdit};
pub use diagnostics::{
    CODES as DIAGNOSTIC_CODES, EDITOR_LIMIT as EDITOR_DIAGNOSTICS_LIMIT, diagnostics,
    for_editor as diagnostics_for_editor,
};
pub use document::{Document, TextKey, config_type};
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
pub use offer_query::OfferQuery;
pub use offers::{
    CodeLens, catalog as offer_catalog, code_lenses,
    listed_hover_section as listed_offers_hover_section, offers_for, offers_hover_section,
    prime as prime_offer_query, requirements as offer_requirements,
    summary_title as offers_summary_title,
};

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
    docs::warm_up();
}
