//! Byte-level reading of one line: bounds, keys, tokens, comments, and the line's shape.

use crate::text::TextRange;

pub(super) fn range(s: usize, e: usize) -> TextRange {
    TextRange::new(s as u32, e.max(s) as u32)
}

pub(super) fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub(super) fn line_bounds(bytes: &[u8], offset: usize) -> (usize, usize) {
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
pub(super) fn prev_line(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
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

pub(super) fn trim_end(line: &[u8], mut end: usize) -> usize {
    while end > 0 && matches!(line[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    end
}

pub(super) fn trim_end_slice(b: &[u8]) -> &[u8] {
    &b[..trim_end(b, b.len())]
}

pub(super) fn unquote(b: &[u8]) -> &[u8] {
    match b {
        [q @ (b'"' | b'\''), inner @ .., last] if last == q => inner,
        _ => b,
    }
}

pub(super) fn word_len(rest: &[u8]) -> usize {
    rest.iter()
        .take_while(|&&b| !matches!(b, b' ' | b'\t' | b':' | b'#'))
        .count()
}

pub(super) fn is_space(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t'))
}

/// The colon of `key:` in `before` (text from the key's column to the cursor), skipping quotes.
/// A colon right before the cursor counts when the line goes on with a space or ends there.
pub(super) fn key_colon(before: &[u8], after: &[u8]) -> Option<usize> {
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
pub(super) fn value_token(line: &[u8], v: usize, col: usize) -> (usize, usize) {
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

pub(super) fn indent_of(b: &[u8]) -> usize {
    b.iter().take_while(|&&c| c == b' ').count()
}

/// Skip spaces, tabs and line breaks (a flow collection may span lines).
pub(super) fn skip_blank(b: &[u8]) -> &[u8] {
    let n = b
        .iter()
        .take_while(|&&c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        .count();
    &b[n..]
}

pub(super) fn skip_spaces(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    &b[n..]
}

/// The structure at the start of a line.
pub(super) struct Shape {
    /// Leading spaces and tabs (a tab counts as one column, so tab-indented lines still nest).
    pub(super) indent: usize,
    /// Columns of `- ` indicators.
    pub(super) dashes: Vec<usize>,
    /// Column after indentation and dashes.
    pub(super) content: usize,
    /// `(column of the key, column of its colon)`.
    pub(super) key: Option<(usize, usize)>,
    /// The key's value is empty, a comment, or only properties / a block scalar header (so it can parent lines below).
    pub(super) opens_block: bool,
    pub(super) blank: bool,
    /// Column of a `#` that starts a comment.
    pub(super) comment: Option<usize>,
}

impl Shape {
    pub(super) fn of(line: &[u8]) -> Shape {
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
pub(super) fn comment_start(line: &[u8]) -> Option<usize> {
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

pub(super) fn key_text(line: &[u8], k: usize) -> String {
    let rest = &line[k..];
    let colon = key_colon(rest, &[]).unwrap_or(rest.len());
    lossy(unquote(trim_end_slice(&rest[..colon])))
}
