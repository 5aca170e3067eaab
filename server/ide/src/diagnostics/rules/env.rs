//! Rules on `env`, for every type that has it.

use dstack_syntax::Node;

use crate::diagnostics::tree::{Cx, FastSet, str_value};

/// Duplicate keys in the list form of `env` (the mapping form keeps the last, like YAML).
pub(super) fn env_list(cx: &mut Cx, env: &Node) {
    let items = cx.items(env);
    let mut seen: FastSet<&str> = FastSet::default();
    seen.reserve(items.len());
    for item in items {
        let Some(s) = str_value(item) else { continue };
        let key = s.split('=').next().unwrap_or(s);
        if !seen.insert(key) {
            cx.error(
                "env",
                item.range,
                format!("environment variable `{key}` is set twice"),
            );
        }
    }
}
