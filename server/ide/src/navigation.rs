//! Outline, folding, selection ranges, and the names a configuration defines or references.

use crate::{Document, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Object,
    Array,
    Property,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefinitionKind {
    Volume,
    Fleet,
    Gateway,
}

/// A named resource a configuration defines (`type: volume` + `name: my-vol`) or references.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    pub kind: DefinitionKind,
    pub name: String,
    pub range: TextRange,
}

pub fn document_symbols(_doc: &Document) -> Vec<Symbol> {
    Vec::new()
}

/// Byte ranges of foldable blocks (the server turns them into line ranges).
pub fn folding_ranges(_doc: &Document) -> Vec<TextRange> {
    Vec::new()
}

/// Enclosing ranges at `offset`, innermost first.
pub fn selection_ranges(_doc: &Document, _offset: u32) -> Vec<TextRange> {
    Vec::new()
}

/// The volume/fleet/gateway this document defines, if it is such a configuration with a name.
pub fn definitions_in(_doc: &Document) -> Vec<Definition> {
    Vec::new()
}

/// A reference to a volume, fleet or gateway under the cursor.
pub fn reference_at(_doc: &Document, _offset: u32) -> Option<Definition> {
    None
}
