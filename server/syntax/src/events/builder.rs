//! The builder: saphyr's events push nodes into a stack of open collections; a scanner error
//! closes what is still open, so the tree keeps everything read before it.

use saphyr_parser::{ScalarStyle as SaphyrStyle, ScanError, Span, Tag};

use super::positions::{CharMap, Padding};
use super::problems::{
    construct_end, describe_error, key_problem, line_bounds, skip_space_and_comments,
};
use crate::scalar::{self, ScalarValue};
use crate::text::TextRange;
use crate::tree::{Entry, Node, NodeKind, Scalar, ScalarStyle, SyntaxError};

/// Deeper nesting than this is reported and not built (it also bounds every recursive walk).
pub(crate) const MAX_DEPTH: usize = 64;

pub(crate) struct ChunkTree {
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
    /// The tree has an anchor, an alias or a merge key: the whole-document pass must visit it.
    pub special: bool,
}

pub(super) enum FrameKind {
    Map {
        entries: Vec<Entry>,
        key: Option<Node>,
    },
    Seq {
        items: Vec<Node>,
    },
}

pub(super) struct Frame {
    kind: FrameKind,
    start: usize,
    flow: bool,
    anchor: Option<String>,
    tag: Option<String>,
}

pub(super) struct Builder<'a> {
    /// The chunk's original text (all offsets below are into it).
    pub(super) src: &'a str,
    pub(super) base: u32,
    /// Character positions of the text saphyr scanned (the original, or a padded copy).
    pub(super) map: CharMap<'a>,
    pub(super) padding: Padding,
    pub(super) stack: Vec<Frame>,
    pub(super) root: Option<Node>,
    pub(super) errors: Vec<SyntaxError>,
    /// Byte end of the latest event, to find block scalar headers after it.
    pub(super) last_end: usize,
    /// Where the scanner stopped: the value of a key left without one is an error node there.
    pub(super) error_at: Option<TextRange>,
    pub(super) special: bool,
}

fn short_tag(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else {
        tag.to_string()
    }
}

