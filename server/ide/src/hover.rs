//! Hover: docs for keys, and what dstack will understand for values of its syntaxes.
//!
//! A key shows its doc, accepted forms, default, allowed values, since/deprecation notes, an
//! example and a link. A value shows what dstack reads from it (`A100:80GB:2` → 2 × NVIDIA A100
//! with exactly 80 GB each), the meaning of an enum value, or the doc of a `type:` value.
//! Offer previews are appended by [`crate::offers`] through [`HoverTarget`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use dstack_model::{ConfigTypeModel, Property, RemovedProperty, Shape, model};
use dstack_syntax::{Node, NodeKind, PathSeg, ScalarValue, TextRange};

use crate::bridge::{self, NodeSource, Syntax};
use crate::completion::interpolation;
use crate::walk::{self, Spot};
use crate::{AnalysisConfig, Document};

#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
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

fn locate_target(doc: &Document, offset: u32) -> Option<(HoverTarget, &Node)> {
    let located = walk::locate(doc, offset)?;
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

pub fn hover(doc: &Document, offset: u32, config: &AnalysisConfig) -> Option<Hover> {
    let (target, node) = locate_target(doc, offset)?;
    if !target.on_key
        && let Some((range, name)) = interpolation::reference_at(node, offset)
    {
        let text = dstack_values::interpolation::describe_reference(&name);
        return Some(Hover {
            range,
            markdown: format!("{} — {text}", code(&format!("${{{{ {name} }}}}"))),
        });
    }
    let mut markdown = if target.on_key {
        key_hover(doc, &target.path)?
    } else {
        value_hover(doc, &target.path, doc.parse.resolve(node))?
    };
    for section in extra_sections(doc, &target, config) {
        markdown.push_str("\n\n---\n\n");
        markdown.push_str(&section);
    }
    Some(Hover {
        range: target.range,
        markdown,
    })
}

/// Sections other modules add below the main text. The offer preview (hover on `resources`,
/// `gpu`, `cpu`, `memory`, `disk`) belongs here once `crate::offers` provides it.
fn extra_sections(doc: &Document, target: &HoverTarget, config: &AnalysisConfig) -> Vec<String> {
    crate::offers::hover_section(doc, target, config)
        .into_iter()
        .collect()
}

fn key_hover(doc: &Document, path: &[PathSeg]) -> Option<String> {
    let w = walk::walk(doc, path);
    if let Some(p) = w.property {
        let mut out = property_markdown(doc, path, p);
        // What dstack makes of the value written here (mapping forms included).
        if let Some(value) = w.node
            && let Some(here) = p
                .syntaxes()
                .into_iter()
                .filter_map(Syntax::from_name)
                .find_map(|syntax| syntax.describe(&NodeSource::new(&doc.parse, value)))
        {
            let first = here.lines().next().unwrap_or_default();
            if let Some(end) = out.find("\n\n") {
                out.insert_str(end, &format!("\n\nHere: {first}"));
            }
        }
        return Some(out);
    }
    let (PathSeg::Key(name), parent) = path.split_last()? else {
        return None;
    };
    walk::objects_at(doc, parent)
        .into_iter()
        .find_map(|o| o.removed_property(name))
        .map(removed_markdown)
}

/// The hover text of a property: shared with completion item documentation.
pub(crate) fn property_markdown(doc: &Document, path: &[PathSeg], p: &'static Property) -> String {
    let body = property_body(p, path.len() == 1);
    let mut out = String::with_capacity(body.len() + 160);
    out.push_str("**`");
    out.push_str(&display_path(path, &p.name));
    out.push_str("`**");
    if p.required {
        out.push_str(" (required)");
    }
    out.push_str("\n\n");
    out.push_str(&body);
    if let Some(url) = p.docs_url.as_deref().or_else(|| type_url(doc)) {
        out.push_str("\n\n[dstack reference](");
        out.push_str(url);
        out.push(')');
    }
    out
}

/// Renders every property's documentation body into the cache.
pub(crate) fn warm_up() {
    for object in &model().objects {
        for p in &object.properties {
            property_body(p, true);
            property_body(p, false);
        }
    }
}

/// The part of [`property_markdown`] that depends on the property alone, rendered once per
/// property: a completion list renders dozens of them per keystroke.
fn property_body(p: &'static Property, top_level: bool) -> Arc<str> {
    type Cache = Mutex<HashMap<(usize, bool), Arc<str>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    // The model is a `'static` value built once, so a property's address identifies it.
    let key = (std::ptr::from_ref(p) as usize, top_level);
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return hit;
    }
    let body: Arc<str> = render_property_body(p, top_level).into();
    if let Ok(mut c) = cache.lock() {
        c.insert(key, body.clone());
    }
    body
}

