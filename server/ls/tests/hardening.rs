//! Protocol hardening: the server answers or ignores bad input as the spec says, and never
//! crashes or hangs. Each test ends with a normal request to prove the server still serves.

mod common;

use common::Client;
use serde_json::json;

const URI: &str = "file:///w/h.dstack.yml";

fn still_serving(c: &mut Client) {
    let resp = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
    );
    assert!(
        resp.get("error").is_none(),
        "server stopped answering: {resp}"
    );
}

#[test]
fn malformed_frames_and_unknown_methods() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    // Invalid JSON body.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    // Valid JSON that is not a JSON-RPC message.
    c.send_raw(b"Content-Length: 2\r\n\r\n[]");
    // Unknown request and notification.
    let resp = c.request("dstack/noSuchMethod", json!({}));
    assert_eq!(resp["error"]["code"], json!(-32601), "{resp}");
    c.notify("dstack/noSuchNotification", json!({}));
    // Wrong params for a known method.
    let resp = c.request("textDocument/hover", json!({"bogus": true}));
    assert!(resp.get("error").is_some(), "{resp}");
    c.open(URI, 1, "type: task\n");
    still_serving(&mut c);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn stale_and_out_of_order_versions() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    c.open(URI, 10, "type: task\ncommands: [x]\n");
    c.diagnostics(URI, Some(10));
    // A full replacement with a lower version is applied in arrival order; the server keeps working.
    c.change(URI, 3, json!([{"text": "type: task\ncommands: [\n"}]));
    let d = c.diagnostics(URI, Some(3));
    assert!(!d.is_empty(), "the broken text must be diagnosed");
    c.change(URI, 11, json!([{"text": "type: task\ncommands: [x]\n"}]));
    let d = c.diagnostics(URI, Some(11));
    assert!(
        d.iter().all(|x| x["code"] != json!("yaml-syntax")),
        "{d:#?}"
    );
    still_serving(&mut c);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn binary_and_nul_content() {
    let mut c = Client::spawn();
    c.initialize(&["utf-8"]);
    let mut text = String::from("type: task\n\u{0}\u{1}\u{7f}name: \u{0}x\n");
    for i in 0..2000u32 {
        text.push(char::from_u32((i * 7919) % 0xD7FF).unwrap_or('?'));
    }
    c.open(URI, 1, &text);
    c.diagnostics(URI, Some(1));
    for line in 0..4 {
        for character in [0, 1, 5, 50, 5000] {
            for method in ["textDocument/hover", "textDocument/completion"] {
                let resp = c.request(
                    method,
                    json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}),
                );
                assert!(
                    resp.get("error").is_none(),
                    "{method} {line}:{character}: {resp}"
                );
            }
        }
    }
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn ten_megabyte_file() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    let mut text = String::from("type: task\ncommands:\n");
    while text.len() < 10 * 1024 * 1024 {
        text.push_str("  - echo \"a fairly long command line to fill the file up quickly\"\n");
    }
    c.open(URI, 1, &text);
    c.diagnostics(URI, Some(1));
    // An edit at the very end of a 10 MB buffer.
    let last = text.lines().count() as u64;
    c.change(URI, 2, json!([{"range": {"start": {"line": last, "character": 0}, "end": {"line": last, "character": 0}}, "text": "  - true\n"}]));
    c.diagnostics(URI, Some(2));
    still_serving(&mut c);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn a_thousand_rapid_edits() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    c.open(URI, 1, "type: task\ncommands:\n  - echo \n");
    for i in 0..1000 {
        let ch = (b'a' + (i % 26) as u8) as char;
        c.change(
            URI,
            2 + i,
            json!([{"range": {"start": {"line": 2, "character": 9 + i}, "end": {"line": 2, "character": 9 + i}}, "text": ch.to_string()}]),
        );
    }
    // The last version is always diagnosed, whatever was skipped in between.
    c.diagnostics(URI, Some(1001));
    still_serving(&mut c);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn memory_returns_after_documents_close() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    c.open(URI, 1, "type: task\n");
    c.diagnostics(URI, Some(1));
    let baseline = c.rss_kib().unwrap_or(0);
    let mut big = String::from("type: task\ncommands:\n");
    while big.len() < 4 * 1024 * 1024 {
        big.push_str("  - python train.py --epochs 3 --lr 0.001 --batch-size 64\n");
    }
    let mut peak = baseline;
    let mut after_round = Vec::new();
    for round in 0..8 {
        for i in 0..4 {
            let uri = format!("file:///w/big{i}.dstack.yml");
            c.open(&uri, round + 1, &big);
            c.diagnostics(&uri, Some(round + 1));
        }
        peak = peak.max(c.rss_kib().unwrap_or(0));
        for i in 0..4 {
            let uri = format!("file:///w/big{i}.dstack.yml");
            c.notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            );
            c.diagnostics(&uri, None);
        }
        still_serving(&mut c);
        after_round.push(c.rss_kib().unwrap_or(0));
    }
    let last = after_round.last().copied().unwrap_or(0);
    // Most of what the open documents took is given back, and nothing accumulates per round.
    assert!(
        last <= baseline + (peak - baseline) / 3,
        "baseline {baseline} KiB, peak {peak} KiB, after closing {after_round:?} KiB"
    );
    // A document kept alive per round would add at least 4 MB of text (and its tree) each time,
    // 20 MB between the early and the late rounds. The allocator's layout varies by a few MB from
    // round to round, so compare the lowest late round with the highest early one.
    let early = after_round[..3].iter().copied().max().unwrap_or(0);
    let late = after_round[5..].iter().copied().min().unwrap_or(0);
    assert!(
        late <= early + 8 * 1024,
        "memory grows with each open/close round: {after_round:?} KiB"
    );
    assert_eq!(c.shutdown(), Some(0));
}

