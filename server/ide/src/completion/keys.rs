//! Keys valid at the cursor (with their short forms), and the skeletons of an empty file.

use dstack_model::{Object, Property, Shape, ValueKind, model};
use dstack_syntax::{CursorContext, Node, NodeKind, PathSeg};
use dstack_values::syntax::{Proposals, Syntax};
use std::collections::HashSet;

use super::catalog_hints::Hints;
use super::item::{CompletionItem, CompletionKind, expand_snippet, line_ending};
use super::values::{reference_values, region_values, values_for_shapes};
use crate::docs::{property_markdown, type_markdown_for};
use crate::document::Document;
use crate::walk::{self, objects_for};

pub(super) fn key_completions(
    doc: &Document,
    ctx: &CursorContext,
    offset: u32,
    hints: &Hints,
) -> Vec<CompletionItem> {
    let mut path = ctx.path.clone();
    let mut w = walk::walk(doc, &path);
    // Right after `- ` under a list key the item is not in the path yet: step into it.
    if ctx.after_dash
        && !matches!(path.last(), Some(PathSeg::Index(_)))
        && w.shapes.iter().any(|s| matches!(s, Shape::List { .. }))
    {
        let n = w.node.and_then(|n| n.as_sequence()).map_or(0, |s| s.len());
        path.push(PathSeg::Index(n));
        w = walk::walk(doc, &path);
    }
    let mapping = w.node.filter(|n| matches!(n.kind, NodeKind::Mapping(_)));
    let objects = objects_for(&doc.parse, &w.shapes, mapping, None);
    // Only mappings with known keys need this (a 15,000-key `env` mapping has none to offer).
    let present: HashSet<&str> = match mapping {
        Some(n) if !objects.is_empty() => present_keys(doc, n, offset),
        _ => HashSet::new(),
    };
    let after = doc.text.get(ctx.replace.end as usize..).unwrap_or("");
    let has_colon = after.trim_start_matches([' ', '\t']).starts_with(':');
    let in_flow = in_flow_collection(&doc.text, ctx.replace.start);
    let indent = " ".repeat(ctx.indent as usize + 2);
    let newline = line_ending(&doc.text, offset);

    let mut props: Vec<&'static Property> = Vec::new();
    for o in &objects {
        for p in &o.properties {
            if !p.hidden && !props.iter().any(|x| x.name == p.name) {
                props.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for (i, p) in props.iter().enumerate() {
        if present.contains(&p.name.as_str()) {
            continue;
        }
        let insert_text = if has_colon {
            p.name.clone()
        } else if in_flow {
            format!("{}: $0", p.name)
        } else {
            match p.value_kind() {
                ValueKind::Scalar => format!("{}: $0", p.name),
                ValueKind::Mapping => format!("{}:{newline}{indent}$0", p.name),
                ValueKind::List => format!("{}:{newline}{indent}- $0", p.name),
            }
        };
        // `type` first wherever it exists (top level, discriminated objects), then documented order.
        let rank = if p.name == "type" {
            0
        } else if p.deprecated.is_some() {
            9000 + i
        } else {
            i + 1
        };
        let mut key_path = path.clone();
        key_path.push(PathSeg::Key(p.name.clone()));
        out.push(CompletionItem {
            label: p.name.clone(),
            kind: CompletionKind::Property,
            detail: Some(if p.name == "type" && path.is_empty() {
                "configuration type".to_string()
            } else if let Some(tags) = tag_values(&objects, &p.name) {
                // A union's tag: the values of every variant, not only the first one's.
                format!("{}{tags}", if p.required { "required · " } else { "" })
            } else {
                short_forms(p)
            }),
            documentation: Some(property_markdown(doc, &key_path, p)),
            insert_text,
            is_snippet: !has_colon,
            replace: ctx.replace,
            sort_text: Some(format!("{rank:04}")),
            deprecated: p.deprecated.is_some(),
            retrigger: !has_colon && (p.name == "type" || offers_values(p)),
            filter_text: None,
        });
    }
    // A list item may also be a scalar (`- aws`, `- my-vol:/data`): offer those values too.
    if matches!(path.last(), Some(PathSeg::Index(_))) && present.is_empty() {
        if let Some(items) = reference_values(doc, ctx) {
            return items;
        }
        match region_values(doc, ctx, &w, true, hints) {
            Some(regions) => out.extend(regions),
            None => out.extend(values_for_shapes(&w.shapes, ctx, 5000, hints)),
        }
    }
    out
}

/// `openai|tgi` when `key` is the discriminator of the candidate objects (several variants).
pub(super) fn tag_values(objects: &[&Object], key: &str) -> Option<String> {
    let values: Vec<&str> = objects
        .iter()
        .filter_map(|o| o.tag.as_ref())
        .filter(|t| t.key == key)
        .map(|t| t.value.as_str())
        .collect();
    (values.len() > 1).then(|| values.join("|"))
}

/// True when values for the key are offered right after `key: ` (enums, booleans, syntaxes).
pub(super) fn offers_values(p: &Property) -> bool {
    p.value_kind() == ValueKind::Scalar
        && p.non_null_shapes().any(|s| match s {
            Shape::Enum { .. } | Shape::Boolean => true,
            Shape::String {
                syntax: Some(syn), ..
            } => Syntax::from_name(syn).is_some_and(|s| !matches!(s.proposals(), Proposals::None)),
            _ => false,
        })
}

/// The cursor's line has an unclosed `{` or `[` before `offset`: keys go inline there.
pub(super) fn in_flow_collection(text: &str, offset: u32) -> bool {
    let before = text.get(..offset as usize).unwrap_or("");
    let line = before.rsplit(['\n', '\r']).next().unwrap_or("");
    let mut depth = 0i32;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth -= 1,
            (None, '#') => break,
            _ => {}
        }
    }
    depth > 0
}

/// Keys already written in the mapping (merged ones included), except the one being typed at the cursor.
pub(super) fn present_keys<'d>(
    doc: &'d Document,
    mapping: &'d Node,
    offset: u32,
) -> HashSet<&'d str> {
    doc.parse
        .entries(mapping)
        .into_iter()
        .map(|(k, _)| k)
        .chain(
            mapping
                .as_mapping()
                .unwrap_or_default()
                .iter()
                .map(|e| &e.key),
        )
        .filter(|k| !k.range.contains_inclusive(offset))
        .filter_map(Node::key_text)
        .collect()
}

