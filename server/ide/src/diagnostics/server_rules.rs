//! Rules the dstack server applies when it gets the plan request: the file loads, but `dstack apply`
//! will then fail. Reported as warnings, since a different server configuration could change them.

use dstack_model::ConfigTypeModel;
use dstack_syntax::Node;
use dstack_values::duration::Setting;

use super::interp;
use super::tree::{Cx, bool_value, int_value, scalar_text, str_value};
use crate::bridge::{self, Parsed, Syntax};

const SERVER: &str = "the dstack server will reject this";

pub(crate) fn check(cx: &mut Cx, ty: &ConfigTypeModel) {
    let Some(root) = cx.parse.root.as_ref().map(|r| cx.resolve(r)) else {
        return;
    };
    let kind = ty.name.as_str();
    if kind != "preset"
        && let Some(n) = cx.get_set(root, "name")
        && let Some(name) = scalar_text(n)
        && !valid_resource_name(&name)
    {
        cx.warning(
            "server-rule",
            n.range,
            format!("{}; {SERVER}", name_message(&name)),
        );
    }
    match kind {
        "dev-environment" | "task" | "service" => run(cx, root, kind),
        "fleet" => fleet(cx, root),
        "gateway" => gateway(cx, root),
        "volume" => volume(cx, root),
        _ => {}
    }
}

/// Run, fleet, gateway and volume names (and preset names, checked by the client).
pub(crate) fn valid_resource_name(name: &str) -> bool {
    dstack_values::names::check_resource_name(name).is_ok()
}

pub(crate) fn name_message(name: &str) -> String {
    format!(
        "`{name}` is not a valid name: use 2 to 41 lowercase letters, digits and `-`, starting with a letter"
    )
}

fn warn_key(cx: &mut Cx, map: &Node, key: &str, message: impl Into<String>) {
    let range = cx.key_range(map, key);
    cx.warning(
        "server-rule",
        range,
        format!("{}; {SERVER}", message.into()),
    );
}

fn run(cx: &mut Cx, root: &Node, kind: &str) {
    if let Some(retry) = cx.get(root, "retry")
        && let Some(d) = cx.get(retry, "duration")
        && let Ok(Parsed::Seconds(s)) =
            bridge::check_syntax(Syntax::Duration, d, cx.parse, cx.expansion)
        && s < 0
    {
        warn_key(cx, retry, "duration", "`retry.duration` cannot be negative");
    }
    if let Some(policy) = cx.get(root, "utilization_policy")
        && let Some(w) = cx.get(policy, "time_window")
        && let Ok(Parsed::Seconds(s)) =
            bridge::check_syntax(Syntax::Duration, w, cx.parse, cx.expansion)
        && s > 3600
    {
        warn_key(
            cx,
            policy,
            "time_window",
            "`time_window` can be at most 1 hour",
        );
    }
    if let Some(probes) = cx.get(root, "probes") {
        let items = cx.items(probes);
        if items.len() > 10 {
            warn_key(cx, root, "probes", "a service can have at most 10 probes");
        }
        for p in items {
            if let Some(t) = cx.get(p, "timeout")
                && let Ok(Parsed::Seconds(s)) =
                    bridge::check_syntax(Syntax::Duration, t, cx.parse, cx.expansion)
                && s > 300
            {
                warn_key(
                    cx,
                    p,
                    "timeout",
                    "a probe `timeout` can be at most 5 minutes",
                );
            }
        }
    }
    image_support(cx, root, root);
    let groups: Vec<&Node> = ["groups", "replicas"]
        .into_iter()
        .filter_map(|k| cx.get(root, k))
        .flat_map(|g| cx.items(g))
        .filter(|g| g.as_mapping().is_some())
        .collect();
    for g in &groups {
        image_support(cx, root, g);
    }
    group_refs(cx, root, kind, &groups);
    if kind == "service"
        && groups.is_empty()
        && cx.get_set(root, "replicas").is_none()
        && cx.get_set(root, "scaling").is_some()
    {
        warn_key(
            cx,
            root,
            "scaling",
            "`scaling` needs a range of replicas, for example `replicas: 1..4`",
        );
    }
    if kind == "service" && cx.get_set(root, "schedule").is_some() {
        let mins: Vec<i128> = if groups.is_empty() {
            vec![replica_min(cx, root, "replicas").unwrap_or(1)]
        } else {
            groups
                .iter()
                .map(|g| {
                    replica_min(cx, g, "replicas")
                        .or_else(|| replica_min(cx, g, "count"))
                        .unwrap_or(1)
                })
                .collect()
        };
        if mins.iter().all(|m| *m == 0) {
            warn_key(
                cx,
                root,
                "schedule",
                "a scheduled service needs at least one replica that does not scale to zero",
            );
        }
    }
}

