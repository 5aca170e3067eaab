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
use lex::*;
pub(crate) use lex::{doc_marker, stray_tabs};

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
mod lex;

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
            let mut l = &bytes[line.start..line.end];
            if line.start == 0 {
                // PyYAML drops a BOM only at the very start of the stream (elsewhere it is text).
                l = l.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(l);
            }
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
mod tests;
