//! Property and type documentation as markdown: shared by hover and completion, so it sits below
//! both. Bodies are rendered once per property and cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use dstack_model::{ConfigTypeModel, Property, RemovedProperty, Shape, model};
use dstack_syntax::PathSeg;

use crate::document::{Document, config_type};

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

pub(crate) fn removed_markdown(r: &RemovedProperty) -> String {
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

pub(crate) fn type_markdown(t: &ConfigTypeModel) -> String {
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

pub(crate) fn all_type_names() -> String {
    model()
        .types
        .iter()
        .map(|t| code(&t.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Enum values of the property, its own or its list items', in model order.
pub(crate) fn all_enum_values(p: &Property) -> Vec<&dstack_model::EnumValue> {
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
pub(crate) fn describe_shape(shape: &Shape) -> String {
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

pub(crate) fn type_url(doc: &Document) -> Option<&'static str> {
    let t = config_type(doc)?;
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
