//! From a document path to the model: which shapes, objects and property a key path means.
//!
//! The walk follows the model and the document side by side, one path segment at a time, so a
//! discriminated union (volume `backend`, model `format`, certificate `type`) is narrowed to the
//! variant the document names, and alternative objects (network vs instance volume mounts) are
//! narrowed by the keys already written. Only the nodes along the path are visited: the cost is
//! the path length times the size of the mappings on it, never the whole document.

use dstack_model::{ConfigTypeModel, Object, Property, Shape, model};
use dstack_syntax::{Node, NodeKind, Parse, PathSeg, TextRange};

use crate::document::Document;

/// The model types the document may be: the one its `type:` names, or all of them when it names none.
pub fn candidate_types(doc: &Document) -> Vec<&'static ConfigTypeModel> {
    let m = model();
    match crate::document::config_type(doc).and_then(|t| m.config_type(t.name())) {
        Some(t) => vec![t],
        None => m.types.iter().collect(),
    }
}

/// What a path means in the model, plus the document node at the path (if it exists).
#[derive(Clone, Debug)]
pub struct Walk<'d> {
    /// Every shape the value at the path may take, in model order, without duplicates.
    pub shapes: Vec<&'static Shape>,
    /// The property named by the last key of the path (first match), if the path ends in a key.
    pub property: Option<&'static Property>,
    /// The nearest property along the path (the list's property for a list item).
    pub nearest_property: Option<&'static Property>,
    /// The document's node at the path, aliases resolved.
    pub node: Option<&'d Node>,
}

/// Walks `path` from the document root.
pub fn walk<'d>(doc: &'d Document, path: &[PathSeg]) -> Walk<'d> {
    let parse = &doc.parse;
    let mut shapes: Vec<&'static Shape> = candidate_types(doc).iter().map(|t| &t.root).collect();
    let mut node = parse.root.as_ref().map(|n| parse.resolve(n));
    let mut property = None;
    let mut nearest_property = None;
    for seg in path {
        let mut next: Vec<&'static Shape> = Vec::new();
        property = None;
        match seg {
            PathSeg::Key(key) => {
                for o in objects_for(parse, &shapes, node, Some(key)) {
                    if let Some(p) = o.property(key) {
                        property.get_or_insert(p);
                        next.extend(p.shapes.iter());
                    }
                }
                for s in &shapes {
                    if let Shape::Map { values, .. } = s {
                        next.extend(values.iter());
                    }
                }
            }
            PathSeg::Index(_) => {
                for s in &shapes {
                    if let Shape::List { items, .. } = s {
                        next.extend(items.iter());
                    }
                }
            }
        }
        if property.is_some() {
            nearest_property = property;
        }
        node = node.and_then(|n| child(parse, n, seg));
        shapes = dedup(next);
    }
    Walk {
        shapes,
        property,
        nearest_property,
        node,
    }
}

/// The objects the mapping at `path` may be, narrowed by the document (see [`objects_for`]).
pub fn objects_at(doc: &Document, path: &[PathSeg]) -> Vec<&'static Object> {
    let w = walk(doc, path);
    objects_for(&doc.parse, &w.shapes, w.node, None)
}

