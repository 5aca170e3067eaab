//! Offer previews: the code lens text and hover sections built from the matcher's results.

use crate::{AnalysisConfig, Document, TextRange};

#[derive(Clone, Debug, PartialEq)]
pub struct CodeLens {
    pub range: TextRange,
    pub title: String,
}

pub fn code_lenses(_doc: &Document, _config: &AnalysisConfig) -> Vec<CodeLens> {
    Vec::new()
}
