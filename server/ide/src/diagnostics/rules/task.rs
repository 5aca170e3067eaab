//! Rules of `type: task`.

use dstack_syntax::Node;

use super::common::{commands_or_image, conflict, conflict_remove, list_len, unique_group_names};
use crate::diagnostics::tree::Cx;

pub(super) fn task(cx: &mut Cx, root: &Node) {
    let Some(groups_node) = cx.get_set(root, "groups") else {
        commands_or_image(cx, root);
        return;
    };
    let groups = cx.items(groups_node);
    if cx.get_set(root, "nodes").is_some() {
        conflict_remove(
            cx,
            root,
            "nodes",
            "`nodes` and `groups` are mutually exclusive: set `nodes` inside each group",
        );
    }
    for key in ["commands", "ports", "entrypoint"] {
        let set = match key {
            "entrypoint" => cx.get_set(root, key).is_some(),
            _ => list_len(cx, root, key) > 0,
        };
        if set {
            conflict(
                cx,
                root,
                key,
                format!("with `groups`, `{key}` goes inside each group, not at the top level"),
            );
        }
    }
    unique_group_names(cx, &groups);
    let image = cx.get_set(root, "image").is_some();
    for g in &groups {
        if g.as_mapping().is_some() && list_len(cx, g, "commands") == 0 && !image {
            let range = cx.first_line(g.range);
            cx.error(
                "missing-key",
                range,
                "this group needs `commands` (or set `image` on the task)",
            );
        }
    }
}
