//! A fast path for the plain block YAML most dstack files are made of.
//!
//! saphyr-parser reads about 25–50 MB/s here, too slow for 50,000-line files on every keystroke.
//! This parser accepts only a strict subset: ASCII text, space indentation, block mappings and
//! sequences, single-line plain scalars, single-line quoted scalars without escapes, comments.
//! On anything else (flow collections, block scalars, anchors, tags, multi-line scalars, tabs,
//! odd indentation, any error) it gives up and the chunk goes to saphyr. For the inputs it
//! accepts it must build exactly the tree `events::parse_chunk` builds; the equivalence test in
//! `tests::fast_path_matches_saphyr` checks that on every fixture and on generated/mutated inputs.

use crate::events::{ChunkTree, MAX_DEPTH};
use crate::scalar;
use crate::text::TextRange;
use crate::tree::{Entry, Node, NodeKind, Scalar, ScalarStyle};

/// A content line: not blank, not only a comment.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    /// End of the line's text (before `\r\n` / `\n`).
    end: usize,
    indent: usize,
}

struct Fast<'a> {
    src: &'a [u8],
    text: &'a str,
    base: u32,
    lines: Vec<Line>,
    pos: usize,
    /// A `<<` key was seen (the whole-document pass expands merges).
    merge_key: bool,
}

/// Parse `src` (a chunk starting at document offset `base`) if it is inside the subset.
pub(crate) fn parse_fast(src: &str, base: u32) -> Option<ChunkTree> {
    let bytes = src.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 32 + 1);
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        // Printable ASCII only: tabs, control bytes and non-ASCII text go to saphyr.
        while i < bytes.len() && (0x20..0x7f).contains(&bytes[i]) {
            i += 1;
        }
        if i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
            return None;
        }
        let end = i;
        match bytes.get(i) {
            Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            Some(b'\r') => return None,
            Some(_) => i += 1,
            None => {}
        }
        let line = &bytes[start..end];
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        if indent == line.len() || line[indent] == b'#' {
            continue;
        }
        if indent == 0 && (line.starts_with(b"---") || line.starts_with(b"...") || line[0] == b'%')
        {
            return None;
        }
        lines.push(Line { start, end, indent });
    }
    let mut f = Fast {
        src: bytes,
        text: src,
        base,
        lines,
        pos: 0,
        merge_key: false,
    };
    let first = *f.lines.first()?;
    let root = f.block_node(first, first.indent, 0)?;
    if f.pos != f.lines.len() {
        return None;
    }
    Some(ChunkTree {
        root: Some(root),
        errors: Vec::new(),
        special: f.merge_key,
    })
}

