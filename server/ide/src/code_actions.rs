//! Quick fixes: did-you-mean keys and values, removed properties, quoting YAML 1.1 scalars, secrets.
//!
//! Every fix is computed by the diagnostics pass and carried on its [`crate::Diagnostic`]; this module
//! only picks the ones that touch the requested range.

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

/// The quick fixes of every diagnostic that overlaps `range`.
pub fn code_actions(doc: &Document, range: TextRange, config: &AnalysisConfig) -> Vec<CodeAction> {
    let mut out = Vec::new();
    for d in crate::diagnostics(doc, config) {
        let touches = d.range.start <= range.end && range.start <= d.range.end;
        if !touches {
            continue;
        }
        for fix in d.fixes {
            out.push(CodeAction {
                title: fix.title,
                edits: fix.edits,
                fixes: Some(d.code),
                preferred: fix.preferred,
            });
        }
    }
    out
}
