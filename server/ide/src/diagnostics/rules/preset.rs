//! Rules of `type: preset`.

use dstack_syntax::Node;

use super::common::conflict;
use crate::diagnostics::tree::{Cx, int_value, scalar_text, str_value};

pub(super) fn preset(cx: &mut Cx, root: &Node) {
    let model = cx.get_set(root, "model").is_some();
    let base = cx.get_set(root, "base").is_some();
    let repo = cx.get_set(root, "repo").is_some();
    if base && repo {
        conflict(cx, root, "repo", "`base` and `repo` are mutually exclusive");
    } else if model && (base || repo) {
        let key = if base { "base" } else { "repo" };
        conflict(
            cx,
            root,
            key,
            format!("`{key}` cannot be combined with `model`"),
        );
    } else if !model && !base && !repo {
        let range = cx.key_range(root, "type");
        cx.error("missing-key", range, "a preset needs `model` (or `base` / `repo`), for example `model: meta-llama/Llama-3.1-8B-Instruct`");
    }
    if let Some(d) = cx.get_set(root, "dataset") {
        if scalar_text(d).as_deref() == Some("random") {
            cx.error("invalid-value", d.range, "`random` is not a dataset: leave `dataset` out and set `input_tokens`/`output_tokens` instead");
        }
        for key in ["input_tokens", "output_tokens", "shared_prefix_tokens"] {
            if cx.get_set(root, key).is_some() {
                conflict(
                    cx,
                    root,
                    key,
                    format!("`{key}` cannot be combined with `dataset`"),
                );
            }
        }
    }
    let input = cx.get_set(root, "input_tokens").and_then(int_value);
    let shared = cx.get_set(root, "shared_prefix_tokens").and_then(int_value);
    if let (Some(i), Some(s)) = (input, shared)
        && s >= i
    {
        conflict(
            cx,
            root,
            "shared_prefix_tokens",
            "`shared_prefix_tokens` must be less than `input_tokens`",
        );
    }
    if let Some(agent) = cx.get_set(root, "agent")
        && cx.get(agent, "provider").and_then(str_value) == Some("codex")
        && cx.get(agent, "effort").and_then(str_value) == Some("max")
    {
        let range = cx.key_range(agent, "effort");
        cx.error(
            "invalid-value",
            range,
            "effort `max` is not available with the `codex` agent: use `xhigh` at most",
        );
    }
    if let Some(name) = cx
        .get_set(root, "name")
        .and_then(|n| scalar_text(n).map(|t| (n.range, t)))
        && !crate::diagnostics::server_rules::valid_resource_name(&name.1)
    {
        cx.error(
            "invalid-value",
            name.0,
            crate::diagnostics::server_rules::name_message(&name.1),
        );
    }
    let missing: Vec<&str> = ["trials", "max_ttft", "min_context_length", "concurrency"]
        .into_iter()
        .filter(|k| cx.get_set(root, k).is_none())
        .collect();
    if !missing.is_empty() {
        let range = cx.key_range(root, "type");
        let list: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
        cx.error(
            "missing-key",
            range,
            format!("`dstack apply` needs {} for a preset", list.join(", ")),
        );
    }
}
