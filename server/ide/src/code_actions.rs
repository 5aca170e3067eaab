//! Quick fixes: did-you-mean keys and values, removed properties, quoting YAML 1.1 scalars, secrets.
//!
//! Every fix is computed by the diagnostics pass and carried on its [`crate::diagnostic::Diagnostic`]; this module
//! only picks the ones that touch the requested range.

use crate::config::AnalysisConfig;
use crate::diagnostic::TextEdit;
use crate::document::Document;
use dstack_syntax::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct CodeAction {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// The diagnostic code this fixes, if any.
    pub fixes: Option<&'static str>,
    pub preferred: bool,
}

/// The quick fixes of every diagnostic that overlaps `range`.
pub fn code_actions(doc: &Document, range: TextRange, config: &AnalysisConfig) -> Vec<CodeAction> {
    let mut out = Vec::new();
    for d in crate::diagnostics::diagnostics(doc, config) {
        let touches = d.range.start <= range.end && range.start <= d.range.end;
        if !touches {
            continue;
        }
        for fix in d.fixes {
            out.push(CodeAction {
                title: fix.title,
                edits: fix.edits,
                fixes: Some(d.code),
                preferred: fix.preferred,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    /// Applies every action offered at the `$0` marker and renders each edited text under its title.
    fn check(fixture: &str, expect: Expect) {
        let offset = fixture.find("$0").unwrap_or(0) as u32;
        let text = fixture.replacen("$0", "", 1);
        let doc = Document::new(text.clone());
        let mut out = String::new();
        for action in code_actions(&doc, TextRange::empty(offset), &AnalysisConfig::default()) {
            let mut edited = text.clone();
            let mut edits = action.edits.clone();
            edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
            for e in edits {
                edited.replace_range(e.range.start as usize..e.range.end as usize, &e.new_text);
            }
            let star = if action.preferred { " (preferred)" } else { "" };
            out.push_str(&format!(
                "## {} [{}]{star}\n{edited}",
                action.title,
                action.fixes.unwrap_or("")
            ));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn did_you_mean_key() {
        check(
            "type: task\ncommands: [echo]\nresources:\n  $0gpuu: A100\n",
            expect![[r#"
            ## Rename to `gpu` [unknown-key] (preferred)
            type: task
            commands: [echo]
            resources:
              gpu: A100
        "#]],
        );
    }

    #[test]
    fn did_you_mean_value_and_type() {
        check(
            "type: task\ncommands: [echo]\nspot_policy: $0spto\n",
            expect![[r#"
            ## Change to `spot` [invalid-value] (preferred)
            type: task
            commands: [echo]
            spot_policy: spot
        "#]],
        );
        check(
            "type: $0Task\ncommands: [echo]\n",
            expect![[r#"
            ## Change to `task` [unknown-type] (preferred)
            type: task
            commands: [echo]
        "#]],
        );
    }

    #[test]
    fn removed_key_is_renamed() {
        check(
            "type: task\ncommands: [echo]\n$0termination_idle_time: 300\n",
            expect![[r#"
                ## Rename to `idle_duration` [removed-key] (preferred)
                type: task
                commands: [echo]
                idle_duration: 300
                ## Remove `termination_idle_time` [removed-key]
                type: task
                commands: [echo]
            "#]],
        );
        // The old `retry_policy` mapping does not fit `retry` as it is: no blind rename.
        check(
            "type: task\ncommands: [echo]\n$0retry_policy:\n  retry: true\n",
            expect![[r#"
                ## Remove `retry_policy` [removed-key] (preferred)
                type: task
                commands: [echo]
            "#]],
        );
    }

    #[test]
    fn removed_and_no_op_keys_are_removed() {
        check(
            "type: task\n$0pool_name: my-pool\ncommands: [echo]\n",
            expect![[r#"
                ## Use `fleets: [my-pool]` [removed-key] (preferred)
                type: task
                fleets: [my-pool]
                commands: [echo]
                ## Remove `pool_name` [removed-key]
                type: task
                commands: [echo]
            "#]],
        );
        check(
            "type: task\ncommands: [echo]\n$0home_dir: /root\nimage: x\n",
            expect![[r#"
                ## Remove `home_dir` (it has no effect) [deprecated-key] (preferred)
                type: task
                commands: [echo]
                image: x
            "#]],
        );
    }

    #[test]
    fn missing_keys_are_added() {
        check(
            "$0type: service\ncommands: [serve]\n",
            expect![[r#"
            ## Add `port: 8000` [missing-key] (preferred)
            type: service
            commands: [serve]
            port: 8000
        "#]],
        );
        check(
            "type: service\nport: 80\ncommands: [x]\n$0registry_auth:\n  username: me  # who\nimage: x\n",
            expect![[r#"
                ## Add `password: ${{ secrets.REGISTRY_TOKEN }}` [missing-key] (preferred)
                type: service
                port: 80
                commands: [x]
                registry_auth:
                  username: me  # who
                  password: ${{ secrets.REGISTRY_TOKEN }}
                image: x
            "#]],
        );
        check(
            "type: task\ncommands: [x]\nvolumes:\n  - $0name: data\n    # no path yet\n",
            expect![[r#"
                ## Add `path: /data` [missing-key] (preferred)
                type: task
                commands: [x]
                volumes:
                  - name: data
                    path: /data
                    # no path yet
            "#]],
        );
    }

    #[test]
    fn conflicting_keys_are_removed() {
        check(
            "type: task\ncommands: [x]\nimage: ubuntu\n$0python: \"3.12\"\n",
            expect![[r#"
                ## Remove `python` [conflict] (preferred)
                type: task
                commands: [x]
                image: ubuntu
            "#]],
        );
    }

    #[test]
    fn value_fixes_from_the_parsers() {
        check(
            "type: task\ncommands: [x]\nmax_duration: $02hours\n",
            expect![[r#"
            ## Change to `2h` [duration] (preferred)
            type: task
            commands: [x]
            max_duration: 2h
        "#]],
        );
        check(
            "type: service\ncommands: [x]\nport: 80\nhttps: $0Auto\n",
            expect![[r#"
            ## Change to `auto` [invalid-value] (preferred)
            type: service
            commands: [x]
            port: 80
            https: auto
        "#]],
        );
    }

    #[test]
    fn empty_type_is_filled() {
        check(
            "$0type:\nport: 8000\ncommands: [serve]\n",
            expect![[r#"
            ## Set `type: service` [unknown-type] (preferred)
            type: service
            port: 8000
            commands: [serve]
        "#]],
        );
    }

    #[test]
    fn missing_type_is_added() {
        check(
            "$0port: 8000\ncommands: [serve]\n",
            expect![[r#"
            ## Add `type: service` [missing-type] (preferred)
            type: service
            port: 8000
            commands: [serve]
        "#]],
        );
    }

    #[test]
    fn ambiguous_yaml_scalars_are_quoted() {
        check(
            "type: task\ncommands: [echo]\npython: $03.10\n",
            expect![[r###"
            ## Quote as "3.10" [yaml11-pitfall] (preferred)
            type: task
            commands: [echo]
            python: "3.10"
        "###]],
        );
        check(
            "type: task\ncommands: [echo]\nentrypoint: $02024-01-01\n",
            expect![[r###"
            ## Quote `2024-01-01` [wrong-type] (preferred)
            type: task
            commands: [echo]
            entrypoint: "2024-01-01"
        "###]],
        );
        check(
            "type: task\ncommands: $0echo hi\n",
            expect![[r#"
            ## Make it a one-item list [wrong-type] (preferred)
            type: task
            commands: [echo hi]
        "#]],
        );
    }

    #[test]
    fn secrets_move_to_references() {
        check(
            "type: task\ncommands: [echo]\nenv:\n  - HF_TOKEN=$0hf_abcdefghijklmnopqrstuvwxyz\n",
            expect![[r#"
                ## Use `${{ secrets.HF_TOKEN }}` [hardcoded-secret] (preferred)
                type: task
                commands: [echo]
                env:
                  - HF_TOKEN=${{ secrets.HF_TOKEN }}
            "#]],
        );
        check(
            "type: task\ncommands: [echo]\nenv:\n  OPENAI_API_KEY: $0sk-abcdefghijklmnopqrstuvwxyz\n",
            expect![[r###"
                ## Use `${{ secrets.OPENAI_API_KEY }}` [hardcoded-secret] (preferred)
                type: task
                commands: [echo]
                env:
                  OPENAI_API_KEY: "${{ secrets.OPENAI_API_KEY }}"
            "###]],
        );
    }

    #[test]
    fn nothing_outside_diagnostics() {
        check("type: task\n$0commands: [echo]\n", expect![[r#""#]]);
    }
}
