//! End-to-end tests of the language features over JSON-RPC: completion, hover, go to
//! definition, symbols and code actions, with positions in both encodings.

mod common;

use common::Client;
use serde_json::{Value, json};

fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn labels(resp: &Value) -> Vec<String> {
    let items = resp["result"]["items"]
        .as_array()
        .or_else(|| resp["result"].as_array());
    items
        .map(|a| {
            a.iter()
                .filter_map(|i| i["label"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn completion_offers_keys_and_values() {
    let uri = "file:///w/c.dstack.yml";
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    c.open(uri, 1, "type: task\nresources:\n  \nspot_policy: \n");
    let keys = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(2, 2)}),
    );
    let keys = labels(&keys);
    for k in ["gpu", "cpu", "memory", "disk"] {
        assert!(keys.iter().any(|l| l == k), "{k} missing from {keys:?}");
    }
    let values = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(3, 13)}),
    );
    let values = labels(&values);
    for v in ["spot", "on-demand", "auto"] {
        assert!(values.iter().any(|l| l == v), "{v} missing from {values:?}");
    }
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn completion_text_edit_range_in_each_encoding() {
    let uri = "file:///w/u.dstack.yml";
    for enc in ["utf-8", "utf-16"] {
        let mut c = Client::spawn();
        c.initialize(&[enc]);
        // `# 日本` before the key: the replace range of `spo` starts after it.
        c.open(uri, 1, "type: task\n#日本\nspo\n");
        let resp = c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": pos(2, 3)}),
        );
        let items = resp["result"]["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let item = items
            .iter()
            .find(|i| i["label"] == json!("spot_policy"))
            .unwrap_or_else(|| panic!("{enc}: no spot_policy in {resp}"));
        let edit = &item["textEdit"]["range"];
        assert_eq!(edit["start"], pos(2, 0), "{enc}: {edit}");
        assert_eq!(edit["end"], pos(2, 3), "{enc}: {edit}");
        assert_eq!(c.shutdown(), Some(0));
    }
}

