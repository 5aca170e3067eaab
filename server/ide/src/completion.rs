//! Completion: keys valid at the cursor, values for enums and dstack's own syntaxes, skeletons.
//!
//! Everything starts from the syntax crate's cursor context (key or value, the key path, the
//! partial token) and the model walk along that path ([`crate::walk`]); nothing else in the
//! document is visited, so the cost does not grow with the file.

use dstack_syntax::{CursorKind, NodeKind, cursor_context};
use std::collections::HashSet;

mod catalog_hints;
mod item;
mod keys;
mod values;

pub use item::{CompletionItem, CompletionKind};
use keys::{key_completions, skeletons};
use values::value_completions;
#[cfg(test)]
pub(crate) use {item::expand_snippet, values::syntax_values};

use crate::config::AnalysisConfig;
use crate::document::Document;

pub(crate) fn warm_up(config: &AnalysisConfig) {
    catalog_hints::hints(config);
    dstack_values::gpu::complete("");
}

pub fn completions(doc: &Document, offset: u32, config: &AnalysisConfig) -> Vec<CompletionItem> {
    let hints = catalog_hints::hints(config);
    let offset = clamp_offset(&doc.text, offset);
    if in_second_document(doc, offset) {
        return Vec::new();
    }
    let ctx = cursor_context(&doc.text, &doc.parse, offset);
    let mut items = match ctx.kind {
        CursorKind::Comment => return Vec::new(),
        _ if is_blank(doc) => skeletons(&ctx),
        CursorKind::Key => key_completions(doc, &ctx, offset, &hints),
        CursorKind::Value => value_completions(doc, &ctx, &hints),
        CursorKind::Unknown => Vec::new(),
    };
    let mut seen = HashSet::new();
    items.retain(|i| seen.insert(i.label.clone()));
    // `key:` with no space yet: `key:A100` would be one plain scalar, so insert the space too.
    if ctx.kind == CursorKind::Value {
        for item in &mut items {
            let start = item.replace.start as usize;
            if start > 0 && doc.text.as_bytes().get(start - 1) == Some(&b':') {
                item.insert_text.insert(0, ' ');
            }
        }
    }
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    items
}

/// A file with nothing but comments and blank lines gets one skeleton per type.
fn is_blank(doc: &Document) -> bool {
    match &doc.parse.root {
        None => true,
        Some(n) => matches!(&n.kind, NodeKind::Scalar(s) if s.text.trim().is_empty()),
    }
}

/// dstack reads only the first YAML document: nothing is offered in a second one.
fn in_second_document(doc: &Document, offset: u32) -> bool {
    doc.parse
        .second_document()
        .is_some_and(|second| second.start <= offset)
}

/// The offset clamped into the text and moved back to a character boundary.
fn clamp_offset(text: &str, offset: u32) -> u32 {
    let mut o = (offset as usize).min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    o as u32
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod exhaustive;
