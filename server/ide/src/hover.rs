//! Hover: docs for keys, and what dstack will understand for values of its syntaxes.

use crate::{AnalysisConfig, Document, TextRange};

#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(_doc: &Document, _offset: u32, _config: &AnalysisConfig) -> Option<Hover> {
    None
}
