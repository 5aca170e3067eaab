//! Generated exhaustive check: every property of every type, wherever the model lets it appear,
//! is offered by completion at the place it belongs and has a non-empty hover.
//!
//! The documents are generated from the model: for each object reachable from a type's root
//! (through objects, discriminated unions with their tag written, and lists), a minimal parent
//! chain is written and the cursor is put on an empty key line inside it.

use dstack_model::{Object, Property, Shape, ValueKind, model};

use crate::config::AnalysisConfig;
use crate::test_util::{completion_labels, fixture};

/// Where keys of one mapping are written: the text above, the key column, and whether the
/// mapping is a list item whose first key goes right after `- `.
#[derive(Clone)]
struct Place {
    above: String,
    indent: usize,
    dash: bool,
    /// Keys already written in this mapping (a union's tag).
    written: Vec<String>,
    /// A readable path for messages.
    path: String,
}

impl Place {
    /// The start of a key line at this place.
    fn line_start(&self) -> String {
        if self.dash {
            format!("{}- ", " ".repeat(self.indent - 2))
        } else {
            " ".repeat(self.indent)
        }
    }
}

struct Case {
    type_name: String,
    place: Place,
    key: String,
    property: &'static Property,
}

/// What completion must offer after `key: `: every non-deprecated enum value, and `true`/`false`
/// for booleans (scalar-valued keys only).
fn expected_values(p: &Property) -> Vec<String> {
    if p.value_kind() != ValueKind::Scalar || p.name == "type" {
        return Vec::new();
    }
    let mut out: Vec<String> = p
        .enum_values()
        .into_iter()
        .filter(|v| !v.deprecated)
        .map(|v| v.value.clone())
        .collect();
    if p.shapes.contains(&Shape::Boolean) {
        out.extend(["true".to_string(), "false".to_string()]);
    }
    out
}

