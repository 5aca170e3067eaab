//! YAML 1.1 surprises (values that silently mean something else) and hard-coded secrets.
//!
//! dstack reads files with PyYAML, a YAML 1.1 loader: `yes`/`no`/`on`/`off` are booleans, `010` is
//! octal 8, `1:30` is the sexagesimal number 90, and `3.10` is the float 3.1. Each is reported where
//! the result differs from what the text shows.

use dstack_syntax::{Node, NodeKind, ScalarStyle, ScalarValue, TextRange};

use super::tree::{Cx, str_value};
use crate::diagnostic::{Diagnostic, Severity};

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

/// A key written twice in one mapping: PyYAML keeps the last value without a word. Linear: the
/// last occurrence of each key is found once, then every earlier one is reported.
fn duplicate_keys(cx: &mut Cx, entries: &[dstack_syntax::Entry]) {
    fn key(e: &dstack_syntax::Entry) -> Option<&str> {
        e.key.key_text().filter(|k| *k != "<<")
    }
    let last_of: Vec<Option<usize>> = if entries.len() <= 16 {
        // Small mappings: comparing pairs is cheaper than a hash map.
        entries
            .iter()
            .map(|e| {
                let k = key(e)?;
                entries.iter().rposition(|p| key(p) == Some(k))
            })
            .collect()
    } else {
        let mut last: std::collections::HashMap<&str, usize, _> =
            std::collections::HashMap::with_hasher(
                std::hash::BuildHasherDefault::<super::tree::Fnv>::default(),
            );
        for (i, e) in entries.iter().enumerate() {
            if let Some(k) = key(e) {
                last.insert(k, i);
            }
        }
        entries
            .iter()
            .map(|e| key(e).and_then(|k| last.get(k).copied()))
            .collect()
    };
    for (i, (e, last)) in entries.iter().zip(last_of).enumerate() {
        let (Some(k), Some(last)) = (key(e), last) else {
            continue;
        };
        let Some(last) = entries.get(last).filter(|_| last != i) else {
            continue;
        };
        let line = cx.line_number(last.key.range.start);
        let lines = cx.entry_lines(&e.key, &e.value);
        let d = Diagnostic::new(
            Severity::Warning,
            "duplicate-key",
            e.key.range,
            format!(
                "`{k}` is set again on line {line}; YAML keeps the last value, so this one is ignored"
            ),
        )
        .with_fix(format!("Remove this `{k}`"), lines, "");
        cx.push(d);
    }
}

/// Properties that take only a boolean: there `yes`/`on` mean what they say.
/// Keys whose value syntax has `off` as one of its words (`max_duration: off`), so the YAML 1.1
/// boolean is what the author meant: the model's syntaxes list `off` among their examples.
fn off_is_a_word(key: &str) -> bool {
    use dstack_model::{Shape, model};
    static NAMES: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            let m = model();
            let takes_off = |s: &Shape| match s {
                Shape::String {
                    syntax: Some(syntax),
                    ..
                } => m
                    .syntax(syntax)
                    .is_some_and(|x| x.examples.iter().any(|e| e == "off")),
                _ => false,
            };
            m.objects
                .iter()
                .flat_map(|o| &o.properties)
                .filter(|p| p.shapes.iter().any(takes_off))
                .map(|p| p.name.as_str())
                .collect()
        })
        .contains(key)
}

fn boolean_only(key: &str) -> bool {
    use dstack_model::{Shape, model};
    static NAMES: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            let mut all: std::collections::HashMap<&'static str, bool> =
                std::collections::HashMap::new();
            for o in &model().objects {
                for p in &o.properties {
                    let only = p
                        .shapes
                        .iter()
                        .all(|s| matches!(s, Shape::Boolean | Shape::Null));
                    let e = all.entry(p.name.as_str()).or_insert(true);
                    *e = *e && only;
                }
            }
            all.into_iter()
                .filter(|(_, only)| *only)
                .map(|(k, _)| k)
                .collect()
        })
        .contains(key)
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

fn quote_fix(d: Diagnostic, node: &Node, text: &str) -> Diagnostic {
    d.with_fix(
        format!("Quote `{text}` to keep it as text"),
        node.range,
        format!("\"{text}\""),
    )
}

