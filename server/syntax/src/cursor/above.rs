//! The path above the cursor line: the nearest structural line, finished in the tree when it
//! has a node there, else by walking up the raw lines by indentation.

use super::lines::*;
use crate::parse::Parse;
use crate::tree::{Node, NodeKind, PathSeg, ScalarStyle};

#[derive(Clone, Copy, Debug)]
pub(super) enum Mode {
    /// Looking for the mapping that holds a key at this column.
    Container(usize),
    /// Inside a list item whose dash is at `col`; `count` items of that list were seen above.
    SeqOwner { col: usize, count: usize },
}

/// The path of the collection that holds the cursor line, from the lines above `line_start`.
/// Returns the path and the column of a sibling key seen on the way (for indentation).
pub(super) fn path_above(
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

/// The parse tree, used to find paths quickly where it covers the text.
pub(super) struct TreeView<'a> {
    parse: &'a Parse,
    root: Option<&'a Node>,
}

impl<'a> TreeView<'a> {
    pub(super) fn new(parse: &'a Parse, text_len: usize) -> TreeView<'a> {
        // A parse of another text would give nonsense paths: ignore it then.
        let root = parse
            .root
            .as_ref()
            .filter(|r| r.range.end as usize <= text_len);
        TreeView { parse, root }
    }

    /// Descend to the deepest node containing `offset`. Returns the path, the node, and whether
    /// `offset` is in a key (then the path ends with that key and the node is the key).
    pub(super) fn chain(&self, offset: usize) -> Option<(Vec<PathSeg>, &'a Node, bool)> {
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
    pub(super) fn key_path(&self, offset: usize, line: &[u8], k: usize) -> Option<Vec<PathSeg>> {
        let (path, node, in_key) = self.chain(offset)?;
        let want = key_text(line, k);
        (in_key && node.range.start as usize == offset && node.key_text() == Some(want.as_str()))
            .then_some(path)
    }

    /// The path of the list item whose `- ` is at `dash`, if the tree has that list.
    pub(super) fn item_path(&self, dash: usize) -> Option<Vec<PathSeg>> {
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
    pub(super) fn flow_started_above(
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
    pub(super) fn multiline_scalar_at(
        &self,
        offset: usize,
        line_start: usize,
    ) -> Option<Vec<PathSeg>> {
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
