//! "What is at this offset": key path, key or value, and the partial text being typed.
//! Works on broken buffers by reading the raw lines above the cursor when the tree is silent.
//!
//! The cursor line is classified from its text (indentation, `- ` dashes, `key:`, flow brackets).
//! The path above it comes from the nearest structural line above (a parent key or a list item's
//! dash): when the tree has a node exactly there, the tree gives the rest of the path in
//! O(depth · log n); otherwise the scan keeps walking up by indentation, counting list items.
//! Only the cursor line and the lines up to that structural line are read.

mod above;
mod context;
mod flow;
mod lines;

use crate::parse::Parse;
use crate::tree::PathSeg;
use above::*;
pub use context::{CursorContext, CursorKind};
use flow::*;
use lines::*;

/// The cursor context at byte `offset` of `text` (clamped into the text). `parse` must be the
/// parse of `text`; it is used to speed up the path and to recognise multi-line scalars.
pub fn cursor_context(text: &str, parse: &Parse, offset: u32) -> CursorContext {
    let mut offset = (offset as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = text.as_bytes();
    let (ls, le) = line_bounds(bytes, offset);
    let line = &bytes[ls..le];
    let col = offset - ls;
    let tree = TreeView::new(parse, text.len());

    // Inside a block scalar or a multi-line quoted value: the tree knows best.
    if let Some(path) = tree.multiline_scalar_at(offset, ls) {
        let first = line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count()
            .min(col);
        let end = trim_end(line, line.len()).max(col);
        return CursorContext {
            path,
            kind: CursorKind::Value,
            partial: lossy(&line[first..col]),
            replace: range(ls + first, ls + end),
            indent: 0,
            after_dash: false,
        };
    }

    // Inside a flow collection that started on an earlier line: read it from its bracket.
    if let Some((path, open)) = tree.flow_started_above(bytes, offset, ls) {
        let (open_ls, _) = line_bounds(bytes, open);
        let indent = indent_of(&bytes[open_ls..]) as u32 + 2;
        return flow_context(
            &bytes[open_ls..le],
            open_ls,
            open - open_ls,
            offset - open_ls,
            path,
            indent,
        );
    }

    let shape = Shape::of(line);
    if let Some(c) = shape.comment
        && col > c
    {
        let (path, _) = path_above(
            bytes,
            &tree,
            ls,
            Mode::Container(shape.indent.min(col)),
            None,
        );
        return CursorContext {
            path,
            kind: CursorKind::Comment,
            partial: String::new(),
            replace: range(offset, offset),
            indent: shape.indent as u32,
            after_dash: false,
        };
    }

    // Dashes before the cursor: `- - x` gives two indices, the first decides the sequence.
    let dashes: Vec<usize> = shape
        .dashes
        .iter()
        .copied()
        .filter(|&d| d + 1 < col)
        .collect();
    let content = if dashes.is_empty() {
        shape.indent
    } else {
        shape.content
    };
    let after_dash = !dashes.is_empty() && content <= col;

    let blank_before = line[..col].iter().all(|&b| b == b' ' || b == b'\t');
    let key_col = if blank_before { col } else { content };
    let start_mode = match dashes.first() {
        Some(&d) => Mode::SeqOwner { col: d, count: 0 },
        None => Mode::Container(key_col),
    };
    let (mut path, sibling) = path_above(
        bytes,
        &tree,
        ls,
        start_mode,
        dashes.first().map(|&d| ls + d),
    );
    for _ in dashes.iter().skip(1) {
        path.push(PathSeg::Index(0));
    }

    if blank_before {
        let indent = if dashes.is_empty() {
            sibling.unwrap_or(col)
        } else {
            content
        };
        return CursorContext {
            path,
            kind: CursorKind::Key,
            partial: String::new(),
            replace: range(offset, offset + word_len(&line[col..])),
            indent: indent as u32,
            after_dash,
        };
    }

    // A `key:` before the cursor (outside quotes), then the value part.
    let before = &line[content.min(col)..col];
    if let Some(colon) = key_colon(before, line.get(col..).unwrap_or(&[])) {
        let key = lossy(unquote(trim_end_slice(&before[..colon])));
        path.push(PathSeg::Key(key));
        let mut v = content + colon + 1;
        while v < col && matches!(line[v], b' ' | b'\t') {
            v += 1;
        }
        let kind_indent = (content + 2) as u32;
        if v < col && matches!(line[v], b'{' | b'[') {
            return flow_context(line, ls, v, col, path, kind_indent);
        }
        let (pstart, end) = value_token(line, v, col);
        return CursorContext {
            path,
            kind: CursorKind::Value,
            partial: lossy(&line[pstart..col]),
            replace: range(ls + pstart, ls + end),
            indent: kind_indent,
            after_dash: false,
        };
    }
    if matches!(line.get(content), Some(b'{' | b'[')) && content < col {
        let is_item = !dashes.is_empty();
        let indent = content as u32;
        let mut ctx = flow_context(line, ls, content, col, path, indent);
        ctx.after_dash = is_item && ctx.path.len() <= 1;
        return ctx;
    }
    // A half-typed key (or a scalar list item) with no colon yet.
    let mut end = col;
    while end < line.len() && !matches!(line[end], b' ' | b'\t' | b':') {
        end += 1;
    }
    CursorContext {
        path,
        kind: CursorKind::Key,
        partial: lossy(&line[content.min(col)..col]),
        replace: range(ls + content.min(col), ls + end),
        indent: content as u32,
        after_dash,
    }
}

#[cfg(test)]
mod tests;
