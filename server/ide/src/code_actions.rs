//! Quick fixes: did-you-mean keys and values, removed properties, quoting YAML 1.1 scalars, secrets.

use crate::{AnalysisConfig, Document, TextRange};

#[derive(Clone, Debug, PartialEq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CodeAction {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// The diagnostic code this fixes, if any.
    pub fixes: Option<&'static str>,
    pub preferred: bool,
}

pub fn code_actions(_doc: &Document, _range: TextRange, _config: &AnalysisConfig) -> Vec<CodeAction> {
    Vec::new()
}
