//! Rules of `type: fleet`.

use dstack_syntax::Node;

use super::common::conflict;
use crate::diagnostics::tree::{Cx, int_value, is_null, scalar_text};

pub(super) fn fleet(cx: &mut Cx, root: &Node) {
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