fn replica_min(cx: &Cx, map: &Node, key: &str) -> Option<i128> {
    let node = cx.get_set(map, key)?;
    match bridge::check_syntax(Syntax::IntRange, node, cx.parse, cx.expansion) {
        Ok(Parsed::IntRange(r)) => Some(r.min.unwrap_or(0)),
        _ => None,
    }
}

/// With dstack's default image, only NVIDIA GPUs, TPUs and x86 CPUs work; the server asks for `image`.
fn image_support(cx: &mut Cx, root: &Node, level: &Node) {
    let image = cx.get_set(root, "image").is_some() || cx.get_set(level, "image").is_some();
    let docker = [root, level]
        .iter()
        .any(|m| cx.get(m, "docker").and_then(bool_value) == Some(true));
    let Some(resources) = cx.get(level, "resources") else {
        return;
    };
    if let Some(gpu) = cx.get_set(resources, "gpu")
        && !image
        && !docker
        && let Ok(Parsed::Gpu(spec)) =
            bridge::check_syntax(Syntax::Gpu, gpu, cx.parse, cx.expansion)
        && let Some(vendor) = unsupported_vendor(&spec)
    {
        let range = cx.key_range(resources, "gpu");
        cx.warning(
            "server-rule",
            range,
            format!(
                "{} accelerators need `image`: dstack's default image supports only NVIDIA GPUs and TPUs; {SERVER}",
                vendor.display()
            ),
        );
    }
    if let Some(cpu) = cx.get_set(resources, "cpu")
        && let Ok(Parsed::Cpu(spec)) =
            bridge::check_syntax(Syntax::Cpu, cpu, cx.parse, cx.expansion)
        && spec.arch == Some(dstack_values::cpu::CpuArch::Arm)
    {
        let range = cx.key_range(resources, "cpu");
        if docker {
            cx.warning(
                "server-rule",
                range,
                format!("`arm` CPUs cannot be used with `docker: true`; {SERVER}"),
            );
        } else if !image {
            cx.warning(
                "server-rule",
                range,
                format!("`arm` CPUs need `image`: dstack's default image is x86-only; {SERVER}"),
            );
        }
    }
}

/// A vendor the default image cannot run: the explicit one, or that of any known GPU name.
fn unsupported_vendor(
    spec: &dstack_values::gpu::GpuSpec,
) -> Option<dstack_values::gpu_names::Vendor> {
    if spec.count.max == Some(0) {
        return None;
    }
    if spec.vendor.is_some() || spec.names.as_ref().is_none_or(|n| n.is_empty()) {
        return spec.needs_custom_image();
    }
    spec.names
        .iter()
        .flatten()
        .filter_map(|n| dstack_values::gpu_names::vendor_of(n))
        .find(|v| !v.default_image_supports())
}