fn collect(
    object: &'static Object,
    place: &Place,
    depth: usize,
    seen: &mut Vec<String>,
    out: &mut Vec<Case>,
    type_name: &str,
) {
    let m = model();
    for p in object.properties.iter().filter(|p| !p.hidden) {
        if !place.written.contains(&p.name) {
            out.push(Case {
                type_name: type_name.to_string(),
                place: place.clone(),
                key: p.name.clone(),
                property: p,
            });
        }
        if depth >= 6 {
            continue;
        }
        let key_line = format!("{}{}:\n", place.line_start(), p.name);
        let above = format!("{}{key_line}", place.above);
        let path = if place.path.is_empty() {
            p.name.clone()
        } else {
            format!("{}.{}", place.path, p.name)
        };
        for shape in p.non_null_shapes() {
            let (items, in_list) = match shape {
                Shape::List { items, .. } => (items.iter().collect::<Vec<_>>(), true),
                other => (vec![other], false),
            };
            for item in items {
                match item {
                    Shape::Object { object: id } => {
                        let Some(o) = m.object(id) else { continue };
                        if seen.contains(id) {
                            continue;
                        }
                        seen.push(id.clone());
                        let child = Place {
                            above: above.clone(),
                            indent: place.indent + if in_list { 4 } else { 2 },
                            dash: in_list,
                            written: Vec::new(),
                            path: format!("{path}{}", if in_list { "[]" } else { "" }),
                        };
                        collect(o, &child, depth + 1, seen, out, type_name);
                    }
                    Shape::Union {
                        discriminator,
                        variants,
                        ..
                    } => {
                        for v in variants {
                            let Some(o) = m.object(&v.object) else {
                                continue;
                            };
                            if seen.contains(&v.object) {
                                continue;
                            }
                            seen.push(v.object.clone());
                            let tag_line = if in_list {
                                format!(
                                    "{}- {discriminator}: {}\n",
                                    " ".repeat(place.indent + 2),
                                    v.value
                                )
                            } else {
                                format!(
                                    "{}{discriminator}: {}\n",
                                    " ".repeat(place.indent + 2),
                                    v.value
                                )
                            };
                            let child = Place {
                                above: format!("{above}{tag_line}"),
                                indent: place.indent + if in_list { 4 } else { 2 },
                                dash: false,
                                written: vec![discriminator.clone()],
                                path: format!(
                                    "{path}{}({discriminator}: {})",
                                    if in_list { "[]" } else { "" },
                                    v.value
                                ),
                            };
                            collect(o, &child, depth + 1, seen, out, type_name);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn all_cases() -> Vec<Case> {
    let m = model();
    let mut out = Vec::new();
    for t in &m.types {
        let mut seen = Vec::new();
        match &t.root {
            Shape::Object { object } => {
                let Some(o) = m.object(object) else { continue };
                let place = Place {
                    above: format!("type: {}\n", t.name),
                    indent: 0,
                    dash: false,
                    written: vec!["type".to_string()],
                    path: String::new(),
                };
                collect(o, &place, 0, &mut seen, &mut out, &t.name);
            }
            Shape::Union {
                discriminator,
                variants,
                ..
            } => {
                for v in variants {
                    let Some(o) = m.object(&v.object) else {
                        continue;
                    };
                    let place = Place {
                        above: format!("type: {}\n{discriminator}: {}\n", t.name, v.value),
                        indent: 0,
                        dash: false,
                        written: vec!["type".to_string(), discriminator.clone()],
                        path: format!("({discriminator}: {})", v.value),
                    };
                    collect(o, &place, 0, &mut seen, &mut out, &t.name);
                }
            }
            _ => {}
        }
    }
    out
}

/// Every value completion offered right after `key: ` (the first few of each), once inserted, draws
/// no error from our own diagnostics on that value, and hover on it does not reject it.
#[test]
fn offered_values_are_accepted() {
    let mut misses = Vec::new();
    let mut checked = 0;
    for case in all_cases() {
        if case.property.value_kind() != ValueKind::Scalar || case.key == "type" {
            continue;
        }
        let place = &case.place;
        let fixture_text = format!("{}{}{}: $0\n", place.above, place.line_start(), case.key);
        let (doc, offset) = fixture(&fixture_text);
        let items = crate::completion::completions(&doc, offset, &AnalysisConfig::default());
        for item in items.iter().filter(|i| !i.deprecated).take(8) {
            let text = crate::test_util::apply_completion(&fixture_text, &item.label);
            let value_start = offset as usize;
            let value_end = value_start + item.insert_text.len();
            let doc = crate::document::Document::new(text.clone());
            checked += 1;
            // Hover on the inserted value explains it rather than rejecting it.
            let hover =
                crate::hover::hover(&doc, value_start as u32 + 1, &AnalysisConfig::default());
            if let Some(h) = hover.filter(|h| h.markdown.contains("cannot read")) {
                misses.push(format!(
                    "{} {}.{}: hover on `{}` says {}\n{text}",
                    case.type_name, place.path, case.key, item.label, h.markdown
                ));
            }
            for d in crate::diagnostics::diagnostics(&doc, &AnalysisConfig::default()) {
                let on_value = (value_start..value_end).contains(&(d.range.start as usize));
                if on_value && d.severity == crate::diagnostic::Severity::Error {
                    misses.push(format!(
                        "{} {}.{}: `{}` → {}\n{text}",
                        case.type_name, place.path, case.key, item.label, d.message
                    ));
                }
            }
        }
    }
    assert!(checked > 200, "only {checked} values checked");
    assert!(
        misses.is_empty(),
        "{} rejected:\n\n{}",
        misses.len(),
        misses.join("\n")
    );
}

#[test]
fn every_property_is_completed_and_hovered_where_it_belongs() {
    let cases = all_cases();
    assert!(cases.len() > 300, "only {} cases generated", cases.len());
    let mut misses = Vec::new();
    for case in &cases {
        let place = &case.place;
        let completion_fixture = format!("{}{}$0\n", place.above, place.line_start());
        let labels = completion_labels(&completion_fixture);
        if !labels.contains(&case.key) {
            misses.push(format!(
                "completion: {} {}.{} not offered in\n{completion_fixture}",
                case.type_name, place.path, case.key
            ));
        }
        // Enum values (and booleans) are offered after `key: `.
        let expected_values = expected_values(case.property);
        if !expected_values.is_empty() {
            let value_fixture = format!("{}{}{}: $0\n", place.above, place.line_start(), case.key);
            let labels = completion_labels(&value_fixture);
            let missing: Vec<&String> = expected_values
                .iter()
                .filter(|v| !labels.contains(v))
                .collect();
            if !missing.is_empty() {
                misses.push(format!(
                    "values: {} {}.{} lacks {missing:?} in\n{value_fixture}",
                    case.type_name, place.path, case.key
                ));
            }
        }
        let (first, rest) = case.key.split_at(1);
        let hover_fixture = format!("{}{}{first}$0{rest}:\n", place.above, place.line_start());
        let (doc, offset) = fixture(&hover_fixture);
        let hover = crate::hover::hover(&doc, offset, &AnalysisConfig::default());
        if hover.is_none_or(|h| h.markdown.trim().is_empty()) {
            misses.push(format!(
                "hover: {} {}.{} has none in\n{hover_fixture}",
                case.type_name, place.path, case.key
            ));
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {} checks missed:\n\n{}",
        misses.len(),
        cases.len() * 2,
        misses.join("\n")
    );
}
