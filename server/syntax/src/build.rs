//! Building the span tree of one chunk from saphyr-parser's events.
//!
//! saphyr reports positions as character indices; [`CharMap`] turns them into byte offsets of
//! the chunk (and the chunk's base offset makes them document offsets). On a scanner error the
//! collections still open are closed, so the tree keeps everything read before the error.

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, ScanError, Span, Tag};

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

/// Character index to byte offset, for one chunk. ASCII text maps to itself.
struct CharMap<'a> {
    src: &'a str,
    ascii: bool,
    /// Byte offset of every 64th character.
    marks: Vec<u32>,
}

const MARK_EVERY: usize = 64;

impl<'a> CharMap<'a> {
    fn new(src: &'a str) -> CharMap<'a> {
        let ascii = src.is_ascii();
        let mut marks = Vec::new();
        if !ascii {
            for (n, (b, _)) in src.char_indices().enumerate() {
                if n % MARK_EVERY == 0 {
                    marks.push(b as u32);
                }
            }
        }
        CharMap { src, ascii, marks }
    }

    fn byte(&self, char_idx: usize) -> usize {
        if self.ascii {
            return char_idx.min(self.src.len());
        }
        let k = (char_idx / MARK_EVERY).min(self.marks.len().saturating_sub(1));
        let Some(&start) = self.marks.get(k) else {
            return self.src.len();
        };
        let mut b = start as usize;
        let mut left = char_idx - k * MARK_EVERY;
        for c in self.src[b..].chars() {
            if left == 0 {
                break;
            }
            b += c.len_utf8();
            left -= 1;
        }
        b
    }
}

enum FrameKind {
    Map {
        entries: Vec<Entry>,
        key: Option<Node>,
    },
    Seq {
        items: Vec<Node>,
    },
}

struct Frame {
    kind: FrameKind,
    start: usize,
    flow: bool,
    anchor: Option<String>,
    tag: Option<String>,
}

struct Builder<'a> {
    /// The chunk's original text (all offsets below are into it).
    src: &'a str,
    base: u32,
    /// Character positions of the text saphyr scanned (the original, or a padded copy).
    map: CharMap<'a>,
    padding: Padding,
    stack: Vec<Frame>,
    root: Option<Node>,
    errors: Vec<SyntaxError>,
    /// Byte end of the latest event, to find block scalar headers after it.
    last_end: usize,
    /// Where the scanner stopped: the value of a key left without one is an error node there.
    error_at: Option<TextRange>,
    special: bool,
}

/// Parse one chunk (a standalone piece of YAML text) that starts at `base` in the document.
///
/// PyYAML does not check the indentation of continuation lines inside quotes and flow
/// collections (`gpu: {name: A100,⏎count: 2}`); saphyr does. When saphyr rejects such a line
/// for that reason alone, the parse is retried on a copy with those lines indented further,
/// and positions are mapped back to the original text.
pub(crate) fn parse_chunk(src: &str, base: u32) -> ChunkTree {
    let mut pads: Vec<(usize, usize)> = Vec::new();
    for _ in 0..4 {
        let (tree, more) = parse_padded(src, base, &pads);
        if more.is_empty() {
            return tree;
        }
        pads.extend(more);
        pads.sort_unstable();
        pads.dedup_by_key(|p| p.0);
    }
    parse_padded(src, base, &pads).0
}

/// Spaces inserted at line starts: `(patched offset of the first space, count, spaces inserted before)`.
struct Padding(Vec<(usize, usize, usize)>);

impl Padding {
    /// Build the padded text: `pads` are `(original line start, spaces)`, sorted.
    fn apply(src: &str, pads: &[(usize, usize)]) -> (String, Padding) {
        let mut out = String::with_capacity(src.len() + pads.iter().map(|p| p.1).sum::<usize>());
        let mut table = Vec::with_capacity(pads.len());
        let mut from = 0;
        let mut inserted = 0;
        for &(at, n) in pads {
            let at = at.min(src.len());
            if at < from || !src.is_char_boundary(at) {
                continue;
            }
            out.push_str(&src[from..at]);
            table.push((out.len(), n, inserted));
            out.extend(std::iter::repeat_n(' ', n));
            inserted += n;
            from = at;
        }
        out.push_str(&src[from..]);
        (out, Padding(table))
    }

    /// A byte offset of the padded text as an offset of the original text.
    fn original(&self, p: usize) -> usize {
        let i = self.0.partition_point(|&(start, _, _)| start <= p);
        match i.checked_sub(1).and_then(|i| self.0.get(i)) {
            None => p,
            Some(&(start, n, before)) if p < start + n => start - before,
            Some(&(_, n, before)) => p - before - n,
        }
    }
}