/// The objects a set of shapes may be for this `node`:
/// - a union is narrowed to the variant whose tag the node carries (all variants when the tag is
///   missing or unknown, or when `key` is the tag itself, so its completion lists every variant);
/// - alternatives are narrowed to the objects that know every key the node already has
///   (all of them when none does).
pub fn objects_for(
    parse: &Parse,
    shapes: &[&'static Shape],
    node: Option<&Node>,
    key: Option<&str>,
) -> Vec<&'static Object> {
    let m = model();
    let mut out: Vec<&'static Object> = Vec::new();
    let mut push = |o: &'static Object| {
        if !out.iter().any(|x| x.id == o.id) {
            out.push(o);
        }
    };
    for shape in shapes {
        match shape {
            Shape::Object { object } => {
                if let Some(o) = m.object(object) {
                    push(o);
                }
            }
            Shape::Union {
                discriminator,
                variants,
                default,
            } => {
                let tag = if key == Some(discriminator.as_str()) {
                    None
                } else {
                    node.and_then(|n| scalar_of_key(parse, n, discriminator))
                };
                let chosen = tag
                    .and_then(|t| variants.iter().find(|v| v.value == t))
                    .or_else(|| {
                        // No tag written: dstack uses the default variant, if the union has one.
                        if tag.is_none() && key != Some(discriminator.as_str()) {
                            default
                                .as_ref()
                                .and_then(|d| variants.iter().find(|v| &v.value == d))
                        } else {
                            None
                        }
                    });
                match chosen {
                    Some(v) => {
                        if let Some(o) = m.object(&v.object) {
                            push(o);
                        }
                    }
                    None => {
                        for v in variants {
                            if let Some(o) = m.object(&v.object) {
                                push(o);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if out.len() > 1
        && let Some(n) = node
    {
        let keys: Vec<&str> = key_texts(parse, n)
            .into_iter()
            .filter(|k| Some(*k) != key)
            .filter(|k| out.iter().any(|o| o.property(k).is_some()))
            .collect();
        let narrowed: Vec<&'static Object> = out
            .iter()
            .copied()
            .filter(|o| keys.iter().all(|k| o.property(k).is_some()))
            .collect();
        if !keys.is_empty() && !narrowed.is_empty() {
            return narrowed;
        }
    }
    out
}

/// The child of `node` at one path segment, aliases resolved. Later duplicate keys win, as in PyYAML.
pub fn child<'d>(parse: &'d Parse, node: &'d Node, seg: &PathSeg) -> Option<&'d Node> {
    let node = parse.resolve(node);
    let found = match (seg, &node.kind) {
        // An explicit key beats merged ones, and the last duplicate wins: scan the raw entries
        // backwards first (no allocation, even in a 15,000-key mapping); only a key that is not
        // written here may come from a `<<` merge.
        (PathSeg::Key(k), NodeKind::Mapping(entries)) => entries
            .iter()
            .rev()
            .find(|e| e.key.key_text() == Some(k.as_str()))
            .map(|e| &e.value)
            .or_else(|| {
                parse
                    .entries(node)
                    .into_iter()
                    .find(|(key, _)| key.key_text() == Some(k.as_str()))
                    .map(|(_, v)| v)
            }),
        (PathSeg::Index(i), NodeKind::Sequence(items)) => items.get(*i),
        _ => None,
    };
    found.map(|n| parse.resolve(n))
}

/// The text of a scalar value under `key` in a mapping node.
pub fn scalar_of_key<'d>(parse: &'d Parse, node: &'d Node, key: &str) -> Option<&'d str> {
    child(parse, node, &PathSeg::Key(key.to_string()))
        .and_then(Node::as_scalar)
        .map(|s| s.text.as_str())
}

/// The key texts of a mapping node (merge keys expanded).
pub fn key_texts<'d>(parse: &'d Parse, node: &'d Node) -> Vec<&'d str> {
    parse
        .entries(node)
        .into_iter()
        .filter_map(|(k, _)| k.key_text())
        .collect()
}

/// The keys of a path, list indexes left out: `groups[0].volumes` → `["groups", "volumes"]`.
pub fn key_names(path: &[PathSeg]) -> Vec<&str> {
    path.iter()
        .filter_map(|s| match s {
            PathSeg::Key(k) => Some(k.as_str()),
            PathSeg::Index(_) => None,
        })
        .collect()
}

fn dedup(shapes: Vec<&'static Shape>) -> Vec<&'static Shape> {
    let mut out: Vec<&'static Shape> = Vec::new();
    for s in shapes {
        if !out.iter().any(|x| std::ptr::eq(*x, s) || *x == s) {
            out.push(s);
        }
    }
    out
}

/// Where an offset falls in the tree: on a key, or in a value (scalar, or whitespace of a collection).
#[derive(Clone, Copy, Debug)]
pub enum Spot<'d> {
    /// On the key of an entry.
    Key { key: &'d Node },
    /// Inside a value node (the innermost one containing the offset).
    Value(&'d Node),
}

/// The innermost tree position at an offset, with its path and the chain of enclosing ranges.
#[derive(Clone, Debug)]
pub struct Located<'d> {
    /// Path of the spot: for a key, the path ending in that key; for a value, the path of the value.
    pub path: Vec<PathSeg>,
    pub spot: Spot<'d>,
    /// Ranges from the innermost outwards: the node, its entry (key + value), the parent, … the root.
    pub enclosing: Vec<TextRange>,
}

/// Finds the innermost key or value at `offset` by descending the raw tree (no alias resolution:
/// positions belong to the text). Binary searches each collection, so the cost is depth × log(width).
pub fn locate(doc: &Document, offset: u32) -> Option<Located<'_>> {
    let root = doc.parse.root.as_ref()?;
    if !root.range.contains_inclusive(offset) {
        return None;
    }
    let mut path = Vec::new();
    let mut enclosing = vec![root.range];
    let mut node = root;
    // The tree depth is bounded by the parser; the counter guards against any cycle anyway.
    for _ in 0..256 {
        match &node.kind {
            NodeKind::Mapping(entries) => {
                let idx = entries.partition_point(|e| e.key.range.start <= offset);
                let Some(entry) = idx.checked_sub(1).and_then(|i| entries.get(i)) else {
                    break;
                };
                let Some(name) = entry.key.key_text() else {
                    break;
                };
                let entry_range = entry.key.range.cover(entry.value.range);
                if entry.key.range.contains_inclusive(offset) {
                    path.push(PathSeg::Key(name.to_string()));
                    enclosing.push(entry_range);
                    enclosing.push(entry.key.range);
                    enclosing.reverse();
                    dedup_ranges(&mut enclosing);
                    return Some(Located {
                        path,
                        spot: Spot::Key { key: &entry.key },
                        enclosing,
                    });
                }
                if !entry.value.range.contains_inclusive(offset) {
                    break;
                }
                path.push(PathSeg::Key(name.to_string()));
                enclosing.push(entry_range);
                enclosing.push(entry.value.range);
                node = &entry.value;
            }
            NodeKind::Sequence(items) => {
                let idx = items.partition_point(|n| n.range.start <= offset);
                let Some((i, item)) = idx
                    .checked_sub(1)
                    .and_then(|i| items.get(i).map(|n| (i, n)))
                else {
                    break;
                };
                if !item.range.contains_inclusive(offset) {
                    break;
                }
                path.push(PathSeg::Index(i));
                enclosing.push(item.range);
                node = item;
            }
            _ => break,
        }
    }
    enclosing.reverse();
    dedup_ranges(&mut enclosing);
    Some(Located {
        path,
        spot: Spot::Value(node),
        enclosing,
    })
}

fn dedup_ranges(ranges: &mut Vec<TextRange>) {
    ranges.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use dstack_syntax::tree::path_to_string;

    fn objects(text: &str, path: &[&str]) -> String {
        let doc = Document::new(text.to_string());
        let path: Vec<PathSeg> = path
            .iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathSeg::Index(i),
                Err(_) => PathSeg::Key(s.to_string()),
            })
            .collect();
        objects_at(&doc, &path)
            .iter()
            .map(|o| o.id.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn unions_follow_the_discriminator() {
        assert_eq!(objects("type: volume\nbackend: gcp\n", &[]), "volume-gcp");
        let all = objects("type: volume\n", &[]);
        assert!(
            all.contains("volume-aws") && all.contains("volume-lium"),
            "{all}"
        );
        assert_eq!(
            objects("type: service\nmodel:\n  format: tgi\n", &["model"]),
            "model-tgi"
        );
        assert_eq!(
            objects("type: service\nmodel:\n  name: x\n", &["model"]),
            "model-openai model-tgi"
        );
    }

    #[test]
    fn alternatives_follow_present_keys() {
        assert_eq!(
            objects(
                "type: task\nvolumes:\n  - instance_path: /a\n",
                &["volumes", "0"]
            ),
            "volume-mount-instance"
        );
        assert_eq!(
            objects("type: task\nvolumes:\n  - path: /a\n", &["volumes", "0"]),
            "volume-mount-network volume-mount-instance"
        );
    }

    #[test]
    fn locate_finds_keys_and_values() {
        let doc = Document::new("type: task\nresources:\n  gpu: A100\n".to_string());
        let at = |offset: u32| {
            let l = locate(&doc, offset).map(|l| {
                let what = match l.spot {
                    Spot::Key { .. } => "key",
                    Spot::Value(_) => "value",
                };
                format!("{what} {}", path_to_string(&l.path))
            });
            l.unwrap_or_default()
        };
        assert_eq!(at(1), "key type");
        assert_eq!(at(7), "value type");
        assert_eq!(at(26), "key resources.gpu");
        assert_eq!(at(31), "value resources.gpu");
    }
}

/// What a hover is about: enough for another module (offer previews) to add its own section.
#[derive(Clone, Debug, PartialEq)]
pub struct HoverTarget {
    /// Path of the hovered key (ending in that key) or value.
    pub path: Vec<PathSeg>,
    /// The cursor is on a key, not on its value.
    pub on_key: bool,
    /// The hovered key or scalar.
    pub range: TextRange,
}

/// The key or value under the cursor, if any.
pub fn hover_target(doc: &Document, offset: u32) -> Option<HoverTarget> {
    locate_target(doc, offset).map(|(t, _)| t)
}

pub(crate) fn locate_target(doc: &Document, offset: u32) -> Option<(HoverTarget, &Node)> {
    let located = locate(doc, offset)?;
    match located.spot {
        Spot::Key { key, .. } => Some((
            HoverTarget {
                path: located.path,
                on_key: true,
                range: key.range,
            },
            key,
        )),
        Spot::Value(node) if matches!(node.kind, NodeKind::Scalar(_) | NodeKind::Alias(_)) => {
            Some((
                HoverTarget {
                    path: located.path,
                    on_key: false,
                    range: node.range,
                },
                node,
            ))
        }
        Spot::Value(_) => None,
    }
}
