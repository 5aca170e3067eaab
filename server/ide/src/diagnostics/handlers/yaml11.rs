//! YAML 1.1 surprises: unquoted values PyYAML reads as something other than they look (`on`,
//! `010`, `1:30`, `3.10`).

use dstack_syntax::{Node, ScalarValue};

use crate::diagnostic::{Diagnostic, Severity};
use crate::diagnostics::tree::Cx;

pub(crate) fn scalar(cx: &mut Cx, node: &Node, key: &str, text: &str, value: &ScalarValue) {
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

/// Properties that take only a boolean: there `yes`/`on` mean what they say.
/// Keys whose value syntax has `off` as one of its words (`max_duration: off`), so the YAML 1.1
/// boolean is what the author meant: the model's syntaxes list `off` among their examples.
pub(crate) fn off_is_a_word(key: &str) -> bool {
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

pub(crate) fn boolean_only(key: &str) -> bool {
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

pub(crate) fn quote_fix(d: Diagnostic, node: &Node, text: &str) -> Diagnostic {
    d.with_fix(
        format!("Quote `{text}` to keep it as text"),
        node.range,
        format!("\"{text}\""),
    )
}

pub(crate) fn is_octal_or_hex(text: &str) -> bool {
    let t = text.trim_start_matches(['-', '+']);
    (t.len() > 1 && t.starts_with('0') && t.bytes().all(|b| b.is_ascii_digit() || b == b'_'))
        || t.starts_with("0x")
        || t.starts_with("0X")
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::off_is_a_word;
    use crate::diagnostics::tests::check;

    #[test]
    fn yaml_11_pitfalls() {
        check(
            "type: task\ncommands: [echo]\npython: 3.10\nenv:\n  DEBUG: on\nuser: 010\nentrypoint: 2024-01-01\nprivileged: yes\nretry:\n  duration: off\n",
            expect![[r#"
                type: task
                commands: [echo]
                python: 3.10
                        ^^^^ 3:9-3:13 warning yaml11-pitfall unquoted `3.10` is the number 3.1 in YAML; dstack reads it as Python 3.10, but quote it to say what you mean: `python: "3.10"`
                env:
                  DEBUG: on
                         ^^ 5:10-5:12 error wrong-type `env` expects a string, got `on`, which YAML reads as the boolean true
                user: 010
                      ^^^ 6:7-6:10 warning yaml11-pitfall unquoted `010` is an octal number in YAML 1.1, so dstack reads 8; quote it if you mean the text
                entrypoint: 2024-01-01
                            ^^^^^^^^^^ 7:13-7:23 error wrong-type `entrypoint` expects a string, got `2024-01-01`, which YAML reads as a date
                privileged: yes
                retry:
                  duration: off
                            ^^^ 10:13-10:16 warning yaml11-pitfall unquoted `off` is the boolean false in YAML 1.1 (which dstack uses): write `false`, or quote it if you mean the text

            "#]],
        );
    }

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
