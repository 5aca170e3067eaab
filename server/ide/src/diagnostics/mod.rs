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

mod interp;
mod pitfalls;
mod rules;
mod schema;
mod server;
mod tree;

use crate::{AnalysisConfig, Document, TextRange};
// The small string grammars live with the other value syntaxes (`rules` checks addresses with them).
use dstack_values::grammars;

/// Every diagnostic code, with what it means. Codes are stable: editors and users may filter on them.
/// Value-syntax codes come from `dstack-values` (one per syntax) and are passed through unchanged.
pub const CODES: &[(&str, &str)] = &[
    (
        "yaml-syntax",
        "the file is not YAML dstack can load (syntax error, second document, unknown tag)",
    ),
    ("missing-type", "no `type:` (or an empty file)"),
    (
        "unknown-type",
        "`type:` names none of the seven configuration types",
    ),
    (
        "unknown-key",
        "a key dstack does not accept here (a typo, or a key of another type or variant)",
    ),
    (
        "removed-key",
        "a key older dstack releases accepted and 0.22.5 rejects",
    ),
    (
        "deprecated-key",
        "a key dstack still accepts but ignores or will drop",
    ),
    (
        "missing-key",
        "a required key is missing (reported at the key that holds the mapping)",
    ),
    (
        "wrong-type",
        "a value of the wrong YAML type (a string where a list is expected, a date, …)",
    ),
    (
        "invalid-value",
        "a value of the right type that dstack rejects (enum, bound, pattern, reference)",
    ),
    (
        "conflict",
        "keys that cannot be combined, or a key another key requires",
    ),
    (
        "interpolation",
        "a `${{ … }}` reference that is malformed or not available at that place",
    ),
    (
        "server-rule",
        "the file loads, but the dstack server rejects it when planning (warning)",
    ),
    (
        "yaml11-pitfall",
        "YAML 1.1 reads the value as something else than it looks (warning)",
    ),
    (
        "hardcoded-secret",
        "a token or password written in the file (warning)",
    ),
    (
        "alias-expansion",
        "an alias that expands to too many values for dstack-lsp to follow (warning)",
    ),
    (
        "file-too-large",
        "a file above `dstack.maxFileSize`: only its YAML syntax is checked (information)",
    ),
    (
        "more-diagnostics",
        "the editor shows the first diagnostics only; `dstack-lsp check` lists them all",
    ),
    (
        "duplicate-key",
        "a key written twice in one mapping; YAML keeps the last (warning)",
    ),
    ("gpu-spec", "`resources.gpu` syntax"),
    ("cpu-spec", "`resources.cpu` syntax"),
    ("memory", "a size such as `16GB`"),
    ("disk", "`resources.disk` syntax"),
    ("range", "a range such as `1..4` or `24GB..`"),
    ("duration", "a duration such as `2h`, or its limits"),
    ("volume-mount", "a `volumes` entry"),
    ("port", "a port or port mapping"),
    ("env", "an `env` entry"),
    (
        "name",
        "a run, fleet, gateway, volume, preset or group name",
    ),
    ("entity-ref", "a `name` or `project/name` reference"),
    ("user", "`user` syntax"),
    ("shell", "`shell` value"),
    ("schedule", "a cron expression"),
    ("fleet-nodes", "fleet `nodes`"),
    ("repo", "a `repos` entry"),
    ("file-mapping", "a `files` entry"),
    ("compute-capability", "`resources.gpu.compute_capability`"),
    ("instance-selector", "an `instances` entry"),
    ("python", "`python` version"),
    ("ide", "`ide` / `version` of a dev environment"),
    ("blocks", "`blocks`"),
    ("enum", "one of fixed values"),
    ("retry", "`retry`"),
    ("scaling", "`scaling`"),
    ("utilization-policy", "`utilization_policy`"),
    ("backend-options", "`backend_options`"),
    ("tags", "`tags` keys and values"),
];

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

/// Every diagnostic for the document, sorted by position. Reads only `config.diagnostics` (caches
/// of the result are keyed by it).
pub fn diagnostics(doc: &Document, config: &AnalysisConfig) -> Vec<Diagnostic> {
    let settings = config.diagnostics;
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
    if doc.text.len() > settings.max_file_size {
        // Only the YAML syntax: the rest is not worth its time on a file this size.
        out.push(Diagnostic::new(
            Severity::Information,
            "file-too-large",
            TextRange::empty(0),
            format!(
                "this file has {} bytes, more than `dstack.maxFileSize` ({} bytes): only its YAML syntax is checked",
                doc.text.len(),
                settings.max_file_size
            ),
        ));
        out.sort_by_key(|d| (d.range.start, d.range.end, d.severity));
        return out;
    }
    let expansion = doc.expansion();
    let mut cx = tree::Cx::new(&doc.text, &doc.parse, expansion);
    for (at, message) in &expansion.reports {
        cx.warning("alias-expansion", *at, message.clone());
    }
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

/// Diagnostics an editor is sent at most: thousands of squiggles help nobody and slow the editor.
pub const EDITOR_LIMIT: usize = 300;

/// At most `limit` of `diags`, the most severe first (then by position), plus one note at the
/// start of the file saying how many more there are. Nothing changes when there are `limit` or
/// fewer. `dstack-lsp check` prints them all.
pub fn for_editor(mut diags: Vec<Diagnostic>, limit: usize) -> Vec<Diagnostic> {
    if diags.len() <= limit {
        return diags;
    }
    // Sorting by key is n log n; a stable sort keeps the position order within a severity.
    diags.sort_by_key(|d| d.severity);
    let more = diags.len() - limit;
    diags.truncate(limit);
    diags.sort_by_key(|d| (d.range.start, d.range.end, d.severity));
    diags.insert(
        0,
        Diagnostic::new(
            Severity::Information,
            "more-diagnostics",
            TextRange::empty(0),
            format!(
                "{more} more problem{} in this file not shown here (the editor gets the first {limit}, most severe first): `dstack-lsp check FILE` lists them all",
                if more == 1 { " is" } else { "s are" }
            ),
        ),
    );
    diags
}

fn yaml_message(message: &str) -> String {
    format!("{message} (dstack cannot load this file: it stops with a YAML error)")
}

#[cfg(test)]
mod tests;
