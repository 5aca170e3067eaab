//! Error-tolerant parsing. The document is split into top-level entries; each is parsed on
//! its own, so a syntax error in one entry leaves every other entry fully analysed, and an
//! edit re-parses only the entries whose text changed.
//!
//! Anchors and aliases are resolved over the whole document after the chunks are joined, so an
//! alias may use an anchor from an earlier top-level entry (as PyYAML allows).

use std::sync::Arc;

use crate::build::{self, ChunkTree, MAX_DEPTH};
use crate::split::{self, Split};
use crate::text::TextRange;
use crate::tree::{Entry, Node, NodeKind, PathSeg, ScalarStyle};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

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
    /// Every `&anchor` in document order, with the way to reach its node from the root.
    anchors: Vec<AnchorDef>,
}

#[derive(Clone, Debug)]
struct ChunkInfo {
    range: TextRange,
    /// Which entries of the root mapping this chunk produced.
    first_entry: usize,
    n_entries: usize,
    /// The chunk's own syntax errors (document offsets).
    errors: Vec<SyntaxError>,
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

/// Re-parse `new_text`, reusing the work of `old` for top-level entries whose text did not change.
/// The result is exactly what [`parse`] returns for `new_text`.
pub fn reparse(old: &Parse, new_text: &str) -> Parse {
    let split = split::split(new_text);
    let reusable = !split.single && !old.single && !old.chunks.is_empty();
    let old_text = old.text.as_str();
    // Chunks equal at the front, then at the back (without overlapping the front).
    let mut prefix = 0;
    let mut suffix = 0;
    if reusable {
        let n_old = old.chunks.len();
        let n_new = split.chunks.len();
        while prefix < n_old.min(n_new)
            && chunk_text(old_text, old.chunks[prefix].range)
                == chunk_text(new_text, split.chunks[prefix])
        {
            prefix += 1;
        }
        while suffix < (n_old - prefix).min(n_new - prefix)
            && chunk_text(old_text, old.chunks[n_old - 1 - suffix].range)
                == chunk_text(new_text, split.chunks[n_new - 1 - suffix])
        {
            suffix += 1;
        }
    }
    let n_new = split.chunks.len();
    let old_entries = old.root.as_ref().and_then(Node::as_mapping).unwrap_or(&[]);
    let mut entries: Vec<Entry> = Vec::new();
    let mut chunk_errors: Vec<SyntaxError> = Vec::new();
    let mut chunks = Vec::with_capacity(n_new);
    let mut single_root = None;
    for (i, &range) in split.chunks.iter().enumerate() {
        let reuse = if i < prefix {
            Some(i)
        } else if i >= n_new - suffix {
            Some(old.chunks.len() - (n_new - i))
        } else {
            None
        };
        let first_entry = entries.len();
        let mut errors;
        match reuse {
            Some(j) => {
                let info = &old.chunks[j];
                let delta = range.start as i64 - info.range.start as i64;
                let from = old_entries
                    .get(info.first_entry..info.first_entry + info.n_entries)
                    .unwrap_or(&[]);
                for e in from {
                    let mut e = e.clone();
                    shift_node(&mut e.key, delta);
                    shift_node(&mut e.value, delta);
                    entries.push(e);
                }
                errors = info.errors.clone();
                for err in &mut errors {
                    err.range = err.range.shift(delta);
                }
            }
            None => {
                let src = chunk_text(new_text, range).unwrap_or("");
                let ChunkTree { root, errors: errs } = parse_chunk_guarded(src, range.start);
                errors = errs;
                match root {
                    Some(Node {
                        kind: NodeKind::Mapping(m),
                        ..
                    }) if !split.single => entries.extend(m),
                    Some(node) if split.single => single_root = Some(node),
                    Some(node) => errors.push(not_a_key_error(&node, new_text)),
                    None => {}
                }
            }
        }
        chunk_errors.extend(errors.iter().cloned());
        chunks.push(ChunkInfo {
            range,
            first_entry,
            n_entries: entries.len() - first_entry,
            errors,
        });
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
    let mut parse = Parse {
        root,
        errors: chunk_errors,
        text: Arc::new(new_text.to_string()),
        chunks,
        single: split.single,
        doc_end: split.doc_end,
        anchors: Vec::new(),
    };
    parse.finish(&split);
    parse
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
    match std::panic::catch_unwind(|| build::parse_chunk(src, base)) {
        Ok(tree) => tree,
        Err(_) => ChunkTree {
            root: None,
            errors: vec![SyntaxError {
                range: TextRange::new(base, base + src.len() as u32),
                message: "this part of the file could not be read as YAML".into(),
            }],
        },
    }
}

fn not_a_key_error(node: &Node, text: &str) -> SyntaxError {
    let word = text
        .get(node.range.start as usize..node.range.end as usize)
        .unwrap_or("");
    let word: String = word
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(40)
        .collect();
    let message = if word.is_empty() {
        "expected `key: value` at the top level of the file".to_string()
    } else {
        format!("expected `key: value` here: add a colon after the key, e.g. `{word}: ...`")
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
    node.range = node.range.shift(delta);
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                shift_node(&mut e.key, delta);
                shift_node(&mut e.value, delta);
            }
        }
        NodeKind::Sequence(items) => {
            for n in items {
                shift_node(n, delta);
            }
        }
        NodeKind::Scalar(s) => {
            s.content_start = (s.content_start as i64 + delta).clamp(0, u32::MAX as i64) as u32;
        }
        NodeKind::Alias(_) | NodeKind::Error => {}
    }
}

