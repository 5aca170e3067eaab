//! `to_proto`: plain analysis results -> LSP types. The only module besides `position` that
//! knows both worlds; byte ranges are turned into LSP ranges here and nowhere else.

use std::collections::HashMap;

use dstack_ide as ide;
use tower_lsp_server::ls_types as lsp;

use crate::position::{LineCol, Positions};

pub fn range(p: &Positions, r: ide::TextRange) -> lsp::Range {
    lsp::Range {
        start: position(p, r.start),
        end: position(p, r.end),
    }
}

pub fn position(p: &Positions, offset: u32) -> lsp::Position {
    let lc = p.to_line_col(offset);
    lsp::Position {
        line: lc.line,
        character: lc.character,
    }
}

pub fn line_col(pos: lsp::Position) -> LineCol {
    LineCol {
        line: pos.line,
        character: pos.character,
    }
}

/// The reverse of [`line_col`].
pub fn from_line_col(lc: LineCol) -> lsp::Position {
    lsp::Position {
        line: lc.line,
        character: lc.character,
    }
}

pub fn offset(p: &Positions, pos: lsp::Position) -> u32 {
    p.to_offset(line_col(pos))
}

pub fn from_range(p: &Positions, r: lsp::Range) -> ide::TextRange {
    ide::TextRange::new(offset(p, r.start), offset(p, r.end))
}

pub fn severity(s: ide::Severity) -> lsp::DiagnosticSeverity {
    match s {
        ide::Severity::Error => lsp::DiagnosticSeverity::ERROR,
        ide::Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        ide::Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        ide::Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(p: &Positions, d: &ide::Diagnostic) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(p, d.range),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        source: Some("dstack".to_string()),
        message: d.message.clone(),
        ..Default::default()
    }
}

/// `range` is `item.replace` already converted: items share a few ranges, and converting each
/// again costs a rope walk per item.
pub fn completion_item(item: ide::CompletionItem, range: lsp::Range) -> lsp::CompletionItem {
    let kind = match item.kind {
        ide::CompletionKind::Property => lsp::CompletionItemKind::PROPERTY,
        ide::CompletionKind::Value => lsp::CompletionItemKind::VALUE,
        ide::CompletionKind::Enum => lsp::CompletionItemKind::ENUM_MEMBER,
        ide::CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
        ide::CompletionKind::Gpu => lsp::CompletionItemKind::CONSTANT,
    };
    lsp::CompletionItem {
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        documentation: item.documentation.map(|md| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: md,
            })
        }),
        sort_text: item.sort_text,
        filter_text: item.filter_text,
        tags: item
            .deprecated
            .then(|| vec![lsp::CompletionItemTag::DEPRECATED]),
        // Continuation lines of inserted text already carry their full indentation. Left out
        // where it changes nothing (one line; plain text is the default format): long lists
        // are cheaper to send.
        insert_text_mode: item
            .insert_text
            .contains('\n')
            .then_some(lsp::InsertTextMode::AS_IS),
        insert_text_format: item.is_snippet.then_some(lsp::InsertTextFormat::SNIPPET),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range,
            new_text: item.insert_text,
        })),
        // LSP has no portable "open completion again" command: clients that have one (the VS
        // Code extension: `editor.action.triggerSuggest`) attach it to items marked here.
        data: item
            .retrigger
            .then(|| serde_json::json!({ "retrigger": true })),
        ..Default::default()
    }
}

/// Converts a completion list, each distinct replace range once.
pub fn completion_items(
    p: &Positions,
    items: Vec<ide::CompletionItem>,
) -> Vec<lsp::CompletionItem> {
    let mut last: Option<(ide::TextRange, lsp::Range)> = None;
    items
        .into_iter()
        .map(|item| {
            let r = match last {
                Some((from, to)) if from == item.replace => to,
                _ => {
                    let to = range(p, item.replace);
                    last = Some((item.replace, to));
                    to
                }
            };
            completion_item(item, r)
        })
        .collect()
}

