//! Error-tolerant parsing. The document is split into top-level entries; each is parsed on
//! its own, so a syntax error in one entry leaves every other entry fully analysed, and an
//! edit re-parses only the entries whose text changed.
//!
//! Anchors and aliases are resolved over the whole document after the chunks are joined, so an
//! alias may use an anchor from an earlier top-level entry (as PyYAML allows): `document.rs`.

use std::sync::Arc;

use crate::chars;
use crate::events::{self, ChunkTree};
use crate::split::{self, ChunkKind, Split};
use crate::text::TextRange;
pub use crate::tree::SyntaxError;
use crate::tree::{Entry, Node, NodeKind};

/// The result of parsing a document: a tree (possibly partial) plus errors. Never fails.
#[derive(Clone, Debug, Default)]
pub struct Parse {
    /// The document's root node: normally a mapping. `None` for an empty document.
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
    /// What `reparse` needs to reuse work: the parsed text and what each chunk produced.
    text: Arc<String>,
    chunks: Vec<ChunkInfo>,
    single: bool,
    /// Where the first YAML document ends; the tree knows nothing after it.
    doc_end: u32,
    /// Where a second document starts, if there is one.
    second_doc: Option<TextRange>,
    /// Every `&anchor` in document order, with the way to reach its node from the root.
    anchors: Vec<AnchorDef>,
    /// Anchor name -> indexes into `anchors`, sorted by offset: an alias finds its anchor by binary search.
    anchor_index: std::collections::HashMap<String, Vec<usize>>,
}

#[derive(Clone, Debug)]
struct ChunkInfo {
    range: TextRange,
    kind: ChunkKind,
    /// Where the chunk's nodes went: `Entries` made root entries `first..first + n`; `ListHeader`
    /// made root entry `entry`; `ListItems` made items `first..first + n` of that entry's list.
    /// `u32` like offsets (every node has a byte of its own): there is one `ChunkInfo` per chunk.
    entry: u32,
    first: u32,
    n: u32,
    /// The chunk's own syntax errors (document offsets).
    errors: Vec<SyntaxError>,
    /// Its nodes include anchors, aliases or merge keys.
    special: bool,
}

#[derive(Clone, Debug)]
struct AnchorDef {
    name: String,
    offset: u32,
    /// Child steps from the root: for a mapping `2 * entry + (0 key | 1 value)`, for a sequence the index.
    steps: Vec<u32>,
}

pub fn parse(text: &str) -> Parse {
    reparse(&Parse::default(), text)
}

/// The nodes one chunk contributes, before they are joined into the root.
enum Piece {
    Entries(Vec<Entry>),
    Header(Option<Node>),
    Items(Vec<Node>),
    Root(Node),
    Nothing,
}

/// Re-parse `new_text`, reusing the work of `old` for chunks (top-level entries, groups of list
/// items) whose text did not change. The result is exactly what [`parse`] returns for `new_text`.
/// Reused nodes are cloned; [`reparse_owned`] moves them instead and is faster on large files.
pub fn reparse(old: &Parse, new_text: &str) -> Parse {
    let entries = old.root.as_ref().and_then(Node::as_mapping).unwrap_or(&[]);
    reparse_from(OldParse::of(old), OldNodes::Borrowed(entries), new_text)
}

/// Like [`reparse`], but takes the old parse by value and moves its unchanged subtrees into the
/// new tree instead of cloning them (only their offsets are shifted).
pub fn reparse_owned(old: Parse, new_text: &str) -> Parse {
    let mut old = old;
    let entries = match old.root.take() {
        Some(Node {
            kind: NodeKind::Mapping(entries),
            ..
        }) => entries,
        _ => Vec::new(),
    };
    reparse_from(OldParse::of(&old), OldNodes::Owned(entries), new_text)
}

/// What `reparse` needs of the previous parse besides its nodes.
struct OldParse<'a> {
    text: &'a str,
    chunks: &'a [ChunkInfo],
    single: bool,
    doc_end: u32,
    second_doc: Option<TextRange>,
}

impl OldParse<'_> {
    fn of(p: &Parse) -> OldParse<'_> {
        OldParse {
            text: &p.text,
            chunks: &p.chunks,
            single: p.single,
            doc_end: p.doc_end,
            second_doc: p.second_doc,
        }
    }

    /// The split of `new_text`, resumed from this parse's split where the text is unchanged.
    fn resplit(&self, new_text: &str) -> Split {
        let previous: Vec<split::Chunk> = self
            .chunks
            .iter()
            .map(|c| split::Chunk {
                range: c.range,
                kind: c.kind,
            })
            .collect();
        let prev = (!self.single && !previous.is_empty()).then_some(split::Previous {
            text: self.text,
            chunks: &previous,
            doc_end: self.doc_end,
            second_doc: self.second_doc,
        });
        split::split_after(new_text, prev)
    }
}

