//! Rules of `type: service`: replica groups, scaling, probes and rate limits.

use std::collections::HashSet;

use dstack_syntax::Node;

use super::common::{
    commands_or_image, conflict, conflict_remove, image_sources, is_true, list_len,
    unique_group_names,
};
use crate::bridge::{self, Parsed, Syntax};
use crate::diagnostics::tree::{Cx, bool_value, scalar_text, str_value};

/// The replica count of `replicas` (or `count`), checked: a range needs a max and a min ≥ 0.
pub(super) fn replicas_range(cx: &mut Cx, node: &Node) -> Option<(i128, i128)> {
    let Ok(Parsed::IntRange(r)) =
        bridge::check_syntax(Syntax::IntRange, node, cx.parse, cx.expansion)
    else {
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
pub(super) fn scaling_rule(cx: &mut Cx, map: &Node, replicas_key: &str, range: (i128, i128)) {
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

pub(super) const GROUP_OR_SERVICE: [&str; 7] = [
    "image",
    "docker",
    "privileged",
    "python",
    "nvcc",
    "spot_policy",
    "reservation",
];

pub(super) fn service(cx: &mut Cx, root: &Node) {
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
pub(super) fn scaling_window(cx: &mut Cx, map: &Node) {
    if let Some(scaling) = cx.get_set(map, "scaling")
        && let Some(w) = cx.get_set(scaling, "window")
        && let Ok(Parsed::Seconds(secs)) =
            bridge::check_syntax(Syntax::Duration, w, cx.parse, cx.expansion)
        && ![30, 60, 300].contains(&secs)
    {
        cx.error(
            "duration",
            w.range,
            "`window` must be `30s`, `60s` or `300s`",
        );
    }
}

pub(super) fn probes_and_limits(cx: &mut Cx, root: &Node) {
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
                        bridge::check_syntax(Syntax::Duration, v, cx.parse, cx.expansion)
                    && secs < 1
                {
                    cx.error(
                        "duration",
                        v.range,
                        format!("a probe `{key}` must be at least 1 second"),
                    );
                }
            }
            // dstack compares the method as written: a body with no `method` passes (the
            // default, `get`, is filled in later).
            let method = cx.get_set(item, "method").and_then(str_value);
            if let Some(method) = method
                && cx.get_set(item, "body").is_some()
                && (method == "get" || method == "head")
            {
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

/// A value as text with mapping keys sorted, so that key order does not make two probes differ.
pub(super) fn canonical(v: &dstack_values::Value) -> String {
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