pub fn hover(p: &Positions, h: &ide::Hover) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown.clone(),
        }),
        range: Some(range(p, h.range)),
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be spelled out.
pub fn symbol(p: &Positions, s: &ide::Symbol) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if s.name.is_empty() {
            " ".to_string()
        } else {
            s.name.clone()
        },
        detail: s.detail.clone(),
        kind: match s.kind {
            ide::SymbolKind::Object => lsp::SymbolKind::OBJECT,
            ide::SymbolKind::Array => lsp::SymbolKind::ARRAY,
            ide::SymbolKind::Property => lsp::SymbolKind::PROPERTY,
        },
        tags: None,
        deprecated: None,
        range: range(p, s.range),
        selection_range: range(p, s.selection_range),
        children: if s.children.is_empty() {
            None
        } else {
            Some(s.children.iter().map(|c| symbol(p, c)).collect())
        },
    }
}

pub fn folding_range(p: &Positions, r: ide::TextRange) -> Option<lsp::FoldingRange> {
    let start = p.to_line_col(r.start).line;
    let end = p.to_line_col(r.end).line;
    (end > start).then(|| lsp::FoldingRange {
        start_line: start,
        end_line: end,
        ..Default::default()
    })
}

/// Innermost-first ranges -> a linked `SelectionRange`.
pub fn selection_range(
    p: &Positions,
    ranges: &[ide::TextRange],
    at: lsp::Position,
) -> lsp::SelectionRange {
    let mut parent: Option<Box<lsp::SelectionRange>> = None;
    for r in ranges.iter().rev() {
        parent = Some(Box::new(lsp::SelectionRange {
            range: range(p, *r),
            parent,
        }));
    }
    match parent {
        Some(b) => *b,
        None => lsp::SelectionRange {
            range: lsp::Range { start: at, end: at },
            parent: None,
        },
    }
}

pub fn code_action(
    p: &Positions,
    uri: &lsp::Uri,
    action: &ide::CodeAction,
    diagnostics: &[lsp::Diagnostic],
) -> lsp::CodeActionOrCommand {
    let edits = action
        .edits
        .iter()
        .map(|e| lsp::TextEdit {
            range: range(p, e.range),
            new_text: e.new_text.clone(),
        })
        .collect();
    let related: Vec<lsp::Diagnostic> = diagnostics
        .iter()
        .filter(|d| match (&d.code, action.fixes) {
            (Some(lsp::NumberOrString::String(c)), Some(f)) => c == f,
            _ => false,
        })
        .cloned()
        .collect();
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: action.title.clone(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: if related.is_empty() {
            None
        } else {
            Some(related)
        },
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }),
        is_preferred: action.preferred.then_some(true),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::position::Encoding;

    fn item(insert_text: &str, is_snippet: bool, replace: ide::TextRange) -> ide::CompletionItem {
        let retrigger = insert_text.starts_with("key");
        ide::CompletionItem {
            label: "x".to_string(),
            kind: ide::CompletionKind::Property,
            detail: None,
            documentation: None,
            insert_text: insert_text.to_string(),
            is_snippet,
            replace,
            sort_text: None,
            deprecated: false,
            filter_text: None,
            retrigger,
        }
    }

    /// Fields left at their LSP defaults are not sent, and shared ranges convert alike.
    #[test]
    fn completion_items_send_only_what_matters() {
        let rope = ropey::Rope::from_str("a: 1\nbé: 2\n");
        let p = Positions::new(&rope, Encoding::Utf16);
        let (r1, r2) = (ide::TextRange::new(6, 8), ide::TextRange::new(0, 1));
        let items = completion_items(
            &p,
            vec![
                item("plain", false, r1),
                item("key: $0", true, r1),
                item("probes:\n  - $0", true, r2),
            ],
        );
        let shown: Vec<String> = items
            .iter()
            .map(|i| {
                let edit = match &i.text_edit {
                    Some(lsp::CompletionTextEdit::Edit(e)) => format!(
                        "{}:{}-{}:{}",
                        e.range.start.line,
                        e.range.start.character,
                        e.range.end.line,
                        e.range.end.character
                    ),
                    _ => "none".to_string(),
                };
                format!(
                    "{edit} format={:?} mode={:?} data={:?}",
                    i.insert_text_format,
                    i.insert_text_mode,
                    i.data.as_ref().map(ToString::to_string)
                )
            })
            .collect();
        expect_test::expect![[r#"
            1:1-1:2 format=None mode=None data=None
            1:1-1:2 format=Some(Snippet) mode=None data=Some("{\"retrigger\":true}")
            0:0-0:1 format=Some(Snippet) mode=Some(AsIs) data=None"#]]
        .assert_eq(&shown.join("\n"));
    }
}