#[cfg(test)]
impl Parse {
    pub(crate) fn source_text(&self) -> &str {
        &self.text
    }
}

/// The split `reparse(old, text)` uses (tests check it equals a fresh split).
#[cfg(test)]
pub(crate) fn resplit_for_test(old: &Parse, text: &str) -> Split {
    OldParse::of(old).resplit(text)
}

/// Where reused nodes come from: a borrowed old tree (cloned) or an owned one (moved out).
enum OldNodes<'a> {
    Borrowed(&'a [Entry]),
    Owned(Vec<Entry>),
}

impl OldNodes<'_> {
    fn entries(&mut self, from: usize, n: usize) -> Vec<Entry> {
        match self {
            OldNodes::Borrowed(e) => e.get(from..from + n).unwrap_or(&[]).to_vec(),
            OldNodes::Owned(e) => e
                .get_mut(from..from + n)
                .unwrap_or(&mut [])
                .iter_mut()
                .map(|e| {
                    std::mem::replace(
                        e,
                        Entry {
                            key: error_node(0),
                            value: error_node(0),
                        },
                    )
                })
                .collect(),
        }
    }

    fn key(&mut self, entry: usize) -> Option<Node> {
        match self {
            OldNodes::Borrowed(e) => e.get(entry).map(|e| e.key.clone()),
            OldNodes::Owned(e) => e
                .get_mut(entry)
                .map(|e| std::mem::replace(&mut e.key, error_node(0))),
        }
    }

    fn items(&mut self, entry: usize, from: usize, n: usize) -> Vec<Node> {
        match self {
            OldNodes::Borrowed(e) => e
                .get(entry)
                .and_then(|e| e.value.as_sequence())
                .and_then(|items| items.get(from..from + n))
                .unwrap_or(&[])
                .to_vec(),
            OldNodes::Owned(e) => match e.get_mut(entry).map(|e| &mut e.value.kind) {
                Some(NodeKind::Sequence(items)) => items
                    .get_mut(from..from + n)
                    .unwrap_or(&mut [])
                    .iter_mut()
                    .map(|n| std::mem::replace(n, error_node(0)))
                    .collect(),
                _ => Vec::new(),
            },
        }
    }
}

