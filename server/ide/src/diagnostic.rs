//! What every check produces: a [`Diagnostic`] with its range, severity, stable code and fixes.

use dstack_syntax::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

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
    pub edits: Vec<TextEdit>,
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
            edits: vec![TextEdit {
                range,
                new_text: text.into(),
            }],
            preferred,
        });
        self
    }
}