/// `gpu string | integer | mapping`: the accepted forms in a few words.
pub(super) fn short_forms(p: &Property) -> String {
    let mut parts: Vec<String> = Vec::new();
    for s in p.non_null_shapes() {
        let word = match s {
            Shape::String {
                syntax: Some(syn), ..
            } => syn.clone(),
            Shape::String { .. } => "string".to_string(),
            Shape::Integer { .. } => "integer".to_string(),
            Shape::Number { .. } => "number".to_string(),
            Shape::Boolean => "boolean".to_string(),
            Shape::Null => continue,
            Shape::Enum { values, .. } => {
                let v: Vec<&str> = values.iter().take(4).map(|v| v.value.as_str()).collect();
                let more = if values.len() > 4 { "|…" } else { "" };
                format!("{}{more}", v.join("|"))
            }
            Shape::Object { .. } | Shape::Union { .. } | Shape::Map { .. } => "mapping".to_string(),
            Shape::List { .. } => "list".to_string(),
        };
        if !parts.contains(&word) {
            parts.push(word);
        }
    }
    let mut out = parts.join(" | ");
    if p.deprecated.is_some() {
        out = format!("deprecated · {out}");
    }
    if p.required {
        out = format!("required · {out}");
    }
    out
}

pub(super) fn skeletons(ctx: &CursorContext) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for (i, t) in model().types.iter().enumerate() {
        out.push(CompletionItem {
            label: format!("type: {}", t.name),
            kind: CompletionKind::Snippet,
            detail: Some(format!("new {} configuration", t.name)),
            documentation: type_markdown_for(&t.name)
                .map(|md| format!("{md}\n\n```yaml\n{}\n```", expand_snippet(&t.skeleton, ""))),
            insert_text: t.skeleton.clone(),
            is_snippet: true,
            replace: ctx.replace,
            sort_text: Some(format!("{i:04}")),
            deprecated: false,
            retrigger: false,
            filter_text: None,
        });
    }
    out
}