/// Group IP references: only in commands, only of the right kind, only within each group's size.
fn group_refs(cx: &mut Cx, root: &Node, kind: &str, groups: &[&Node]) {
    let mut places: Vec<&Node> = Vec::new();
    for key in ["commands", "init"] {
        if let Some(c) = cx.get(root, key) {
            places.extend(cx.items(c));
        }
    }
    for g in groups {
        if let Some(c) = cx.get(g, "commands") {
            places.extend(cx.items(c));
        }
    }
    for item in places {
        let Some(s) = str_value(item).filter(|s| s.contains("${{")) else {
            continue;
        };
        let Some(refs) = interp::references(s) else {
            continue;
        };
        for r in refs {
            let Some((gi, ref_kind, j)) = dstack_values::interpolation::groups_ip_ref(&r.name)
            else {
                continue;
            };
            let (gi, j) = (gi as usize, j as usize);
            let range = item.sub_range(r.range.0, r.range.1);
            let want = if kind == "task" { "nodes" } else { "replicas" };
            let problem = if ref_kind != want {
                Some(format!(
                    "a {kind} refers to group members as `{want}`, not `{ref_kind}`"
                ))
            } else if let Some(g) = groups.get(gi) {
                let size = if kind == "task" {
                    cx.get_set(g, "nodes").and_then(int_value).unwrap_or(1)
                } else {
                    replica_min(cx, g, "replicas")
                        .or_else(|| replica_min(cx, g, "count"))
                        .unwrap_or(1)
                };
                if size == 0 {
                    Some(format!(
                        "group {gi} can scale to zero, so its addresses are not known"
                    ))
                } else if j as i128 >= size {
                    Some(format!(
                        "group {gi} has {size} {want} at least, so index {j} may not exist"
                    ))
                } else {
                    None
                }
            } else if groups.is_empty() {
                None
            } else {
                Some(format!("there is no group {gi}"))
            };
            if let Some(p) = problem {
                cx.warning("server-rule", range, format!("{p}; {SERVER}"));
            }
        }
    }
    if let Some(env) = cx.get(root, "env") {
        let values: Vec<&Node> = cx
            .items(env)
            .into_iter()
            .chain(cx.entries(env).into_iter().map(|(_, v)| v))
            .collect();
        for v in values {
            if let Some(s) = str_value(v)
                && s.contains("${{")
                && interp::references(s)
                    .is_some_and(|refs| refs.iter().any(|r| r.name.starts_with("groups")))
            {
                cx.warning(
                    "server-rule",
                    v.range,
                    format!("group IP references work only in `commands`, not in `env`; {SERVER}"),
                );
            }
        }
    }
}

const BACKEND_KEYS: [&str; 13] = [
    "nodes",
    "resources",
    "backends",
    "regions",
    "availability_zones",
    "instance_types",
    "reservation",
    "spot_policy",
    "retry",
    "max_price",
    "idle_duration",
    "tags",
    "backend_options",
];

fn fleet(cx: &mut Cx, root: &Node) {
    let nodes = cx.get_set(root, "nodes").is_some();
    let ssh = cx.get_set(root, "ssh_config");
    match (nodes, ssh) {
        (false, None) => {
            let range = cx.key_range(root, "type");
            cx.warning("server-rule", range, format!("a fleet needs `nodes` (cloud instances) or `ssh_config` (your own hosts); {SERVER}"));
        }
        (true, Some(_)) => warn_key(
            cx,
            root,
            "ssh_config",
            "`ssh_config` and `nodes` are mutually exclusive",
        ),
        (false, Some(ssh)) => {
            for key in BACKEND_KEYS {
                if cx.get_set(root, key).is_some() {
                    warn_key(
                        cx,
                        root,
                        key,
                        format!("`{key}` is not allowed in an SSH fleet"),
                    );
                }
            }
            ssh_hosts(cx, ssh);
        }
        (true, None) => {}
    }
}

fn ssh_hosts(cx: &mut Cx, ssh: &Node) {
    let top_user = cx.get_set(ssh, "user").is_some();
    let top_key =
        cx.get_set(ssh, "identity_file").is_some() || cx.get_set(ssh, "ssh_key").is_some();
    let network = cx.get_set(ssh, "network").is_some();
    let Some(hosts) = cx.get(ssh, "hosts") else {
        return;
    };
    let hosts = cx.items(hosts);
    let mut with_ip = 0;
    for h in &hosts {
        let is_map = h.as_mapping().is_some();
        let user = top_user || (is_map && cx.get_set(h, "user").is_some());
        let key = top_key
            || (is_map
                && (cx.get_set(h, "identity_file").is_some()
                    || cx.get_set(h, "ssh_key").is_some()));
        if !user || !key {
            let what = match (user, key) {
                (false, false) => "a `user` and an `identity_file`",
                (false, true) => "a `user`",
                _ => "an `identity_file`",
            };
            let range = cx.first_line(h.range);
            cx.warning(
                "server-rule",
                range,
                format!("this host needs {what} (here or in `ssh_config`); {SERVER}"),
            );
        }
        if is_map && cx.get_set(h, "internal_ip").is_some() {
            with_ip += 1;
            if network {
                warn_key(
                    cx,
                    h,
                    "internal_ip",
                    "`internal_ip` cannot be combined with `ssh_config.network`",
                );
            }
        }
    }
    if with_ip > 0 && with_ip < hosts.len() {
        let range = cx.key_range(ssh, "hosts");
        cx.warning(
            "server-rule",
            range,
            format!("set `internal_ip` on every host or on none; {SERVER}"),
        );
    }
}

