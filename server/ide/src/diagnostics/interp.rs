//! `${{ namespace.name }}` references checked against what each place allows: `commands` take
//! `run.args`, `secrets.*` and group IP references; `registry_auth` and probes take `env.*` from the
//! configuration's `env`, and `secrets.*`. The scan and each place's namespaces are
//! `dstack_values::interpolation`'s; the messages here name the property.

use std::collections::HashSet;

use dstack_syntax::Node;
use dstack_values::interpolation::Context;
pub(crate) use dstack_values::interpolation::references;

use super::tree::{Cx, str_value};
use crate::bridge;

pub(crate) enum Policy<'p> {
    Commands,
    Env(&'p HashSet<String>),
}

/// Checks every reference in the string `node` under `policy`.
pub(crate) fn check(cx: &mut Cx, node: &Node, policy: &Policy) {
    let Some(s) = str_value(node) else { return };
    if !s.contains("${{") {
        return;
    }
    let context = match policy {
        Policy::Commands => Context::Commands,
        Policy::Env(names) => Context::EnvRefs(names.iter().cloned().collect()),
    };
    let done = match context.interpolator().interpolate(s) {
        Ok(done) => done,
        Err(e) => {
            let range = cx.first_line(bridge::error_range(cx.parse, node, &e));
            cx.error("interpolation", range, bridge::error_message(&e));
            return;
        }
    };
    for r in done.missing() {
        let range = node.sub_range(r.range.0, r.range.1);
        let name = r.name.as_str();
        let (ns, var) = name.split_once('.').unwrap_or((name, ""));
        let message = match (policy, ns) {
            (Policy::Commands, "env") => format!(
                "`${{{{ {name} }}}}` is not available in `commands`: use the shell variable `${var}` (env is set in the container), or `${{{{ secrets.{var} }}}}`"
            ),
            (Policy::Commands, _) => {
                format!(
                    "`{name}` is not available in `commands`: only `run.args`, `secrets.*` and group IP references are"
                )
            }
            (Policy::Env(_), "env") => {
                format!("`{var}` is not defined in `env`: add it, for example `env: [{var}]`")
            }
            (Policy::Env(_), _) => {
                format!("`{name}` is not available here: only `env.*` and `secrets.*` are")
            }
        };
        cx.error("interpolation", range, message);
    }
}