fn render_property_body(p: &Property, top_level: bool) -> String {
    let mut out = p.doc.trim().to_string();
    let mut facts: Vec<String> = Vec::new();
    let values = all_enum_values(p);
    let forms: Vec<String> = p.non_null_shapes().map(describe_shape).collect();
    if !forms.is_empty() {
        let mut accepts = forms.join("; ");
        if p.nullable() {
            accepts.push_str("; or empty");
        }
        facts.push(format!("Accepts: {accepts}"));
    }
    if let Some(d) = &p.default {
        facts.push(format!("Default: {}", code(d)));
    }
    if top_level && p.name == "type" {
        facts.push(format!("Types: {}", all_type_names()));
    } else if !values.is_empty() && values.len() <= 30 {
        let shown: Vec<String> = values
            .iter()
            .map(|v| {
                if v.deprecated {
                    format!("{} (deprecated)", code(&v.value))
                } else {
                    code(&v.value)
                }
            })
            .collect();
        facts.push(format!("Values: {}", shown.join(", ")));
    }
    if let Some(note) = &p.note {
        facts.push(note.trim().to_string());
    }
    if let Some(since) = &p.since {
        facts.push(format!("Since dstack {since}"));
    }
    if let Some(dep) = &p.deprecated {
        let mut s = format!("Deprecated since {}: {}", dep.since, dep.note.trim());
        if let Some(r) = &dep.replacement {
            s.push_str(&format!(". Use {} instead", code(r)));
        }
        facts.push(s);
    }
    if !facts.is_empty() {
        out.push_str("\n\n");
        out.push_str(&facts.join("  \n"));
    }
    if !p.example.trim().is_empty() {
        out.push_str("\n\n```yaml\n");
        out.push_str(p.example.trim_end());
        out.push_str("\n```");
    }
    out
}

fn removed_markdown(r: &RemovedProperty) -> String {
    let mut out = format!(
        "**`{}`** — removed in dstack {}; 0.22.5 rejects it",
        r.name, r.removed_in
    );
    out.push_str("\n\n");
    out.push_str(r.note.trim());
    if let Some(rep) = &r.replacement {
        out.push_str(&format!("\n\nUse {} instead.", code(rep)));
    }
    out
}

fn value_hover(doc: &Document, path: &[PathSeg], node: &Node) -> Option<String> {
    let scalar = node.as_scalar()?;
    if path.len() == 1 && path.first() == Some(&PathSeg::Key("type".to_string())) {
        return Some(match model().config_type(&scalar.text) {
            Some(t) => type_markdown(t),
            None => format!(
                "`{}` is not a configuration type. Use one of {}",
                scalar.text,
                all_type_names()
            ),
        });
    }
    let w = walk::walk(doc, path);
    if let Some(s) = enum_value_markdown(&w.shapes, &scalar.text) {
        return Some(s);
    }
    let mut first_error = None;
    let source = NodeSource::new(&doc.parse, node);
    for syntax in w.shapes.iter().filter_map(|s| s.syntax()) {
        let Some(syntax) = Syntax::from_name(syntax) else {
            continue;
        };
        match syntax.hover(&source, referent(path)) {
            Some(Ok(text)) => return Some(text),
            Some(Err(e)) => {
                first_error.get_or_insert(bridge::error_message(&e));
            }
            None => {}
        }
    }
    // A value another form takes as it is (`gateway: true`, `gpu: 2`) is not an error.
    let plain_ok = w.shapes.iter().any(|s| takes_as_is(s, &scalar.value));
    if let Some(e) = first_error.filter(|_| !plain_ok) {
        return Some(format!("dstack cannot read this value: {e}"));
    }
    let p = w.nearest_property?;
    let key_path: Vec<PathSeg> = trim_to_property(path);
    Some(property_markdown(doc, &key_path, p))
}

/// A shape without a syntax that accepts this YAML scalar as it is.
fn takes_as_is(shape: &Shape, value: &ScalarValue) -> bool {
    matches!(
        (shape, value),
        (Shape::Boolean, ScalarValue::Bool(_))
            | (Shape::Integer { .. }, ScalarValue::Int(_))
            | (
                Shape::Number { .. },
                ScalarValue::Int(_) | ScalarValue::Float(_)
            )
            | (Shape::Null, ScalarValue::Null)
            | (Shape::String { syntax: None, .. }, ScalarValue::Str(_))
    )
}

