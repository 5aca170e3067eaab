//! Integrity checks of the embedded model data: it parses, references resolve, docs are complete.

use dstack_model::{Model, Shape, model};
use std::collections::HashSet;

fn all_shapes<'a>(shape: &'a Shape, out: &mut Vec<&'a Shape>) {
    out.push(shape);
    match shape {
        Shape::List { items, .. } => items.iter().for_each(|s| all_shapes(s, out)),
        Shape::Map { values, .. } => values.iter().for_each(|s| all_shapes(s, out)),
        _ => {}
    }
}

/// Every shape in the model, with a label saying where it is.
fn every_shape() -> Vec<(String, &'static Shape)> {
    let m = model();
    let mut out = Vec::new();
    for t in &m.types {
        let mut v = Vec::new();
        all_shapes(&t.root, &mut v);
        out.extend(v.into_iter().map(|s| (format!("type {}", t.name), s)));
    }
    for o in &m.objects {
        for p in &o.properties {
            let mut v = Vec::new();
            p.shapes.iter().for_each(|s| all_shapes(s, &mut v));
            out.extend(v.into_iter().map(|s| (format!("{}.{}", o.id, p.name), s)));
        }
    }
    out
}

#[test]
fn embedded_data_parses() {
    let parsed = Model::from_json(include_str!("../data/model.json"));
    assert!(parsed.is_ok(), "{:?}", parsed.err());
    assert_eq!(model().types.len(), 7);
}

#[test]
fn broken_data_is_an_error_not_a_panic() {
    assert!(Model::from_json("{").is_err());
    let bad_use = r#"{"version":"x","syntaxes":[],"types":[],"objects":[
        {"id":"a","title":"a","doc":"d","properties":[{"use":"missing"}]}]}"#;
    let err = Model::from_json(bad_use).err().unwrap_or_default();
    assert!(err.contains("unknown fragment `missing`"), "{err}");
    let cycle = r#"{"version":"x","syntaxes":[],"types":[],"objects":[
        {"id":"a","title":"a","doc":"d","properties":[{"use":"b"}]},
        {"id":"b","title":"b","doc":"d","properties":[{"use":"a"}]}]}"#;
    let err = Model::from_json(cycle).err().unwrap_or_default();
    assert!(err.contains("cycle"), "{err}");
}

