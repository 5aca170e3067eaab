//! Completion: keys valid at the cursor, values for enums and dstack's own syntaxes, skeletons.

use crate::{AnalysisConfig, Document, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Property,
    Value,
    Enum,
    Snippet,
    Gpu,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// Text that replaces `replace`; a snippet with `$1`/`$0` tab stops when `is_snippet`.
    pub insert_text: String,
    pub is_snippet: bool,
    pub replace: TextRange,
    pub sort_text: Option<String>,
}

pub fn completions(_doc: &Document, _offset: u32, _config: &AnalysisConfig) -> Vec<CompletionItem> {
    Vec::new()
}
