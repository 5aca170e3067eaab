//! The cursor inside a flow collection (`[...]`, `{...}`), possibly left open.

use super::context::{CursorContext, CursorKind};
use super::lines::*;
use crate::tree::PathSeg;

/// Inside a flow collection on the cursor line, from `v` (its opening bracket) to the cursor.
pub(super) fn flow_context(
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