#[test]
fn every_referenced_object_and_syntax_exists() {
    let m = model();
    let mut problems = Vec::new();
    for (at, shape) in every_shape() {
        match shape {
            Shape::Object { object } => match m.object(object) {
                None => problems.push(format!("{at}: unknown object `{object}`")),
                Some(o) if o.fragment => problems.push(format!("{at}: `{object}` is a fragment")),
                Some(_) => {}
            },
            Shape::Union {
                discriminator,
                variants,
                default,
            } => {
                for v in variants {
                    match m.object(&v.object) {
                        None => problems.push(format!("{at}: unknown variant `{}`", v.object)),
                        Some(o) => {
                            let tag_ok = o.property(discriminator).is_some_and(|p| {
                                p.enum_values().iter().any(|e| e.value == v.value)
                            });
                            if !tag_ok {
                                problems.push(format!(
                                    "{at}: variant `{}` lacks `{discriminator}: {}`",
                                    o.id, v.value
                                ));
                            }
                        }
                    }
                }
                if let Some(d) = default
                    && !variants.iter().any(|v| &v.value == d)
                {
                    problems.push(format!("{at}: default variant `{d}` is not a variant"));
                }
            }
            _ => {}
        }
        if let Some(s) = shape.syntax()
            && m.syntax(s).is_none()
        {
            problems.push(format!("{at}: unknown syntax `{s}`"));
        }
        if let Shape::Map {
            key_syntax: Some(s),
            ..
        } = shape
            && m.syntax(s).is_none()
        {
            problems.push(format!("{at}: unknown key syntax `{s}`"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_object_is_reachable_or_a_fragment() {
    let m = model();
    let mut used: HashSet<&str> = HashSet::new();
    for (_, shape) in every_shape() {
        for o in m.shape_objects(shape) {
            used.insert(o.id.as_str());
        }
    }
    let unused: Vec<&str> = m
        .objects
        .iter()
        .filter(|o| !o.fragment && !used.contains(o.id.as_str()))
        .map(|o| o.id.as_str())
        .collect();
    assert!(unused.is_empty(), "{unused:?}");
}

#[test]
fn every_property_is_documented_with_example() {
    let mut problems = Vec::new();
    for o in &model().objects {
        if o.doc.trim().is_empty() {
            problems.push(format!("{}: no doc", o.id));
        }
        for p in &o.properties {
            if p.doc.trim().is_empty() {
                problems.push(format!("{}.{}: no doc", o.id, p.name));
            }
            if !p.example.starts_with(&format!("{}:", p.name)) {
                problems.push(format!(
                    "{}.{}: example must start with the key",
                    o.id, p.name
                ));
            }
            if p.docs_url
                .as_ref()
                .is_some_and(|u| !u.starts_with("https://dstack.ai/docs/"))
            {
                problems.push(format!(
                    "{}.{}: docs_url must point at dstack's docs",
                    o.id, p.name
                ));
            }
            if p.shapes.is_empty() {
                problems.push(format!("{}.{}: no shapes", o.id, p.name));
            }
            for e in p.enum_values() {
                if e.doc.trim().is_empty() {
                    problems.push(format!(
                        "{}.{}: enum value `{}` has no doc",
                        o.id, p.name, e.value
                    ));
                }
            }
        }
        for p in &o.properties {
            for v in &p.removed_values {
                if p.enum_values().iter().any(|e| e.value == v.value) {
                    problems.push(format!(
                        "{}.{}: `{}` is both accepted and removed",
                        o.id, p.name, v.value
                    ));
                }
            }
        }
        for r in &o.removed {
            if r.note.trim().is_empty() {
                problems.push(format!("{}: removed `{}` has no note", o.id, r.name));
            }
            if o.property(&r.name).is_some() {
                problems.push(format!(
                    "{}: `{}` is both a property and removed",
                    o.id, r.name
                ));
            }
        }
    }
    for s in &model().syntaxes {
        if s.doc.trim().is_empty() || s.summary.trim().is_empty() || s.examples.is_empty() {
            problems.push(format!("syntax {}: incomplete", s.name));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn no_duplicate_names() {
    let m = model();
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    for o in &m.objects {
        if !ids.insert(o.id.as_str()) {
            problems.push(format!("duplicate object id {}", o.id));
        }
        let mut names = HashSet::new();
        for p in &o.properties {
            if !names.insert(p.name.as_str()) {
                problems.push(format!("{}: duplicate property {}", o.id, p.name));
            }
        }
    }
    let mut types = HashSet::new();
    for t in &m.types {
        if !types.insert(t.name.as_str()) {
            problems.push(format!("duplicate type {}", t.name));
        }
    }
    let mut syntaxes = HashSet::new();
    for s in &m.syntaxes {
        if !syntaxes.insert(s.name.as_str()) {
            problems.push(format!("duplicate syntax {}", s.name));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_type_has_docs_skeleton_and_starts_with_type() {
    let m = model();
    let mut problems = Vec::new();
    for t in &m.types {
        if t.doc.trim().is_empty() || !t.docs_url.starts_with("https://dstack.ai/docs/") {
            problems.push(format!("{}: doc or docs_url missing", t.name));
        }
        if !t.skeleton.starts_with(&format!("type: {}\n", t.name)) || !t.skeleton.contains("${1:") {
            problems.push(format!(
                "{}: skeleton must start with `type:` and have tab stops",
                t.name
            ));
        }
        if t.key_order().first() != Some(&"type") {
            problems.push(format!("{}: key order does not start with `type`", t.name));
        }
        for o in m.root_objects(&t.name) {
            let ty = o.property("type");
            let ok =
                ty.is_some_and(|p| p.required && p.enum_values().iter().any(|e| e.value == t.name));
            if !ok {
                problems.push(format!(
                    "{}: root `{}` lacks a required `type: {}`",
                    t.name, o.id, t.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn skeleton_keys_exist() {
    let m = model();
    for t in &m.types {
        for line in t.skeleton.lines() {
            if line.starts_with(' ') || line.is_empty() {
                continue;
            }
            let key = line.split(':').next().unwrap_or_default();
            let found = m
                .root_objects(&t.name)
                .iter()
                .any(|o| o.property(key).is_some());
            assert!(found, "{}: skeleton key `{key}` is not a property", t.name);
        }
    }
}