impl Fast<'_> {
    fn r(&self, s: usize, e: usize) -> TextRange {
        TextRange::new(self.base + s as u32, self.base + e as u32)
    }

    /// `- ` (or a lone `-`) at column `col` of `line`.
    fn dash_at(&self, line: Line, col: usize) -> bool {
        let at = line.start + col;
        at < line.end && self.src[at] == b'-' && (at + 1 == line.end || self.src[at + 1] == b' ')
    }

    fn peek(&self) -> Option<Line> {
        self.lines.get(self.pos).copied()
    }

    /// A block node whose first line is `line`, with its content at `col` (after any dash).
    fn block_node(&mut self, line: Line, col: usize, depth: usize) -> Option<Node> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let at = line.start + col;
        if self.dash_at(line, col) {
            return self.block_sequence(line, col, depth);
        }
        if self.key_colon(at, line.end).is_some() {
            return self.block_mapping(line, col, depth);
        }
        None
    }

    /// `: ` (or `:` at the end) after a plain key starting at `at`; `None` if not a key line.
    fn key_colon(&self, at: usize, end: usize) -> Option<usize> {
        let s = self.src;
        let mut i = at;
        while i < end {
            match s[i] {
                b':' if i + 1 == end || s[i + 1] == b' ' => return Some(i),
                b'#' if i > at && s[i - 1] == b' ' => return None,
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// Entries at column `col`; the first one is on `line` (possibly after a dash).
    fn block_mapping(&mut self, first: Line, col: usize, depth: usize) -> Option<Node> {
        let mut entries = Vec::new();
        let mut line = first;
        let mut key_at = first.start + col;
        self.pos += 1;
        loop {
            let colon = self.key_colon(key_at, line.end)?;
            let key = self.plain(key_at, colon, true)?;
            self.merge_key |= key.key_text() == Some("<<");
            let value = self.value_after(line, colon, col, depth, true)?;
            entries.push(Entry { key, value });
            match self.peek() {
                Some(next) if next.indent == col => {
                    if self.dash_at(next, col) {
                        // A list at the key's own column only follows a key with no value.
                        return None;
                    }
                    line = next;
                    key_at = next.start + col;
                    self.pos += 1;
                }
                Some(next) if next.indent > col => return None,
                _ => break,
            }
        }
        // Growth slack would outlive the parse (4 entries for a one-entry chunk).
        entries.shrink_to_fit();
        let start = entries.first().map_or(0, |e: &Entry| e.key.range.start);
        let end = entries
            .last()
            .map_or(start, |e| e.value.range.end.max(e.key.range.end));
        Some(Node {
            range: TextRange::new(start, end),
            kind: NodeKind::Mapping(entries),
            anchor: None,
            tag: None,
        })
    }

    /// Items whose dashes are at column `col`; the first dash is on `line`.
    fn block_sequence(&mut self, first: Line, col: usize, depth: usize) -> Option<Node> {
        let mut items = Vec::new();
        let mut line = first;
        let seq_start = first.start + col;
        self.pos += 1;
        loop {
            let dash = line.start + col;
            let mut c = dash + 1;
            while c < line.end && self.src[c] == b' ' {
                c += 1;
            }
            let item = if c == line.end || self.src[c] == b'#' {
                // Empty on this line: content below, or a null item.
                match self.peek() {
                    Some(next) if next.indent > col => {
                        let node = self.block_node(next, next.indent, depth + 1)?;
                        if self.pos_line_is_deeper(col) {
                            return None;
                        }
                        node
                    }
                    _ => self.null_at(dash + 1),
                }
            } else if self.dash_at(line, c - line.start) {
                return None;
            } else if self.key_colon(c, line.end).is_some() {
                // `- key: value` opens a mapping at the key's column.
                self.pos -= 1;
                let m = self.block_mapping(line, c - line.start, depth + 1)?;
                if self.pos_line_is_deeper(col) {
                    return None;
                }
                m
            } else {
                let node = self.scalar_to_end(c, line.end)?;
                if self.pos_line_is_deeper(col) {
                    return None;
                }
                node
            };
            items.push(item);
            match self.peek() {
                Some(next) if next.indent == col && self.dash_at(next, col) => {
                    line = next;
                    self.pos += 1;
                }
                _ => break,
            }
        }
        items.shrink_to_fit();
        let start = self.base + seq_start as u32;
        let end = items
            .last()
            .map_or(start, |n: &Node| n.range.end)
            .max(start);
        Some(Node {
            range: TextRange::new(start, end),
            kind: NodeKind::Sequence(items),
            anchor: None,
            tag: None,
        })
    }

    /// The next content line is indented deeper than `col`: a continuation we do not handle.
    fn pos_line_is_deeper(&self, col: usize) -> bool {
        self.peek().is_some_and(|l| l.indent > col)
    }

    /// The value after `key:` on `line` (colon at `colon`), for a mapping at column `col`.
    fn value_after(
        &mut self,
        line: Line,
        colon: usize,
        col: usize,
        depth: usize,
        allow_indentless: bool,
    ) -> Option<Node> {
        let mut v = colon + 1;
        while v < line.end && self.src[v] == b' ' {
            v += 1;
        }
        if v == line.end || self.src[v] == b'#' {
            return match self.peek() {
                Some(next) if next.indent > col => {
                    let node = self.block_node(next, next.indent, depth + 1)?;
                    if self.pos_line_is_deeper(col) {
                        return None;
                    }
                    Some(node)
                }
                Some(next) if allow_indentless && next.indent == col && self.dash_at(next, col) => {
                    self.block_sequence(next, col, depth + 1)
                }
                _ => Some(self.null_at(colon + 1)),
            };
        }
        let node = self.scalar_to_end(v, line.end)?;
        if self.pos_line_is_deeper(col) {
            return None;
        }
        Some(node)
    }

    fn null_at(&self, at: usize) -> Node {
        let p = self.base + at as u32;
        Node {
            range: TextRange::empty(p),
            kind: NodeKind::Scalar(Scalar {
                style: ScalarStyle::Plain,
                text: String::new(),
                value: scalar::ScalarValue::Null,
                content_start: p,
                verbatim: true,
            }),
            anchor: None,
            tag: None,
        }
    }

    /// A single-line scalar from `v` to the end of the line (before a comment).
    fn scalar_to_end(&self, v: usize, end: usize) -> Option<Node> {
        let s = self.src;
        if s[v] == b'"' || s[v] == b'\'' {
            let q = s[v];
            let mut i = v + 1;
            let mut escaped = false;
            loop {
                if i >= end {
                    return None;
                }
                if s[i] == q {
                    if q == b'\'' && i + 1 < end && s[i + 1] == b'\'' {
                        escaped = true;
                        i += 2;
                        continue;
                    }
                    break;
                }
                if q == b'"' && s[i] == b'\\' {
                    return None;
                }
                i += 1;
            }
            let close = i;
            let mut j = close + 1;
            while j < end && s[j] == b' ' {
                j += 1;
            }
            if j < end && !(s[j] == b'#' && j > close + 1) {
                return None;
            }
            let inner = &self.text[v + 1..close];
            let text = if escaped {
                inner.replace("''", "'")
            } else {
                inner.to_string()
            };
            let style = if q == b'"' {
                ScalarStyle::DoubleQuoted
            } else {
                ScalarStyle::SingleQuoted
            };
            return Some(Node {
                range: self.r(v, close + 1),
                kind: NodeKind::Scalar(Scalar {
                    style,
                    value: scalar::ScalarValue::Str(text.clone()),
                    verbatim: !escaped,
                    text,
                    content_start: self.base + v as u32 + 1,
                }),
                anchor: None,
                tag: None,
            });
        }
        // Plain: up to ` #` or the end, trailing spaces trimmed.
        let mut e = v;
        while e < end && !(s[e] == b'#' && s[e - 1] == b' ') {
            if s[e] == b':' && (e + 1 == end || s[e + 1] == b' ') {
                return None;
            }
            e += 1;
        }
        while e > v && s[e - 1] == b' ' {
            e -= 1;
        }
        self.plain(v, e, false)
    }

    /// A plain scalar `s..e` on one line; `None` when its first character needs saphyr's rules.
    fn plain(&self, s: usize, mut e: usize, is_key: bool) -> Option<Node> {
        let b = self.src;
        while e > s && b[e - 1] == b' ' {
            e -= 1;
        }
        if e == s || (is_key && e - s > 1000) {
            return None;
        }
        let first = b[s];
        let next = b.get(s + 1).copied().filter(|_| s + 1 < e);
        let indicator = match first {
            b'-' | b'?' | b':' => {
                next.is_none() || next == Some(b' ') || next.is_some_and(|n| b",[]{}".contains(&n))
            }
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' => true,
            _ => false,
        };
        if indicator {
            return None;
        }
        let text = &self.text[s..e];
        if text.contains(" #") || (is_key && text.contains(": ")) {
            return None;
        }
        if !is_key && scalar::plain_load_problem(text).is_some() {
            return None;
        }
        Some(Node {
            range: self.r(s, e),
            kind: NodeKind::Scalar(Scalar {
                style: ScalarStyle::Plain,
                text: text.to_string(),
                value: scalar::resolve_plain(text),
                content_start: self.base + s as u32,
                verbatim: true,
            }),
            anchor: None,
            tag: None,
        })
    }
}
