//! The whole-document pass, after the chunks are joined: anchors, aliases and merge keys
//! (PyYAML's rules, in linear work), a second document, and PyYAML's view of a mapping.

use super::{AnchorDef, Parse};
use crate::events::MAX_DEPTH;
use crate::split::{ChunkKind, Split};
use crate::text::TextRange;
use crate::tree::{Node, NodeKind, PathSeg, ScalarStyle, SyntaxError};

// Anchor definitions examined while matching aliases and checking anchors (test-only): the
// anchor passes must stay linear, and a count proves it without timing anything.
#[cfg(test)]
thread_local! {
    pub(crate) static ANCHOR_WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
fn count_anchor_work(n: u64) {
    ANCHOR_WORK.with(|w| w.set(w.get() + n));
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

/// What the whole-document pass gathers from the nodes it visits.
struct Collect<'c, 'a> {
    anchors: &'c mut Vec<AnchorDef>,
    aliases: &'c mut Vec<(String, TextRange)>,
    merges: &'c mut Vec<&'a Node>,
}

impl<'a> Collect<'_, 'a> {
    fn visit(&mut self, node: &'a Node, steps: &[u32]) {
        if let Some(name) = &node.anchor {
            self.anchors.push(AnchorDef {
                name: name.to_string(),
                offset: node.range.start,
                steps: steps.to_vec(),
            });
        }
        match &node.kind {
            NodeKind::Alias(name) => self.aliases.push((name.clone(), node.range)),
            NodeKind::Mapping(entries) => self.merges.extend(
                entries
                    .iter()
                    .filter(|e| is_merge_key(&e.key))
                    .map(|e| &e.value),
            ),
            _ => {}
        }
    }
}

fn is_merge_key(key: &Node) -> bool {
    matches!(&key.kind, NodeKind::Scalar(s) if s.style == ScalarStyle::Plain && s.text == "<<" && key.tag.is_none())
}

impl Parse {
    /// Whole-document checks after the chunks are joined: anchors, aliases, merge keys, a second document.
    pub(super) fn finish(&mut self, split: &Split) {
        let mut anchors = Vec::new();
        let mut aliases: Vec<(String, TextRange)> = Vec::new();
        let mut merges: Vec<&Node> = Vec::new();
        let mut c = Collect {
            anchors: &mut anchors,
            aliases: &mut aliases,
            merges: &mut merges,
        };
        match (&self.root, self.single) {
            (Some(root), true) => walk(root, &mut Vec::new(), &mut |n, st| c.visit(n, st)),
            (Some(root), false) => {
                // Only entries whose chunks hold anchors, aliases or merge keys need a visit.
                let entries = root.as_mapping().unwrap_or(&[]);
                c.merges.extend(
                    entries
                        .iter()
                        .filter(|e| is_merge_key(&e.key))
                        .map(|e| &e.value),
                );
                let mut marked = vec![false; entries.len()];
                for c in self.chunks.iter().filter(|c| c.special) {
                    let (from, n) = if c.kind == ChunkKind::Entries {
                        (c.first as usize, c.n as usize)
                    } else {
                        (c.entry as usize, 1)
                    };
                    for m in marked.iter_mut().skip(from).take(n) {
                        *m = true;
                    }
                }
                let mut steps = Vec::new();
                for (i, e) in entries.iter().enumerate().filter(|(i, _)| marked[*i]) {
                    steps.push(2 * i as u32);
                    walk(&e.key, &mut steps, &mut |n, st| c.visit(n, st));
                    steps.pop();
                    steps.push(2 * i as u32 + 1);
                    walk(&e.value, &mut steps, &mut |n, st| c.visit(n, st));
                    steps.pop();
                }
            }
            (None, _) => {}
        }
        let mut index: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, a) in anchors.iter().enumerate() {
            index.entry(a.name.clone()).or_default().push(i);
        }
        let mut errors = Vec::new();
        for list in index.values_mut() {
            // Stable: anchors at one offset keep their walk order.
            list.sort_by_key(|&i| anchors[i].offset);
            for &i in list.iter().skip(1) {
                let a = &anchors[i];
                let end = a.offset + 1 + a.name.len() as u32;
                errors.push(SyntaxError {
                    range: TextRange::new(a.offset, end),
                    message: format!(
                        "the anchor `&{}` is defined twice; dstack's YAML reader refuses a repeated anchor name, so rename one",
                        a.name
                    ),
                });
            }
        }
        self.anchors = anchors;
        self.anchor_index = index;
        for (name, range) in aliases {
            if self.latest_anchor(&name, range.start).is_none() {
                errors.push(SyntaxError {
                    range,
                    message: format!("unknown alias `*{name}`: define the anchor `&{name}` on a value above this line"),
                });
            }
        }
        for value in merges {
            let ok = match &self.resolve(value).kind {
                NodeKind::Mapping(_) => true,
                NodeKind::Sequence(items) => items
                    .iter()
                    .all(|n| matches!(self.resolve(n).kind, NodeKind::Mapping(_))),
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

    /// The start of a second YAML document (its `---`, or its first content after `...`), which
    /// dstack rejects; `None` for a single-document file.
    pub fn second_document(&self) -> Option<TextRange> {
        self.second_doc
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

    /// The last anchor named `name` that starts before `before` (PyYAML's rule for an alias).
    fn latest_anchor(&self, name: &str, before: u32) -> Option<&AnchorDef> {
        let list = self.anchor_index.get(name)?;
        #[cfg(test)]
        count_anchor_work(1 + u64::from(usize::BITS - list.len().leading_zeros()));
        let n = list.partition_point(|&i| self.anchors.get(i).is_some_and(|a| a.offset < before));
        list.get(n.checked_sub(1)?)
            .and_then(|&i| self.anchors.get(i))
    }

    /// Follow an alias to its anchored node (itself when it is not an alias, or the alias is unknown).
    /// The anchor is the latest one of that name defined before the alias, as in PyYAML.
    pub fn resolve<'a>(&'a self, node: &'a Node) -> &'a Node {
        let NodeKind::Alias(name) = &node.kind else {
            return node;
        };
        self.latest_anchor(name, node.range.start)
            .and_then(|a| self.node_by_steps(&a.steps))
            .filter(|n| !matches!(n.kind, NodeKind::Alias(_)))
            .unwrap_or(node)
    }

    /// The entries of a mapping as PyYAML sees them: merge keys (`<<`) expanded, later duplicates winning.
    /// Keys keep the position of their first occurrence; explicit keys override merged ones, and among
    /// merge sources (`<<: [*a, *b]`) the earlier source wins.
    pub fn entries<'a>(&'a self, mapping: &'a Node) -> Vec<(&'a Node, &'a Node)> {
        let mapping = self.resolve(mapping);
        let Some(entries) = mapping.as_mapping() else {
            return Vec::new();
        };
        if !entries.iter().any(|e| is_merge_key(&e.key)) {
            return dedup_last_wins(entries.iter().map(|e| (&e.key, &e.value)).collect());
        }
        // PyYAML's expansion repeats a source each time it is merged (exponential on chains
        // such as `<<: [*a, *a]` nested). A repeated source adds no new key, so the positions
        // come from each source's first expansion and the values from its last one: each
        // mapping is visited once per pass.
        let mut first = Vec::new();
        self.flatten(mapping, &mut first, &mut Default::default(), 0, false);
        let mut last = Vec::new();
        self.flatten(mapping, &mut last, &mut Default::default(), 0, true);
        let mut values: std::collections::HashMap<KeyId<'a>, &'a Node> = Default::default();
        for (k, v) in last {
            if let Some(id) = key_id(k) {
                values.entry(id).or_insert(v);
            }
        }
        let mut out = dedup_last_wins(first);
        for (k, v) in &mut out {
            if let Some(last) = key_id(k).and_then(|id| values.get(&id)) {
                *v = last;
            }
        }
        out
    }

    /// PyYAML's `flatten_mapping`: merged entries first (in source order), then explicit ones;
    /// a mapping already expanded (`seen`) is skipped. `backwards` gives the same output in
    /// reverse order, so each source then appears at its last place in the full expansion.
    fn flatten<'a>(
        &'a self,
        mapping: &'a Node,
        out: &mut Vec<(&'a Node, &'a Node)>,
        seen: &mut std::collections::HashSet<*const Node>,
        depth: usize,
        backwards: bool,
    ) {
        let Some(entries) = mapping.as_mapping() else {
            return;
        };
        if depth > MAX_DEPTH || !seen.insert(mapping) {
            return;
        }
        let explicit = entries
            .iter()
            .filter(|e| !is_merge_key(&e.key))
            .map(|e| (&e.key, &e.value));
        if backwards {
            out.extend(explicit.clone().rev());
        }
        let mut merges: Vec<&Node> = entries
            .iter()
            .filter(|e| is_merge_key(&e.key))
            .map(|e| &e.value)
            .collect();
        if backwards {
            merges.reverse();
        }
        let mut visit = |source: &'a Node, out: &mut Vec<(&'a Node, &'a Node)>| {
            self.flatten(self.resolve(source), out, seen, depth + 1, backwards)
        };
        for value in merges {
            let source = self.resolve(value);
            match &source.kind {
                NodeKind::Mapping(_) => visit(source, out),
                // PyYAML merges a list's mappings last to first (the first one wins).
                NodeKind::Sequence(items) if backwards => items.iter().for_each(|i| visit(i, out)),
                NodeKind::Sequence(items) => items.iter().rev().for_each(|i| visit(i, out)),
                _ => {}
            }
        }
        if !backwards {
            out.extend(explicit);
        }
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
    // Most mappings are small and asked for often (every `type:` lookup walks the root): a
    // linear scan beats hashing every key below this size.
    const LINEAR: usize = 24;
    let mut out: Vec<(&'a Node, &'a Node)> = Vec::with_capacity(list.len());
    let mut ids: Vec<Option<KeyId<'a>>> = Vec::new();
    let mut index: std::collections::HashMap<KeyId<'a>, usize> = std::collections::HashMap::new();
    let small = list.len() <= LINEAR;
    for (k, v) in list {
        let Some(id) = key_id(k) else {
            out.push((k, v));
            if small {
                ids.push(None);
            }
            continue;
        };
        let seen = if small {
            ids.iter().position(|x| x.as_ref() == Some(&id))
        } else {
            index.get(&id).copied()
        };
        match seen {
            Some(at) => {
                if let Some(slot) = out.get_mut(at) {
                    slot.1 = v;
                }
            }
            None if small => {
                ids.push(Some(id));
                out.push((k, v));
            }
            None => {
                index.insert(id, out.len());
                out.push((k, v));
            }
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
