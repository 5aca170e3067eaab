//! Frames over real JSON-RPC: a broken header or body is answered (when its id can be found) and
//! skipped, the next frame is served, and text the JSON layer cannot hold (lone surrogates,
//! invalid UTF-8) reaches the document as U+FFFD with positions kept.

mod common;

use common::Client;
use serde_json::{Value, json};

const URI: &str = "file:///w/f.dstack.yml";
/// The frame size cap of `framing.rs`.
const MAX_BODY: usize = 256 * 1024 * 1024;

fn frame(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = headers.as_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

fn content_length(body: &[u8]) -> String {
    format!("Content-Length: {}\r\n\r\n", body.len())
}

/// `msg` serialised with every `@@` replaced by `raw` (bytes JSON values cannot hold).
fn body_with(msg: &Value, raw: &[u8]) -> Vec<u8> {
    let text = serde_json::to_vec(msg).unwrap_or_default();
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i..].starts_with(b"@@") {
            out.extend_from_slice(raw);
            i += 2;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

fn response_to(c: &mut Client, id: &str) -> Value {
    c.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
}

/// A server with one document open.
fn serving() -> Client {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    c.open(URI, 1, "type: task\n");
    c
}

fn still_serving(c: &mut Client) {
    let resp = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
    );
    assert!(resp.get("error").is_none(), "{resp}");
}

fn hover_request(id: &str) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}}),
    )
    .unwrap_or_default()
}

