//! Runs the passes in order over one document, and trims the result for an editor.

use dstack_syntax::TextRange;

use super::{pitfalls, rules, schema, server_rules, tree};
use crate::config::AnalysisConfig;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;

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
        server_rules::check(&mut cx, ty);
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
