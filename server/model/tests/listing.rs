//! Snapshot of the whole model: every type and object with its properties, shapes and flags.
//! Update with `UPDATE_EXPECT=1 cargo test -p dstack-model --test listing`.

use dstack_model::{Object, Property, model};
use std::fmt::Write;

fn property_line(p: &Property) -> String {
    let shapes: Vec<String> = p.shapes.iter().map(|s| s.describe()).collect();
    let mut line = format!("  {}: {}", p.name, shapes.join(" | "));
    if !p.aliases.is_empty() {
        let _ = write!(line, " (alias {})", p.aliases.join(", "));
    }
    if p.required {
        line.push_str(" [required]");
    }
    if let Some(d) = &p.default {
        let _ = write!(line, " [default {d}]");
    }
    if let Some(s) = &p.since {
        let _ = write!(line, " [since {s}]");
    }
    if let Some(d) = &p.deprecated {
        let _ = write!(line, " [deprecated {}]", d.since);
    }
    if p.hidden {
        line.push_str(" [hidden]");
    }
    for v in &p.removed_values {
        let _ = write!(line, " [removed value {} in {}]", v.value, v.removed_in);
    }
    line
}

fn object_block(out: &mut String, o: &Object) {
    let _ = writeln!(out, "{} ({})", o.id, o.title);
    for p in &o.properties {
        let _ = writeln!(out, "{}", property_line(p));
    }
    for r in &o.removed {
        let _ = writeln!(
            out,
            "  {}: removed in {} -> {}",
            r.name,
            r.removed_in,
            r.replacement.as_deref().unwrap_or("-")
        );
    }
    for r in &o.requires_any {
        let _ = writeln!(out, "  rule: one of {}", r.keys.join(", "));
    }
    for r in &o.exclusive {
        let _ = writeln!(out, "  rule: at most one of {}", r.keys.join(", "));
    }
    for r in &o.forbidden {
        let _ = writeln!(out, "  rule: none of {}", r.keys.join(", "));
    }
}

#[test]
fn types_and_keys() {
    let m = model();
    let mut out = String::new();
    for t in &m.types {
        let _ = writeln!(out, "{}: {}", t.name, t.key_order().join(", "));
    }
    expect_test::expect_file!["listing_types.txt"].assert_eq(&out);
}

#[test]
fn every_object() {
    let m = model();
    let mut out = String::new();
    for o in m.objects.iter().filter(|o| !o.fragment) {
        object_block(&mut out, o);
    }
    let _ = writeln!(
        out,
        "syntaxes: {}",
        m.syntaxes
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    expect_test::expect_file!["listing_objects.txt"].assert_eq(&out);
}
