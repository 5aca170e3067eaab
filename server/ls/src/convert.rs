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

pub fn completion_item(p: &Positions, item: &ide::CompletionItem) -> lsp::CompletionItem {
    let kind = match item.kind {
        ide::CompletionKind::Property => lsp::CompletionItemKind::PROPERTY,
        ide::CompletionKind::Value => lsp::CompletionItemKind::VALUE,
        ide::CompletionKind::Enum => lsp::CompletionItemKind::ENUM_MEMBER,
        ide::CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
        ide::CompletionKind::Gpu => lsp::CompletionItemKind::CONSTANT,
    };
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(kind),
        detail: item.detail.clone(),
        documentation: item.documentation.as_ref().map(|md| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: md.clone(),
            })
        }),
        sort_text: item.sort_text.clone(),
        filter_text: item.filter_text.clone(),
        tags: item
            .deprecated
            .then(|| vec![lsp::CompletionItemTag::DEPRECATED]),
        // Continuation lines of inserted text already carry their full indentation.
        insert_text_mode: Some(lsp::InsertTextMode::AS_IS),
        insert_text_format: Some(if item.is_snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(p, item.replace),
            new_text: item.insert_text.clone(),
        })),
        ..Default::default()
    }
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
