//! Splitting a document into independently parsed chunks: one per top-level entry.
//!
//! A line at column 0 that starts a key begins a new chunk. Everything else (deeper lines,
//! zero-indented `- ` items of the previous key, comments, blank lines, continuations of an
//! open quote or flow collection) stays with the previous chunk. A small line lexer tracks
//! quotes, flow brackets and block scalars so that their content never splits a chunk.
//! The split also finds where the first YAML document ends (a second `---` or content after `...`).
//!
//! A large entry that is a plain list (`env:` followed by `- ` items) is split further into a
//! header and groups of items. Group boundaries depend only on the items' own text, so an edit
//! inside one item changes one group and every other group is reused by `reparse`.

use crate::text::TextRange;

/// What a chunk holds, which decides how its parse joins the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChunkKind {
    /// Whole top-level entries (plus comments around them).
    Entries,
    /// The `key:` line of a top-level list split into item groups.
    ListHeader,
    /// A group of `- ` items of the list opened by the last `ListHeader`.
    ListItems,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub range: TextRange,
    pub kind: ChunkKind,
}

/// Lists shorter than this (in bytes) are parsed as one chunk.
const LIST_SPLIT_MIN_BYTES: usize = 2048;
/// On average one item in this many ends a group; groups never exceed `MAX_GROUP` items.
const GROUP_ODDS: u32 = 32;
const MAX_GROUP: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Split {
    /// The chunks, in order, contiguous, covering `0..doc_end`.
    pub chunks: Vec<Chunk>,
    /// Where the first document's text ends.
    pub doc_end: u32,
    /// The start of a second document (its `---`, or its first content after `...`).
    pub second_doc: Option<TextRange>,
    /// The document is not a block mapping at the top: it is parsed as one chunk.
    pub single: bool,
}

/// One physical line: `start..end` is its text without the line break.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
}

/// Lines split on `\n`, `\r\n` and a lone `\r`, like LSP clients count them.
pub(crate) fn lines(text: &[u8]) -> impl Iterator<Item = Line> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let mut i = pos;
        while i < text.len() && text[i] != b'\n' && text[i] != b'\r' {
            i += 1;
        }
        let end = i;
        pos = match text.get(i) {
            Some(b'\r') if text.get(i + 1) == Some(&b'\n') => i + 2,
            Some(_) => i + 1,
            None => i,
        };
        Some(Line { start, end })
    })
}

/// Lexer state carried from one line to the next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LexState {
    /// Inside a quoted scalar opened on an earlier line (`b'"'` or `b'\''`).
    pub quote: Option<u8>,
    /// Open `[`/`{` brackets.
    pub flow: u32,
    /// Inside a block scalar (`|`, `>`) whose header line had this indentation.
    pub block_scalar: Option<usize>,
}

pub(crate) fn indent_of(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ').count()
}

fn is_blank_or_comment(line: &[u8]) -> bool {
    let rest = &line[line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()..];
    rest.is_empty() || rest[0] == b'#'
}

fn is_space(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t'))
}

/// `---` or `...` followed by a space or the end of the line.
pub(crate) fn doc_marker(line: &[u8]) -> Option<u8> {
    match line {
        [b'-', b'-', b'-', rest @ ..] if is_space(rest.first()) => Some(b'-'),
        [b'.', b'.', b'.', rest @ ..] if is_space(rest.first()) => Some(b'.'),
        _ => None,
    }
}