fn gateway(cx: &mut Cx, root: &Node) {
    let backend = cx
        .get(root, "backend")
        .and_then(str_value)
        .unwrap_or_default()
        .to_string();
    // An unknown backend is already an error; say nothing more about it.
    let known = dstack_model::model()
        .object("gateway")
        .and_then(|o| o.property("backend"))
        .is_some_and(|p| p.enum_values().iter().any(|v| v.value == backend));
    if known && !["aws", "azure", "gcp", "kubernetes"].contains(&backend.as_str()) {
        warn_key(
            cx,
            root,
            "backend",
            format!(
                "the `{backend}` backend does not support gateways (aws, azure, gcp and kubernetes do)"
            ),
        );
    }
    let public_ip = cx
        .get(root, "public_ip")
        .and_then(bool_value)
        .unwrap_or(true);
    if !public_ip && backend != "aws" && backend != "gcp" {
        warn_key(
            cx,
            root,
            "public_ip",
            "`public_ip: false` is supported only on aws and gcp",
        );
    }
    if let Some(d) = cx.get_set(root, "domain").and_then(str_value)
        && interp::references(d)
            .is_some_and(|refs| refs.iter().any(|r| r.name != "run.project_name"))
    {
        warn_key(
            cx,
            root,
            "domain",
            "`domain` may only use `${{ run.project_name }}`",
        );
    }
    let replicas = cx
        .get_set(root, "replicas")
        .and_then(int_value)
        .unwrap_or(1);
    if replicas > 9 {
        warn_key(
            cx,
            root,
            "replicas",
            "a gateway can have at most 9 replicas",
        );
    }
    let cert = match cx.get(root, "certificate") {
        None => Some("lets-encrypt".to_string()),
        Some(c) => cx.get(c, "type").and_then(scalar_text),
    };
    let alb = cx.get_set(root, "load_balancer").is_some();
    if alb {
        let ok = match backend.as_str() {
            "aws" => cert.is_none() || cert.as_deref() == Some("acm"),
            "gcp" => cert.is_none() || cert.as_deref() == Some("gcp-cm"),
            _ => false,
        };
        if !ok {
            warn_key(
                cx,
                root,
                "load_balancer",
                "an `alb` load balancer works on aws (with no certificate or `acm`) or gcp (with no certificate or `gcp-cm`)",
            );
        }
    }
    match cert.as_deref() {
        Some("lets-encrypt") if !alb && (!public_ip || replicas != 1) => warn_key(
            cx,
            root,
            "certificate",
            "a Let's Encrypt certificate needs `public_ip: true` and a single replica",
        ),
        Some("acm") if backend != "aws" => warn_key(
            cx,
            root,
            "certificate",
            "an `acm` certificate works only on aws",
        ),
        Some("gcp-cm") if backend != "gcp" || !alb => warn_key(
            cx,
            root,
            "certificate",
            "a `gcp-cm` certificate works only on gcp with `load_balancer: {type: alb}`",
        ),
        _ => {}
    }
}

fn volume(cx: &mut Cx, root: &Node) {
    let backend = cx
        .get(root, "backend")
        .and_then(str_value)
        .unwrap_or_default()
        .to_string();
    let external =
        cx.get_set(root, "volume_id").is_some() || cx.get_set(root, "claim_name").is_some();
    let sized = ["aws", "gcp", "runpod", "kubernetes"].contains(&backend.as_str());
    if sized && !external && cx.get_set(root, "size").is_none() {
        let range = cx.key_range(root, "backend");
        let id = if backend == "kubernetes" {
            "claim_name"
        } else {
            "volume_id"
        };
        cx.warning(
            "server-rule",
            range,
            format!("a new volume needs `size` (or `{id}` to use an existing one); {SERVER}"),
        );
    }
    if external
        && let Some(a) = cx.get_set(root, "auto_cleanup_duration")
        && let Ok(Parsed::Duration(Setting::Seconds(s))) =
            bridge::check_syntax(Syntax::IdleDuration, a, cx.parse, cx.expansion)
        && s > 0
    {
        warn_key(
            cx,
            root,
            "auto_cleanup_duration",
            "an existing (external) volume cannot be cleaned up automatically",
        );
    }
}