#[test]
fn hover_on_key_and_on_gpu_value() {
    let uri = "file:///w/h.dstack.yml";
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    c.open(
        uri,
        1,
        "type: task\ncommands: [nvidia-smi]\nresources:\n  gpu: A100:80GB:2\n",
    );
    let key = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(2, 3)}),
    );
    let md = key["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(md.contains("resources"), "{key}");
    let value = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(3, 9)}),
    );
    let md = value["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(md.contains("A100") && md.contains("80"), "{value}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn go_to_definition_finds_the_volume_in_the_workspace() {
    let dir = std::env::temp_dir().join(format!("dstack-lsp-goto-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("volumes")).expect("mkdir");
    let vol = dir.join("volumes/data.dstack.yml");
    std::fs::write(
        &vol,
        "type: volume\nname: my-vol\nbackend: aws\nregion: us-east-1\nsize: 100GB\n",
    )
    .expect("write");
    let task = dir.join(".dstack.yml");
    let text = "type: task\ncommands: [ls /data]\nvolumes:\n  - my-vol:/data\n";
    std::fs::write(&task, text).expect("write");
    let root = format!("file://{}", dir.display());
    let task_uri = format!("file://{}", task.display());

    let mut c = Client::spawn();
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {}, "workspaceFolders": [{"uri": root, "name": "w"}]}),
    );
    assert!(init.get("error").is_none(), "{init}");
    c.notify("initialized", json!({}));
    c.index_built();
    c.open(&task_uri, 1, text);
    let resp = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": task_uri}, "position": pos(3, 6)}),
    );
    let result = &resp["result"];
    let loc = if result.is_array() {
        result[0].clone()
    } else {
        result.clone()
    };
    assert_eq!(
        loc["uri"],
        json!(format!("file://{}", vol.display())),
        "{resp}"
    );
    assert_eq!(loc["range"]["start"]["line"], json!(1), "{resp}");
    assert_eq!(c.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn document_symbols_and_folding() {
    let uri = "file:///w/s.dstack.yml";
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    c.open(
        uri,
        1,
        "type: task\ncommands:\n  - a\n  - b\nresources:\n  gpu: 24GB\n",
    );
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = syms["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(
        names.contains(&"commands") && names.contains(&"resources"),
        "{syms}"
    );
    let folds = c.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(
        folds["result"].as_array().is_some_and(|a| !a.is_empty()),
        "{folds}"
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn diagnostics_and_quick_fix_for_a_misspelt_key() {
    let uri = "file:///w/q.dstack.yml";
    let mut c = Client::spawn();
    c.initialize(&["utf-16"]);
    c.open(
        uri,
        1,
        "type: task\ncommands: [x]\nresorces:\n  gpu: 24GB\n",
    );
    let diags = c.diagnostics(uri, Some(1));
    let d = diags
        .iter()
        .find(|d| d["range"]["start"]["line"] == json!(2))
        .unwrap_or_else(|| panic!("no diagnostic on the misspelt key: {diags:#?}"))
        .clone();
    assert_eq!(d["severity"], json!(1), "{d}");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let titles: Vec<&str> = actions["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(titles.iter().any(|t| t.contains("resources")), "{actions}");
    assert_eq!(c.shutdown(), Some(0));
}

/// `(file name, line, character)` of each location, sorted.
fn places(resp: &Value, dir: &std::path::Path) -> Vec<(String, u64, u64)> {
    let prefix = format!("file://{}/", dir.display());
    let mut out: Vec<(String, u64, u64)> = resp["result"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            let uri = l["uri"].as_str().unwrap_or_default();
            let start = &l["range"]["start"];
            (
                uri.strip_prefix(&prefix).unwrap_or(uri).to_string(),
                start["line"].as_u64().unwrap_or(999),
                start["character"].as_u64().unwrap_or(999),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn references_list_the_definition_and_every_use_in_the_workspace() {
    let dir = std::env::temp_dir().join(format!("dstack-lsp-refs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write");
    write(
        "vol.dstack.yml",
        "type: volume\nname: my-vol\nbackend: aws\nregion: us-east-1\nsize: 100GB\n",
    );
    write(
        "train.dstack.yml",
        "type: task\ncommands: [ls]\nvolumes:\n  - my-vol:/data\n  - name: [other, my-vol]\n    path: /b\n",
    );
    write(
        "other.dstack.yml",
        "type: task\ncommands: [ls]\nvolumes: [other:/o]\n",
    );
    // On disk it uses `my-vol`; the open, unsaved text uses it elsewhere: the open text wins.
    write(
        "dev.dstack.yml",
        "type: dev-environment\nide: vscode\nvolumes: [my-vol:/d]\n",
    );
    let dev_text = "type: dev-environment\nide: vscode\nvolumes:\n  - /h:/h\n  - my-vol:/d\n";
    let root = format!("file://{}", dir.display());
    let dev = format!("{root}/dev.dstack.yml");
    let vol = format!("{root}/vol.dstack.yml");

    let mut c = Client::spawn();
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {}, "workspaceFolders": [{"uri": root, "name": "w"}]}),
    );
    assert_eq!(
        init["result"]["capabilities"]["referencesProvider"],
        json!(true)
    );
    c.notify("initialized", json!({}));
    c.index_built();
    c.open(&dev, 1, dev_text);
    let with_definition = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": dev}, "position": pos(4, 6), "context": {"includeDeclaration": true}}),
    );
    let expected = |d: bool| {
        let mut v = vec![
            ("dev.dstack.yml".to_string(), 4, 4),
            ("train.dstack.yml".to_string(), 3, 4),
            ("train.dstack.yml".to_string(), 4, 18),
        ];
        if d {
            v.push(("vol.dstack.yml".to_string(), 1, 6));
        }
        v.sort();
        v
    };
    assert_eq!(
        places(&with_definition, &dir),
        expected(true),
        "{with_definition}"
    );
    // From the definition's own name, without the declaration.
    c.open(
        &vol,
        1,
        &std::fs::read_to_string(dir.join("vol.dstack.yml")).expect("read"),
    );
    let uses = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": vol}, "position": pos(1, 8), "context": {"includeDeclaration": false}}),
    );
    assert_eq!(places(&uses, &dir), expected(false), "{uses}");
    // Nothing named under the cursor: no answer.
    let none = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": dev}, "position": pos(1, 6), "context": {"includeDeclaration": true}}),
    );
    assert_eq!(none["result"], Value::Null, "{none}");
    assert_eq!(c.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
