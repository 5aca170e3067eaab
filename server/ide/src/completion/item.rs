//! A completion item, and the small text helpers every kind of completion uses.

use dstack_syntax::{CursorContext, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Property,
    Value,
    Enum,
    Snippet,
    Gpu,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// Text that replaces `replace`; a snippet with `$1`/`$0` tab stops when `is_snippet`.
    /// Continuation lines carry their full indentation: send the item with `insertTextMode: asIs`.
    pub insert_text: String,
    pub is_snippet: bool,
    pub replace: TextRange,
    pub sort_text: Option<String>,
    /// Shown struck through (deprecated keys and values).
    pub deprecated: bool,
    /// What the editor matches the typed text against, when it is not the label: a GPU count
    /// labelled `2` replaces the whole `A100:` token, so it must be filtered as `A100:2`.
    pub filter_text: Option<String>,
    /// After inserting, ask the editor to open completion again (a key whose values we offer:
    /// `type: `, enums, booleans, GPU specs…). LSP: `command: editor.action.triggerSuggest`.
    pub retrigger: bool,
}

/// The replace range and the partial text of a value, without an opening quote.
pub(super) fn value_span(ctx: &CursorContext) -> (TextRange, String) {
    let mut replace = ctx.replace;
    let mut partial = ctx.partial.clone();
    if let Some(rest) = partial
        .strip_prefix('"')
        .or_else(|| partial.strip_prefix('\''))
    {
        partial = rest.to_string();
        replace = TextRange::new(replace.start + 1, replace.end);
    }
    (replace, partial)
}

/// The start of a doc paragraph, up to the first clause, for a one-line detail.
pub(super) fn short_doc(doc: &str) -> String {
    let end = doc.find([',', ':', '.', ';']).unwrap_or(doc.len());
    let clause = doc.get(..end).unwrap_or(doc).trim();
    if clause.chars().count() > 60 {
        let cut: String = clause.chars().take(59).collect();
        format!("{}…", cut.trim_end())
    } else {
        clause.to_string()
    }
}

/// A snippet as plain text: `${1:x}` → `x`, `${1|a,b|}` → `a`, `$1` → nothing, `$0` → `cursor`.
pub(crate) fn expand_snippet(s: &str, cursor: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        if let Some(body) = tail.strip_prefix('{') {
            let close = body.find('}').unwrap_or(body.len());
            let inner = &body[..close];
            let value = if let Some((_, v)) = inner.split_once(':') {
                v.to_string()
            } else if let Some((_, v)) = inner.split_once('|') {
                v.split([',', '|']).next().unwrap_or("").to_string()
            } else {
                String::new()
            };
            out.push_str(&value);
            rest = body.get(close + 1..).unwrap_or("");
        } else {
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            match &tail[..digits] {
                "" => out.push('$'),
                "0" => out.push_str(cursor),
                _ => {}
            }
            rest = &tail[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// The line break the document uses around `offset` (`\r\n` or `\n`), from the nearest line end.
pub(super) fn line_ending(text: &str, offset: u32) -> &'static str {
    let at = offset as usize;
    let after = text.get(at..).and_then(|t| t.find('\n').map(|i| at + i));
    let before = text.get(..at).and_then(|t| t.rfind('\n'));
    match after.or(before) {
        Some(i) if i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
        _ => "\n",
    }
}
