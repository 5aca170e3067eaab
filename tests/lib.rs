//! Shared helpers for the workspace-level tests: run the analyzer on a text and summarise its verdict.

use dstack_ide::{AnalysisConfig, Diagnostic, Document, Severity};

/// Our verdict on a configuration text.
pub struct Verdict {
    pub diagnostics: Vec<Diagnostic>,
    pub text: String,
}

impl Verdict {
    pub fn of(text: &str) -> Verdict {
        let doc = Document::new(text.to_string());
        Verdict {
            diagnostics: dstack_ide::diagnostics(&doc, &AnalysisConfig::default()),
            text: text.to_string(),
        }
    }
    /// `dstack apply` would fail before contacting the server: we raised an error.
    pub fn has_error(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
    pub fn has_warning(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning)
    }
    /// One line per diagnostic: `line:col severity code message`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            let (line, col) = line_col(&self.text, d.range.start);
            out.push_str(&format!(
                "{line}:{col} {} {} {}\n",
                d.severity.as_str(),
                d.code,
                d.message
            ));
        }
        out
    }
}

/// 1-based line and column (in bytes) of an offset.
pub fn line_col(text: &str, offset: u32) -> (usize, usize) {
    let before = text.get(..offset as usize).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

/// A JSON value as block YAML that PyYAML reads back as the same value (strings double-quoted).
pub fn json_to_yaml(v: &serde_json::Value) -> String {
    let mut out = String::new();
    emit(v, 0, &mut out);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value as J;
    Some(match v {
        J::Null => "null".to_string(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::String(s) => serde_json::to_string(s).unwrap_or_default(),
        J::Array(a) if a.is_empty() => "[]".to_string(),
        J::Object(o) if o.is_empty() => "{}".to_string(),
        _ => return None,
    })
}

fn emit(v: &serde_json::Value, indent: usize, out: &mut String) {
    use serde_json::Value as J;
    let pad = " ".repeat(indent);
    match v {
        J::Object(o) if !o.is_empty() => {
            for (k, val) in o {
                let key = serde_json::to_string(k).unwrap_or_default();
                match scalar(val) {
                    Some(s) => out.push_str(&format!("{pad}{key}: {s}\n")),
                    None => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        emit(val, indent + 2, out);
                    }
                }
            }
        }
        J::Array(a) if !a.is_empty() => {
            for item in a {
                match scalar(item) {
                    Some(s) => out.push_str(&format!("{pad}- {s}\n")),
                    None => {
                        // The item's block starts on the dash line.
                        let mut inner = String::new();
                        emit(item, indent + 2, &mut inner);
                        let trimmed = inner.get(indent + 2..).unwrap_or("");
                        out.push_str(&format!("{pad}- {trimmed}"));
                    }
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other).unwrap_or_default())),
    }
}
