//! The handler list in `server.rs` against the panic guard and the advertised capabilities.

use std::collections::BTreeSet;

use super::capabilities::server_capabilities;
use crate::position::Encoding;

const SERVER: &str = include_str!("../server.rs");

/// Each `async fn` of `impl LanguageServer for Backend`, with its body.
fn handlers() -> Vec<(String, String)> {
    let start = SERVER
        .find("impl LanguageServer for Backend {")
        .unwrap_or_else(|| panic!("no `impl LanguageServer for Backend` in server.rs"));
    let body = &SERVER[start..];
    body.split("async fn ")
        .skip(1)
        .map(|chunk| {
            let name = chunk.split('(').next().unwrap_or_default().trim();
            (name.to_string(), chunk.to_string())
        })
        .collect()
}

#[test]
fn every_handler_runs_under_the_guard() {
    let handlers = handlers();
    assert!(handlers.len() >= 15, "{handlers:?}");
    for (name, body) in &handlers {
        assert!(
            body.contains("answer(") || body.contains("notification("),
            "handler `{name}` does not run under `answer` or `notification`"
        );
    }
}

/// For each capability `initialize` can advertise, the handlers that serve it.
const SERVED_BY: &[(&str, &[&str])] = &[
    ("positionEncoding", &[]),
    ("textDocumentSync.openClose", &["did_open", "did_close"]),
    ("textDocumentSync.change", &["did_change"]),
    ("textDocumentSync.save", &["did_save"]),
    ("textDocumentSync.willSave", &["will_save"]),
    (
        "textDocumentSync.willSaveWaitUntil",
        &["will_save_wait_until"],
    ),
    ("completionProvider", &["completion"]),
    ("hoverProvider", &["hover"]),
    ("definitionProvider", &["goto_definition"]),
    ("referencesProvider", &["references"]),
    ("documentSymbolProvider", &["document_symbol"]),
    ("foldingRangeProvider", &["folding_range"]),
    ("selectionRangeProvider", &["selection_range"]),
    ("codeActionProvider", &["code_action"]),
    ("codeLensProvider", &["code_lens"]),
    ("executeCommandProvider", &["execute_command"]),
];

/// Handlers that need no capability: the lifecycle and workspace notifications.
const UNADVERTISED: &[&str] = &[
    "initialize",
    "initialized",
    "shutdown",
    "did_change_configuration",
    "did_change_watched_files",
];

/// Capabilities in `caps`, with `textDocumentSync`'s options listed one by one.
fn advertised(caps: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in caps.as_object().into_iter().flatten() {
        match (key.as_str(), value.as_object()) {
            ("textDocumentSync", Some(options)) => {
                out.extend(options.keys().map(|k| format!("{key}.{k}")));
            }
            _ => out.push(key.clone()),
        }
    }
    out
}

#[test]
fn capabilities_match_the_handlers() {
    let handlers: BTreeSet<String> = handlers().into_iter().map(|(n, _)| n).collect();
    let caps = serde_json::to_value(server_capabilities(Encoding::Utf16))
        .unwrap_or_else(|e| panic!("capabilities: {e}"));
    let advertised = advertised(&caps);
    let mut served = BTreeSet::new();
    for cap in &advertised {
        let Some((_, by)) = SERVED_BY.iter().find(|(c, _)| c == cap) else {
            panic!("capability `{cap}` has no entry in SERVED_BY: say which handler serves it");
        };
        for h in *by {
            assert!(
                handlers.contains(*h),
                "`{cap}` is advertised, but no `{h}` handler"
            );
            served.insert(h.to_string());
        }
    }
    for h in &handlers {
        assert!(
            served.contains(h) || UNADVERTISED.contains(&h.as_str()),
            "handler `{h}` is not advertised in capabilities.rs"
        );
    }
    assert!(advertised.len() >= 12, "{advertised:?}");
}
