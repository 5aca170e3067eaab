//! Outline, folding, selection ranges, and the names a configuration defines or references.
//!
//! Outline and folding walk the whole tree (they are whole-document requests by nature, and the
//! outline is capped). Selection ranges and references only descend along the cursor's path.

use dstack_syntax::{Node, NodeKind, PathSeg, ScalarStyle};

use crate::config_type::ConfigType;
use crate::document::Document;
use crate::walk::{self, Spot};
use dstack_syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Object,
    Array,
    Property,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefinitionKind {
    Volume,
    Fleet,
    Gateway,
}

/// A named resource a configuration defines (`type: volume` + `name: my-vol`) or references.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    pub kind: DefinitionKind,
    pub name: String,
    /// The name's range (for a reference, only the name part: `my-vol` in `my-vol:/data`).
    pub range: TextRange,
    /// The project of a `project/name` reference; `None` means the current project
    /// (definitions always have `None`: a file does not say which project it is applied to).
    pub project: Option<String>,
}

/// More symbols than this are not reported: editors slow down on huge outlines (yls users asked
/// for a cap), and a 15,000-item `commands` list is not something to navigate by outline.
const MAX_SYMBOLS: usize = 5000;
/// Items of one list shown in the outline; the rest are summed up in one `… N more` entry.
const MAX_LIST_ITEMS: usize = 100;

/// An outline of keys; list items are named by their `name` (or their value). Up to
/// [`MAX_SYMBOLS`] top-level keys are always listed (the rest as one `… N more`); deeper levels
/// share a budget of [`MAX_SYMBOLS`]. Linear in the size of the tree.
pub fn document_symbols(doc: &Document) -> Vec<Symbol> {
    let Some(root) = &doc.parse.root else {
        return Vec::new();
    };
    let mut budget = MAX_SYMBOLS;
    children_symbols(root, &mut budget, 0)
}

/// Outline levels shown at most. Each level nests two JSON values in the LSP answer, and JSON
/// readers with serde_json's default limit of 128 levels (Helix, for one) refuse deeper answers.
const MAX_SYMBOL_DEPTH: usize = 40;

fn children_symbols(node: &Node, budget: &mut usize, depth: usize) -> Vec<Symbol> {
    let mut out = Vec::new();
    if depth >= MAX_SYMBOL_DEPTH || (depth > 0 && *budget == 0) {
        return out;
    }
    match &node.kind {
        NodeKind::Mapping(entries) => {
            // This level first, then the children: a big first value cannot starve its siblings.
            // The top level is listed even past the budget, up to MAX_SYMBOLS keys of its own.
            for (i, e) in entries.iter().enumerate() {
                if (depth > 0 && *budget == 0) || i >= MAX_SYMBOLS {
                    break;
                }
                *budget = budget.saturating_sub(1);
                out.push(Symbol {
                    name: e.key.key_text().unwrap_or("?").to_string(),
                    detail: scalar_detail(&e.value),
                    kind: symbol_kind(&e.value),
                    range: e.key.range.cover(e.value.range),
                    selection_range: e.key.range,
                    children: Vec::new(),
                });
            }
            for (symbol, e) in out.iter_mut().zip(entries) {
                symbol.children = children_symbols(&e.value, budget, depth + 1);
            }
            if let (Some(first), Some(last)) = (entries.get(out.len()), entries.last())
                && depth == 0
            {
                out.push(Symbol {
                    name: format!("… {} more", entries.len() - out.len()),
                    detail: None,
                    kind: SymbolKind::Object,
                    range: first.key.range.cover(last.value.range),
                    selection_range: first.key.range,
                    children: Vec::new(),
                });
            }
        }
        NodeKind::Sequence(items) => {
            let shown = items.len().min(MAX_LIST_ITEMS).min(*budget);
            for (i, item) in items.iter().enumerate().take(shown) {
                *budget = budget.saturating_sub(1);
                let (name, selection) = item_name(item).unwrap_or((format!("[{i}]"), item.range));
                out.push(Symbol {
                    name,
                    detail: None,
                    kind: symbol_kind(item),
                    range: item.range,
                    selection_range: selection,
                    children: Vec::new(),
                });
            }
            for (symbol, item) in out.iter_mut().zip(items) {
                if matches!(item.kind, NodeKind::Mapping(_)) {
                    symbol.children = children_symbols(item, budget, depth + 1);
                }
            }
            if let (Some(first), Some(last)) = (items.get(shown), items.last())
                && shown < items.len()
            {
                out.push(Symbol {
                    name: format!("… {} more", items.len() - shown),
                    detail: None,
                    kind: SymbolKind::Array,
                    range: first.range.cover(last.range),
                    selection_range: first.range,
                    children: Vec::new(),
                });
            }
        }
        _ => {}
    }
    out
}