/// Walk every node with its child steps from the root (depth is bounded by the builder).
fn walk<'a>(node: &'a Node, steps: &mut Vec<u32>, f: &mut impl FnMut(&'a Node, &[u32])) {
    f(node, steps);
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for (i, e) in entries.iter().enumerate() {
                steps.push(2 * i as u32);
                walk(&e.key, steps, f);
                steps.pop();
                steps.push(2 * i as u32 + 1);
                walk(&e.value, steps, f);
                steps.pop();
            }
        }
        NodeKind::Sequence(items) => {
            for (i, n) in items.iter().enumerate() {
                steps.push(i as u32);
                walk(n, steps, f);
                steps.pop();
            }
        }
        _ => {}
    }
}

fn is_merge_key(key: &Node) -> bool {
    matches!(&key.kind, NodeKind::Scalar(s) if s.style == ScalarStyle::Plain && s.text == "<<" && key.tag.is_none())
}

impl Parse {
    /// Whole-document checks after the chunks are joined: anchors, aliases, merge keys, a second document.
    fn finish(&mut self, split: &Split) {
        let mut anchors = Vec::new();
        let mut aliases: Vec<(String, TextRange)> = Vec::new();
        let mut merges: Vec<&Node> = Vec::new();
        if let Some(root) = &self.root {
            walk(root, &mut Vec::new(), &mut |node, steps| {
                if let Some(name) = &node.anchor {
                    anchors.push(AnchorDef {
                        name: name.clone(),
                        offset: node.range.start,
                        steps: steps.to_vec(),
                    });
                }
                match &node.kind {
                    NodeKind::Alias(name) => aliases.push((name.clone(), node.range)),
                    NodeKind::Mapping(entries) => merges.extend(
                        entries
                            .iter()
                            .filter(|e| is_merge_key(&e.key))
                            .map(|e| &e.value),
                    ),
                    _ => {}
                }
            });
        }
        let mut errors = Vec::new();
        for (name, range) in aliases {
            if !anchors
                .iter()
                .any(|a| a.name == name && a.offset < range.start)
            {
                errors.push(SyntaxError {
                    range,
                    message: format!("unknown alias `*{name}`: define the anchor `&{name}` on a value above this line"),
                });
            }
        }
        self.anchors = anchors;
        for value in merges {
            let ok = match &self.resolve_with(value).kind {
                NodeKind::Mapping(_) => true,
                NodeKind::Sequence(items) => items
                    .iter()
                    .all(|n| matches!(self.resolve_with(n).kind, NodeKind::Mapping(_))),
                NodeKind::Alias(_) | NodeKind::Error => true,
                _ => false,
            };
            if !ok {
                errors.push(SyntaxError {
                    range: value.range,
                    message: "a merge key `<<` takes a mapping or a list of mappings, e.g. `<<: *defaults`".into(),
                });
            }
        }
        if let Some(range) = split.second_doc {
            errors.push(SyntaxError {
                range,
                message: "expected a single document in the file, but a second one starts here: dstack reads one YAML document per file, so remove this part or move it to its own file".into(),
            });
        }
        self.errors.extend(errors);
        self.errors.sort_by_key(|e| (e.range.start, e.range.end));
    }

    /// Where the first YAML document ends (the tree covers nothing after it).
    pub fn document_end(&self) -> u32 {
        self.doc_end
    }

    fn resolve_with<'a>(&'a self, node: &'a Node) -> &'a Node {
        self.resolve(node)
    }

