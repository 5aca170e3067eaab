//! End-to-end tests over real JSON-RPC: the `dstack-lsp` binary is spawned and driven over stdio.

mod common;

use common::Client;
use serde_json::{Value, json};

const URI: &str = "file:///work/demo/.dstack.yml";

#[test]
fn negotiates_utf8_when_offered() {
    let mut c = Client::spawn();
    let resp = c.initialize(&["utf-8", "utf-16"]);
    assert_eq!(
        resp["result"]["capabilities"]["positionEncoding"],
        json!("utf-8")
    );
    assert_eq!(resp["result"]["serverInfo"]["name"], json!("dstack-lsp"));
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn falls_back_to_utf16() {
    let mut c = Client::spawn();
    let resp = c.initialize(&[]);
    assert_eq!(
        resp["result"]["capabilities"]["positionEncoding"],
        json!("utf-16")
    );
    let sync = &resp["result"]["capabilities"]["textDocumentSync"];
    assert_eq!(sync["change"], json!(2), "incremental sync: {sync}");
    assert_eq!(c.shutdown(), Some(0));
}

/// The range of the first diagnostic with `code`.
fn range_of(diags: &[Value], code: &str) -> Value {
    diags
        .iter()
        .find(|d| d["code"] == json!(code))
        .map(|d| d["range"].clone())
        .unwrap_or_else(|| panic!("no {code} diagnostic in {diags:#?}"))
}

#[test]
fn open_change_close_with_each_encoding() {
    for (enc, col) in [("utf-8", 10), ("utf-16", 7)] {
        let mut c = Client::spawn();
        c.initialize(&[enc]);
        // "日本" is 6 bytes in UTF-8 and 2 units in UTF-16; the unterminated quote follows it.
        let text = "type: task\nname: 日本 \"oops\ncommands: [x]\n";
        c.open(URI, 1, text);
        let first = c.diagnostics(URI, Some(1));
        assert!(!first.is_empty(), "{enc}: expected a syntax error");
        // Fix the quote by inserting a closing one at the end of line 1, addressed in `enc` units.
        let end_col = col + 5;
        c.change(
            URI,
            2,
            json!([{"range": {"start": {"line": 1, "character": end_col}, "end": {"line": 1, "character": end_col}}, "text": "\""}]),
        );
        let fixed = c.diagnostics(URI, Some(2));
        assert!(
            fixed.iter().all(|d| d["code"] != json!("yaml-syntax")),
            "{enc}: syntax error should be gone after the edit: {fixed:#?}"
        );
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": URI}}),
        );
        let closed = c.diagnostics(URI, None);
        assert!(closed.is_empty(), "closing clears diagnostics");
        assert_eq!(c.shutdown(), Some(0));
    }
}

#[test]
fn syntax_error_range_is_in_negotiated_units() {
    for (enc, expect_col) in [("utf-8", 6 + 6 + 1), ("utf-16", 6 + 2 + 1)] {
        let mut c = Client::spawn();
        c.initialize(&[enc]);
        // A tab after the CJK name on line 2 makes a syntax error at a known column.
        let text = "type: task\nname: 日本\ncommands:\n\t- x\n";
        c.open(URI, 1, text);
        let diags = c.diagnostics(URI, Some(1));
        let r = range_of(&diags, "yaml-syntax");
        assert!(r["start"]["line"].as_u64().is_some(), "{r}");
        // Line 1 ends at `expect_col - 1` in this encoding: any position on line 1 must not exceed it.
        if r["start"]["line"] == json!(1) {
            assert!(r["start"]["character"].as_u64().unwrap_or(0) < expect_col);
        }
        assert_eq!(c.shutdown(), Some(0));
    }
}

#[test]
fn many_documents_at_once() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    for i in 0..20 {
        let uri = format!("file:///w/{i}.dstack.yml");
        c.open(&uri, 1, "type: task\ncommands: [\n");
    }
    for i in 0..20 {
        let uri = format!("file:///w/{i}.dstack.yml");
        assert!(!c.diagnostics(&uri, Some(1)).is_empty());
    }
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn panic_in_handler_is_answered_and_server_keeps_serving() {
    let mut c = Client::spawn_with_env(&[("DSTACK_LSP_TEST_HOOKS", "1")]);
    c.initialize(&["utf-16"]);
    let resp = c.request("dstack/debugPanic", Value::Null);
    assert_eq!(
        resp["error"]["code"],
        json!(-32603),
        "internal error expected: {resp}"
    );
    // Still alive: a normal request is answered.
    c.open(URI, 1, "type: task\n");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 1}}),
    );
    assert!(hover.get("error").is_none(), "{hover}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn debug_hook_is_hidden_by_default() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    let resp = c.request("dstack/debugPanic", Value::Null);
    assert_eq!(resp["error"]["code"], json!(-32601), "{resp}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn request_before_initialize_is_rejected() {
    let mut c = Client::spawn();
    let resp = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(resp["error"]["code"], json!(-32002), "{resp}");
    c.initialize(&["utf-16"]);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn requests_on_unknown_documents_and_far_positions_are_empty() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    let resp = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": "file:///nope.dstack.yml"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(resp["result"], Value::Null);
    c.open(URI, 1, "type: task\n");
    for method in [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/definition",
    ] {
        let resp = c.request(
            method,
            json!({"textDocument": {"uri": URI}, "position": {"line": 999, "character": 999}}),
        );
        assert!(resp.get("error").is_none(), "{method}: {resp}");
    }
    // didChange for a document that was never opened is ignored.
    c.change("file:///never.dstack.yml", 2, json!([{"text": "x"}]));
    assert_eq!(c.shutdown(), Some(0));
}
