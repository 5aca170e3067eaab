//! Diagnostics: YAML syntax errors, then validation against the model and dstack's rules.

use crate::{AnalysisConfig, Document, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// Stable code, such as `yaml-syntax`, `unknown-key`, `gpu-spec`.
    pub code: &'static str,
    pub message: String,
}

pub fn diagnostics(doc: &Document, _config: &AnalysisConfig) -> Vec<Diagnostic> {
    doc.parse
        .errors
        .iter()
        .map(|e| Diagnostic {
            range: e.range,
            severity: Severity::Error,
            code: "yaml-syntax",
            message: e.message.clone(),
        })
        .collect()
}