    fn node_by_steps(&self, steps: &[u32]) -> Option<&Node> {
        let mut node = self.root.as_ref()?;
        for &step in steps {
            node = match &node.kind {
                NodeKind::Mapping(entries) => {
                    let e = entries.get((step / 2) as usize)?;
                    if step % 2 == 0 { &e.key } else { &e.value }
                }
                NodeKind::Sequence(items) => items.get(step as usize)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Follow an alias to its anchored node (itself when it is not an alias, or the alias is unknown).
    /// The anchor is the latest one of that name defined before the alias, as in PyYAML.
    pub fn resolve<'a>(&'a self, node: &'a Node) -> &'a Node {
        let NodeKind::Alias(name) = &node.kind else {
            return node;
        };
        self.anchors
            .iter()
            .rev()
            .find(|a| &a.name == name && a.offset < node.range.start)
            .and_then(|a| self.node_by_steps(&a.steps))
            .filter(|n| !matches!(n.kind, NodeKind::Alias(_)))
            .unwrap_or(node)
    }

    /// The entries of a mapping as PyYAML sees them: merge keys (`<<`) expanded, later duplicates winning.
    /// Keys keep the position of their first occurrence; explicit keys override merged ones, and among
    /// merge sources (`<<: [*a, *b]`) the earlier source wins.
    pub fn entries<'a>(&'a self, mapping: &'a Node) -> Vec<(&'a Node, &'a Node)> {
        let mut out = Vec::new();
        self.flatten(self.resolve(mapping), &mut out, 0);
        dedup_last_wins(out)
    }

    /// PyYAML's `flatten_mapping`: merged entries first (in source order), then explicit ones.
    fn flatten<'a>(&'a self, mapping: &'a Node, out: &mut Vec<(&'a Node, &'a Node)>, depth: usize) {
        let Some(entries) = mapping.as_mapping() else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        let mut explicit = Vec::new();
        for e in entries {
            if !is_merge_key(&e.key) {
                explicit.push((&e.key, &e.value));
                continue;
            }
            let source = self.resolve(&e.value);
            match &source.kind {
                NodeKind::Mapping(_) => self.flatten(source, out, depth + 1),
                NodeKind::Sequence(items) => {
                    for item in items.iter().rev() {
                        self.flatten(self.resolve(item), out, depth + 1);
                    }
                }
                _ => {}
            }
        }
        out.extend(explicit);
    }

    /// The node at a key path, following aliases.
    pub fn node_at_path(&self, path: &[PathSeg]) -> Option<&Node> {
        let mut node = self.resolve(self.root.as_ref()?);
        for seg in path {
            node = match seg {
                PathSeg::Key(k) => {
                    let entries = self.entries(node);
                    let (_, v) = entries
                        .into_iter()
                        .find(|(key, _)| key.key_text() == Some(k.as_str()))?;
                    self.resolve(v)
                }
                PathSeg::Index(i) => self.resolve(node.as_sequence()?.get(*i)?),
            };
        }
        Some(node)
    }
}

/// Python dict semantics: a repeated key keeps its first position and takes the last value.
fn dedup_last_wins<'a>(list: Vec<(&'a Node, &'a Node)>) -> Vec<(&'a Node, &'a Node)> {
    let mut out: Vec<(&'a Node, &'a Node)> = Vec::with_capacity(list.len());
    let mut index: std::collections::HashMap<KeyId<'a>, usize> = std::collections::HashMap::new();
    for (k, v) in list {
        match key_id(k) {
            Some(id) => match index.get(&id) {
                Some(&at) => out[at] = (out[at].0, v),
                None => {
                    index.insert(id, out.len());
                    out.push((k, v));
                }
            },
            None => out.push((k, v)),
        }
    }
    out
}

/// What makes two keys equal for PyYAML: the constructed value (`yes` and `true` collide, `1` and `"1"` do not).
#[derive(PartialEq, Eq, Hash)]
enum KeyId<'a> {
    Null,
    Int(i128),
    Float(u64),
    Str(&'a str),
    Date(&'a str),
}

fn key_id(key: &Node) -> Option<KeyId<'_>> {
    use crate::scalar::ScalarValue as V;
    let s = key.as_scalar()?;
    Some(match &s.value {
        V::Null => KeyId::Null,
        // Python's `True == 1`: a boolean key collides with the integer of the same value.
        V::Bool(b) => KeyId::Int(*b as i128),
        V::Int(i) => KeyId::Int(*i),
        V::Float(f) if f.fract() == 0.0 && f.abs() < 1e30 => KeyId::Int(*f as i128),
        V::Float(f) => KeyId::Float(f.to_bits()),
        V::Str(t) => KeyId::Str(t),
        V::Timestamp(t) => KeyId::Date(t),
    })
}

#[cfg(test)]
mod tests;