impl Builder<'_> {
    /// A saphyr character position as a byte offset of the original chunk.
    pub(super) fn pos(&self, char_idx: usize) -> usize {
        self.padding
            .original(self.map.byte(char_idx))
            .min(self.src.len())
    }

    /// For an error PyYAML would not raise (a badly indented continuation line inside quotes or
    /// a flow collection), the line starts to indent further so that saphyr accepts them.
    pub(super) fn continuation_pads(&self, err: &ScanError) -> Vec<(usize, usize)> {
        let info = err.info();
        let open = if info.contains("invalid indentation in quoted scalar") {
            Some(self.pos(err.marker().index()))
        } else if info.contains("invalid indentation in flow construct")
            || (info.contains("invalid indentation") && self.stack.iter().any(|f| f.flow))
        {
            self.stack.iter().find(|f| f.flow).map(|f| f.start)
        } else {
            None
        };
        let Some(open) = open else { return Vec::new() };
        let bytes = self.src.as_bytes();
        let Some(close) = construct_end(bytes, open) else {
            return Vec::new();
        };
        let (line_start, _) = line_bounds(self.src, open);
        let mut content = line_start;
        while content < open && matches!(bytes[content], b' ' | b'-' | b'?') {
            content += 1;
        }
        let amount = content - line_start + 1;
        let mut pads = Vec::new();
        let mut i = open;
        while i < close {
            let at_break =
                bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if at_break && i < close {
                pads.push((i + 1, amount));
            }
            i += 1;
        }
        pads
    }

    pub(super) fn span(&mut self, span: Span) -> (usize, usize) {
        let s = self.pos(span.start.index());
        let e = self.pos(span.end.index()).max(s);
        self.last_end = self.last_end.max(e);
        (s, e)
    }

    pub(super) fn range(&self, s: usize, e: usize) -> TextRange {
        TextRange::new(self.base + s as u32, self.base + e as u32)
    }

    pub(super) fn error(&mut self, s: usize, e: usize, message: String) {
        let range = self.range(s, e.max(s));
        self.errors.push(SyntaxError { range, message });
    }

    pub(super) fn byte_at(&self, i: usize) -> u8 {
        self.src.as_bytes().get(i).copied().unwrap_or(0)
    }

    /// Skip node properties (`&anchor`, `!tag`) at `s`; returns the anchor name and where content starts.
    pub(super) fn properties(&self, s: usize, limit: usize) -> (Option<String>, usize) {
        let bytes = self.src.as_bytes();
        let mut p = s;
        let mut anchor = None;
        while p < limit && matches!(bytes[p], b'&' | b'!') {
            let tok_start = p;
            while p < bytes.len() && !matches!(bytes[p], b' ' | b'\t' | b'\r' | b'\n') {
                if bytes[tok_start] == b'&' && matches!(bytes[p], b',' | b'[' | b']' | b'{' | b'}')
                {
                    break;
                }
                p += 1;
            }
            if bytes[tok_start] == b'&' {
                anchor = self.src.get(tok_start + 1..p).map(str::to_string);
            }
            p = skip_space_and_comments(bytes, p, limit);
        }
        (anchor, p.min(limit.max(s)))
    }

    pub(super) fn scalar(
        &mut self,
        span: Span,
        value: &str,
        style: SaphyrStyle,
        anchor_id: usize,
        tag: Option<&Tag>,
    ) -> Node {
        let prev_end = self.last_end;
        let (s, e) = self.span(span);
        let tag = tag.map(short_tag);
        let has_props = anchor_id > 0 || tag.is_some();
        let (anchor, content) = if has_props {
            self.properties(s, e)
        } else {
            (None, s)
        };
        let (range, content_start, our_style) = match style {
            SaphyrStyle::Plain if value.is_empty() && !has_props => {
                let at = self.after_indicator(s);
                (
                    TextRange::empty(self.base + at as u32),
                    at,
                    ScalarStyle::Plain,
                )
            }
            SaphyrStyle::Plain => (self.range(s, e), content, ScalarStyle::Plain),
            SaphyrStyle::SingleQuoted => (
                self.range(s, self.quote_end(content, e)),
                content + 1,
                ScalarStyle::SingleQuoted,
            ),
            SaphyrStyle::DoubleQuoted => (
                self.range(s, self.quote_end(content, e)),
                content + 1,
                ScalarStyle::DoubleQuoted,
            ),
            SaphyrStyle::Literal | SaphyrStyle::Folded => {
                let our = if style == SaphyrStyle::Literal {
                    ScalarStyle::Literal
                } else {
                    ScalarStyle::Folded
                };
                let from = if has_props { content } else { prev_end.min(s) };
                let header = self.find_block_header(from, e).unwrap_or(s);
                let start = if has_props { s } else { header };
                let content_start = if has_props || header < s {
                    self.after_header_line(header).max(s)
                } else {
                    s
                };
                let mut end = e;
                while end > content_start
                    && matches!(self.byte_at(end - 1), b' ' | b'\t' | b'\r' | b'\n')
                {
                    end -= 1;
                }
                (
                    self.range(start, end.max(header + 1).min(self.src.len()).max(start)),
                    content_start,
                    our,
                )
            }
        };
        let content_start = content_start.min(self.src.len());
        let in_flow = self.stack.last().is_some_and(|f| f.flow);
        if our_style == ScalarStyle::Plain && in_flow {
            // saphyr reads `[a, > b]`, `[x? y]` and `{a: :b}` as strings; PyYAML refuses them.
            let problem = if value.starts_with(['|', '>', ':']) {
                Some(format!(
                    "a value cannot start with `{}` inside `[...]` or `{{...}}`: quote it",
                    &value[..1]
                ))
            } else if value.contains('?') {
                Some("a `?` cannot appear in an unquoted value inside `[...]` or `{...}`: quote the value".to_string())
            } else {
                None
            };
            if let Some(message) = problem {
                self.errors.push(SyntaxError { range, message });
            }
        }
        let verbatim = self.src.get(content_start..content_start + value.len()) == Some(value);
        let resolved = match (&tag, our_style) {
            (Some(t), _) if t != "!" => match scalar::resolve_tagged(t, value) {
                Ok(v) => v,
                Err(message) => {
                    self.errors.push(SyntaxError { range, message });
                    ScalarValue::Str(value.to_string())
                }
            },
            (_, ScalarStyle::Plain) if tag.is_none() => scalar::resolve_plain(value),
            _ => ScalarValue::Str(value.to_string()),
        };
        Node {
            range,
            kind: NodeKind::Scalar(Scalar {
                style: our_style,
                text: value.to_string(),
                value: resolved,
                content_start: self.base + content_start as u32,
                verbatim,
            }),
            anchor: anchor.map(String::into_boxed_str),
            tag: tag.map(String::into_boxed_str),
        }
    }

    /// Just after the closing quote of the quoted scalar opening at `open` (saphyr's span may run
    /// on over trailing spaces and a comment); `limit` when not found.
    pub(super) fn quote_end(&self, open: usize, limit: usize) -> usize {
        let bytes = self.src.as_bytes();
        let Some(&q) = bytes.get(open) else {
            return limit;
        };
        let mut i = open + 1;
        while i < limit.min(bytes.len()) {
            match bytes[i] {
                b'\\' if q == b'"' => i += 2,
                b if b == q && q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == q => return i + 1,
                _ => i += 1,
            }
        }
        limit
    }

    /// For an empty value: the offset just after its `:` / `-` / `?` indicator.
    pub(super) fn after_indicator(&self, s: usize) -> usize {
        let bytes = self.src.as_bytes();
        if bytes.get(s) == Some(&b':') {
            return s + 1;
        }
        match self.indicator_before(s) {
            Some(p) if matches!(bytes[p], b':' | b'-' | b'?') => p + 1,
            _ => s.min(bytes.len()),
        }
    }

    /// The last non-blank byte before `s` on its line, skipping a comment that ends there
    /// (saphyr reports an empty `- # note` item, or a list starting so, after the comment).
    pub(super) fn indicator_before(&self, s: usize) -> Option<usize> {
        let bytes = self.src.as_bytes();
        let mut p = s.min(bytes.len());
        let (line_start, _) = line_bounds(self.src, p);
        if let Some(c) = bytes[line_start..p]
            .windows(2)
            .position(|w| w[1] == b'#' && matches!(w[0], b' ' | b'\t'))
        {
            p = line_start + c + 1;
        }
        while p > line_start && matches!(bytes[p - 1], b' ' | b'\t') {
            p -= 1;
        }
        (p > line_start).then(|| p - 1)
    }

    /// The `|` or `>` of a block scalar, searching forward from `from` up to `limit`.
    pub(super) fn find_block_header(&self, from: usize, limit: usize) -> Option<usize> {
        let bytes = self.src.as_bytes();
        let mut p = from;
        while p < limit.min(bytes.len()) {
            match bytes[p] {
                b'|' | b'>' => return Some(p),
                b'#' => {
                    while p < bytes.len() && bytes[p] != b'\n' && bytes[p] != b'\r' {
                        p += 1;
                    }
                }
                _ => p += 1,
            }
        }
        None
    }

    pub(super) fn after_header_line(&self, header: usize) -> usize {
        let bytes = self.src.as_bytes();
        let mut p = header;
        while p < bytes.len() && bytes[p] != b'\n' && bytes[p] != b'\r' {
            p += 1;
        }
        if bytes.get(p) == Some(&b'\r') {
            p += 1;
        }
        if bytes.get(p) == Some(&b'\n') {
            p += 1;
        }
        while p < bytes.len() && bytes[p] == b' ' {
            p += 1;
        }
        p
    }

    pub(super) fn open(&mut self, span: Span, anchor_id: usize, tag: Option<&Tag>, is_map: bool) {
        let (mut s, e) = self.span(span);
        let tag = tag.map(short_tag);
        let has_props = anchor_id > 0 || tag.is_some();
        let (anchor, content) = if has_props {
            self.properties(s, e.max(s + 1))
        } else {
            (None, s)
        };
        if let Some(t) = &tag {
            // PyYAML's safe constructors for collections; any other tag fails to load.
            let fits = if is_map {
                matches!(t.as_str(), "!!map" | "!!set")
            } else {
                matches!(t.as_str(), "!!seq" | "!!omap" | "!!pairs")
            };
            if !fits {
                let what = if is_map { "a mapping" } else { "a list" };
                let bytes = self.src.as_bytes();
                let start = (s..content.max(s)).find(|&i| bytes[i] == b'!').unwrap_or(s);
                let mut end = start;
                while end < bytes.len() && !matches!(bytes[end], b' ' | b'\t' | b'\r' | b'\n') {
                    end += 1;
                }
                self.error(
                    start,
                    end,
                    format!("the tag `{t}` cannot be used on {what}; remove it"),
                );
            }
        }
        let flow = matches!(self.byte_at(content), b'[' | b'{');
        let at_dash = self.byte_at(s) == b'-'
            && matches!(self.byte_at(s + 1), b' ' | b'\t' | b'\n' | b'\r' | 0);
        if !is_map && !flow && !has_props && !at_dash {
            // A zero-indented sequence is reported at its first item: start at its dash.
            if let Some(p) = self
                .indicator_before(s)
                .filter(|&p| self.byte_at(p) == b'-')
            {
                s = p;
            }
        }
        let kind = if is_map {
            FrameKind::Map {
                entries: Vec::new(),
                key: None,
            }
        } else {
            FrameKind::Seq { items: Vec::new() }
        };
        self.stack.push(Frame {
            kind,
            start: s,
            flow,
            anchor,
            tag,
        });
    }

    /// Close the innermost collection; `end` is the end event's offset (`None` when closing after an error).
    pub(super) fn close(&mut self, end: Option<usize>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (kind, last) = match frame.kind {
            FrameKind::Map { mut entries, key } => {
                if let Some(key) = key {
                    // A key whose value never came (the error is already recorded).
                    let range = self.error_at.unwrap_or(TextRange::empty(key.range.end));
                    let value = Node {
                        range,
                        kind: NodeKind::Error,
                        anchor: None,
                        tag: None,
                    };
                    entries.push(Entry { key, value });
                }
                let last = entries
                    .last()
                    .map(|e| e.value.range.end.max(e.key.range.end));
                // Growth slack would outlive the parse: a chunk is often one entry.
                entries.shrink_to_fit();
                (NodeKind::Mapping(entries), last)
            }
            FrameKind::Seq { mut items } => {
                let last = items.last().map(|n| n.range.end);
                items.shrink_to_fit();
                (NodeKind::Sequence(items), last)
            }
        };
        let start = self.base + frame.start as u32;
        let end = match (frame.flow, end) {
            (true, Some(e)) => self.base + e as u32,
            _ => last.unwrap_or(start).max(start),
        };
        let node = Node {
            range: TextRange::new(start, end),
            kind,
            anchor: frame.anchor.map(String::into_boxed_str),
            tag: frame.tag.map(String::into_boxed_str),
        };
        self.push(node);
    }

    pub(super) fn push(&mut self, node: Node) {
        self.special |= node.anchor.is_some()
            || matches!(&node.kind, NodeKind::Alias(_))
            || matches!(&node.kind, NodeKind::Scalar(s) if s.text == "<<");
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame {
                kind: FrameKind::Map { entries, key },
                ..
            }) => match key.take() {
                None => {
                    if let Some((range, message)) = key_problem(self.src, self.base, &node) {
                        self.errors.push(SyntaxError {
                            range,
                            message: message.into(),
                        });
                    }
                    *key = Some(node);
                }
                Some(k) => {
                    if let NodeKind::Scalar(s) = &node.kind
                        && s.style == ScalarStyle::Plain
                        && node.tag.is_none()
                        && let Some(problem) = scalar::plain_load_problem(&s.text)
                    {
                        self.errors.push(SyntaxError {
                            range: node.range,
                            message: problem.to_string(),
                        });
                    }
                    entries.push(Entry {
                        key: k,
                        value: node,
                    });
                }
            },
            Some(Frame {
                kind: FrameKind::Seq { items },
                ..
            }) => items.push(node),
        }
    }

    pub(super) fn unknown_alias(&mut self, err: &ScanError) {
        let s = self.pos(err.marker().index());
        let bytes = self.src.as_bytes();
        let mut e = s + 1;
        while e < bytes.len()
            && !matches!(bytes[e], b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'}')
        {
            e += 1;
        }
        let e = e.min(bytes.len()).max(s);
        self.last_end = self.last_end.max(e);
        let name = self.src.get(s + 1..e).unwrap_or("").to_string();
        let node = Node {
            range: self.range(s, e),
            kind: NodeKind::Alias(name),
            anchor: None,
            tag: None,
        };
        self.push(node);
    }

    pub(super) fn scan_error(&mut self, err: &ScanError) {
        let pos = self.pos(err.marker().index()).min(self.src.len());
        let (mut s, mut e, message) = describe_error(self.src, pos, err.info());
        if err.info().contains("flow") {
            // Point at the bracket that was never closed, not at where the scanner gave up.
            if let Some(open) = self.stack.iter().rev().find(|f| f.flow) {
                s = open.start;
                e = line_bounds(self.src, s).1.max(s + 1).min(self.src.len());
            }
        }
        self.error(s, e, message);
        self.error_at = Some(self.range(s, e));
    }
}
