//! Test helpers shared by the analysis modules: `$0` cursor fixtures and one-line renderings.
//!
//! A fixture is a document with `$0` where the cursor is (`$0…$0` marks a range). Helpers strip
//! the markers, run one analysis entry point and render its answer as text for `expect!` snapshots.

use crate::completion::CompletionKind;
use crate::config::AnalysisConfig;
use crate::document::Document;
use dstack_syntax::TextRange;

pub const CURSOR: &str = "$0";

/// The document without markers and the cursor offset (the first `$0`).
pub fn extract_offset(fixture: &str) -> (String, u32) {
    let offset = fixture.find(CURSOR).unwrap_or(fixture.len());
    let text = fixture.replacen(CURSOR, "", 1);
    (text, offset as u32)
}

/// The document without markers and the range between two `$0` markers.
pub fn extract_range(fixture: &str) -> (String, TextRange) {
    let (text, start) = extract_offset(fixture);
    let (text, end) = extract_offset(&text);
    (text, TextRange::new(start, end))
}

/// A document and cursor from a fixture.
pub fn fixture(fixture: &str) -> (Document, u32) {
    let (text, offset) = extract_offset(fixture);
    (Document::new(text), offset)
}

/// Completions at `$0`, one per line: `kind label — detail`.
pub fn render_completions(fixture_text: &str) -> String {
    let (doc, offset) = fixture(fixture_text);
    let items = crate::completion::completions(&doc, offset, &AnalysisConfig::default());
    let mut out = String::new();
    for item in items {
        out.push_str(kind_name(item.kind));
        out.push(' ');
        out.push_str(&item.label);
        if let Some(d) = &item.detail {
            out.push_str(" — ");
            out.push_str(d);
        }
        out.push('\n');
    }
    out
}

/// Labels of the completions at `$0`, in order.
pub fn completion_labels(fixture_text: &str) -> Vec<String> {
    let (doc, offset) = fixture(fixture_text);
    crate::completion::completions(&doc, offset, &AnalysisConfig::default())
        .into_iter()
        .map(|i| i.label)
        .collect()
}

/// The document after accepting the completion labelled `label` at `$0`, with `$0` where the
/// snippet leaves the cursor (other tab stops are removed). Carriage returns show as `\r`.
pub fn apply_completion(fixture_text: &str, label: &str) -> String {
    let (doc, offset) = fixture(fixture_text);
    let items = crate::completion::completions(&doc, offset, &AnalysisConfig::default());
    let Some(item) = items.into_iter().find(|i| i.label == label) else {
        return format!("no completion labelled `{label}`");
    };
    let mut insert = item.insert_text.clone();
    if item.is_snippet {
        insert = crate::completion::expand_snippet(&insert, CURSOR);
    }
    let (start, end) = (item.replace.start as usize, item.replace.end as usize);
    let text = &doc.text;
    match (text.get(..start), text.get(end..)) {
        (Some(before), Some(after)) => format!("{before}{insert}{after}").replace('\r', "\\r"),
        _ => "replace range outside the document".to_string(),
    }
}

/// Hover markdown at `$0`, or `(none)`.
pub fn render_hover(fixture_text: &str) -> String {
    let (doc, offset) = fixture(fixture_text);
    match crate::hover::hover(&doc, offset, &AnalysisConfig::default()) {
        Some(h) => {
            let covered = doc
                .text
                .get(h.range.start as usize..h.range.end as usize)
                .unwrap_or("?");
            format!("[{covered}]\n{}\n", h.markdown)
        }
        None => "(none)\n".to_string(),
    }
}

fn kind_name(kind: CompletionKind) -> &'static str {
    match kind {
        CompletionKind::Property => "property",
        CompletionKind::Value => "value",
        CompletionKind::Enum => "enum",
        CompletionKind::Snippet => "snippet",
        CompletionKind::Gpu => "gpu",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_and_tab_stops() {
        assert_eq!(extract_offset("ab$0c"), ("abc".to_string(), 2));
        assert_eq!(extract_range("a$0bc$0d").1, TextRange::new(1, 3));
        let expand = |s: &str| crate::completion::expand_snippet(s, CURSOR);
        assert_eq!(expand("gpu:\n  $0"), "gpu:\n  $0");
        assert_eq!(
            expand("name: ${1:my-vol}\nb: ${2|aws,gcp|}$0"),
            "name: my-vol\nb: aws$0"
        );
    }
}
