//! Helpers the per-type rules share: reporting a conflict (with its fix), and the checks several
//! run types make alike (`image`/`python`/`docker`, `commands` or `image`, unique group names).

use std::collections::HashSet;

use dstack_syntax::Node;

use crate::diagnostic::{Diagnostic, Severity};
use crate::diagnostics::tree::{Cx, bool_value, scalar_text};

/// Reports a conflict at `key` of `map` (the key itself is the clearest place).
pub(super) fn conflict(cx: &mut Cx, map: &Node, key: &str, message: impl Into<String>) {
    let range = cx.key_range(map, key);
    cx.error("conflict", range, message);
}

/// A conflict that removing `key` resolves: offer that as the fix.
pub(super) fn conflict_remove(cx: &mut Cx, map: &Node, key: &str, message: impl Into<String>) {
    let Some((k, v)) = cx.entry(map, key) else {
        return conflict(cx, map, key, message);
    };
    let lines = cx.entry_lines(k, v);
    let d = Diagnostic::new(Severity::Error, "conflict", k.range, message).with_fix(
        format!("Remove `{key}`"),
        lines,
        "",
    );
    cx.push(d);
}

pub(super) fn is_true(cx: &Cx, map: &Node, key: &str) -> bool {
    cx.get(map, key).and_then(bool_value) == Some(true)
}

pub(super) fn list_len(cx: &Cx, map: &Node, key: &str) -> usize {
    cx.get(map, key).map_or(0, |n| cx.items(n).len())
}

/// `commands` must be given unless `image` is (its entrypoint runs then).
pub(super) fn commands_or_image(cx: &mut Cx, root: &Node) {
    // A `commands` that is not a list is already an error of its own.
    let malformed = cx
        .get_set(root, "commands")
        .is_some_and(|c| c.as_sequence().is_none());
    if !malformed && list_len(cx, root, "commands") == 0 && cx.get_set(root, "image").is_none() {
        let range = cx.key_range(root, "type");
        cx.error(
            "missing-key",
            range,
            "either `commands` or `image` must be set, for example `commands: [python train.py]`",
        );
    }
}

/// Group names (explicit, or the position for unnamed groups) must be unique.
pub(super) fn unique_group_names(cx: &mut Cx, groups: &[&Node]) {
    let mut seen: HashSet<String> = HashSet::new();
    for (i, g) in groups.iter().enumerate() {
        let name = cx
            .get_set(g, "name")
            .and_then(scalar_text)
            .unwrap_or_else(|| i.to_string());
        if !seen.insert(name.clone()) {
            let range = cx.key_range(g, "name");
            cx.error(
                "conflict",
                range,
                format!("group name `{name}` is used twice: group names must be unique"),
            );
        }
    }
}

/// `image` / `python` / `docker` / `nvcc` on one level (the run or a replica group).
pub(super) fn image_sources(cx: &mut Cx, map: &Node, in_group: bool) {
    let image = cx.get_set(map, "image").is_some();
    let python = cx.get_set(map, "python").is_some();
    if image && python {
        conflict_remove(
            cx,
            map,
            "python",
            "`image` and `python` are mutually exclusive: `python` picks dstack's default image, so set Python inside your own image instead",
        );
    }
    if is_true(cx, map, "docker") {
        for other in ["image", "python"] {
            if cx.get_set(map, other).is_some() {
                conflict(
                    cx,
                    map,
                    "docker",
                    format!(
                        "`docker: true` cannot be combined with `{other}`: dstack uses its own Docker-in-Docker image"
                    ),
                );
            }
        }
        if is_true(cx, map, "nvcc") {
            conflict(
                cx,
                map,
                "docker",
                "`docker: true` cannot be combined with `nvcc`",
            );
        }
        if in_group && cx.get(map, "privileged").and_then(bool_value) == Some(false) {
            conflict(
                cx,
                map,
                "privileged",
                "`docker: true` needs privileged mode: remove `privileged: false` from this group",
            );
        }
    }
}
