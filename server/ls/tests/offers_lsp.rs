//! Offer previews over JSON-RPC: the code lens, the offers section of a hover on `gpu`, the
//! `dstack.offers` command (argument forms, errors, catalog setting), and live offers from a
//! loopback mock dstack server started by the test (plain HTTP, and https trusted through
//! `dstack.live.caFile`), for runs and cloud fleets.

mod common;
#[path = "../src/live/mock.rs"]
mod mock;

use std::path::PathBuf;

use common::Client;
use mock::{Answer, Mock, Mode};
use serde_json::{Value, json};

const DOC: &str = "type: task\ncommands: [python train.py]\nresources:\n  gpu: A100:80GB:2\n";
const URI: &str = "file:///w/train.dstack.yml";
const TOKEN: &str = "tok-5b2e81d0-secret";

fn home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dstack-lsp-olsp-{name}-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// A server in a scratch HOME, initialised with `options` and code lens refresh support.
const PROXY_VARS: [&str; 8] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

fn start(name: &str, env: &[(&str, &str)], options: Value) -> Client {
    let home = home(name);
    let home = home.to_string_lossy().to_string();
    let mut all = vec![("HOME", home.as_str())];
    // A proxy set where the tests run must not take the loopback requests (empty means unset;
    // an empty lowercase variable would also hide the uppercase one a test sets).
    for var in PROXY_VARS {
        if !env.iter().any(|(k, _)| k.eq_ignore_ascii_case(var)) {
            all.push((var, ""));
        }
    }
    all.extend_from_slice(env);
    let mut c = Client::spawn_with_env(&all);
    let resp = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": null,
            "initializationOptions": options,
            "capabilities": {"workspace": {"codeLens": {"refreshSupport": true}}},
        }),
    );
    assert!(resp.get("error").is_none(), "{resp}");
    c.notify("initialized", json!({}));
    c
}

fn offers(c: &mut Client, args: Value) -> Value {
    c.request(
        "workspace/executeCommand",
        json!({"command": "dstack.offers", "arguments": args}),
    )
}

fn wait_refresh(c: &mut Client) {
    c.wait_for(|m| m["method"] == "workspace/codeLens/refresh");
}

#[test]
fn lens_hover_and_command_with_the_embedded_catalog() {
    let mut c = start("embedded", &[], json!({}));
    c.open(URI, 1, DOC);
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    let lens = &lenses["result"][0];
    assert_eq!(
        lens["range"]["start"],
        json!({"line": 2, "character": 0}),
        "{lenses}"
    );
    assert_eq!(lens["command"]["command"], "dstack.offers");
    assert_eq!(lens["command"]["arguments"], json!([URI]));
    let title = lens["command"]["title"].as_str().unwrap_or("");
    assert!(title.ends_with(" offers · from $3.28/h"), "{title}");

    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 3, "character": 3}}),
    );
    let md = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(md.contains("**`resources.gpu`**"), "{md}");
    assert!(
        md.contains("**Offers**") && md.contains("| provider | region |"),
        "{md}"
    );
    assert!(md.contains("2×A100 (80 GB)"), "{md}");

    let by_list = offers(&mut c, json!([URI]));
    let by_object = offers(&mut c, json!([{"uri": URI}]));
    let r = &by_list["result"];
    assert_eq!(r["source"], "embedded");
    assert_eq!(by_object["result"], by_list["result"]);
    let count = r["count"].as_u64().unwrap_or(0);
    let rows = r["offers"].as_array().cloned().unwrap_or_default();
    assert!(count > 0 && rows.len() as u64 == count, "{r}");
    assert!(title.starts_with(&count.to_string()));
    assert!(
        rows.iter()
            .all(|o| o["gpu_count"] == 2 && o["gpu_name"] == "A100")
    );
    let prices: Vec<f64> = rows.iter().filter_map(|o| o["price"].as_f64()).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]));

    // A configuration dstack rejects: an error with its reason, and a lens saying so.
    c.open(
        "file:///w/bad.dstack.yml",
        1,
        "type: task\nresources:\n  gpu: A100\n",
    );
    let bad = offers(&mut c, json!(["file:///w/bad.dstack.yml"]));
    let msg = bad["error"]["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("dstack would reject") && msg.contains("commands"),
        "{bad}"
    );
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": "file:///w/bad.dstack.yml"}}),
    );
    assert_eq!(
        lenses["result"][0]["command"]["title"],
        "No offers: dstack would reject this configuration"
    );
    assert!(offers(&mut c, json!(["file:///w/not-open.dstack.yml"]))["error"].is_object());
    assert!(offers(&mut c, json!([]))["error"].is_object());

    // Turning previews off removes the lens and the hover section.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"dstack": {"offers": {"enabled": false}}}}),
    );
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    assert!(lenses["result"].is_null(), "{lenses}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn catalog_setting_loads_and_bad_paths_warn() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/offers/catalog");
    let mut c = start(
        "catalog",
        &[],
        json!({"dstack": {"catalog": {"path": fixture.to_string_lossy()}}}),
    );
    c.open(URI, 1, DOC);
    wait_refresh(&mut c);
    let r = offers(&mut c, json!([URI]));
    assert_eq!(r["result"]["source"], "catalog", "{r}");
    // dstack's answer over this fixture (tests/offers/expected.jsonl, spec 03).
    assert_eq!(r["result"]["count"], 3, "{r}");

    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"dstack": {"catalog": {"path": "/nonexistent/catalog"}}}}),
    );
    let warning = c.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(warning["params"]["type"], 2, "{warning}");
    let text = warning["params"]["message"].as_str().unwrap_or("");
    assert!(
        text.contains("/nonexistent/catalog") && text.contains("built-in"),
        "{text}"
    );
    // The catalog that was loaded keeps answering.
    let r = offers(&mut c, json!([URI]));
    assert_eq!(r["result"]["count"], 3, "{r}");
    assert_eq!(c.shutdown(), Some(0));
}

