//! Hard-coded secrets: tokens and passwords written in the file instead of `${{ secrets.NAME }}`.

use dstack_syntax::{Node, ScalarStyle, TextRange};

use crate::diagnostic::{Diagnostic, Severity};
use crate::diagnostics::tree::{Cx, str_value};

pub(crate) fn secrets(cx: &mut Cx, root: &Node) {
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

/// Looks like an API token or key: known prefixes, or an AWS access key id.
pub(crate) fn looks_like_secret(v: &str) -> bool {
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

pub(crate) fn secret_name(key: &str) -> String {
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

pub(crate) fn push_secret(cx: &mut Cx, range: TextRange, key: &str, replacement: String) {
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
mod tests {
    use expect_test::expect;

    use crate::diagnostics::tests::check;

    #[test]
    fn hardcoded_secrets() {
        check(
            "type: task\nimage: ghcr.io/me/app\nenv:\n  - HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz\nregistry_auth:\n  username: me\n  password: hunter2hunter2\n",
            expect![[r#"
                type: task
                image: ghcr.io/me/app
                env:
                  - HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz
                             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ 4:14-4:43 warning hardcoded-secret `HF_TOKEN` looks like a token written in the file: store it with `dstack secret set HF_TOKEN …` and use `${{ secrets.HF_TOKEN }}`
                registry_auth:
                  username: me
                  password: hunter2hunter2
                            ^^^^^^^^^^^^^^ 7:13-7:27 warning hardcoded-secret the registry password is written in the file: store it as a dstack secret and use `${{ secrets.REGISTRY_PASSWORD }}` (or `${{ env.NAME }}` from `env`)

            "#]],
        );
    }
}
