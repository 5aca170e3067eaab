//! "What is at this offset": key path, key or value, and the partial text being typed.
//! Works on broken buffers by reading the raw lines above the cursor when the tree is silent.
//!
//! The cursor line is classified from its text (indentation, `- ` dashes, `key:`, flow brackets).
//! The path above it comes from the nearest structural line above (a parent key or a list item's
//! dash): when the tree has a node exactly there, the tree gives the rest of the path in
//! O(depth · log n); otherwise the scan keeps walking up by indentation, counting list items.
//! Only the cursor line and the lines up to that structural line are read.

use crate::parse::Parse;
use crate::text::TextRange;
use crate::tree::{Node, NodeKind, PathSeg, ScalarStyle, path_to_string};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CursorKind {
    /// Typing a key (or on an empty line / after `- ` where a key may go). `path` is the mapping's path.
    Key,
    /// In a value. `path` ends with the key (or sequence index) whose value this is.
    Value,
    Comment,
    /// Not produced at the moment: every offset gets one of the kinds above.
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CursorContext {
    pub path: Vec<PathSeg>,
    pub kind: CursorKind,
    /// The text of the token under the cursor, up to the cursor.
    pub partial: String,
    /// The whole token under the cursor (what a completion replaces).
    pub replace: TextRange,
    /// Column (in bytes) at which keys of the mapping at `path` start; used for inserted indentation.
    pub indent: u32,
    /// The cursor sits right after `- `: a new sequence item.
    pub after_dash: bool,
}

impl CursorContext {
    /// One-line rendering for tests and logs: `Value resources.gpu partial="A1" replace=12..14 indent=4`.
    pub fn render(&self) -> String {
        let dash = if self.after_dash { " after_dash" } else { "" };
        let path = if self.path.is_empty() {
            "(root)".to_string()
        } else {
            path_to_string(&self.path)
        };
        format!(
            "{:?} {} partial={:?} replace={}..{} indent={}{dash}",
            self.kind, path, self.partial, self.replace.start, self.replace.end, self.indent
        )
    }
}

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

fn range(s: usize, e: usize) -> TextRange {
    TextRange::new(s as u32, e.max(s) as u32)
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn line_bounds(bytes: &[u8], offset: usize) -> (usize, usize) {
    let mut s = offset;
    while s > 0 && bytes[s - 1] != b'\n' && bytes[s - 1] != b'\r' {
        s -= 1;
    }
    let mut e = offset;
    while e < bytes.len() && bytes[e] != b'\n' && bytes[e] != b'\r' {
        e += 1;
    }
    (s, e)
}

/// The line before the one starting at `start`, as `(start, end)`.
fn prev_line(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    if start == 0 {
        return None;
    }
    let mut end = start - 1;
    if bytes[end] == b'\n' && end > 0 && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    let (s, _) = line_bounds(bytes, end);
    Some((s, end))
}

fn trim_end(line: &[u8], mut end: usize) -> usize {
    while end > 0 && matches!(line[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    end
}

fn trim_end_slice(b: &[u8]) -> &[u8] {
    &b[..trim_end(b, b.len())]
}

fn unquote(b: &[u8]) -> &[u8] {
    match b {
        [q @ (b'"' | b'\''), inner @ .., last] if last == q => inner,
        _ => b,
    }
}

fn word_len(rest: &[u8]) -> usize {
    rest.iter()
        .take_while(|&&b| !matches!(b, b' ' | b'\t' | b':' | b'#'))
        .count()
}

fn is_space(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t'))
}

/// The colon of `key:` in `before` (text from the key's column to the cursor), skipping quotes.
/// A colon right before the cursor counts when the line goes on with a space or ends there.
fn key_colon(before: &[u8], after: &[u8]) -> Option<usize> {
    let mut i = 0;
    if matches!(before.first(), Some(b'"' | b'\'')) {
        let q = before[0];
        i = 1;
        while i < before.len() && before[i] != q {
            i += 1;
        }
        i += 1;
    }
    if matches!(before.first(), Some(b'{' | b'[')) {
        return None;
    }
    while i < before.len() {
        if before[i] == b':' {
            let next = before.get(i + 1).or(after.first());
            if is_space(next) {
                return Some(i);
            }
        }
        if before[i] == b'#' && i > 0 && matches!(before[i - 1], b' ' | b'\t') {
            return None;
        }
        i += 1;
    }
    None
}

/// The value token around the cursor: start after an opening quote, end before a comment,
/// a closing quote or trailing spaces (never before the cursor).
fn value_token(line: &[u8], v: usize, col: usize) -> (usize, usize) {
    let quote = match line.get(v) {
        Some(&q @ (b'"' | b'\'')) if v < col => Some(q),
        _ => None,
    };
    let start = if quote.is_some() { v + 1 } else { v };
    let mut end = col;
    match quote {
        Some(q) => {
            while end < line.len() && line[end] != q {
                end += 1;
            }
        }
        None => {
            while end < line.len()
                && !(line[end] == b'#' && end > 0 && matches!(line[end - 1], b' ' | b'\t'))
            {
                end += 1;
            }
            end = trim_end(line, end).max(col);
        }
    }
    (start, end.max(col))
}

/// Inside a flow collection on the cursor line, from `v` (its opening bracket) to the cursor.
fn flow_context(
    line: &[u8],
    ls: usize,
    v: usize,
    col: usize,
    mut path: Vec<PathSeg>,
    indent: u32,
) -> CursorContext {
    struct Frame {
        map: bool,
        index: usize,
        in_value: bool,
        key: Vec<u8>,
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut token_start = v;
    let mut i = v;
    while i < col {
        match line[i] {
            b'{' | b'[' => {
                stack.push(Frame {
                    map: line[i] == b'{',
                    index: 0,
                    in_value: false,
                    key: Vec::new(),
                });
                token_start = i + 1;
            }
            b'}' | b']' => {
                stack.pop();
                token_start = i + 1;
            }
            b',' => {
                if let Some(f) = stack.last_mut() {
                    if f.map {
                        f.in_value = false;
                        f.key.clear();
                    } else {
                        f.index += 1;
                    }
                }
                token_start = i + 1;
            }
            b':' if is_space(line.get(i + 1))
                || matches!(line.get(i + 1), Some(b',' | b'}' | b']')) =>
            {
                if let Some(f) = stack.last_mut()
                    && f.map
                    && !f.in_value
                {
                    f.key = unquote(trim_end_slice(skip_blank(&line[token_start..i]))).to_vec();
                    f.in_value = true;
                }
                token_start = i + 1;
            }
            q @ (b'"' | b'\'') if skip_blank(&line[token_start..i]).is_empty() => {
                let mut j = i + 1;
                while j < col && line[j] != q {
                    j += 1;
                }
                if j >= col {
                    // Cursor inside the quotes: the partial starts after the quote.
                    token_start = i + 1;
                    break;
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    let mut kind = CursorKind::Value;
    let n = stack.len();
    for (k, f) in stack.iter().enumerate() {
        if f.map {
            if f.in_value {
                path.push(PathSeg::Key(lossy(&f.key)));
            } else if k + 1 == n {
                kind = CursorKind::Key;
            }
        } else {
            path.push(PathSeg::Index(f.index));
        }
    }
    let mut start = token_start;
    while start < col && matches!(line[start], b' ' | b'\t' | b'\n' | b'\r') {
        start += 1;
    }
    if matches!(line.get(start), Some(b'"' | b'\'')) && start < col {
        start += 1;
    }
    let mut end = col;
    while end < line.len()
        && !matches!(
            line[end],
            b',' | b']' | b'}' | b'"' | b'\'' | b'#' | b'\n' | b'\r'
        )
    {
        if line[end] == b':' && is_space(line.get(end + 1)) {
            break;
        }
        end += 1;
    }
    let end = trim_end(line, end).max(col);
    CursorContext {
        path,
        kind,
        partial: lossy(&line[start..col]),
        replace: range(ls + start, ls + end),
        indent,
        after_dash: false,
    }
}

fn indent_of(b: &[u8]) -> usize {
    b.iter().take_while(|&&c| c == b' ').count()
}

/// Skip spaces, tabs and line breaks (a flow collection may span lines).
fn skip_blank(b: &[u8]) -> &[u8] {
    let n = b
        .iter()
        .take_while(|&&c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        .count();
    &b[n..]
}

fn skip_spaces(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    &b[n..]
}

/// The structure at the start of a line.
struct Shape {
    /// Leading spaces and tabs (a tab counts as one column, so tab-indented lines still nest).
    indent: usize,
    /// Columns of `- ` indicators.
    dashes: Vec<usize>,
    /// Column after indentation and dashes.
    content: usize,
    /// `(column of the key, column of its colon)`.
    key: Option<(usize, usize)>,
    /// The key's value is empty, a comment, or only properties / a block scalar header (so it can parent lines below).
    opens_block: bool,
    blank: bool,
    /// Column of a `#` that starts a comment.
    comment: Option<usize>,
}

impl Shape {
    fn of(line: &[u8]) -> Shape {
        let indent = line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let mut i = indent;
        let mut dashes = Vec::new();
        while line.get(i) == Some(&b'-') && is_space(line.get(i + 1)) {
            dashes.push(i);
            i += 1;
            while matches!(line.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
        }
        let content = i;
        let comment = comment_start(line);
        let code_end = comment.unwrap_or(line.len());
        let blank = content >= code_end;
        let key = key_colon(&line[content..code_end], &[]).map(|c| (content, content + c));
        let opens_block = match key {
            Some((_, colon)) => {
                let rest = skip_spaces(&line[(colon + 1).min(code_end)..code_end]);
                let rest = trim_end_slice(rest);
                rest.is_empty()
                    || rest.split(|&b| b == b' ').all(|tok| {
                        tok.is_empty()
                            || matches!(tok.first(), Some(b'&' | b'!'))
                            || (matches!(tok.first(), Some(b'|' | b'>'))
                                && tok[1..]
                                    .iter()
                                    .all(|c| matches!(c, b'-' | b'+' | b'0'..=b'9')))
                    })
            }
            None => false,
        };
        Shape {
            indent,
            dashes,
            content,
            key,
            opens_block,
            blank,
            comment,
        }
    }
}

/// The column of a `#` that starts a comment (outside quotes).
fn comment_start(line: &[u8]) -> Option<usize> {
    let mut quote: Option<u8> = None;
    let mut at_token_start = true;
    for (i, &b) in line.iter().enumerate() {
        match quote {
            Some(q) => {
                if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'#' && (i == 0 || matches!(line[i - 1], b' ' | b'\t')) {
                    return Some(i);
                }
                if (b == b'"' || b == b'\'') && at_token_start {
                    quote = Some(b);
                }
            }
        }
        at_token_start = matches!(b, b' ' | b'\t' | b'[' | b'{' | b',');
    }
    None
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// Looking for the mapping that holds a key at this column.
    Container(usize),
    /// Inside a list item whose dash is at `col`; `count` items of that list were seen above.
    SeqOwner { col: usize, count: usize },
}

/// The path of the collection that holds the cursor line, from the lines above `line_start`.
/// Returns the path and the column of a sibling key seen on the way (for indentation).
fn path_above(
    bytes: &[u8],
    tree: &TreeView<'_>,
    line_start: usize,
    mut mode: Mode,
    dash_offset: Option<usize>,
) -> (Vec<PathSeg>, Option<usize>) {
    let mut rev: Vec<PathSeg> = Vec::new();
    let mut sibling = None;
    let finish = |prefix: Vec<PathSeg>, rev: Vec<PathSeg>| -> Vec<PathSeg> {
        let mut p = prefix;
        p.extend(rev.into_iter().rev());
        p
    };
    if let (Mode::SeqOwner { .. }, Some(d)) = (mode, dash_offset)
        && let Some(prefix) = tree.item_path(d)
    {
        return (finish(prefix, rev), sibling);
    }
    let mut cur = line_start;
    while let Some((s, e)) = prev_line(bytes, cur) {
        cur = s;
        let line = &bytes[s..e];
        if crate::split::doc_marker(line).is_some() {
            break;
        }
        if let Mode::Container(0) = mode {
            // Nothing can hold a key at column 0 but the root.
            break;
        }
        let shape = Shape::of(line);
        if shape.blank {
            continue;
        }
        match mode {
            Mode::Container(t) => {
                if let Some((k, _)) = shape.key {
                    if k == t || (k < t && !shape.opens_block) {
                        // A sibling key (or an over-indented line under a `key: value`).
                        sibling.get_or_insert(k);
                        match shape.dashes.last() {
                            Some(&d) => {
                                if let Some(prefix) = tree.item_path(s + d) {
                                    return (finish(prefix, rev), sibling);
                                }
                                mode = Mode::SeqOwner { col: d, count: 0 };
                            }
                            None => {
                                // The sibling's own path, minus its key, is the container.
                                if let Some(mut prefix) = tree.key_path(s + k, line, k) {
                                    prefix.pop();
                                    return (finish(prefix, rev), sibling);
                                }
                                mode = Mode::Container(k);
                            }
                        }
                        continue;
                    }
                    if k < t {
                        if let Some(prefix) = tree.key_path(s + k, line, k) {
                            return (finish(prefix, rev), sibling);
                        }
                        rev.push(PathSeg::Key(key_text(line, k)));
                        mode = match shape.dashes.last() {
                            Some(&d) => {
                                if let Some(prefix) = tree.item_path(s + d) {
                                    return (finish(prefix, rev), sibling);
                                }
                                Mode::SeqOwner { col: d, count: 0 }
                            }
                            None => Mode::Container(k),
                        };
                    }
                    continue;
                }
                if let Some(&d) = shape.dashes.iter().rev().find(|&&d| d < t) {
                    if let Some(prefix) = tree.item_path(s + d) {
                        return (finish(prefix, rev), sibling);
                    }
                    mode = Mode::SeqOwner { col: d, count: 0 };
                }
            }
            Mode::SeqOwner { col, count } => {
                if shape.dashes.first() == Some(&col) && shape.indent == col {
                    // A sibling item: if the tree knows its index, ours follows from it.
                    if let Some(mut prefix) = tree.item_path(s + col) {
                        if let Some(PathSeg::Index(i)) = prefix.last_mut() {
                            *i += count + 1;
                        }
                        return (finish(prefix, rev), sibling);
                    }
                    mode = Mode::SeqOwner {
                        col,
                        count: count + 1,
                    };
                    continue;
                }
                if shape.indent > col {
                    continue;
                }
                rev.push(PathSeg::Index(count));
                match shape.key {
                    Some((k, _)) if k <= col && shape.opens_block => {
                        if let Some(prefix) = tree.key_path(s + k, line, k) {
                            return (finish(prefix, rev), sibling);
                        }
                        rev.push(PathSeg::Key(key_text(line, k)));
                        mode = match shape.dashes.last() {
                            Some(&d) => Mode::SeqOwner { col: d, count: 0 },
                            None => Mode::Container(k),
                        };
                    }
                    _ => {
                        // No owner key: a list at the top, or a malformed line; stop counting here.
                        mode = Mode::Container(col);
                        cur = e + 1;
                    }
                }
            }
        }
    }
    if let Mode::SeqOwner { count, .. } = mode {
        rev.push(PathSeg::Index(count));
    }
    (finish(Vec::new(), rev), sibling)
}

fn key_text(line: &[u8], k: usize) -> String {
    let rest = &line[k..];
    let colon = key_colon(rest, &[]).unwrap_or(rest.len());
    lossy(unquote(trim_end_slice(&rest[..colon])))
}

/// The parse tree, used to find paths quickly where it covers the text.
struct TreeView<'a> {
    parse: &'a Parse,
    root: Option<&'a Node>,
}

impl<'a> TreeView<'a> {
    fn new(parse: &'a Parse, text_len: usize) -> TreeView<'a> {
        // A parse of another text would give nonsense paths: ignore it then.
        let root = parse
            .root
            .as_ref()
            .filter(|r| r.range.end as usize <= text_len);
        TreeView { parse, root }
    }

    /// Descend to the deepest node containing `offset`. Returns the path, the node, and whether
    /// `offset` is in a key (then the path ends with that key and the node is the key).
    fn chain(&self, offset: usize) -> Option<(Vec<PathSeg>, &'a Node, bool)> {
        let offset = offset as u32;
        if offset >= self.parse.document_end() {
            return None;
        }
        let mut node = self.root?;
        let mut path = Vec::new();
        loop {
            match &node.kind {
                NodeKind::Mapping(entries) => {
                    let i = entries.partition_point(|e| e.key.range.start <= offset);
                    let Some(e) = i.checked_sub(1).and_then(|i| entries.get(i)) else {
                        break;
                    };
                    let key = e.key.key_text().unwrap_or("").to_string();
                    if e.key.range.contains_inclusive(offset) {
                        path.push(PathSeg::Key(key));
                        return Some((path, &e.key, true));
                    }
                    if offset <= e.value.range.end
                        && offset >= e.key.range.end
                        && !e.value.range.is_empty()
                    {
                        path.push(PathSeg::Key(key));
                        node = &e.value;
                        continue;
                    }
                    break;
                }
                NodeKind::Sequence(items) => {
                    let i = items.partition_point(|n| n.range.start <= offset);
                    let Some(it) = i.checked_sub(1).and_then(|i| items.get(i)) else {
                        break;
                    };
                    if it.range.contains_inclusive(offset) && !it.range.is_empty() {
                        path.push(PathSeg::Index(i - 1));
                        node = it;
                        continue;
                    }
                    break;
                }
                _ => break,
            }
        }
        Some((path, node, false))
    }

    /// The path of the key that starts at `offset`, if the tree has exactly that key.
    fn key_path(&self, offset: usize, line: &[u8], k: usize) -> Option<Vec<PathSeg>> {
        let (path, node, in_key) = self.chain(offset)?;
        let want = key_text(line, k);
        (in_key && node.range.start as usize == offset && node.key_text() == Some(want.as_str()))
            .then_some(path)
    }

    /// The path of the list item whose `- ` is at `dash`, if the tree has that list.
    fn item_path(&self, dash: usize) -> Option<Vec<PathSeg>> {
        let (mut path, node, in_key) = self.chain(dash)?;
        let items = match (&node.kind, in_key) {
            (NodeKind::Sequence(items), false) if node.range.start as usize <= dash => items,
            _ => return None,
        };
        let index = items.partition_point(|n| (n.range.start as usize) < dash);
        path.push(PathSeg::Index(index));
        Some(path)
    }

    /// The outermost flow collection (`[...]`/`{...}`) around `offset` when it starts before
    /// `line_start`: its path and the offset of its bracket.
    fn flow_started_above(
        &self,
        bytes: &[u8],
        offset: usize,
        line_start: usize,
    ) -> Option<(Vec<PathSeg>, usize)> {
        let at = offset as u32;
        if at >= self.parse.document_end() {
            return None;
        }
        let mut node = self.root?;
        let mut path = Vec::new();
        loop {
            let start = node.range.start as usize;
            let is_flow = matches!(node.kind, NodeKind::Mapping(_) | NodeKind::Sequence(_))
                && matches!(bytes.get(start), Some(b'[' | b'{'));
            if is_flow {
                return (start < line_start && node.range.contains_inclusive(at))
                    .then_some((path, start));
            }
            match &node.kind {
                NodeKind::Mapping(entries) => {
                    let i = entries.partition_point(|e| e.key.range.start <= at);
                    let e = i.checked_sub(1).and_then(|i| entries.get(i))?;
                    if !e.value.range.contains_inclusive(at) {
                        return None;
                    }
                    path.push(PathSeg::Key(e.key.key_text().unwrap_or("").to_string()));
                    node = &e.value;
                }
                NodeKind::Sequence(items) => {
                    let i = items.partition_point(|n| n.range.start <= at);
                    let it = i.checked_sub(1).and_then(|i| items.get(i))?;
                    if !it.range.contains_inclusive(at) {
                        return None;
                    }
                    path.push(PathSeg::Index(i - 1));
                    node = it;
                }
                _ => return None,
            }
        }
    }

    /// A block scalar or multi-line quoted/plain value that started on an earlier line and covers `offset`.
    fn multiline_scalar_at(&self, offset: usize, line_start: usize) -> Option<Vec<PathSeg>> {
        let (path, node, in_key) = self.chain(offset)?;
        let s = node.as_scalar()?;
        // Multi-line plain scalars are left out: a broken indentation often folds the next key into one.
        let block_or_quoted = s.style != ScalarStyle::Plain;
        let started_above = (node.range.start as usize) < line_start;
        (!in_key
            && block_or_quoted
            && started_above
            && node.range.contains_inclusive(offset as u32))
        .then_some(path)
    }
}

#[cfg(test)]
mod tests;
