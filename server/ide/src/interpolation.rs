//! `${{ … }}` inside values: which references a place accepts (the completion context), and the
//! reference under the cursor (for hover). The grammar and the wording are `dstack-values`'.

use dstack_syntax::{Node, PathSeg, TextRange};
use dstack_values::interpolation::Context;

use crate::document::Document;
use crate::walk;

/// The interpolation context of the value at `path`, if dstack interpolates it there.
pub(crate) fn context_for(doc: &Document, path: &[PathSeg]) -> Option<Context> {
    let keys = walk::key_names(path);
    let context = match keys.as_slice() {
        [.., "commands"] => Context::Commands,
        ["env", ..] => Context::Secrets,
        ["registry_auth", ..] | ["probes", ..] => Context::EnvRefs(env_names(doc)),
        ["domain"]
            if crate::document::config_type(doc)
                == Some(crate::config_type::ConfigType::Gateway) =>
        {
            Context::GatewayDomain
        }
        [.., "volumes", "name"] => Context::VolumeName,
        _ => return None,
    };
    Some(context)
}

/// Names defined by the top-level `env` (`- NAME=value`, `- NAME`, or `NAME: value`).
fn env_names(doc: &Document) -> Vec<String> {
    let Some(root) = &doc.parse.root else {
        return Vec::new();
    };
    let Some(env) = walk::child(&doc.parse, root, &PathSeg::Key("env".to_string())) else {
        return Vec::new();
    };
    match env.as_sequence() {
        Some(items) => items
            .iter()
            .filter_map(|n| n.as_scalar())
            .map(|s| s.text.split('=').next().unwrap_or("").trim().to_string())
            .filter(|n| !n.is_empty())
            .collect(),
        None => walk::key_texts(&doc.parse, env)
            .into_iter()
            .map(str::to_string)
            .collect(),
    }
}

/// The text typed after an unclosed `${{` before the cursor, and where it starts.
pub(crate) fn open_reference(text: &str, cursor: u32) -> Option<(u32, &str)> {
    let line_start = text
        .get(..cursor as usize)?
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let before = text.get(line_start..cursor as usize)?;
    let open = before.rfind("${{")?;
    let inside = &before[open + 3..];
    if inside.contains("}}") {
        return None;
    }
    let typed = inside.trim_start();
    let start = cursor as usize - typed.len();
    Some((start as u32, typed))
}

/// The `${{ name }}` under `offset` in a scalar whose text is verbatim in the source.
pub(crate) fn reference_at(node: &Node, offset: u32) -> Option<(TextRange, String)> {
    let scalar = node.as_scalar().filter(|s| s.verbatim)?;
    let rel = offset.checked_sub(scalar.content_start)? as usize;
    let text = scalar.text.as_str();
    let mut from = 0;
    while let Some(i) = text.get(from..)?.find("${{") {
        let open = from + i;
        let close = open + text.get(open..)?.find("}}")? + 2;
        if open <= rel && rel <= close {
            let name = text.get(open + 3..close - 2)?.trim().to_string();
            let range = node.sub_range(open as u32, close as u32);
            return Some((range, name));
        }
        from = close;
    }
    None
}