fn parse_padded(src: &str, base: u32, pads: &[(usize, usize)]) -> (ChunkTree, Vec<(usize, usize)>) {
    let (padded, padding) = if pads.is_empty() {
        (None, Padding(Vec::new()))
    } else {
        let (text, padding) = Padding::apply(src, pads);
        (Some(text), padding)
    };
    let scanned: &str = padded.as_deref().unwrap_or(src);
    let mut retry = Vec::new();
    let mut b = Builder {
        src,
        base,
        map: CharMap::new(scanned),
        padding,
        stack: Vec::new(),
        root: None,
        errors: Vec::new(),
        last_end: 0,
        error_at: None,
        special: false,
    };
    let mut parser = Parser::new_from_str(scanned);
    let mut documents = 0;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(err)) => {
                if err.info().contains("unknown anchor") {
                    // The anchor may live in another chunk: the whole-document pass checks it.
                    b.unknown_alias(&err);
                    continue;
                }
                retry = b.continuation_pads(&err);
                b.scan_error(&err);
                break;
            }
        };
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    // The splitter cuts the text at a second document; this is a safety net.
                    break;
                }
            }
            Event::Alias(_) => {
                let (s, e) = b.span(span);
                let name = src.get(s + 1..e).unwrap_or("").to_string();
                let node = Node {
                    range: b.range(s, e),
                    kind: NodeKind::Alias(name),
                    anchor: None,
                    tag: None,
                };
                b.push(node);
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                let node = b.scalar(span, &value, style, anchor_id, tag.as_deref());
                b.push(node);
            }
            Event::SequenceStart(anchor_id, ref tag) | Event::MappingStart(anchor_id, ref tag) => {
                if b.stack.len() >= MAX_DEPTH {
                    let (s, _) = b.span(span);
                    // One whole character, never a byte inside a multi-byte one.
                    let width = b
                        .src
                        .get(s..)
                        .and_then(|t| t.chars().next())
                        .map_or(0, char::len_utf8);
                    b.error(
                        s,
                        s + width,
                        "this value is nested too deeply to be analysed".into(),
                    );
                    break;
                }
                let is_map = matches!(event, Event::MappingStart(..));
                b.open(span, anchor_id, tag.as_deref(), is_map);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (_, e) = b.span(span);
                b.close(Some(e));
            }
        }
    }
    while !b.stack.is_empty() {
        b.close(None);
    }
    let tree = ChunkTree {
        root: b.root,
        errors: b.errors,
        special: b.special,
    };
    (tree, retry)
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
    fn pos(&self, char_idx: usize) -> usize {
        self.padding
            .original(self.map.byte(char_idx))
            .min(self.src.len())
    }

    /// For an error PyYAML would not raise (a badly indented continuation line inside quotes or
    /// a flow collection), the line starts to indent further so that saphyr accepts them.
    fn continuation_pads(&self, err: &ScanError) -> Vec<(usize, usize)> {
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

    fn span(&mut self, span: Span) -> (usize, usize) {
        let s = self.pos(span.start.index());
        let e = self.pos(span.end.index()).max(s);
        self.last_end = self.last_end.max(e);
        (s, e)
    }

    fn range(&self, s: usize, e: usize) -> TextRange {
        TextRange::new(self.base + s as u32, self.base + e as u32)
    }

    fn error(&mut self, s: usize, e: usize, message: String) {
        let range = self.range(s, e.max(s));
        self.errors.push(SyntaxError { range, message });
    }

    fn byte_at(&self, i: usize) -> u8 {
        self.src.as_bytes().get(i).copied().unwrap_or(0)
    }

    /// Skip node properties (`&anchor`, `!tag`) at `s`; returns the anchor name and where content starts.
    fn properties(&self, s: usize, limit: usize) -> (Option<String>, usize) {
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

    fn scalar(
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
            anchor,
            tag,
        }
    }

    /// Just after the closing quote of the quoted scalar opening at `open` (saphyr's span may run
    /// on over trailing spaces and a comment); `limit` when not found.
    fn quote_end(&self, open: usize, limit: usize) -> usize {
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
    fn after_indicator(&self, s: usize) -> usize {
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
    fn indicator_before(&self, s: usize) -> Option<usize> {
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
    fn find_block_header(&self, from: usize, limit: usize) -> Option<usize> {
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

    fn after_header_line(&self, header: usize) -> usize {
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

    fn open(&mut self, span: Span, anchor_id: usize, tag: Option<&Tag>, is_map: bool) {
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
    fn close(&mut self, end: Option<usize>) {
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
                (NodeKind::Mapping(entries), last)
            }
            FrameKind::Seq { items } => {
                let last = items.last().map(|n| n.range.end);
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
            anchor: frame.anchor,
            tag: frame.tag,
        };
        self.push(node);
    }

    fn push(&mut self, node: Node) {
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

    fn unknown_alias(&mut self, err: &ScanError) {
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

    fn scan_error(&mut self, err: &ScanError) {
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

/// The end of the quoted scalar or flow collection opening at `open` (inclusive), if it closes.
fn construct_end(bytes: &[u8], open: usize) -> Option<usize> {
    let first = *bytes.get(open)?;
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = open;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                let escape = (q == b'"' && b == b'\\')
                    || (b == q && q == b'\'' && bytes.get(i + 1) == Some(&b'\''));
                if escape {
                    i += 1;
                } else if b == q {
                    quote = None;
                    if depth == 0 {
                        return Some(i);
                    }
                }
            }
            None => match b {
                b'"' | b'\''
                    if i == open
                        || matches!(bytes[i - 1], b' ' | b'[' | b'{' | b',' | b'\n' | b':') =>
                {
                    quote = Some(b)
                }
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && matches!(first, b'[' | b'{') {
                        return Some(i);
                    }
                }
                b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Keys PyYAML cannot load although YAML 1.2 allows them: a list or mapping as a key
/// (unhashable in Python), and an implicit empty key (a line starting with `: `).
fn key_problem(src: &str, base: u32, key: &Node) -> Option<(TextRange, &'static str)> {
    match &key.kind {
        NodeKind::Mapping(_) | NodeKind::Sequence(_) => Some((
            key.range,
            "a key must be plain text, not a list or a mapping (remove the `?` or the brackets)",
        )),
        NodeKind::Scalar(_)
            if spans_lines(src, base, key) && !after_question_mark(src, base, key) =>
        {
            Some((
                key.range,
                "a key must fit on one line (or start it with `? ` to write a long key)",
            ))
        }
        NodeKind::Scalar(s)
            if s.text.is_empty()
                && s.style == ScalarStyle::Plain
                && key.anchor.is_none()
                && key.tag.is_none() =>
        {
            let at = (key.range.start - base) as usize;
            let before = at.checked_sub(1).and_then(|i| src.as_bytes().get(i));
            (before == Some(&b':')).then(|| {
                (
                    TextRange::new(key.range.start - 1, key.range.start),
                    "a key is missing before this `:` (write `key: value`)",
                )
            })
        }
        _ => None,
    }
}

fn spans_lines(src: &str, base: u32, node: &Node) -> bool {
    let (s, e) = (
        (node.range.start - base) as usize,
        (node.range.end - base) as usize,
    );
    src.as_bytes()
        .get(s..e)
        .is_some_and(|b| b.iter().any(|&c| c == b'\n' || c == b'\r'))
}

/// The node is an explicit key: `?` comes right before it (spaces and line breaks between).
fn after_question_mark(src: &str, base: u32, node: &Node) -> bool {
    let bytes = src.as_bytes();
    let mut p = ((node.range.start - base) as usize).min(bytes.len());
    while p > 0 && matches!(bytes[p - 1], b' ' | b'\t' | b'\n' | b'\r') {
        p -= 1;
    }
    p > 0 && bytes[p - 1] == b'?'
}

fn skip_space_and_comments(bytes: &[u8], mut p: usize, limit: usize) -> usize {
    while p < limit {
        match bytes[p] {
            b' ' | b'\t' | b'\r' | b'\n' => p += 1,
            b'#' => {
                while p < limit && bytes[p] != b'\n' {
                    p += 1;
                }
            }
            _ => break,
        }
    }
    p
}

fn line_bounds(src: &str, pos: usize) -> (usize, usize) {
    let bytes = src.as_bytes();
    let mut s = pos.min(bytes.len());
    while s > 0 && bytes[s - 1] != b'\n' && bytes[s - 1] != b'\r' {
        s -= 1;
    }
    let mut e = pos.min(bytes.len());
    while e < bytes.len() && bytes[e] != b'\n' && bytes[e] != b'\r' {
        e += 1;
    }
    (s, e)
}

/// The token at `pos` (up to the next space), at least one character when there is one.
fn token_end(src: &str, pos: usize) -> usize {
    let (_, line_end) = line_bounds(src, pos);
    let bytes = src.as_bytes();
    let mut e = pos;
    while e < line_end && !matches!(bytes[e], b' ' | b'\t') {
        e += 1;
    }
    if e == pos && pos < line_end {
        e = pos + src[pos..].chars().next().map_or(1, char::len_utf8);
    }
    e
}

/// saphyr's messages (matched by a fragment) in our words; the first match wins.
const MESSAGES: &[(&[&str], &str)] = &[
    (
        &["mapping values are not allowed"],
        "unexpected `:` here: a value cannot start another `key: value` on the same line or deeper; check the indentation, or quote the value if the colon belongs to it",
    ),
    (
        &["block mapping, did not find expected key"],
        "this line does not line up with the keys above it: check its indentation",
    ),
    (
        &["expected '-' indicator"],
        "expected another list item (`- ...`) at this indentation: check the indentation of this line",
    ),
    (
        &["flow sequence"],
        "this `[...]` list is not closed: add `]` (items are separated by commas, e.g. `[a, b]`)",
    ),
    (
        &["flow mapping"],
        "this `{...}` mapping is not closed: add `}` (entries are separated by commas, e.g. `{name: A100, count: 2}`)",
    ),
    (
        &["simple key", "expected ':'"],
        "expected `:` after this key (write `key: value`)",
    ),
    (
        &["did not find expected node content"],
        "a value is missing here",
    ),
    (
        &["block sequence entries are not allowed"],
        "a list item (`- ...`) cannot start here: put it on its own line, indented under its key",
    ),
    (
        &["recursion limit"],
        "this value is nested too deeply to be analysed",
    ),
    (
        &["unprintable", "byte order mark"],
        "this character is not allowed in a YAML file (a control character or binary data)",
    ),
    (
        &["trailing content after double-quoted"],
        "unexpected text after the closing quote: put the whole value inside the quotes",
    ),
    (
        &["block scalar"],
        "this block text (`|` or `>`) is badly indented: indent every line of it more than its key",
    ),
    (
        &["invalid indentation"],
        "wrong indentation here: line it up with the entries it belongs to",
    ),
    (
        &["document", "directive"],
        "unexpected document marker or directive here",
    ),
    (
        &["anchor or alias"],
        "an anchor (`&name`) or alias (`*name`) needs a name made of letters, digits, `-` or `_`",
    ),
    (&["tag"], "this tag (`!...`) is not valid"),
];

/// The scanner's message in plain words, with the range it is about.
fn describe_error(src: &str, pos: usize, info: &str) -> (usize, usize, String) {
    let (line_start, line_end) = line_bounds(src, pos);
    let bytes = src.as_bytes();
    let tok = token_end(src, pos);
    if info.contains("quoted scalar")
        && (info.contains("end of stream")
            || info.contains("indentation")
            || info.contains("document indicator"))
    {
        let q = if bytes.get(pos) == Some(&b'\'') {
            "'"
        } else {
            "\""
        };
        return (
            pos,
            line_end.max(pos),
            format!(
                "this quoted value is never closed: add the closing {q} at the end of the value"
            ),
        );
    }
    if info.contains("valid YAML whitespace") && pos > 0 && bytes.get(pos - 1) == Some(&b'\t') {
        return (
            pos - 1,
            pos,
            "tab character where YAML expects a space: use spaces".into(),
        );
    }
    if info.contains("tab") {
        let mut s = line_start;
        while s < line_end && bytes[s] == b' ' {
            s += 1;
        }
        let mut e = s;
        while e < line_end && matches!(bytes[e], b' ' | b'\t') {
            e += 1;
        }
        if e > s && bytes[s..e].contains(&b'\t') {
            return (
                s,
                e,
                "tab character in the indentation: YAML indents with spaces only".into(),
            );
        }
        return (
            pos,
            tok,
            "tab character where YAML expects spaces: replace it with spaces".into(),
        );
    }
    let at_item = bytes.get(pos) == Some(&b'-')
        && matches!(
            bytes.get(pos + 1),
            None | Some(b' ' | b'\t' | b'\n' | b'\r')
        );
    let message = if at_item
        && (info.contains("did not find expected key") || info.contains("expected '-' indicator"))
    {
        "this list item does not line up with the items above it: check its indentation".to_string()
    } else if info.contains("unexpected character") {
        let ch = src.get(pos..).and_then(|r| r.chars().next()).unwrap_or('?');
        format!("a value cannot start with `{ch}`: quote the value, e.g. \"{ch}...\"")
    } else {
        MESSAGES
            .iter()
            .find(|(needles, _)| needles.iter().any(|n| info.contains(n)))
            .map_or_else(
                || format!("YAML syntax error: {info}"),
                |(_, m)| m.to_string(),
            )
    };
    (pos, tok, message)
}