/// A list item's display name: its `name:` value, its first key's value, or its own text.
fn item_name(item: &Node) -> Option<(String, TextRange)> {
    match &item.kind {
        NodeKind::Scalar(s) => Some((one_line(&s.text), item.range)),
        NodeKind::Mapping(entries) => {
            let named = entries
                .iter()
                .find(|e| e.key.key_text() == Some("name"))
                .or_else(|| entries.first())?;
            let text = match &named.value.kind {
                NodeKind::Scalar(s) if !s.text.is_empty() => one_line(&s.text),
                // `name: [a, b]` (volume name alternatives).
                NodeKind::Sequence(items) if !items.is_empty() => one_line(
                    &items
                        .iter()
                        .filter_map(|n| n.as_scalar().map(|s| s.text.as_str()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                _ => named.key.key_text()?.to_string(),
            };
            Some((text, named.value.range))
        }
        _ => None,
    }
}

fn one_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn scalar_detail(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Scalar(s) if !s.text.is_empty() => Some(one_line(&s.text)),
        NodeKind::Alias(a) => Some(format!("*{a}")),
        _ => None,
    }
}

fn symbol_kind(node: &Node) -> SymbolKind {
    match node.kind {
        NodeKind::Mapping(_) => SymbolKind::Object,
        NodeKind::Sequence(_) => SymbolKind::Array,
        _ => SymbolKind::Property,
    }
}

/// Byte ranges of foldable blocks (the server turns them into line ranges): every entry whose
/// value is a multi-line mapping, list or block scalar, and every multi-line list item.
pub fn folding_ranges(doc: &Document) -> Vec<TextRange> {
    let mut out = Vec::new();
    if let Some(root) = &doc.parse.root {
        fold(&doc.text, root, &mut out, 0);
    }
    out
}

fn fold(text: &str, node: &Node, out: &mut Vec<TextRange>, depth: usize) {
    if depth > 64 {
        return;
    }
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                let foldable = match &e.value.kind {
                    NodeKind::Mapping(_) | NodeKind::Sequence(_) => true,
                    NodeKind::Scalar(s) => {
                        matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded)
                            || multi_line(text, e.value.range)
                    }
                    _ => false,
                };
                let range = e.key.range.cover(e.value.range);
                if foldable && multi_line(text, range) {
                    out.push(trim_end(text, range));
                }
                fold(text, &e.value, out, depth + 1);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                if matches!(item.kind, NodeKind::Mapping(_) | NodeKind::Sequence(_))
                    && multi_line(text, item.range)
                {
                    out.push(trim_end(text, item.range));
                }
                fold(text, item, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn multi_line(text: &str, range: TextRange) -> bool {
    text.get(range.start as usize..range.end as usize)
        .is_some_and(|s| s.trim_end().contains('\n'))
}

/// Drops trailing blank lines from a range, so a fold ends on its last line of content.
fn trim_end(text: &str, range: TextRange) -> TextRange {
    let s = text
        .get(range.start as usize..range.end as usize)
        .unwrap_or("");
    TextRange::new(range.start, range.start + s.trim_end().len() as u32)
}

/// Selection ranges returned at most (the whole document is always the last one).
const MAX_SELECTION_DEPTH: usize = 100;

/// Enclosing ranges at `offset`, innermost first: scalar → entry → parent mapping … → document.
pub fn selection_ranges(doc: &Document, offset: u32) -> Vec<TextRange> {
    let Some(located) = walk::locate(doc, offset) else {
        return Vec::new();
    };
    let mut out = located.enclosing;
    // Each range nests one JSON object in the LSP answer: stay far below the 128 levels that
    // serde_json-based clients read, keeping the innermost ranges.
    out.truncate(MAX_SELECTION_DEPTH - 1);
    let whole = TextRange::new(0, doc.text.len() as u32);
    if out.last() != Some(&whole) {
        out.push(whole);
    }
    out.dedup();
    out
}

/// The volume/fleet/gateway this document defines, if it is such a configuration with a name.
pub fn definitions_in(doc: &Document) -> Vec<Definition> {
    let kind = match crate::document::config_type(doc) {
        Some(ConfigType::Volume) => DefinitionKind::Volume,
        Some(ConfigType::Fleet) => DefinitionKind::Fleet,
        Some(ConfigType::Gateway) => DefinitionKind::Gateway,
        _ => return Vec::new(),
    };
    let Some(root) = &doc.parse.root else {
        return Vec::new();
    };
    let Some(name) = walk::child(&doc.parse, root, &PathSeg::Key("name".to_string())) else {
        return Vec::new();
    };
    match name.as_scalar() {
        Some(s) if !s.text.is_empty() => vec![Definition {
            kind,
            name: s.text.clone(),
            range: name.range,
            project: None,
        }],
        _ => Vec::new(),
    }
}

/// A reference to a volume, fleet or gateway under the cursor:
/// - a network volume in `volumes` (`my-vol:/data`, only the name part; `{name: my-vol}`;
///   `{name: [a, b]}`), including volumes of task/service groups;
/// - an entry of `fleets`, or `instances[].fleet` (`name`, `project/name`, `{project, name}`);
/// - `gateway: name`, `gateway: project/name`, `gateway: {name, project}`.
pub fn reference_at(doc: &Document, offset: u32) -> Option<Definition> {
    let located = walk::locate(doc, offset)?;
    let Spot::Value(node) = located.spot else {
        return None;
    };
    let scalar = node.as_scalar()?;
    let keys: Vec<&str> = located
        .path
        .iter()
        .map(|s| match s {
            PathSeg::Key(k) => k.as_str(),
            PathSeg::Index(_) => "[]",
        })
        .collect();
    let ends = |suffix: &[&str]| keys.ends_with(suffix);
    // Groups carry their own `volumes`, so volume paths are matched by their tail.
    let (kind, form) = if ends(&["volumes", "[]"]) {
        return volume_shorthand(node, &scalar.text);
    } else if ends(&["volumes", "[]", "name"]) {
        (DefinitionKind::Volume, Form::Name)
    } else if ends(&["volumes", "[]", "name", "[]"]) {
        (DefinitionKind::Volume, Form::Plain)
    } else if keys == ["fleets", "[]"] {
        (DefinitionKind::Fleet, Form::EntityRef)
    } else if keys == ["fleets", "[]", "name"] {
        (DefinitionKind::Fleet, Form::Name)
    } else if keys == ["instances", "[]", "fleet"] {
        (DefinitionKind::Fleet, Form::EntityRef)
    } else if keys == ["instances", "[]", "fleet", "name"] {
        (DefinitionKind::Fleet, Form::Name)
    } else if keys == ["gateway"] {
        (DefinitionKind::Gateway, Form::EntityRef)
    } else if keys == ["gateway", "name"] {
        (DefinitionKind::Gateway, Form::Name)
    } else {
        return None;
    };
    let reference = match form {
        Form::EntityRef => entity_ref(kind, node, &scalar.text)?,
        Form::Plain | Form::Name => {
            // `{name, project}`: the project is a sibling key.
            let project = match form {
                Form::Name => {
                    let parent = located
                        .path
                        .get(..located.path.len() - 1)
                        .unwrap_or_default();
                    doc.parse
                        .node_at_path(parent)
                        .and_then(|p| walk::scalar_of_key(&doc.parse, p, "project"))
                        .map(str::to_string)
                }
                _ => None,
            };
            Definition {
                kind,
                name: scalar.text.clone(),
                range: node.range,
                project,
            }
        }
    };
    (!reference.name.is_empty()).then_some(reference)
}

/// How a reference is written at a path.
#[derive(Clone, Copy)]
enum Form {
    /// `name` or `project/name`.
    EntityRef,
    /// The `name` of a `{name, project}` mapping.
    Name,
    /// A bare name (an item of a `name:` list).
    Plain,
}

/// `name` or `project/name` (dstack's entity reference string).
fn entity_ref(kind: DefinitionKind, node: &Node, text: &str) -> Option<Definition> {
    if matches!(node.as_scalar()?.value, dstack_syntax::ScalarValue::Bool(_)) {
        return None; // `gateway: true` / `false`
    }
    let (project, name, start) = match text.split_once('/') {
        Some((p, n)) => (Some(p.to_string()), n, p.len() + 1),
        None => (None, text, 0),
    };
    if name.contains('/') {
        return None;
    }
    Some(Definition {
        kind,
        name: name.to_string(),
        range: node.sub_range(start as u32, (start + name.len()) as u32),
        project,
    })
}

/// `my-vol:/data`: a network volume named `my-vol`. `/host:/data` is an instance path, no reference.
fn volume_shorthand(node: &Node, text: &str) -> Option<Definition> {
    let (name, _) = text.split_once(':')?;
    if name.is_empty() || name.contains('/') {
        return None;
    }
    Some(Definition {
        kind: DefinitionKind::Volume,
        name: name.to_string(),
        range: node.sub_range(0, name.len() as u32),
        project: None,
    })
}

pub mod references;

#[cfg(test)]
mod tests;
