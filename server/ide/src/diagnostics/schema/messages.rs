//! The wording of structural errors: lists of keys and types, articles, bounds.

use dstack_model::{Object, model};
use dstack_syntax::{Node, TextRange};

use crate::diagnostic::{Diagnostic, Severity};
use crate::diagnostics::tree::Cx;

pub(super) fn code_list(items: &[&str]) -> String {
    let v: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    v.join(", ")
}

/// The types whose top level has every key the document uses (other than `type`).
pub(super) fn fitting_types(cx: &Cx, root: &Node) -> Vec<&'static str> {
    let keys: Vec<&str> = cx
        .entries(root)
        .iter()
        .filter_map(|(k, _)| k.key_text())
        .filter(|k| *k != "type")
        .collect();
    model()
        .types
        .iter()
        .filter(|t| {
            keys.iter().all(|k| {
                model()
                    .root_objects(&t.name)
                    .iter()
                    .any(|o| o.property(k).is_some())
            })
        })
        .map(|t| t.name.as_str())
        .collect()
}

/// No `type:`: say so, and offer the types whose keys fit the document (at most three).
pub(super) fn missing_type(cx: &mut Cx, root: &Node) {
    let fitting = fitting_types(cx, root);
    let range = cx.first_line(root.range);
    let mut d = Diagnostic::new(
        Severity::Error,
        "missing-type",
        range,
        "`type` is missing: dstack needs it to know what this configuration is (`task`, `service`, `dev-environment`, `fleet`, `gateway`, `volume` or `preset`)",
    );
    let indent = cx
        .text
        .get(..root.range.start as usize)
        .map_or(0, |t| t.len() - t.rfind('\n').map_or(0, |i| i + 1));
    let pad = " ".repeat(indent);
    for t in fitting.iter().take(3) {
        d = d.with_fix(
            format!("Add `type: {t}`"),
            TextRange::empty(root.range.start),
            format!("type: {t}\n{pad}"),
        );
    }
    cx.push(d);
}

/// "an integer", "a `gpu` string", "one of …" (as it is).
pub(super) fn with_article(desc: &str) -> String {
    if desc.starts_with("one of") {
        return desc.to_string();
    }
    let vowel = desc
        .trim_start_matches('`')
        .starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {desc}", if vowel { "an" } else { "a" })
}

pub(super) fn article(name: &str) -> &'static str {
    match name {
        "integer" => "the integer",
        "number" => "the number",
        "boolean" => "the boolean",
        "date" => "the date",
        _ => "the string",
    }
}

pub(super) fn one_of(names: &[&str]) -> String {
    if names.len() == 1 {
        format!("`{}`", names[0])
    } else {
        format!("one of {}", code_list(names))
    }
}

/// "`a`, `b` or `c`".
pub(super) fn join_list(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., tail] => format!("{} {last} {tail}", rest.join(", ")),
    }
}

pub(super) fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("a {one}"),
        [rest @ .., last] => format!("a {} or {last}", rest.join(", ")),
    }
}

pub(super) fn describe_object(o: &Object, top: bool) -> String {
    if top {
        match &o.tag {
            Some(t) if t.key == "backend" => format!("a `{}` volume", t.value),
            _ => format!("a `{}`", o.id),
        }
    } else {
        format!("`{}`", o.title)
    }
}

/// pydantic's bound checks, with the message dstack users see.
pub(super) fn bounds(
    v: f64,
    ge: Option<f64>,
    gt: Option<f64>,
    le: Option<f64>,
    lt: Option<f64>,
) -> Option<String> {
    let f = dstack_values::py::fmt_number;
    // NaN fails every bound, as in pydantic (`nan > 0` is false); infinity is an ordinary number.
    let nan = v.is_nan();
    if let Some(b) = ge.filter(|b| nan || v < *b) {
        return Some(format!("must be at least {}, got {}", f(b), f(v)));
    }
    if let Some(b) = gt.filter(|b| nan || v <= *b) {
        return Some(format!("must be greater than {}, got {}", f(b), f(v)));
    }
    if let Some(b) = le.filter(|b| nan || v > *b) {
        return Some(format!("must be at most {}, got {}", f(b), f(v)));
    }
    if let Some(b) = lt.filter(|b| nan || v >= *b) {
        return Some(format!("must be less than {}, got {}", f(b), f(v)));
    }
    None
}
