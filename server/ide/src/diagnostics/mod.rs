//! Diagnostics: YAML syntax errors, then validation against the model and dstack's rules.
//!
//! The passes, in order:
//! - [`schema`]: structure against the model, as pydantic (configured by dstack) validates it:
//!   unknown keys, wrong types, enums, required keys, value syntaxes, removed/deprecated keys;
//! - [`rules`]: the cross-field checks dstack runs on the client (`dstack apply` fails on them);
//! - [`server`]: checks the dstack server runs when it gets the plan request (reported as warnings);
//! - [`pitfalls`]: YAML 1.1 surprises and hard-coded secrets (warnings).
//!
//! An error means `dstack apply` rejects the file; a warning means the file loads but something is
//! likely wrong (the server will reject it, or the value is not what it looks like).

mod grammars;
mod interp;
mod pitfalls;
mod rules;
mod schema;
mod server;
mod tree;

use crate::{AnalysisConfig, Document, TextRange};

pub(crate) use grammars::check_local_syntax;

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

/// A replacement the editor can apply to fix a diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<crate::TextEdit>,
    /// The one fix to apply automatically when there are several.
    pub preferred: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// Stable code, such as `yaml-syntax`, `unknown-key`, `gpu-spec`.
    pub code: &'static str,
    pub message: String,
    /// Quick fixes for this diagnostic (offered as code actions).
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub(crate) fn new(
        severity: Severity,
        code: &'static str,
        range: TextRange,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            range,
            severity,
            code,
            message: message.into(),
            fixes: Vec::new(),
        }
    }
    pub(crate) fn with_fix(
        mut self,
        title: impl Into<String>,
        range: TextRange,
        text: impl Into<String>,
    ) -> Diagnostic {
        let preferred = self.fixes.is_empty();
        self.fixes.push(Fix {
            title: title.into(),
            edits: vec![crate::TextEdit {
                range,
                new_text: text.into(),
            }],
            preferred,
        });
        self
    }
}

/// Every diagnostic for the document, sorted by position.
pub fn diagnostics(doc: &Document, _config: &AnalysisConfig) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = doc
        .parse
        .errors
        .iter()
        .map(|e| {
            Diagnostic::new(
                Severity::Error,
                "yaml-syntax",
                e.range,
                yaml_message(&e.message),
            )
        })
        .collect();
    let mut cx = tree::Cx::new(&doc.text, &doc.parse);
    if let Some(ty) = schema::check(&mut cx) {
        rules::check(&mut cx, ty);
        server::check(&mut cx, ty);
    }
    pitfalls::check(&mut cx);
    out.append(&mut cx.out);
    // A YAML 1.1 note on a value that is already an error adds nothing.
    let errors: std::collections::HashSet<TextRange> = out
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.range)
        .collect();
    out.retain(|d| d.code != "yaml11-pitfall" || !errors.contains(&d.range));
    out.sort_by_key(|d| (d.range.start, d.range.end, d.severity));
    // Two passes may flag the same thing; keep the first of identical reports.
    out.dedup_by(|a, b| a.range == b.range && a.code == b.code && a.message == b.message);
    out
}

fn yaml_message(message: &str) -> String {
    format!("{message} (dstack cannot load this file: it stops with a YAML error)")
}

#[cfg(test)]
mod tests;