fn reparse_from(old: OldParse<'_>, mut old_nodes: OldNodes<'_>, new_text: &str) -> Parse {
    let (old_text, old_chunks, old_single) = (old.text, old.chunks, old.single);
    let split = old.resplit(new_text);
    let reusable = !split.single && !old_single && !old_chunks.is_empty();
    let n_old = old_chunks.len();
    let n_new = split.chunks.len();
    // A chunk is unchanged when it lies in the text's common prefix at the same place, or in
    // its common suffix at the same distance from the end; near the edit, compare the text.
    let (text_prefix, text_suffix) = split::common_ends(old_text.as_bytes(), new_text.as_bytes());
    let delta = new_text.len() as i64 - old_text.len() as i64;
    let tail = (new_text.len() - text_suffix) as u32;
    let same = |i: usize, j: usize| {
        let (a, b) = (&old_chunks[i], &split.chunks[j]);
        // Only a chunk at offset 0 drops a leading BOM: same text elsewhere parses differently.
        if a.kind != b.kind
            || a.range.len() != b.range.len()
            || (a.range.start == 0) != (b.range.start == 0)
        {
            return false;
        }
        if a.range == b.range && b.range.end as usize <= text_prefix {
            return true;
        }
        if b.range.start >= tail && a.range.start as i64 + delta == b.range.start as i64 {
            return true;
        }
        chunk_text(old_text, a.range) == chunk_text(new_text, b.range)
    };
    // Chunks equal at the front, then at the back (without overlapping the front).
    let mut prefix = 0;
    let mut suffix = 0;
    if reusable {
        while prefix < n_old.min(n_new) && same(prefix, prefix) {
            prefix += 1;
        }
        while suffix < (n_old - prefix).min(n_new - prefix)
            && same(n_old - 1 - suffix, n_new - 1 - suffix)
        {
            suffix += 1;
        }
    }
    // Nearly one root entry per chunk, so the root is sized once rather than regrown.
    let mut entries: Vec<Entry> = Vec::with_capacity(n_new);
    let mut all_errors: Vec<SyntaxError> = Vec::new();
    let mut chunks = Vec::with_capacity(n_new);
    let mut single_root = None;
    // The list being filled by `ListItems` chunks: its entry index in `entries`.
    let mut open_list: Option<usize> = None;
    for (i, chunk) in split.chunks.iter().enumerate() {
        let reuse = if i < prefix {
            Some(i)
        } else if i >= n_new - suffix {
            Some(n_old - (n_new - i))
        } else {
            None
        };
        let (piece, errors, special) = match reuse {
            Some(j) => {
                let info = &old_chunks[j];
                let special = info.special;
                let delta = chunk.range.start as i64 - info.range.start as i64;
                let mut errors = info.errors.clone();
                for err in &mut errors {
                    err.range = err.range.shift(delta);
                }
                let piece = match info.kind {
                    ChunkKind::Entries => {
                        let mut entries = old_nodes.entries(info.first as usize, info.n as usize);
                        for e in &mut entries {
                            shift_node(&mut e.key, delta);
                            shift_node(&mut e.value, delta);
                        }
                        Piece::Entries(entries)
                    }
                    ChunkKind::ListHeader => {
                        Piece::Header(old_nodes.key(info.entry as usize).map(|mut k| {
                            shift_node(&mut k, delta);
                            k
                        }))
                    }
                    ChunkKind::ListItems => {
                        let mut items = old_nodes.items(
                            info.entry as usize,
                            info.first as usize,
                            info.n as usize,
                        );
                        for n in &mut items {
                            shift_node(n, delta);
                        }
                        Piece::Items(items)
                    }
                };
                (piece, errors, special)
            }
            None => {
                let raw = chunk_text(new_text, chunk.range).unwrap_or("");
                let cleaned = chars::clean_chunk(raw, chunk.range.start);
                let src = &*cleaned;
                let ChunkTree {
                    mut root,
                    mut errors,
                    special,
                } = parse_chunk_guarded(src, chunk.range.start);
                if matches!(cleaned, std::borrow::Cow::Owned(_)) {
                    chars::restore(raw, chunk.range.start, root.as_mut(), &mut errors);
                }
                if src.contains('\t') {
                    add_tab_errors(src, chunk.range.start, &mut errors);
                }
                let piece = match (root, chunk.kind) {
                    (Some(node), _) if split.single => Piece::Root(node),
                    (
                        Some(Node {
                            kind: NodeKind::Mapping(m),
                            ..
                        }),
                        ChunkKind::Entries,
                    ) => Piece::Entries(m),
                    (
                        Some(Node {
                            kind: NodeKind::Mapping(m),
                            ..
                        }),
                        ChunkKind::ListHeader,
                    ) => Piece::Header(m.into_iter().next().map(|e| e.key)),
                    (
                        Some(Node {
                            kind: NodeKind::Sequence(items),
                            ..
                        }),
                        ChunkKind::ListItems,
                    ) => Piece::Items(items),
                    (Some(node), _) => {
                        errors.push(not_a_key_error(&node, new_text));
                        Piece::Nothing
                    }
                    (None, _) => Piece::Nothing,
                };
                (piece, errors, special)
            }
        };
        let mut info = ChunkInfo {
            range: chunk.range,
            kind: chunk.kind,
            entry: 0,
            first: 0,
            n: 0,
            errors,
            special,
        };
        // Joined at once, so a chunk's nodes are freed before the next chunk is parsed: holding
        // every chunk's tree until the end doubled the peak on files of many small entries.
        let chunk = info.range;
        if info.kind != ChunkKind::ListItems {
            open_list = None;
        }
        match piece {
            Piece::Entries(m) => {
                info.first = entries.len() as u32;
                info.n = m.len() as u32;
                entries.extend(m);
            }
            Piece::Header(key) => {
                // The list's dash starts the value; items are added by the chunks that follow.
                let key = key.unwrap_or_else(|| error_node(chunk.start));
                let at = TextRange::empty(key.range.end);
                info.entry = entries.len() as u32;
                open_list = Some(entries.len());
                let value = Node {
                    range: at,
                    kind: NodeKind::Sequence(Vec::new()),
                    anchor: None,
                    tag: None,
                };
                entries.push(Entry { key, value });
            }
            Piece::Items(items) => {
                if let Some(e) = open_list.and_then(|k| entries.get_mut(k)) {
                    info.entry = open_list.unwrap_or(0) as u32;
                    if let NodeKind::Sequence(list) = &mut e.value.kind {
                        if list.is_empty() {
                            let dash = chunk.start + leading_spaces(new_text, chunk.start);
                            e.value.range = TextRange::empty(dash);
                        }
                        info.first = list.len() as u32;
                        info.n = items.len() as u32;
                        if let Some(last) = items.last() {
                            e.value.range.end = last.range.end.max(e.value.range.start);
                        }
                        list.extend(items);
                    }
                }
            }
            Piece::Root(node) => single_root = Some(node),
            Piece::Nothing => {}
        }
        all_errors.extend(info.errors.iter().cloned());
        chunks.push(info);
    }
    // Growth slack of the root and of its lists would outlive the parse.
    entries.shrink_to_fit();
    for e in &mut entries {
        if let NodeKind::Sequence(list) = &mut e.value.kind {
            list.shrink_to_fit();
        }
    }
    let root = if split.single {
        single_root
    } else if entries.is_empty() {
        None
    } else {
        let start = entries.first().map_or(0, |e| e.key.range.start);
        let end = entries
            .iter()
            .map(|e| e.value.range.end.max(e.key.range.end))
            .max()
            .unwrap_or(start);
        Some(Node {
            range: TextRange::new(start, end),
            kind: NodeKind::Mapping(entries),
            anchor: None,
            tag: None,
        })
    };
    all_errors.extend(chars::refused_char_errors(new_text));
    let mut parse = Parse {
        root,
        errors: all_errors,
        text: Arc::new(new_text.to_string()),
        chunks,
        single: split.single,
        doc_end: split.doc_end,
        second_doc: split.second_doc,
        anchors: Vec::new(),
        anchor_index: Default::default(),
    };
    parse.finish(&split);
    parse
}

