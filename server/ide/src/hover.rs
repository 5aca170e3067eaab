//! Hover: docs for keys, and what dstack will understand for values of its syntaxes.
//!
//! A key shows its doc, accepted forms, default, allowed values, since/deprecation notes, an
//! example and a link. A value shows what dstack reads from it (`A100:80GB:2` → 2 × NVIDIA A100
//! with exactly 80 GB each), the meaning of an enum value, or the doc of a `type:` value.
//! Offer previews are appended by `offers` through [`HoverTarget`] (in `walk`).

use dstack_model::{Shape, model};
use dstack_syntax::{Node, PathSeg, ScalarValue, TextRange};

use crate::bridge::{self, NodeSource, Syntax};
use crate::config::AnalysisConfig;
use crate::docs::{all_type_names, code, property_markdown, removed_markdown, type_markdown};
use crate::document::Document;
use crate::interpolation;
use crate::walk::{self, locate_target};

#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
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
    // The offer preview on `resources`, `gpu`, `cpu`, `memory`, `disk`.
    if let Some(section) = crate::offers::hover_section(doc, &target, config) {
        markdown.push_str("\n\n---\n\n");
        markdown.push_str(&section);
    }
    Some(Hover {
        range: target.range,
        markdown,
    })
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
                .find_map(|syntax| {
                    syntax.describe(&NodeSource::new(&doc.parse, doc.expansion(), value))
                })
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
    let source = NodeSource::new(&doc.parse, doc.expansion(), node);
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

#[cfg(test)]
mod tests;