/// A mock dstack server answering plan requests to `endpoint` (e.g. `runs/get_plan`) of project
/// `main` with `status` and `body`, anything else with `{}`.
fn mock_server(mode: Mode, endpoint: &'static str, status: &'static str, body: &str) -> Mock {
    let body = body.to_string();
    Mock::start(mode, move |req: &str| {
        let ok = req.starts_with(&format!("POST /api/project/main/{endpoint} "))
            && (endpoint != "runs/get_plan" || req.contains(r#""for_offers_only":true"#));
        Answer::Reply(status, if ok { body.clone() } else { "{}".to_string() })
    })
}

/// A server with live mode on, pointed at `url` by DSTACK_SERVER_URL / PROJECT / TOKEN.
fn start_live(name: &str, url: &str) -> Client {
    let env = [
        ("DSTACK_SERVER_URL", url),
        ("DSTACK_PROJECT", "main"),
        ("DSTACK_TOKEN", TOKEN),
    ];
    start(name, &env, json!({"dstack": {"live": {"enabled": true}}}))
}

fn lens_title(c: &mut Client, uri: &str) -> Value {
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    lenses["result"][0]["command"]["title"].clone()
}

const PLAN: &str = r#"{"project_name":"main","user":"admin","run_spec":{},"action":"create","job_plans":[{"job_spec":{},"total_offers":1,"offers":[{"backend":"aws","region":"us-east-1","price":2.5,"instance":{"name":"p4d.24xlarge","resources":{"cpus":96,"memory_mib":1179648,"gpus":[{"name":"A100","memory_mib":81920,"vendor":"nvidia"},{"name":"A100","memory_mib":81920,"vendor":"nvidia"}],"spot":false,"disk":{"size_mib":102400}}}}]}]}"#;

#[test]
fn live_offers_from_a_loopback_server() {
    let server = mock_server(Mode::Http, "runs/get_plan", "200 OK", PLAN);
    let mut c = start_live("live", &server.url);
    c.open(URI, 1, DOC);
    wait_refresh(&mut c);
    let r = offers(&mut c, json!([URI]));
    assert_eq!(r["result"]["source"], "live", "{r}");
    assert_eq!(r["result"]["count"], 1);
    assert_eq!(r["result"]["offers"][0]["instance"], "p4d.24xlarge");
    assert_eq!(r["result"]["offers"][0]["gpu_memory_gib"], 80.0);
    assert_eq!(lens_title(&mut c, URI), "1 offer · $2.50/h (live)");
    // The hover shows the server's offers instead of the catalog's.
    expect_test::expect![[r#"
        **Offers**: 1 offer, $2.50/h (dstack server, live)

        | provider | region | instance | GPUs | $/h | spot |
        |---|---|---|---|--:|---|
        | aws | us-east-1 | p4d.24xlarge | 2×A100 (80 GB) | $2.50 | no |"#]]
    .assert_eq(&offers_section(&hover(&mut c, URI, 3, 3)));
    assert_eq!(c.shutdown(), Some(0));
}

/// The hover text at a position.
fn hover(c: &mut Client, uri: &str, line: u32, character: u32) -> String {
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    );
    r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The part of a hover from its `**Offers**` section on.
fn offers_section(md: &str) -> String {
    md.find("**Offers**").map_or_else(
        || format!("no offers section in: {md}"),
        |i| md[i..].to_string(),
    )
}

#[test]
fn live_failures_are_messages_without_the_token() {
    let server = mock_server(
        Mode::Http,
        "runs/get_plan",
        "403 Forbidden",
        r#"{"detail":[{"msg":"token rejected: {auth}","code":"error"}]}"#,
    );
    let mut c = start_live("live-403", &server.url);
    c.open(URI, 1, DOC);
    let shown = c.wait_for(|m| m["method"] == "window/showMessage");
    let text = shown["params"]["message"].as_str().unwrap_or("");
    assert!(
        text.contains("403") && text.contains("token rejected"),
        "{text}"
    );
    assert!(!text.contains(TOKEN), "{text}");
    // The catalog still answers.
    let r = offers(&mut c, json!([URI]));
    assert_eq!(r["result"]["source"], "embedded", "{r}");
    assert_eq!(c.shutdown(), Some(0));
}

const FLEET: &str = "type: fleet\nname: train-fleet\nnodes: 2\nresources:\n  gpu: A100:80GB:2\n";
const FLEET_URI: &str = "file:///w/fleet.dstack.yml";
const FLEET_PLAN: &str = r#"{"project_name":"main","user":"admin","spec":{},"offers":[{"backend":"gcp","region":"us-central1","price":7.35,"instance":{"name":"a2-ultragpu-2g","resources":{"cpus":24,"memory_mib":348160,"gpus":[{"name":"A100","memory_mib":81920,"vendor":"nvidia"},{"name":"A100","memory_mib":81920,"vendor":"nvidia"}],"spot":false,"disk":{"size_mib":102400}}}}],"total_offers":3,"max_offer_price":9.1,"action":"create"}"#;

#[test]
fn live_offers_over_https_with_the_ca_file_setting() {
    let server = mock_server(Mode::TlsNoCloseNotify, "runs/get_plan", "200 OK", PLAN);
    let env = [
        ("DSTACK_PROJECT", "main"),
        ("DSTACK_TOKEN", TOKEN),
        // Would win over the setting if read: it must not be.
        ("SSL_CERT_FILE", "/nonexistent/bundle.pem"),
    ];
    let ca = mock::ca_file().to_string_lossy().to_string();
    let options = json!({"dstack": {"live": {"enabled": true, "url": server.url, "caFile": ca}}});
    let mut c = start("live-tls", &env, options);
    c.open(URI, 1, DOC);
    wait_refresh(&mut c);
    assert_eq!(lens_title(&mut c, URI), "1 offer · $2.50/h (live)");
    let bearer = format!("Bearer {TOKEN}");
    let request = server.request();
    assert_eq!(
        mock::header(&request, "Authorization"),
        Some(bearer.as_str())
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn untrusted_https_warns_until_the_ca_file_is_set() {
    let server = mock_server(Mode::Tls, "runs/get_plan", "200 OK", PLAN);
    let mut c = start_live("live-untrusted", &server.url);
    c.open(URI, 1, DOC);
    let shown = c.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 2, "{shown}");
    let text = shown["params"]["message"].as_str().unwrap_or("");
    assert!(
        text.starts_with(&format!(
            "dstack live offers: the certificate of {} is not trusted",
            server.url
        )) && text.contains("dstack.live.caFile"),
        "{text}"
    );
    assert!(!text.contains(TOKEN), "{text}");
    let r = offers(&mut c, json!([URI]));
    assert_eq!(r["result"]["source"], "embedded", "{r}");
    wait_refresh(&mut c);

    // A CA file that cannot be read: its own warning. Each change refreshes the lenses once at
    // once and once when the new answer is in.
    let set_ca = |c: &mut Client, path: &str| {
        c.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"dstack": {"live": {"caFile": path}}}}),
        )
    };
    set_ca(&mut c, "/nonexistent/ca.pem");
    let shown = c.wait_for(|m| {
        m["method"] == "window/showMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|t| t.contains("CA bundle"))
    });
    assert_eq!(
        shown["params"]["message"],
        "dstack live offers: cannot read the CA bundle /nonexistent/ca.pem (dstack.live.caFile): No such file or directory (os error 2)"
    );
    wait_refresh(&mut c);
    wait_refresh(&mut c);
    // The right one: live offers replace the catalog's.
    set_ca(&mut c, &mock::ca_file().to_string_lossy());
    wait_refresh(&mut c);
    wait_refresh(&mut c);
    assert_eq!(lens_title(&mut c, URI), "1 offer · $2.50/h (live)");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn live_offers_for_a_cloud_fleet() {
    let server = mock_server(Mode::Http, "fleets/get_plan", "200 OK", FLEET_PLAN);
    let mut c = start_live("live-fleet", &server.url);
    c.open(FLEET_URI, 1, FLEET);
    wait_refresh(&mut c);
    let request = server.request();
    let body: Value = request
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or_default();
    assert_eq!(
        body,
        json!({"spec": {
            "configuration": {"type": "fleet", "name": "train-fleet", "nodes": 2, "resources": {"gpu": "A100:80GB:2"}},
            "configuration_path": "fleet.dstack.yml",
            "profile": {"name": "default"},
        }}),
        "{request}"
    );
    assert_eq!(
        lens_title(&mut c, FLEET_URI),
        "3 offers · from $7.35/h (live)"
    );
    let r = offers(&mut c, json!([FLEET_URI]));
    assert_eq!(r["result"]["source"], "live", "{r}");
    assert_eq!(r["result"]["offers"][0]["instance"], "a2-ultragpu-2g");
    // One of three offers listed: only the lowest price is known.
    expect_test::expect![[r#"
        **Offers**: 3 offers, from $7.35/h (dstack server, live)

        | provider | region | instance | GPUs | $/h | spot |
        |---|---|---|---|--:|---|
        | gcp | us-central1 | a2-ultragpu-2g | 2×A100 (80 GB) | $7.35 | no |

        …and 2 more (run **dstack: Show matching offers** or `dstack-lsp offers FILE`)"#]]
    .assert_eq(&offers_section(&hover(&mut c, FLEET_URI, 3, 3)));
    assert_eq!(c.shutdown(), Some(0));
}

/// The lens title a fresh server with `env` and `options` shows for `DOC`.
fn live_lens(name: &str, env: &[(&str, &str)], options: Value) -> Value {
    let mut c = start(name, env, options);
    c.open(URI, 1, DOC);
    wait_refresh(&mut c);
    let title = lens_title(&mut c, URI);
    assert_eq!(c.shutdown(), Some(0));
    title
}

#[test]
fn live_offers_through_the_proxy_of_the_environment() {
    let proxy = mock::ForwardProxy::start();
    let ca = mock::ca_file().to_string_lossy().to_string();
    let live = json!({"dstack": {"live": {"enabled": true}}});
    let title = "1 offer · $2.50/h (live)";
    // https:// through HTTPS_PROXY (a CONNECT tunnel, TLS with the server end to end).
    let server = mock_server(Mode::Tls, "runs/get_plan", "200 OK", PLAN);
    let env = [
        ("DSTACK_PROJECT", "main"),
        ("DSTACK_TOKEN", TOKEN),
        ("HTTPS_PROXY", proxy.url.as_str()),
    ];
    let options = json!({"dstack": {"live": {"enabled": true, "url": server.url, "caFile": ca}}});
    assert_eq!(live_lens("live-proxy-https", &env, options), title);
    let authority = server.url.trim_start_matches("https://");
    assert_eq!(proxy.seen(), [format!("CONNECT {authority} HTTP/1.1")]);

    // http:// through http_proxy.
    let server = mock_server(Mode::Http, "runs/get_plan", "200 OK", PLAN);
    let direct = [
        ("DSTACK_SERVER_URL", server.url.as_str()),
        ("DSTACK_PROJECT", "main"),
        ("DSTACK_TOKEN", TOKEN),
    ];
    let mut env = direct.to_vec();
    env.push(("http_proxy", proxy.url.as_str()));
    assert_eq!(live_lens("live-proxy-http", &env, live.clone()), title);
    let line = format!(
        "POST {}/api/project/main/runs/get_plan HTTP/1.1",
        server.url
    );
    assert_eq!(proxy.seen(), [line]);

    // NO_PROXY: the same server reached directly.
    let mut env = direct.to_vec();
    env.push(("HTTP_PROXY", proxy.url.as_str()));
    env.push(("NO_PROXY", "localhost,127.0.0.1"));
    assert_eq!(live_lens("live-no-proxy", &env, live), title);
    assert_eq!(proxy.seen(), Vec::<String>::new());
}
