//! Cross-field rules dstack checks on the client: `dstack apply` fails on every one of them.
//! One file per configuration type (`rules/<type>.rs`), the rules all run types share in
//! `rules/run.rs`, helpers in `rules/common.rs`.

mod common;
mod dev_environment;
mod env;
mod fleet;
mod preset;
mod run;
mod service;
mod task;

use dstack_model::ConfigTypeModel;

use crate::diagnostics::tree::Cx;

pub(crate) fn check(cx: &mut Cx, ty: &ConfigTypeModel) {
    let Some(root) = cx.parse.root.as_ref().map(|r| cx.resolve(r)) else {
        return;
    };
    match ty.name.as_str() {
        "dev-environment" | "task" | "service" => run::run(cx, root, ty.name.as_str()),
        "fleet" => fleet::fleet(cx, root),
        "preset" => preset::preset(cx, root),
        _ => {}
    }
    if let Some(env) = cx.get(root, "env") {
        env::env_list(cx, env);
    }
}