fn scalar(cx: &mut Cx, node: &Node, key: &str, text: &str, value: &ScalarValue) {
    match value {
        ScalarValue::Float(f) if key == "python" && (*f - 3.1).abs() < 1e-9 => {
            let d = Diagnostic::new(
                Severity::Warning,
                "yaml11-pitfall",
                node.range,
                format!(
                    "unquoted `{text}` is the number 3.1 in YAML; dstack reads it as Python 3.10, but quote it to say what you mean: `python: \"3.10\"`"
                ),
            );
            cx.push(d.with_fix("Quote as \"3.10\"", node.range, "\"3.10\""));
        }
        ScalarValue::Bool(b)
            if !text.eq_ignore_ascii_case("true") && !text.eq_ignore_ascii_case("false") =>
        {
            if off_is_a_word(key) || boolean_only(key) {
                return;
            }
            let d = Diagnostic::new(
                Severity::Warning,
                "yaml11-pitfall",
                node.range,
                format!(
                    "unquoted `{text}` is the boolean {b} in YAML 1.1 (which dstack uses): write `{b}`, or quote it if you mean the text"
                ),
            );
            let d = d.with_fix(format!("Write `{b}`"), node.range, b.to_string());
            cx.push(quote_fix(d, node, text));
        }
        ScalarValue::Int(i) if is_octal_or_hex(text) || text.contains(':') => {
            let what = if text.contains(':') {
                "a base-60 number"
            } else if text.contains(['x', 'X']) {
                "a hexadecimal number"
            } else {
                "an octal number"
            };
            let d = Diagnostic::new(
                Severity::Warning,
                "yaml11-pitfall",
                node.range,
                format!(
                    "unquoted `{text}` is {what} in YAML 1.1, so dstack reads {i}; quote it if you mean the text"
                ),
            );
            cx.push(quote_fix(d, node, text));
        }
        _ => {}
    }
}

fn is_octal_or_hex(text: &str) -> bool {
    let t = text.trim_start_matches(['-', '+']);
    (t.len() > 1 && t.starts_with('0') && t.bytes().all(|b| b.is_ascii_digit() || b == b'_'))
        || t.starts_with("0x")
        || t.starts_with("0X")
}

/// Looks like an API token or key: known prefixes, or an AWS access key id.
fn looks_like_secret(v: &str) -> bool {
    const PREFIXES: [&str; 10] = [
        "ghp_",
        "gho_",
        "ghs_",
        "github_pat_",
        "hf_",
        "sk-",
        "xoxb-",
        "xoxp-",
        "glpat-",
        "AIza",
    ];
    let v = v.trim();
    if v.contains("${{") || v.len() < 12 || v.contains(' ') {
        return false;
    }
    let aws = v.len() == 20
        && (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    aws || PREFIXES
        .iter()
        .any(|p| v.starts_with(p) && v.len() > p.len() + 8)
}

fn secret_name(key: &str) -> String {
    let up: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if up.is_empty() {
        "SECRET".to_string()
    } else {
        up
    }
}

fn secrets(cx: &mut Cx, root: &Node) {
    if root.as_mapping().is_none() {
        return;
    }
    if let Some(auth) = cx.get(root, "registry_auth")
        && let Some(p) = cx.get(auth, "password")
        && let Some(v) = str_value(p)
        && !v.contains("${{")
        && !v.is_empty()
    {
        let d = Diagnostic::new(
            Severity::Warning,
            "hardcoded-secret",
            p.range,
            "the registry password is written in the file: store it as a dstack secret and use `${{ secrets.REGISTRY_PASSWORD }}` (or `${{ env.NAME }}` from `env`)",
        );
        cx.push(d.with_fix(
            "Use `${{ secrets.REGISTRY_PASSWORD }}`",
            p.range,
            "${{ secrets.REGISTRY_PASSWORD }}",
        ));
    }
    let Some(env) = cx.get(root, "env") else {
        return;
    };
    for item in cx.items(env) {
        if let Some(s) = str_value(item)
            && let Some((k, v)) = s.split_once('=')
            && looks_like_secret(v)
        {
            let value_range = match item.as_scalar() {
                Some(sc) if sc.verbatim => item.sub_range((k.len() + 1) as u32, s.len() as u32),
                _ => item.range,
            };
            let replacement = if value_range == item.range {
                format!("{k}=${{{{ secrets.{} }}}}", secret_name(k))
            } else {
                format!("${{{{ secrets.{} }}}}", secret_name(k))
            };
            push_secret(cx, value_range, k, replacement);
        }
    }
    for (k, v) in cx.entries(env) {
        if let (Some(k), Some(s)) = (k.key_text(), str_value(v))
            && looks_like_secret(s)
        {
            let text = format!("${{{{ secrets.{} }}}}", secret_name(k));
            let replacement = if v
                .as_scalar()
                .is_some_and(|sc| sc.style == ScalarStyle::Plain)
            {
                format!("\"{text}\"")
            } else {
                text
            };
            push_secret(cx, v.range, k, replacement);
        }
    }
}

fn push_secret(cx: &mut Cx, range: TextRange, key: &str, replacement: String) {
    let name = secret_name(key);
    let d = Diagnostic::new(
        Severity::Warning,
        "hardcoded-secret",
        range,
        format!(
            "`{key}` looks like a token written in the file: store it with `dstack secret set {name} …` and use `${{{{ secrets.{name} }}}}`"
        ),
    );
    cx.push(d.with_fix(
        format!("Use `${{{{ secrets.{name} }}}}`"),
        range,
        replacement,
    ));
}

#[cfg(test)]
mod off_tests {
    use super::off_is_a_word;

    #[test]
    fn off_keys_come_from_the_model() {
        for key in [
            "max_duration",
            "stop_duration",
            "idle_duration",
            "inactivity_duration",
            "auto_cleanup_duration",
        ] {
            assert!(off_is_a_word(key), "{key}");
        }
        for key in ["gateway", "spot_policy", "privileged", "name"] {
            assert!(!off_is_a_word(key), "{key}");
        }
    }
}