/// What an entity reference at `path` names: a fleet (`fleets`, `instances[].fleet`) or a gateway.
fn referent(path: &[PathSeg]) -> &'static str {
    let fleet = path
        .iter()
        .any(|s| matches!(s, PathSeg::Key(k) if k == "fleets" || k == "fleet"));
    if fleet { "fleet" } else { "gateway" }
}

/// The path up to and including the last key (a list item's hover falls back to its list's docs).
fn trim_to_property(path: &[PathSeg]) -> Vec<PathSeg> {
    let end = path
        .iter()
        .rposition(|s| matches!(s, PathSeg::Key(_)))
        .map(|i| i + 1)
        .unwrap_or(0);
    path.get(..end).unwrap_or_default().to_vec()
}

fn enum_value_markdown(shapes: &[&Shape], text: &str) -> Option<String> {
    for shape in shapes {
        let Shape::Enum {
            values,
            case_insensitive,
            ..
        } = shape
        else {
            continue;
        };
        let same = |a: &str| {
            if *case_insensitive {
                a.eq_ignore_ascii_case(text)
            } else {
                a == text
            }
        };
        let Some(v) = values
            .iter()
            .find(|v| same(&v.value) || v.aliases.iter().any(|a| same(a)))
        else {
            continue;
        };
        let mut out = format!("**{}** — {}", code(&v.value), v.doc.trim());
        if v.value != text {
            out.push_str(&format!("\n\n{} is read as {}", code(text), code(&v.value)));
        }
        if v.deprecated {
            out.push_str("\n\nKept for backward compatibility.");
        }
        if let Some(since) = &v.since {
            out.push_str(&format!("\n\nSince dstack {since}"));
        }
        return Some(out);
    }
    None
}

fn type_markdown(t: &ConfigTypeModel) -> String {
    let mut out = format!("**`type: {}`**", t.name);
    if t.experimental {
        out.push_str(" (experimental)");
    }
    out.push_str("\n\n");
    out.push_str(t.doc.trim());
    if let Some(since) = &t.since {
        out.push_str(&format!("\n\nSince dstack {since}"));
    }
    out.push_str(&format!(
        "\n\n[dstack reference]({}) · [concepts]({})",
        t.docs_url, t.concept_url
    ));
    out
}

pub(crate) fn type_markdown_for(name: &str) -> Option<String> {
    model().config_type(name).map(type_markdown)
}

fn all_type_names() -> String {
    model()
        .types
        .iter()
        .map(|t| code(&t.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Enum values of the property, its own or its list items', in model order.
fn all_enum_values(p: &Property) -> Vec<&dstack_model::EnumValue> {
    let mut out = p.enum_values();
    for item in p.list_items().unwrap_or_default() {
        if let Shape::Enum { values, .. } = item {
            out.extend(values.iter());
        }
    }
    out
}

/// One accepted form, with a couple of examples for dstack's own syntaxes. Enum values are
/// listed once, on their own line, so here they are only referred to.
fn describe_shape(shape: &Shape) -> String {
    let base = match shape {
        Shape::Enum { .. } => "one of the values below".to_string(),
        Shape::List { items, .. } if items.iter().all(|i| matches!(i, Shape::Enum { .. })) => {
            "a list of the values below".to_string()
        }
        _ => shape.describe(),
    };
    match shape.syntax().and_then(|s| model().syntax(s)) {
        Some(syntax) if !syntax.examples.is_empty() => {
            let ex: Vec<String> = syntax.examples.iter().take(3).map(|e| code(e)).collect();
            format!("{base} (e.g. {})", ex.join(", "))
        }
        _ => base,
    }
}

fn type_url(doc: &Document) -> Option<&'static str> {
    let t = crate::config_type(doc)?;
    model().config_type(t.name()).map(|t| t.docs_url.as_str())
}

/// `resources.gpu`, `volumes[].path`: the path with list indexes shown as `[]`.
pub(crate) fn display_path(path: &[PathSeg], fallback: &str) -> String {
    let out = dstack_syntax::tree::path_to_pattern(path);
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

/// An inline code span that survives backticks in the text (the values crate's, so both read alike).
pub(crate) use dstack_values::code;

#[cfg(test)]
mod tests;