/// A line that looks like `key:` or `key: value` with a plain or quoted key.
pub(crate) fn looks_like_key(line: &[u8]) -> bool {
    let first = match line.first() {
        Some(&b) => b,
        None => return false,
    };
    if b"-?:,[]{}#&*!|>%@`".contains(&first) || first == b' ' || first == b'\t' {
        return false;
    }
    let mut i = 0;
    if first == b'"' || first == b'\'' {
        i = 1;
        while i < line.len() && line[i] != first {
            i += 1;
        }
        i += 1;
    }
    while i < line.len() {
        match line[i] {
            b':' if is_space(line.get(i + 1)) => return true,
            b'#' if i > 0 && matches!(line[i - 1], b' ' | b'\t') => return false,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Bytes that can change the lexer state (and tabs, which `stray_tabs` looks for).
const STATE_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let special = b"\"'[]{}|>\t";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

/// Advance the lexer over one line (its text without the line break).
pub(crate) fn lex_line(line: &[u8], st: &mut LexState) {
    lex_line_tabs(line, st, &mut |_| {});
}

/// The columns of tabs outside quotes, comments and block scalar text: PyYAML rejects those
/// ("found character '\t' that cannot start any token"), although YAML 1.2 allows some.
pub(crate) fn stray_tabs(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut st = LexState::default();
    let mut out = Vec::new();
    for line in lines(bytes) {
        lex_line_tabs(&bytes[line.start..line.end], &mut st, &mut |i| {
            out.push(line.start + i)
        });
    }
    out
}

/// `lex_line`, also reporting where a tab stands outside quotes, comments and block scalars.
fn lex_line_tabs(line: &[u8], st: &mut LexState, on_tab: &mut impl FnMut(usize)) {
    if let Some(parent) = st.block_scalar {
        let blank = line.iter().all(|&b| b == b' ' || b == b'\t');
        if blank || indent_of(line) > parent {
            return;
        }
        st.block_scalar = None;
    }
    if st.quote.is_none() && st.flow == 0 && !line.iter().any(|&b| STATE_BYTES[b as usize]) {
        // Nothing on this line can open a quote, a bracket or a block scalar.
        return;
    }
    let mut i = 0;
    if let Some(q) = st.quote {
        match close_quote(line, 0, q) {
            Some(end) => {
                st.quote = None;
                i = end;
            }
            None => return,
        }
    }
    let mut expect_node = i == 0;
    while i < line.len() {
        let b = line[i];
        if b == b' ' || b == b'\t' {
            if b == b'\t' {
                on_tab(i);
            }
            i += 1;
            continue;
        }
        let next = line.get(i + 1);
        if b == b'#' && (i == 0 || matches!(line[i - 1], b' ' | b'\t')) {
            return;
        }
        if expect_node {
            match b {
                b'-' | b'?' if is_space(next) => {
                    i += 1;
                    continue;
                }
                b'"' | b'\'' => {
                    match close_quote(line, i + 1, b) {
                        Some(end) => i = end,
                        None => {
                            st.quote = Some(b);
                            return;
                        }
                    }
                    expect_node = false;
                    continue;
                }
                b'[' | b'{' => {
                    st.flow += 1;
                    i += 1;
                    continue;
                }
                b'&' | b'!' => {
                    while i < line.len() && !matches!(line[i], b' ' | b'\t') {
                        i += 1;
                    }
                    continue;
                }
                b'|' | b'>' if st.flow == 0 => {
                    let rest = &line[i + 1..];
                    let header_len = rest
                        .iter()
                        .take_while(|c| matches!(c, b'-' | b'+' | b'0'..=b'9'))
                        .count();
                    if is_blank_or_comment(&rest[header_len..]) {
                        st.block_scalar = Some(indent_of(line));
                    }
                    return;
                }
                _ => {}
            }
        }
        match b {
            b']' | b'}' if st.flow > 0 => {
                st.flow -= 1;
                i += 1;
                expect_node = false;
                continue;
            }
            b',' if st.flow > 0 => {
                i += 1;
                expect_node = true;
                continue;
            }
            b':' if is_space(next) || st.flow > 0 => {
                i += 1;
                expect_node = true;
                continue;
            }
            _ => {}
        }
        // A plain scalar (or alias): runs to `: `, ` #`, or a flow indicator inside a flow.
        expect_node = false;
        i += 1;
        while i < line.len() {
            let c = line[i];
            if c == b'\t' {
                on_tab(i);
            }
            if (c == b':' && (is_space(line.get(i + 1)) || st.flow > 0))
                || (c == b'#' && matches!(line[i - 1], b' ' | b'\t'))
                || (st.flow > 0 && matches!(c, b',' | b'[' | b']' | b'{' | b'}'))
            {
                break;
            }
            i += 1;
        }
    }
}

/// Index just after the closing quote, searching from `from`; `None` if the line ends first.
fn close_quote(line: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut i = from;
    while i < line.len() {
        let b = line[i];
        if q == b'"' && b == b'\\' {
            i += 2;
            continue;
        }
        if b == q {
            if q == b'\'' && line.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// Does a column-0 line continue the chunk opened above (given the lexer state before it)?
fn continues_previous(line: &[u8], st: &LexState) -> bool {
    let first = line.first().copied().unwrap_or(b' ');
    if first == b' ' || first == b'\t' || first == b'#' || line.is_empty() {
        return true;
    }
    if (first == b'-' || first == b':') && is_space(line.get(1)) {
        // A zero-indented list item, or the value of an explicit `? key` above.
        return true;
    }
    if st.quote.is_some() {
        // An unclosed quote usually swallows the next keys by mistake: a key line starts afresh.
        return !looks_like_key(line);
    }
    if st.flow > 0 {
        let trimmed = trim_comment(line);
        let closes = trimmed.iter().any(|&b| b == b']' || b == b'}');
        if matches!(first, b']' | b'}' | b',') || closes || trimmed.last() == Some(&b',') {
            return true;
        }
        return !looks_like_key(line);
    }
    false
}

fn trim_comment(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    for i in 0..line.len() {
        if line[i] == b'#' && (i == 0 || matches!(line[i - 1], b' ' | b'\t')) {
            end = i;
            break;
        }
    }
    let mut e = end;
    while e > 0 && matches!(line[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    &line[..e]
}

/// Does the first content line make the document something other than a block mapping?
fn starts_non_mapping(line: &[u8]) -> bool {
    if indent_of(line) > 0 || line.first() == Some(&b'\t') {
        return true;
    }
    match line.first() {
        Some(b'{' | b'[' | b'|' | b'>' | b'!' | b'&' | b'*' | b'?' | b'%') => true,
        Some(b'-') => is_space(line.get(1)),
        Some(b'"' | b'\'') => !looks_like_key(line),
        _ => false,
    }
}

#[cfg(test)]
pub(crate) fn split(text: &str) -> Split {
    split_after(text, None)
}

/// The lengths of the common prefix and of the common suffix (not overlapping it) of two texts.
pub(crate) fn common_ends(a: &[u8], b: &[u8]) -> (usize, usize) {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    // Whole blocks first (compared by memcmp), then byte by byte in the first unequal block.
    let mut p = 0;
    while p + BLOCK <= n && a[p..p + BLOCK] == b[p..p + BLOCK] {
        p += BLOCK;
    }
    while p < n && a[p] == b[p] {
        p += 1;
    }
    let max = n - p;
    let mut s = 0;
    while s + BLOCK <= max
        && a[a.len() - s - BLOCK..a.len() - s] == b[b.len() - s - BLOCK..b.len() - s]
    {
        s += BLOCK;
    }
    while s < max && a[a.len() - s - 1] == b[b.len() - s - 1] {
        s += 1;
    }
    (p, s)
}

/// What `reparse` knows of the previous split, so that it can resume instead of starting over.
pub(crate) struct Previous<'a> {
    pub text: &'a str,
    pub chunks: &'a [Chunk],
    pub doc_end: u32,
    pub second_doc: Option<TextRange>,
}

/// The split of `text`, reusing `prev` where the text did not change. Chunks before the edit
/// are kept; lexing restarts at the last chunk start (a top-level entry, or a group of items of
/// a split list) before the first change, where the lexer state is known to be clean; it stops
/// as soon as a chunk starts in the unchanged tail where an old chunk started. Always equal to
/// `split(text)` (checked by the mutation tests).
pub(crate) fn split_after(text: &str, prev: Option<Previous<'_>>) -> Split {
    let bytes = text.as_bytes();
    let fresh = || {
        let mut sp = Splitter::new(bytes);
        sp.run(0, |_, _| None);
        // A split from the start never resumes a list, so it cannot fail.
        sp.finish().unwrap_or_else(|| Split {
            chunks: Vec::new(),
            doc_end: 0,
            second_doc: None,
            single: false,
        })
    };
    let Some(prev) = prev else { return fresh() };
    let old = prev.text.as_bytes();
    let (prefix, suffix) = common_ends(old, bytes);
    let delta = bytes.len() as i64 - old.len() as i64;
    // The last chunk (not the first, which holds the prologue) whose first line lies wholly
    // before the first change.
    let line_before_change = |c: &Chunk| {
        let s = c.range.start as usize;
        s < prefix
            && old[s..]
                .iter()
                .position(|&b| b == b'\n' || b == b'\r')
                .is_some_and(|n| s + n < prefix)
    };
    let Some(r) = (1..prev.chunks.len())
        .rev()
        .find(|&i| line_before_change(&prev.chunks[i]))
    else {
        return fresh();
    };
    let from = prev.chunks[r].range.start as usize;
    let mut sp = Splitter::new(bytes);
    sp.seen_content = true;
    sp.chunks.extend_from_slice(&prev.chunks[..r]);
    if prev.chunks[r].kind == ChunkKind::ListItems {
        // Inside a split list: its header and earlier groups stay, the entry goes on from here.
        let Some(h) = prev.chunks[..r]
            .iter()
            .rposition(|c| c.kind == ChunkKind::ListHeader)
        else {
            return fresh();
        };
        sp.chunk_start = Some(prev.chunks[h].range.start as usize);
        sp.list = Some(ListState::resumed(indent_of(&bytes[from..]), from));
    } else {
        sp.chunk_start = Some(from);
        sp.resume_at = Some(from);
    }
    let tail_start = bytes.len() - suffix;
    let synced = sp.run(from, |x, kind| {
        // A chunk of the same kind starting in the unchanged tail where an old one started.
        if x < tail_start || x <= from {
            return None;
        }
        let x_old = (x as i64 - delta) as u32;
        let i = prev.chunks.partition_point(|c| c.range.start < x_old);
        let same_kind = |c: &&Chunk| {
            c.range.start == x_old
                && (c.kind == kind
                    || (kind == ChunkKind::Entries && c.kind == ChunkKind::ListHeader))
        };
        prev.chunks.get(i).filter(same_kind).map(|_| i)
    });
    if sp.failed {
        return fresh();
    }
    let Some(i) = synced else {
        let split = sp.finish();
        return split.unwrap_or_else(fresh);
    };
    if prev.chunks[i].kind == ChunkKind::ListItems {
        // The list goes on as before: check it is still long enough to be split.
        let entry_start = sp.chunk_start.unwrap_or(0) as i64;
        let old_end = prev.chunks[i..]
            .iter()
            .take_while(|c| c.kind == ChunkKind::ListItems)
            .last()
            .map_or(0, |c| c.range.end);
        if (old_end as i64 + delta - entry_start) < LIST_SPLIT_MIN_BYTES as i64 {
            return fresh();
        }
    }
    for c in &prev.chunks[i..] {
        sp.chunks.push(Chunk {
            range: c.range.shift(delta),
            kind: c.kind,
        });
    }
    Split {
        chunks: sp.chunks,
        doc_end: (prev.doc_end as i64 + delta) as u32,
        second_doc: prev.second_doc.map(|d| d.shift(delta)),
        single: false,
    }
}

/// Grouping of a top-level list entry into item groups, decided line by line.
struct ListState {
    /// Column of the items' dashes (from the first item).
    col: Option<usize>,
    /// Starts of the groups found so far (not yet pushed as chunks).
    groups: Vec<usize>,
    in_group: usize,
    close_group: bool,
    /// The header (and earlier groups) are already in the chunk list (a resumed split).
    header_pushed: bool,
    /// Still a pure list: no line at or left of the items' column other than an item.
    ok: bool,
}

impl ListState {
    fn new() -> ListState {
        ListState {
            col: None,
            groups: Vec::new(),
            in_group: 0,
            close_group: false,
            header_pushed: false,
            ok: true,
        }
    }

    /// Continuing a list whose group starting at `group` (dash at `col`) is the first to redo.
    fn resumed(col: usize, group: usize) -> ListState {
        ListState {
            col: Some(col),
            groups: vec![group],
            header_pushed: true,
            ..ListState::new()
        }
    }

    /// Take one clean, non-blank line; returns true when it starts a new group.
    fn feed(&mut self, line: &[u8], start: usize, indent: usize, dash: bool) -> bool {
        if !self.ok {
            return false;
        }
        let col = *self.col.get_or_insert(indent);
        if !(dash && indent == col) {
            if indent <= col || self.groups.is_empty() {
                self.ok = false;
            }
            return false;
        }
        let resumed_first = self.header_pushed && self.groups.len() == 1 && self.groups[0] == start;
        let new_group = !resumed_first
            && (self.groups.is_empty() || self.close_group || self.in_group >= MAX_GROUP);
        if new_group {
            self.groups.push(start);
            self.in_group = 0;
        }
        self.in_group += 1;
        self.close_group = fnv(line).is_multiple_of(GROUP_ODDS);
        new_group
    }
}

/// A list header: a plain key, its colon, then nothing but an optional comment.
fn is_list_header(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    let key = &line[..colon];
    !key.is_empty()
        && key[0] != b'-'
        && key
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'))
        && is_blank_or_comment(&line[colon + 1..])
}

/// The left-to-right splitting state.
struct Splitter<'a> {
    bytes: &'a [u8],
    chunks: Vec<Chunk>,
    st: LexState,
    chunk_start: Option<usize>,
    /// A resumed split starts on this line, which already begins a chunk.
    resume_at: Option<usize>,
    seen_content: bool,
    after_doc_end: bool,
    single: bool,
    doc_end: usize,
    second_doc: Option<TextRange>,
    /// Item grouping of the current chunk, when it starts like a list entry.
    list: Option<ListState>,
    /// A resumed split found the list it continued is no longer a list: redo from scratch.
    failed: bool,
}

impl<'a> Splitter<'a> {
    fn new(bytes: &'a [u8]) -> Splitter<'a> {
        Splitter {
            bytes,
            chunks: Vec::new(),
            st: LexState::default(),
            chunk_start: None,
            resume_at: None,
            seen_content: false,
            after_doc_end: false,
            single: false,
            doc_end: bytes.len(),
            second_doc: None,
            list: None,
            failed: false,
        }
    }

    /// Split from byte `from` (a line start). `sync(x, kind)` is asked wherever a chunk of `kind`
    /// starts at `x`; when it answers, the chunks before `x` are closed and splitting stops.
    fn run(
        &mut self,
        from: usize,
        mut sync: impl FnMut(usize, ChunkKind) -> Option<usize>,
    ) -> Option<usize> {
        let bytes = self.bytes;
        for line in lines(&bytes[from..]) {
            let line = Line {
                start: line.start + from,
                end: line.end + from,
            };
            let l = &bytes[line.start..line.end];
            if let Some(marker) = doc_marker(l) {
                if marker == b'-' && (self.seen_content || self.after_doc_end) {
                    self.doc_end = line.start;
                    self.second_doc =
                        Some(TextRange::new(line.start as u32, line.start as u32 + 3));
                    break;
                }
                if marker == b'.' {
                    self.after_doc_end = true;
                }
                self.st = LexState::default();
                continue;
            }
            if self.after_doc_end {
                if !is_blank_or_comment(l) {
                    self.doc_end = line.start;
                    let end = line.start + trim_comment(l).len().max(1).min(l.len());
                    self.second_doc = Some(TextRange::new(line.start as u32, end as u32));
                    break;
                }
                continue;
            }
            if !self.seen_content {
                // Comments and directives (`%YAML 1.1`) before the first `---` are the prologue.
                if is_blank_or_comment(l) || l.first() == Some(&b'%') {
                    continue;
                }
                self.seen_content = true;
                self.single = starts_non_mapping(l);
                self.chunk_start = Some(0);
                self.list = (!self.single && is_list_header(l)).then(ListState::new);
                lex_line(l, &mut self.st);
                continue;
            }
            if self.single {
                continue;
            }
            if self.resume_at == Some(line.start) {
                // Resuming at a chunk's first line: it is already started.
                self.list = is_list_header(l).then(ListState::new);
                lex_line(l, &mut self.st);
                continue;
            }
            if l.first().is_some_and(|&b| b != b' ') && !continues_previous(l, &self.st) {
                if let Some(s) = self.chunk_start {
                    self.close_chunk(s, line.start);
                }
                if self.failed {
                    return None;
                }
                if let Some(i) = sync(line.start, ChunkKind::Entries) {
                    self.chunk_start = None;
                    return Some(i);
                }
                self.chunk_start = Some(line.start);
                self.list = is_list_header(l).then(ListState::new);
                self.st = LexState::default();
            } else {
                let indent = indent_of(l);
                let blank = indent == l.len() || l.iter().all(|&b| b == b' ' || b == b'\t');
                let block_ends = self.st.block_scalar.is_some_and(|p| indent <= p) && !blank;
                let is_clean = self.st.quote.is_none()
                    && self.st.flow == 0
                    && (self.st.block_scalar.is_none() || block_ends);
                if is_clean && !is_blank_or_comment(l) {
                    let dash = is_dash_at(l, indent);
                    if let Some(list) = &mut self.list
                        && list.feed(l, line.start, indent, dash)
                        && let Some(i) = sync(line.start, ChunkKind::ListItems)
                    {
                        // Close the list up to here; the old split supplies the rest.
                        let s = self.chunk_start.unwrap_or(0);
                        if let Some(list) = &mut self.list {
                            list.groups.pop();
                            if list.groups.is_empty() && !list.header_pushed {
                                // Only the header is new: it ends where the old items begin.
                                list.header_pushed = true;
                                self.chunks.push(Chunk {
                                    range: TextRange::new(s as u32, line.start as u32),
                                    kind: ChunkKind::ListHeader,
                                });
                            }
                        }
                        self.push_list(s, line.start);
                        return Some(i);
                    }
                }
            }
            lex_line(l, &mut self.st);
        }
        None
    }

    /// Close the chunk `start..end`: as a header plus item groups when it is a long enough
    /// list, otherwise whole.
    fn close_chunk(&mut self, start: usize, end: usize) {
        let is_list = self
            .list
            .as_ref()
            .is_some_and(|l| l.ok && !l.groups.is_empty())
            && end - start >= LIST_SPLIT_MIN_BYTES;
        if is_list {
            self.push_list(start, end);
        } else if self.list.as_ref().is_some_and(|l| l.header_pushed) {
            // A resumed list that stopped being one: its earlier chunks are wrong now.
            self.failed = true;
        } else {
            self.chunks.push(Chunk {
                range: TextRange::new(start as u32, end as u32),
                kind: ChunkKind::Entries,
            });
        }
        self.list = None;
    }

    /// Push the list's header (unless already there) and its groups, the last one ending at `end`.
    fn push_list(&mut self, start: usize, end: usize) {
        let Some(list) = self.list.take() else { return };
        let Some(&first) = list.groups.first() else {
            if !list.header_pushed {
                self.chunks.push(Chunk {
                    range: TextRange::new(start as u32, end as u32),
                    kind: ChunkKind::Entries,
                });
            }
            return;
        };
        if !list.header_pushed {
            self.chunks.push(Chunk {
                range: TextRange::new(start as u32, first as u32),
                kind: ChunkKind::ListHeader,
            });
        }
        for (i, &g) in list.groups.iter().enumerate() {
            let g_end = list.groups.get(i + 1).copied().unwrap_or(end);
            self.chunks.push(Chunk {
                range: TextRange::new(g as u32, g_end as u32),
                kind: ChunkKind::ListItems,
            });
        }
    }

    /// The split, or `None` when a resumed list turned out not to be one (redo from scratch).
    fn finish(mut self) -> Option<Split> {
        if let Some(s) = self.chunk_start {
            if self.single {
                self.chunks.push(Chunk {
                    range: TextRange::new(s as u32, self.doc_end as u32),
                    kind: ChunkKind::Entries,
                });
            } else {
                self.close_chunk(s, self.doc_end);
            }
        }
        if self.failed {
            return None;
        }
        Some(Split {
            chunks: self.chunks,
            doc_end: self.doc_end as u32,
            second_doc: self.second_doc,
            single: self.single,
        })
    }
}

fn fnv(line: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in line {
        h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    }
    h
}

fn is_dash_at(line: &[u8], col: usize) -> bool {
    indent_of(line) == col && line.get(col) == Some(&b'-') && is_space(line.get(col + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        let s = split(text);
        let mut out = String::new();
        for c in &s.chunks {
            out.push_str(&format!(
                "{:?}\n",
                &text[c.range.start as usize..c.range.end as usize]
            ));
        }
        if let Some(d) = s.second_doc {
            out.push_str(&format!(
                "second document at {:?}\n",
                &text[d.start as usize..d.end as usize]
            ));
        }
        if s.single {
            out.push_str("single\n");
        }
        out
    }

    #[test]
    fn top_level_entries() {
        expect_test::expect![[r##"
            "# head\ntype: task\n"
            "env:\n- A=1\n# c\n\n- B\n"
            "commands:\n  - |\n    x\n"
            "name: \"a\nb\"\n"
            "next: [1,\n2]\n"
            "last: \"open\n"
            "port: 8\n"
        "##]]
        .assert_eq(&show(
            "# head\ntype: task\nenv:\n- A=1\n# c\n\n- B\ncommands:\n  - |\n    x\nname: \"a\nb\"\nnext: [1,\n2]\nlast: \"open\nport: 8\n",
        ));
    }

    #[test]
    fn documents() {
        expect_test::expect![[r#"
            "---\na: 1\n"
            second document at "---"
        "#]]
        .assert_eq(&show("---\na: 1\n---\nb: 2\n"));
        expect_test::expect![[r#"
            "a: 1\n...\n# fine\n"
            second document at "b: 2"
        "#]]
        .assert_eq(&show("a: 1\n...\n# fine\nb: 2\n"));
        expect_test::expect![[r#"
            "- a\n- b\nc: 1\n"
            single
        "#]]
        .assert_eq(&show("- a\n- b\nc: 1\n"));
        expect_test::expect![[""]].assert_eq(&show(""));
        expect_test::expect![[""]].assert_eq(&show("# only\n\n"));
    }
}

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn long_lists_split_into_stable_groups() {
        let mut text = String::from("type: task\nenv:\n");
        for i in 0..300 {
            text.push_str(&format!("  - VAR_{i}=x\n"));
        }
        text.push_str("volumes:\n");
        for i in 0..100 {
            text.push_str(&format!(
                "  - name: v{i}\n    path: |\n      - not an item\n"
            ));
        }
        let s = split(&text);
        let kinds: Vec<ChunkKind> = s.chunks.iter().map(|c| c.kind).collect();
        assert_eq!(kinds[0], ChunkKind::Entries);
        assert_eq!(kinds[1], ChunkKind::ListHeader);
        assert!(
            kinds.iter().filter(|k| **k == ChunkKind::ListItems).count() > 4,
            "{kinds:?}"
        );
        // Every group starts at a real item, never inside a block scalar.
        for c in s.chunks.iter().filter(|c| c.kind == ChunkKind::ListItems) {
            let at = &text[c.range.start as usize..];
            assert!(
                at.starts_with("  - VAR_") || at.starts_with("  - name: "),
                "{at:.30}"
            );
        }
        // An edit inside one item changes one group; the others keep their text.
        let edited = text.replacen("VAR_150=x", "VAR_150=xy", 1);
        let s2 = split(&edited);
        let text_of =
            |t: &str, c: &Chunk| t[c.range.start as usize..c.range.end as usize].to_string();
        let a: Vec<String> = s.chunks.iter().map(|c| text_of(&text, c)).collect();
        let b: Vec<String> = s2.chunks.iter().map(|c| text_of(&edited, c)).collect();
        let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let suffix = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        assert!(
            prefix + suffix + 3 >= a.len(),
            "only {prefix} + {suffix} of {} groups kept",
            a.len()
        );
    }
}

#[cfg(test)]
mod common_ends_tests {
    use super::common_ends;

    #[test]
    fn prefix_and_suffix_never_overlap() {
        let long = "ab".repeat(600);
        let cases = [
            ("", ""),
            ("abc", "abc"),
            ("abc", "abxc"),
            ("aaa", "aaaa"),
            ("xaaa", "aaa"),
            (long.as_str(), "ab"),
        ];
        let out: Vec<(usize, usize)> = cases
            .iter()
            .map(|(a, b)| common_ends(a.as_bytes(), b.as_bytes()))
            .collect();
        expect_test::expect!["[(0, 0), (3, 0), (2, 1), (3, 0), (0, 3), (2, 0)]"]
            .assert_eq(&format!("{out:?}"));
        let mut edited = long.clone();
        edited.insert(700, 'z');
        let (p, s) = common_ends(long.as_bytes(), edited.as_bytes());
        assert_eq!((p, s), (700, long.len() - 700));
    }
}
