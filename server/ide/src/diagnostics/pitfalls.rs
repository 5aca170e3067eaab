//! YAML 1.1 surprises (values that silently mean something else) and hard-coded secrets.
//!
//! dstack reads files with PyYAML, a YAML 1.1 loader: `yes`/`no`/`on`/`off` are booleans, `010` is
//! octal 8, `1:30` is the sexagesimal number 90, and `3.10` is the float 3.1. Each is reported where
//! the result differs from what the text shows.
//!
//! This file walks the tree once; the families it reports are in `handlers/` (`yaml11`,
//! `duplicate_keys`, `secrets`).

use dstack_syntax::{Node, NodeKind, ScalarStyle};

use super::handlers::duplicate_keys::duplicate_keys;
use super::handlers::secrets::secrets;
use super::handlers::yaml11::scalar;
use crate::diagnostics::tree::Cx;

pub(crate) fn check(cx: &mut Cx) {
    let Some(root) = cx.parse.root.as_ref() else {
        return;
    };
    walk(cx, root, "", 0);
    let root = cx.resolve(root);
    secrets(cx, root);
}

fn walk(cx: &mut Cx, node: &Node, key: &str, depth: usize) {
    if depth > 64 {
        return;
    }
    if let Some(tag) = node.tag.as_deref()
        && !safe_tag(tag)
    {
        cx.error(
            "yaml-syntax",
            cx.first_line(node.range),
            format!(
                "dstack's YAML loader (PyYAML `safe_load`) cannot build `{tag}`: remove the tag"
            ),
        );
    }
    match &node.kind {
        NodeKind::Mapping(entries) => {
            duplicate_keys(cx, entries);
            for e in entries {
                walk(cx, &e.value, e.key.key_text().unwrap_or(""), depth + 1);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                walk(cx, item, key, depth + 1);
            }
        }
        NodeKind::Scalar(s) if s.style == ScalarStyle::Plain && node.tag.is_none() => {
            scalar(cx, node, key, &s.text, &s.value)
        }
        _ => {}
    }
}

/// Tags `safe_load` knows.
fn safe_tag(tag: &str) -> bool {
    let name = tag
        .strip_prefix("tag:yaml.org,2002:")
        .or_else(|| tag.strip_prefix("!!"))
        .unwrap_or(tag);
    matches!(
        name,
        "str"
            | "int"
            | "float"
            | "bool"
            | "null"
            | "map"
            | "seq"
            | "binary"
            | "timestamp"
            | "omap"
            | "pairs"
            | "set"
            | "merge"
    )
}
