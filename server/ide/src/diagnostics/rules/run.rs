//! Rules every run type (dev environment, task, service) shares: image sources, references,
//! mounts, instances, repos, utilization policy, backend options, and `${{ }}` references.

use std::collections::HashSet;

use dstack_syntax::Node;

use super::common::image_sources;
use super::dev_environment::dev_environment;
use super::service::service;
use super::task::task;
use crate::bridge::{self, Parsed, Syntax};
use crate::diagnostics::interp::{self, Policy};
use crate::diagnostics::tree::{Cx, scalar_text, str_value};

pub(super) fn run(cx: &mut Cx, root: &Node, ty: &str) {
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
pub(super) fn literal_references(cx: &mut Cx, root: &Node) {
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
pub(super) fn mount_objects(cx: &mut Cx, root: &Node) {
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
pub(super) fn instance_names(cx: &mut Cx, root: &Node) {
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

pub(super) fn repos(cx: &mut Cx, root: &Node) {
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

/// A URL dstack can clone: `https://host/…` or `ssh://host/…`, or scp-style `user@host:path`.
pub(super) fn git_url_ok(url: &str) -> bool {
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

pub(super) fn utilization(cx: &mut Cx, policy: &Node) {
    if let Some(w) = cx.get(policy, "time_window")
        && let Ok(Parsed::Seconds(s)) =
            bridge::check_syntax(Syntax::Duration, w, cx.parse, cx.expansion)
        && s < 300
    {
        cx.error(
            "duration",
            w.range,
            "`time_window` must be at least 5 minutes (`5m`)",
        );
    }
}

pub(super) fn backend_options(cx: &mut Cx, root: &Node) {
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

pub(super) fn commands_interpolation(cx: &mut Cx, root: &Node) {
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
pub(super) fn env_interpolation(cx: &mut Cx, root: &Node) {
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

/// Names the configuration's `env` defines (bare `KEY`s count: dstack fills them from the shell).
pub(super) fn env_names(cx: &Cx, root: &Node) -> HashSet<String> {
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