fn assert_rejected(resp: &Value, code: i64, words: &str) {
    assert_eq!(resp["error"]["code"], json!(code), "{resp}");
    let message = resp["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(words), "{resp}");
}

#[test]
fn unreadable_content_length_is_answered_and_the_next_frame_served() {
    let mut c = serving();
    // The body follows right away; the next frame starts right after it.
    let body = hover_request("hex");
    let mut bytes = frame(
        &format!("Content-Length: 0x{:x}\r\n\r\n", body.len()),
        &body,
    );
    let next = hover_request("after-hex");
    bytes.extend(frame(&content_length(&next), &next));
    c.send_raw(&bytes);
    assert_rejected(&response_to(&mut c, "hex"), -32600, "Content-Length");
    let resp = response_to(&mut c, "after-hex");
    assert!(resp.get("error").is_none(), "{resp}");
    // No Content-Length at all; a length that is not JSON-like garbage after it.
    let body = hover_request("missing");
    let mut bytes = frame(
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        &body,
    );
    bytes.extend(b"Content-Length: many\r\n\r\nGARBAGE GARBAGE\r\n");
    let next = hover_request("after-garbage");
    bytes.extend(frame(&content_length(&next), &next));
    c.send_raw(&bytes);
    assert_rejected(&response_to(&mut c, "missing"), -32600, "Content-Length");
    let resp = response_to(&mut c, "after-garbage");
    assert!(resp.get("error").is_none(), "{resp}");
    still_serving(&mut c);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn a_body_above_the_cap_is_skipped_without_being_kept() {
    let mut c = serving();
    let len = MAX_BODY + 1;
    let head = br#"{"jsonrpc":"2.0","id":"big","method":"workspace/executeCommand","params":{"command":"x","arguments":[""#;
    c.send_raw(format!("Content-Length: {len}\r\n\r\n").as_bytes());
    c.send_raw(head);
    let chunk = vec![b'a'; 1 << 20];
    let mut left = len - head.len();
    while left > 0 {
        let n = left.min(chunk.len());
        c.send_raw(&chunk[..n]);
        left -= n;
    }
    let next = hover_request("after-big");
    c.send_raw(&frame(&content_length(&next), &next));
    assert_rejected(&response_to(&mut c, "big"), -32600, "too large");
    let resp = response_to(&mut c, "after-big");
    assert!(resp.get("error").is_none(), "{resp}");
    // The skipped body was never held: the server stays far below its size.
    let rss = c.rss_kib().unwrap_or(0);
    assert!(rss < 128 * 1024, "{rss} KiB after skipping {len} bytes");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn extra_header_lines_are_accepted() {
    let mut c = serving();
    let body = hover_request("extra");
    let headers = format!(
        "Content-Length: {}\r\nX-Request-Source: test\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        body.len()
    );
    c.send_raw(&frame(&headers, &body));
    let resp = response_to(&mut c, "extra");
    assert!(resp.get("error").is_none(), "{resp}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn bodies_the_server_cannot_decode_are_answered_not_fatal() {
    let mut c = serving();
    for (id, body) in [
        // Invalid JSON: the id is still found at the start.
        (
            "json",
            br#"{"jsonrpc":"2.0","id":"json","method":"x","params":{"#.to_vec(),
        ),
        // A duplicate key makes the message undecodable for tower-lsp-server.
        (
            "dup",
            br#"{"jsonrpc":"2.0","id":"dup","method":"textDocument/hover","method":"x"}"#.to_vec(),
        ),
    ] {
        c.send_raw(&frame(&content_length(&body), &body));
        let resp = response_to(&mut c, id);
        assert!(resp.get("error").is_some(), "{resp}");
    }
    // An id tower-lsp-server cannot represent: no answer is possible, but the server goes on.
    let body = br#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"textDocument/hover"}"#;
    c.send_raw(&frame(&content_length(body), body));
    still_serving(&mut c);
    assert_eq!(c.shutdown(), Some(0));
}

/// The server's text of line 1 (`image: "..."`) and that symbol's end column.
fn image_line(c: &mut Client) -> (String, Value) {
    let resp = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let symbols = resp["result"].as_array().cloned().unwrap_or_default();
    let image = symbols
        .iter()
        .find(|s| s["name"] == json!("image"))
        .unwrap_or_else(|| panic!("no `image` symbol: {resp}"));
    (
        image["detail"].as_str().unwrap_or_default().to_string(),
        image["range"]["end"].clone(),
    )
}

fn open_with(c: &mut Client, raw: &[u8]) {
    let msg = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
        {"uri": URI, "languageId": "yaml", "version": 1, "text": "type: task\nimage: \"a@@bc\"\n"}}});
    let body = body_with(&msg, raw);
    c.send_raw(&frame(&content_length(&body), &body));
}

fn replace_on_line_1(c: &mut Client, version: i64, start: u32, end: u32, text: &str) {
    c.change(
        URI,
        version,
        json!([{"range": {"start": {"line": 1, "character": start}, "end": {"line": 1, "character": end}}, "text": text}]),
    );
}

#[test]
fn a_lone_surrogate_in_did_open_becomes_one_replacement_character() {
    for (enc, unit) in [("utf-16", 1), ("utf-8", 3)] {
        let mut c = Client::spawn();
        c.initialize(&[enc]);
        open_with(&mut c, br"\ud800");
        // `image: "a` is 9 units, the replacement character `unit` more: replace the `b`.
        replace_on_line_1(&mut c, 2, 9 + unit, 10 + unit, "XY");
        c.diagnostics(URI, Some(2));
        let (detail, end) = image_line(&mut c);
        assert_eq!(detail, "a\u{FFFD}XYc", "{enc}");
        assert_eq!(end, json!({"line": 1, "character": 13 + unit}), "{enc}");
        assert_eq!(c.shutdown(), Some(0));
    }
}

#[test]
fn an_invalid_utf8_byte_in_did_open_becomes_one_replacement_character() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    open_with(&mut c, b"\xff");
    replace_on_line_1(&mut c, 2, 10, 11, "XY");
    c.diagnostics(URI, Some(2));
    let (detail, end) = image_line(&mut c);
    assert_eq!(detail, "a\u{FFFD}XYc");
    assert_eq!(end, json!({"line": 1, "character": 14}));
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn a_lone_surrogate_inside_an_incremental_change() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    c.open(URI, 1, "type: task\nimage: \"abc\"\n");
    let msg = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": URI, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 1, "character": 9}, "end": {"line": 1, "character": 9}}, "text": "@@"}]}});
    let body = body_with(&msg, br"\uDC00");
    c.send_raw(&frame(&content_length(&body), &body));
    replace_on_line_1(&mut c, 3, 10, 11, "XY");
    c.diagnostics(URI, Some(3));
    let (detail, end) = image_line(&mut c);
    assert_eq!(detail, "a\u{FFFD}XYc");
    assert_eq!(end, json!({"line": 1, "character": 14}));
    assert_eq!(c.shutdown(), Some(0));
}
