//! Cross-field rules dstack checks on the client: `dstack apply` fails on every one of them.

use std::collections::HashSet;

use dstack_model::ConfigTypeModel;
use dstack_syntax::Node;

use super::interp::{self, Policy};
use super::tree::{Cx, FastSet, bool_value, int_value, is_null, scalar_text, str_value};
use crate::bridge::{self, Parsed, Syntax};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) fn check(cx: &mut Cx, ty: &ConfigTypeModel) {
    let Some(root) = cx.parse.root.as_ref().map(|r| cx.resolve(r)) else {
        return;
    };
    match ty.name.as_str() {
        "dev-environment" | "task" | "service" => run(cx, root, ty.name.as_str()),
        "fleet" => fleet(cx, root),
        "preset" => preset(cx, root),
        _ => {}
    }
    if let Some(env) = cx.get(root, "env") {
        env_list(cx, env);
    }
}

/// Reports a conflict at `key` of `map` (the key itself is the clearest place).
fn conflict(cx: &mut Cx, map: &Node, key: &str, message: impl Into<String>) {
    let range = cx.key_range(map, key);
    cx.error("conflict", range, message);
}

/// A conflict that removing `key` resolves: offer that as the fix.
fn conflict_remove(cx: &mut Cx, map: &Node, key: &str, message: impl Into<String>) {
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

fn is_true(cx: &Cx, map: &Node, key: &str) -> bool {
    cx.get(map, key).and_then(bool_value) == Some(true)
}

/// `image` / `python` / `docker` / `nvcc` on one level (the run or a replica group).
fn image_sources(cx: &mut Cx, map: &Node, in_group: bool) {
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

fn list_len(cx: &Cx, map: &Node, key: &str) -> usize {
    cx.get(map, key).map_or(0, |n| cx.items(n).len())
}

fn run(cx: &mut Cx, root: &Node, ty: &str) {
    image_sources(cx, root, false);
    literal_references(cx, root);
    mount_objects(cx, root);
    instance_names(cx, root);
    repos(cx, root);
    commands_interpolation(cx, root);
    env_interpolation(cx, root);
    if let Some(u) = cx.get(root, "utilization_policy") {
        utilization(cx, u);
    }
    backend_options(cx, root);
    match ty {
        "dev-environment" => dev_environment(cx, root),
        "task" => task(cx, root),
        "service" => service(cx, root),
        _ => {}
    }
}

/// `${{ … }}` where nothing interpolates it: the text reaches the container as it is.
fn literal_references(cx: &mut Cx, root: &Node) {
    let mut places: Vec<(&Node, &str)> = Vec::new();
    for key in ["image", "entrypoint", "working_dir"] {
        if let Some(v) = cx.get(root, key) {
            places.push((v, key));
        }
    }
    for key in ["init", "setup"] {
        if let Some(list) = cx.get(root, key) {
            places.extend(cx.items(list).into_iter().map(|i| (i, key)));
        }
    }
    if let Some(env) = cx.get(root, "env") {
        places.extend(cx.items(env).into_iter().map(|i| (i, "env")));
        places.extend(
            cx.entries(env)
                .into_iter()
                .map(|(_, v)| (cx.resolve(v), "env")),
        );
    }
    for (node, key) in places {
        let Some(s) = str_value(node).filter(|s| s.contains("${{")) else {
            continue;
        };
        let Some(refs) = interp::references(s) else {
            continue;
        };
        for r in refs {
            let ns = dstack_values::interpolation::namespace_root(&r.name);
            // `env` values take project secrets (server); `init` takes group IP references (server).
            let handled = (key == "env" && (ns == "secrets" || ns == "groups"))
                || (key == "init" && ns == "groups");
            if !handled {
                let range = node.sub_range(r.range.0, r.range.1);
                cx.warning(
                    "interpolation",
                    range,
                    format!("`${{{{ {} }}}}` is not interpolated in `{key}`: the text is passed as it is", r.name),
                );
            }
        }
    }
}

/// Mount paths in the mapping form: no `..`, and `~` is not expanded (the schema checks the rest).
fn mount_objects(cx: &mut Cx, root: &Node) {
    let Some(list) = cx.get(root, "volumes") else {
        return;
    };
    for item in cx.items(list) {
        if item.as_mapping().is_none() {
            continue;
        }
        for key in ["path", "instance_path"] {
            if let Some(v) = cx.get(item, key)
                && let Some(p) = str_value(v)
                && (p.starts_with('~') || p.split('/').any(|c| c == ".."))
                && let Err(e) = dstack_values::volume::check_path(p)
            {
                cx.error(e.code, v.range, bridge::error_message(&e));
            }
        }
    }
}

/// `instances: [name]`: a name cannot be empty.
fn instance_names(cx: &mut Cx, root: &Node) {
    let Some(list) = cx.get(root, "instances") else {
        return;
    };
    for item in cx.items(list) {
        if str_value(item) == Some("") {
            cx.error(
                "invalid-value",
                item.range,
                "an instance name cannot be empty",
            );
        }
    }
}

/// `commands` must be given unless `image` is (its entrypoint runs then).
fn commands_or_image(cx: &mut Cx, root: &Node) {
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

fn repos(cx: &mut Cx, root: &Node) {
    let Some(list) = cx.get(root, "repos") else {
        return;
    };
    for item in cx.items(list) {
        if item.as_mapping().is_none() {
            // The string form: only a URL source is parsed before the plan.
            if let Some(i) = bridge::input(item)
                && let Ok(spec) = dstack_values::repos::parse(&i)
                && let dstack_values::repos::RepoSource::Url(url) = &spec.source
                && !git_url_ok(url)
            {
                cx.error("invalid-value", item.range, format!("`{url}` is not a git repository URL, for example `https://github.com/org/repo.git`"));
            }
            continue;
        }
        if let Some(u) = cx.get_set(item, "url")
            && let Some(url) = scalar_text(u)
            && !git_url_ok(&url)
        {
            cx.error("invalid-value", u.range, format!("`{url}` is not a git repository URL, for example `https://github.com/org/repo.git`"));
        }
        let local = cx.get_set(item, "local_path").is_some();
        let url = cx.get_set(item, "url").is_some();
        if local == url {
            let range = cx.first_line(item.range);
            cx.error(
                "conflict",
                range,
                "a repo needs exactly one of `local_path` and `url`",
            );
        }
        if let Some(p) = cx.get(item, "path")
            && let Some(s) = str_value(p)
            && s.starts_with('~')
            && !s.starts_with("~/")
            && s != "~"
        {
            cx.error(
                "invalid-value",
                p.range,
                "`~user` paths are not supported: use `~`, `~/dir` or an absolute path",
            );
        }
    }
}

fn dev_environment(cx: &mut Cx, root: &Node) {
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

/// Group names (explicit, or the position for unnamed groups) must be unique.
fn unique_group_names(cx: &mut Cx, groups: &[&Node]) {
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

fn task(cx: &mut Cx, root: &Node) {
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

/// The replica count of `replicas` (or `count`), checked: a range needs a max and a min ≥ 0.
fn replicas_range(cx: &mut Cx, node: &Node) -> Option<(i128, i128)> {
    let Ok(Parsed::IntRange(r)) = bridge::check_syntax(Syntax::IntRange, node, cx.parse) else {
        return None;
    };
    let min = r.min.unwrap_or(0);
    let Some(max) = r.max else {
        cx.error(
            "range",
            node.range,
            "a `replicas` range needs a maximum, for example `0..4`",
        );
        return None;
    };
    if min < 0 {
        cx.error(
            "range",
            node.range,
            "the minimum number of replicas must be 0 or more",
        );
        return None;
    }
    Some((min, max))
}

/// A range of replicas needs `scaling`; a fixed count must not have it.
fn scaling_rule(cx: &mut Cx, map: &Node, replicas_key: &str, range: (i128, i128)) {
    let scaling = cx.get_set(map, "scaling").is_some();
    if range.0 != range.1 && !scaling {
        conflict(
            cx,
            map,
            replicas_key,
            "a range of replicas needs `scaling`, for example `scaling: {metric: rps, target: 10}`",
        );
    } else if range.0 == range.1 && scaling {
        conflict_remove(
            cx,
            map,
            "scaling",
            "`scaling` needs a range of replicas, for example `replicas: 1..4`",
        );
    }
}

const GROUP_OR_SERVICE: [&str; 7] = [
    "image",
    "docker",
    "privileged",
    "python",
    "nvcc",
    "spot_policy",
    "reservation",
];

fn service(cx: &mut Cx, root: &Node) {
    let replicas = cx.get_set(root, "replicas");
    let legacy = replicas.filter(|r| r.as_sequence().is_some());
    let groups_node = cx.get_set(root, "groups");
    if let (Some(_), Some(_)) = (replicas, groups_node) {
        conflict(
            cx,
            root,
            "groups",
            "`replicas` and `groups` are mutually exclusive: set `replicas` inside each group",
        );
        return;
    }
    let Some(groups_node) = groups_node.or(legacy) else {
        commands_or_image(cx, root);
        if let Some(r) = replicas
            && let Some(range) = replicas_range(cx, r)
        {
            scaling_rule(cx, root, "replicas", range);
        }
        probes_and_limits(cx, root);
        return;
    };
    let groups_key = if legacy.is_some() {
        "replicas"
    } else {
        "groups"
    };
    let groups = cx.items(groups_node);
    for key in ["scaling", "commands"] {
        let set = match key {
            "commands" => list_len(cx, root, key) > 0,
            _ => cx.get_set(root, key).is_some(),
        };
        if set {
            conflict(
                cx,
                root,
                key,
                format!("with `{groups_key}` as a list of groups, `{key}` goes inside each group"),
            );
        }
    }
    unique_group_names(cx, &groups);
    let top: Vec<&str> = GROUP_OR_SERVICE
        .iter()
        .copied()
        .filter(|k| cx.get_set(root, k).is_some())
        .collect();
    let mut routers = 0;
    for g in &groups {
        if g.as_mapping().is_none() {
            continue;
        }
        image_sources(cx, g, true);
        for key in GROUP_OR_SERVICE {
            if cx.get_set(g, key).is_some() && top.contains(&key) {
                conflict(
                    cx,
                    g,
                    key,
                    format!(
                        "`{key}` is set both on the service and in this group: set it in one place"
                    ),
                );
            }
        }
        // Image sources must agree across levels (`python` + `nvcc` is the one allowed mix).
        let own: Vec<&str> = ["image", "docker", "python", "nvcc"]
            .into_iter()
            .filter(|k| match *k {
                "docker" | "nvcc" => is_true(cx, g, k),
                _ => cx.get_set(g, k).is_some(),
            })
            .collect();
        let inherited: Vec<&str> = ["image", "docker", "python", "nvcc"]
            .into_iter()
            .filter(|k| match *k {
                "docker" | "nvcc" => is_true(cx, root, k),
                _ => cx.get_set(root, k).is_some(),
            })
            .collect();
        for a in &own {
            for b in &inherited {
                let compatible =
                    a == b || matches!((*a, *b), ("python", "nvcc") | ("nvcc", "python"));
                if !compatible && a != b {
                    conflict(
                        cx,
                        g,
                        a,
                        format!("`{a}` in this group conflicts with `{b}` on the service"),
                    );
                }
            }
        }
        let has_image = cx.get_set(g, "image").is_some() || cx.get_set(root, "image").is_some();
        if list_len(cx, g, "commands") == 0 && !has_image {
            let range = cx.first_line(g.range);
            cx.error(
                "missing-key",
                range,
                "this group needs `commands` (or an `image`, in the group or on the service)",
            );
        }
        let key = if cx.get(g, "replicas").is_some() {
            "replicas"
        } else {
            "count"
        };
        let range = cx.get(g, key).and_then(|r| replicas_range(cx, r));
        if let Some(range) = range {
            scaling_rule(cx, g, key, range);
        }
        if cx.get_set(g, "router").is_some() {
            routers += 1;
            if routers > 1 {
                conflict(cx, g, "router", "only one group may have a `router`");
            }
            if range.is_some_and(|r| r != (1, 1)) {
                conflict(
                    cx,
                    g,
                    "router",
                    "the group with a `router` must have `replicas: 1`",
                );
            }
            let dynamo = cx
                .get(g, "router")
                .and_then(|r| cx.get(r, "type"))
                .and_then(str_value)
                == Some("dynamo");
            if dynamo
                && cx
                    .get_set(root, "retry")
                    .is_some_and(|r| bool_value(r) != Some(false))
            {
                conflict_remove(
                    cx,
                    root,
                    "retry",
                    "`retry` is not supported for a service with a Dynamo router",
                );
            }
        }
    }
    probes_and_limits(cx, root);
}

/// `scaling.window` takes only the windows the gateway aggregates over.
fn scaling_window(cx: &mut Cx, map: &Node) {
    if let Some(scaling) = cx.get_set(map, "scaling")
        && let Some(w) = cx.get_set(scaling, "window")
        && let Ok(Parsed::Seconds(secs)) = bridge::check_syntax(Syntax::Duration, w, cx.parse)
        && ![30, 60, 300].contains(&secs)
    {
        cx.error(
            "duration",
            w.range,
            "`window` must be `30s`, `60s` or `300s`",
        );
    }
}

fn probes_and_limits(cx: &mut Cx, root: &Node) {
    scaling_window(cx, root);
    for key in ["groups", "replicas"] {
        if let Some(groups) = cx.get(root, key) {
            for g in cx.items(groups) {
                scaling_window(cx, g);
            }
        }
    }
    if let Some(limits) = cx.get(root, "rate_limits") {
        let mut seen = HashSet::new();
        for item in cx.items(limits) {
            let prefix = cx
                .get(item, "prefix")
                .and_then(scalar_text)
                .unwrap_or_else(|| "/".into());
            if !seen.insert(prefix.clone()) {
                let range = cx.key_range(item, "prefix");
                cx.error(
                    "conflict",
                    range,
                    format!("rate limit prefix `{prefix}` is used twice: prefixes must be unique"),
                );
            }
        }
    }
    if let Some(probes) = cx.get(root, "probes") {
        let mut seen = HashSet::new();
        for item in cx.items(probes) {
            // A probe too large to expand is not compared (its alias has a warning).
            let value = bridge::to_value_within(cx.parse, cx.expansion, item, bridge::VALUE_LIMIT)
                .map(|v| canonical(&v));
            if value.is_some_and(|v| !seen.insert(v)) {
                let range = cx.first_line(item.range);
                cx.error(
                    "conflict",
                    range,
                    "this probe repeats an earlier one: probes must be unique",
                );
            }
            for key in ["timeout", "interval"] {
                if let Some(v) = cx.get_set(item, key)
                    && let Ok(Parsed::Seconds(secs)) =
                        bridge::check_syntax(Syntax::Duration, v, cx.parse)
                    && secs < 1
                {
                    cx.error(
                        "duration",
                        v.range,
                        format!("a probe `{key}` must be at least 1 second"),
                    );
                }
            }
            let method = cx
                .get_set(item, "method")
                .and_then(str_value)
                .unwrap_or("get");
            if cx.get_set(item, "body").is_some() && (method == "get" || method == "head") {
                let range = cx.key_range(item, "body");
                cx.error(
                    "conflict",
                    range,
                    format!(
                        "a probe `body` is not allowed with method `{method}`: use `method: post`"
                    ),
                );
            }
        }
    }
}

fn utilization(cx: &mut Cx, policy: &Node) {
    if let Some(w) = cx.get(policy, "time_window")
        && let Ok(Parsed::Seconds(s)) = bridge::check_syntax(Syntax::Duration, w, cx.parse)
        && s < 300
    {
        cx.error(
            "duration",
            w.range,
            "`time_window` must be at least 5 minutes (`5m`)",
        );
    }
}

fn backend_options(cx: &mut Cx, root: &Node) {
    let Some(list) = cx.get(root, "backend_options") else {
        return;
    };
    let mut seen = HashSet::new();
    for item in cx.items(list) {
        if let Some(t) = cx.get(item, "type").and_then(scalar_text)
            && !seen.insert(t.clone())
        {
            let range = cx.first_line(item.range);
            cx.error(
                "conflict",
                range,
                format!("`backend_options` has two entries for `{t}`"),
            );
        }
    }
}

/// Duplicate keys in the list form of `env` (the mapping form keeps the last, like YAML).
fn env_list(cx: &mut Cx, env: &Node) {
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

/// Names the configuration's `env` defines (bare `KEY`s count: dstack fills them from the shell).
fn env_names(cx: &Cx, root: &Node) -> HashSet<String> {
    let mut out = HashSet::new();
    if let Some(env) = cx.get(root, "env") {
        for item in cx.items(env) {
            if let Some(s) = str_value(item) {
                out.insert(s.split('=').next().unwrap_or(s).to_string());
            }
        }
        for (k, _) in cx.entries(env) {
            if let Some(k) = k.key_text() {
                out.insert(k.to_string());
            }
        }
    }
    out
}

fn commands_interpolation(cx: &mut Cx, root: &Node) {
    let mut lists: Vec<&Node> = cx.get(root, "commands").into_iter().collect();
    for key in ["groups", "replicas"] {
        if let Some(groups) = cx.get(root, key) {
            for g in cx.items(groups) {
                if let Some(c) = cx.get(g, "commands") {
                    lists.push(c);
                }
            }
        }
    }
    for list in lists {
        for item in cx.items(list) {
            interp::check(cx, item, &Policy::Commands);
        }
    }
}

/// `registry_auth` and probe fields take `${{ env.NAME }}` from the configuration's `env`.
fn env_interpolation(cx: &mut Cx, root: &Node) {
    if cx.get(root, "registry_auth").is_none() && cx.get(root, "probes").is_none() {
        return;
    }
    let names = env_names(cx, root);
    let policy = Policy::Env(&names);
    if let Some(auth) = cx.get(root, "registry_auth") {
        for key in ["username", "password"] {
            if let Some(v) = cx.get(auth, key) {
                interp::check(cx, v, &policy);
            }
        }
    }
    if let Some(probes) = cx.get(root, "probes") {
        for p in cx.items(probes) {
            for key in ["url", "body"] {
                if let Some(v) = cx.get(p, key) {
                    interp::check(cx, v, &policy);
                }
            }
            if let Some(headers) = cx.get(p, "headers") {
                for h in cx.items(headers) {
                    if let Some(v) = cx.get(h, "value") {
                        interp::check(cx, v, &policy);
                    }
                }
            }
        }
    }
}

fn fleet(cx: &mut Cx, root: &Node) {
    if let Some(nodes) = cx.get(root, "nodes")
        && nodes.as_mapping().is_some()
    {
        let min = cx.get(nodes, "min").and_then(int_value).unwrap_or(0);
        let target = cx.get(nodes, "target").and_then(int_value).unwrap_or(min);
        let max = cx.get_set(nodes, "max").and_then(int_value);
        if min > target || max.is_some_and(|m| target > m || min > m) {
            let range = cx.key_range(root, "nodes");
            cx.error(
                "range",
                range,
                "fleet `nodes` must satisfy min ≤ target ≤ max",
            );
        }
    }
    if let Some(ssh) = cx.get_set(root, "ssh_config") {
        if let Some(net) = cx.get_set(ssh, "network").and_then(scalar_text)
            && let Ok((ip, _)) = dstack_values::grammars::ip_network(&net)
            && !dstack_values::grammars::is_private(ip)
        {
            let range = cx.key_range(ssh, "network");
            cx.error(
                "invalid-value",
                range,
                format!("`{net}` is not a private network"),
            );
        }
        if let Some(hosts) = cx.get(ssh, "hosts") {
            for h in cx.items(hosts) {
                if let Some(ip) = cx.get_set(h, "internal_ip").and_then(scalar_text)
                    && let Ok(addr) = dstack_values::grammars::ip_address(&ip)
                    && !dstack_values::grammars::is_private(addr)
                {
                    let range = cx.key_range(h, "internal_ip");
                    cx.error(
                        "invalid-value",
                        range,
                        format!("`{ip}` is not a private IP address"),
                    );
                }
            }
        }
    } else if cx
        .get(root, "env")
        .is_some_and(|e| !is_null(e) && (!cx.items(e).is_empty() || !cx.entries(e).is_empty()))
    {
        conflict(
            cx,
            root,
            "env",
            "`env` is only used with `ssh_config` (SSH fleets)",
        );
    }
}

fn preset(cx: &mut Cx, root: &Node) {
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
        && !super::server_rules::valid_resource_name(&name.1)
    {
        cx.error(
            "invalid-value",
            name.0,
            super::server_rules::name_message(&name.1),
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

/// A URL dstack can clone: `https://host/…` or `ssh://host/…`, or scp-style `user@host:path`.
fn git_url_ok(url: &str) -> bool {
    if let Some((scheme, rest)) = url.split_once("://") {
        // Like a WHATWG parser for special schemes, extra slashes before the host are skipped.
        let rest = if scheme.eq_ignore_ascii_case("https") {
            rest.trim_start_matches('/')
        } else {
            rest
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_port = authority.rsplit('@').next().unwrap_or("");
        let (host, port) = match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        };
        let port_ok = port.is_none_or(|p| p.is_empty() || p.parse::<u16>().is_ok());
        let scheme_ok = scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("ssh");
        return scheme_ok && !host.is_empty() && port_ok && !url.contains(char::is_whitespace);
    }
    // scp-style: USER@HOST:PATH with no `/` before the `:`.
    let Some((user, rest)) = url.split_once('@') else {
        return false;
    };
    let Some((host, path)) = rest.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && !user.contains('/')
        && !host.is_empty()
        && !host.contains('/')
        && !path.is_empty()
}

/// A value as text with mapping keys sorted, so that key order does not make two probes differ.
fn canonical(v: &dstack_values::Value) -> String {
    use dstack_values::Value;
    match v {
        Value::Scalar(s) => format!("{s:?}"),
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        Value::Map(entries) => {
            let mut parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k:?}:{}", canonical(v)))
                .collect();
            parts.sort();
            format!("{{{}}}", parts.join(","))
        }
    }
}
