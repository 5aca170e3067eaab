//! Rules of `type: dev-environment`.

use dstack_syntax::Node;

use super::common::{conflict, conflict_remove, is_true};
use crate::diagnostics::tree::{Cx, scalar_text, str_value};

pub(super) fn dev_environment(cx: &mut Cx, root: &Node) {
    if cx.get_set(root, "entrypoint").is_some() {
        let range = cx.key_range(root, "entrypoint");
        cx.error("unknown-key", range, "`entrypoint` is not supported in a `dev-environment`: use `init` for commands to run first");
    }
    let ide = cx
        .get_set(root, "ide")
        .and_then(str_value)
        .map(str::to_string);
    if let Some(version) = cx.get_set(root, "version") {
        match ide.as_deref() {
            None => conflict(
                cx,
                root,
                "version",
                "`version` needs `ide`: say which IDE the version is for, for example `ide: vscode`",
            ),
            Some("windsurf") => {
                let v = scalar_text(version).unwrap_or_default();
                let ok = v.rsplit_once('@').is_some_and(|(a, b)| {
                    !a.is_empty()
                        && !b.is_empty()
                        && b.bytes()
                            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
                });
                if !ok {
                    cx.error("invalid-value", version.range, "a Windsurf `version` is `VERSION@COMMIT`, for example `1.106.0@8951cd3ad688e789573d7f51750d67ae4a0bea7d`");
                }
            }
            Some(_) => {}
        }
    }
    if is_true(cx, root, "dstack") && cx.get_set(root, "inactivity_duration").is_some() {
        conflict_remove(
            cx,
            root,
            "inactivity_duration",
            "`inactivity_duration` cannot be combined with `dstack: true`",
        );
    }
}