fn leading_spaces(text: &str, at: u32) -> u32 {
    text.as_bytes()
        .get(at as usize..)
        .unwrap_or(&[])
        .iter()
        .take_while(|&&b| b == b' ')
        .count() as u32
}

fn error_node(at: u32) -> Node {
    Node {
        range: TextRange::empty(at),
        kind: NodeKind::Error,
        anchor: None,
        tag: None,
    }
}

fn chunk_text(t: &str, r: TextRange) -> Option<&str> {
    t.get(r.start as usize..r.end as usize)
}

/// saphyr-parser is not ours: should it ever panic on odd input, the chunk becomes an error
/// instead of taking the server down.
fn parse_chunk_guarded(src: &str, base: u32) -> ChunkTree {
    if let Some(tree) = crate::fast::parse_fast(src, base) {
        return tree;
    }
    match std::panic::catch_unwind(|| events::parse_chunk(src, base)) {
        Ok(tree) => tree,
        Err(_) => ChunkTree {
            root: None,
            errors: vec![SyntaxError {
                range: TextRange::new(base, base + src.len() as u32),
                message: "this part of the file could not be read as YAML".into(),
            }],
            special: false,
        },
    }
}

/// Tabs PyYAML rejects that saphyr let through (or reported elsewhere): one error per tab.
fn add_tab_errors(src: &str, base: u32, errors: &mut Vec<SyntaxError>) {
    for at in split::stray_tabs(src) {
        let at = base + at as u32;
        if !errors
            .iter()
            .any(|e| e.range.start <= at && at < e.range.end.max(e.range.start + 1))
        {
            errors.push(SyntaxError {
                range: TextRange::new(at, at + 1),
                message: "tab character here: dstack reads YAML with PyYAML, which accepts tabs only inside quotes and comments; use spaces".into(),
            });
        }
    }
}

fn not_a_key_error(node: &Node, text: &str) -> SyntaxError {
    let source = text
        .get(node.range.start as usize..node.range.end as usize)
        .unwrap_or("");
    let first_line = source.lines().next().unwrap_or("").trim();
    let (word, rest) = first_line
        .split_once(char::is_whitespace)
        .unwrap_or((first_line, ""));
    let short = |s: &str| -> String { s.chars().take(40).collect() };
    let message = if word.is_empty() {
        "expected `key: value` at the top level of the file".to_string()
    } else if let Some((key, value)) = word
        .split_once(':')
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
    {
        format!(
            "expected `key: value` here: put a space after the colon, e.g. `{}: {}`",
            short(key),
            short(value)
        )
    } else if !rest.trim().is_empty() {
        format!(
            "expected `key: value` here: add a colon after the key, e.g. `{}: {}`",
            short(word),
            short(rest.trim())
        )
    } else {
        format!(
            "expected `key: value` here: add a colon after the key, e.g. `{}: ...`",
            short(word)
        )
    };
    SyntaxError {
        range: node.range,
        message,
    }
}

fn shift_node(node: &mut Node, delta: i64) {
    if delta == 0 {
        return;
    }
    crate::tree::visit_mut(node, &mut |node| {
        node.range = node.range.shift(delta);
        if let NodeKind::Scalar(s) = &mut node.kind {
            s.content_start = (s.content_start as i64 + delta).clamp(0, u32::MAX as i64) as u32;
        }
    });
}

mod document;

#[cfg(test)]
pub(crate) mod tests;