/// 2,000 unknown keys publish 300 diagnostics and one that counts the rest; a file above
/// `dstack.maxFileSize` gets its YAML syntax checked and one note.
#[test]
fn diagnostics_are_capped_and_large_files_get_syntax_only() {
    let mut c = Client::spawn();
    let resp = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": null,
            "initializationOptions": {"dstack": {"maxFileSize": 100_000}},
            "capabilities": {},
        }),
    );
    assert!(resp.get("error").is_none(), "{resp}");
    c.notify("initialized", json!({}));
    let keys = |n: usize| -> String {
        let mut text = String::from("type: task\ncommands: [echo]\n");
        for i in 0..n {
            text.push_str(&format!("k{i}: 1\n"));
        }
        text
    };
    c.open(URI, 1, &keys(2000));
    let d = c.diagnostics(URI, Some(1));
    assert_eq!(d.len(), 301);
    assert_eq!(d[0]["code"], "more-diagnostics");
    assert!(
        d[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("1700 more problems")),
        "{}",
        d[0]
    );
    let big = "file:///w/big.dstack.yml";
    c.open(big, 1, &format!("{}bad: [\n", keys(15_000)));
    let d = c.diagnostics(big, Some(1));
    let codes: Vec<&str> = d.iter().filter_map(|x| x["code"].as_str()).collect();
    assert!(codes.contains(&"file-too-large"), "{codes:?}");
    assert!(codes.contains(&"yaml-syntax"), "{codes:?}");
    assert!(!codes.contains(&"unknown-key"), "{codes:?}");
    still_serving(&mut c);
    assert_eq!(c.shutdown(), Some(0));
}

/// 2,000 nested block mappings: the outline and selection-range answers stay within the 128
/// nesting levels that serde_json (our test client, and clients such as Helix) reads by default.
#[test]
fn deeply_nested_files_get_answers_json_readers_accept() {
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    let mut text = String::from("type: task\nenv:\n");
    for i in 0..2_000 {
        text.push_str(&" ".repeat(2 * i + 2));
        text.push_str(&format!("k{i}:\n"));
    }
    c.open(URI, 1, &text);
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    assert!(symbols["result"].is_array(), "{symbols}");
    let sel = c.request(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": URI}, "positions": [{"line": 60, "character": 121}]}),
    );
    assert!(sel["result"].is_array(), "{sel}");
    still_serving(&mut c);
    assert_eq!(c.shutdown(), Some(0));
}
