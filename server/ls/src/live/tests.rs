//! Live offers against the loopback mock server of `mock.rs` (127.0.0.1:0, plain or TLS, no other
//! network): request shapes for runs and fleets, plan parsing, https trust (`caFile`, untrusted
//! certificates, servers that skip close_notify), errors, timeouts, and that the token is never
//! logged or shown.

use std::sync::{Arc, Mutex};

use super::config::{Proxies, tls_config};
use super::mock::{self, Answer, Mock, Mode};
use super::plan::{PlanKind, plan_request};
use super::*;
use dstack_ide::ConfigType;
use serde_json::json;

const TOKEN: &str = "tok-7f3a9c1e-secret";

pub const PLAN: &str = r#"{"project_name":"main","user":"admin","run_spec":{},"action":"create",
"job_plans":[{"job_spec":{},"total_offers":2,"max_price":1.2,"offers":[
{"backend":"aws","region":"us-east-1","price":1.006,"availability":"available","instance":{"name":"g5.xlarge","resources":{"cpus":4,"memory_mib":16384,"gpus":[{"name":"A10G","memory_mib":24576,"vendor":"nvidia"}],"spot":false,"disk":{"size_mib":102400}}}},
{"backend":"gcp","region":"us-central1","price":1.2,"availability":"unknown","instance":{"name":"n2-standard-8","resources":{"cpus":8,"memory_mib":32768,"gpus":[],"spot":true,"disk":{"size_mib":102400}}}}
]}]}"#;

/// A `FleetPlan` as dstack 0.22.5 sends it: offers at the top level.
const FLEET_PLAN: &str = r#"{"project_name":"main","user":"admin","spec":{},"effective_spec":{},"current_resource":null,
"offers":[{"backend":"lambda","region":"us-east-1","price":1.29,"availability":"available","instance":{"name":"gpu_1x_a100_sxm4","resources":{"cpus":30,"memory_mib":204800,"gpus":[{"name":"A100","memory_mib":40960,"vendor":"nvidia"}],"spot":false,"disk":{"size_mib":524288}}}}],
"total_offers":7,"max_offer_price":1.29,"action":"create"}"#;

fn server(url: &str) -> ServerConfig {
    ServerConfig {
        url: url.to_string(),
        project: "main".into(),
        token: TOKEN.into(),
        tls: None,
        proxy: Proxies::default(),
    }
}

/// A server config trusting the test CA, as `dstack.live.caFile` would.
fn trusting(url: &str) -> ServerConfig {
    let ca = mock::ca_file();
    ServerConfig {
        tls: Some(tls_config(Some((&ca, "dstack.live.caFile"))).unwrap_or_else(|e| panic!("{e}"))),
        ..server(url)
    }
}

fn run_request() -> PlanRequest {
    let configuration = json!({"type": "task", "commands": ["x"]});
    plan_request(ConfigType::Task, configuration, "a.dstack.yml").unwrap_or_else(|| panic!())
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn reply(status: &'static str, body: &str) -> impl Fn(&str) -> Answer + Send + Sync + 'static {
    let body = body.to_string();
    move |_: &str| Answer::Reply(status, body.clone())
}

fn rows(o: &LiveOffers) -> Vec<String> {
    o.offers
        .iter()
        .map(|o| {
            format!(
                "{} {} {} {} {} {}",
                o.backend,
                o.instance,
                o.price,
                o.spot,
                o.gpus_text(),
                o.disk_gib
            )
        })
        .collect()
}

#[test]
fn posts_the_plan_request_and_reads_offers() {
    let mock = Mock::start(Mode::Http, reply("200 OK", PLAN));
    let got = rt().block_on(get_plan(&server(&mock.url), &run_request(), TIMEOUT));
    let req = mock.request();
    assert!(
        req.starts_with("POST /api/project/main/runs/get_plan HTTP/1.1\r\n"),
        "{req}"
    );
    // Header names are matched without regard to case (hyper sends them in lowercase).
    let port = mock.url.rsplit(':').next().unwrap_or("");
    let host = format!("127.0.0.1:{port}");
    assert_eq!(mock::header(&req, "Host"), Some(host.as_str()), "{req}");
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(mock::header(&req, "Authorization"), Some(bearer.as_str()));
    assert_eq!(mock::header(&req, "X-API-VERSION"), Some("0.22.5"));
    assert_eq!(mock::header(&req, "Content-Type"), Some("application/json"));
    assert!(req.contains(r#""for_offers_only":true"#), "{req}");
    assert!(
        req.contains(r#""configuration":{"commands":["x"],"type":"task"}"#),
        "{req}"
    );
    let got = got.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.count, 2);
    expect_test::expect![[r#"
        [
            "aws g5.xlarge 1.006 false 1xA10G (24GB) 100",
            "gcp n2-standard-8 1.2 true - 100",
        ]
    "#]]
    .assert_debug_eq(&rows(&got));
}

#[test]
fn https_with_the_ca_file_trusted() {
    // Chunked, over TLS, to an IP address (the certificate names 127.0.0.1 in its SAN).
    let body = PLAN.to_string();
    let mock = Mock::start(Mode::Tls, move |_: &str| {
        Answer::Chunked("200 OK", body.clone())
    });
    assert!(mock.url.starts_with("https://127.0.0.1:"));
    let got = rt().block_on(get_plan(&trusting(&mock.url), &run_request(), TIMEOUT));
    assert_eq!(got.map(|o| o.count), Ok(2));
    let req = mock.request();
    assert!(req.starts_with("POST /api/project/main/runs/get_plan HTTP/1.1\r\n"));
    assert!(req.contains(r#""for_offers_only":true"#), "{req}");

    // The same server by DNS name (`localhost` is the certificate's other name).
    let url = mock.url.replace("127.0.0.1", "localhost");
    let got = rt().block_on(get_plan(&trusting(&url), &run_request(), TIMEOUT));
    assert_eq!(got.map(|o| o.count), Ok(2));
    let port = url.rsplit(':').next().unwrap_or("");
    let host = format!("localhost:{port}");
    assert_eq!(mock::header(&mock.request(), "Host"), Some(host.as_str()));
}

#[test]
fn an_untrusted_certificate_is_a_clear_error() {
    let mock = Mock::start(Mode::Tls, reply("200 OK", PLAN));
    // Mozilla's roots only: the test CA is unknown.
    let err = rt()
        .block_on(get_plan(&server(&mock.url), &run_request(), TIMEOUT))
        .err()
        .unwrap_or_default();
    assert!(!err.contains(TOKEN), "{err}");
    expect_test::expect![[r#"the certificate of URL is not trusted (UnknownIssuer); if the server uses a self-signed certificate or a private CA, set dstack.live.caFile to that CA's certificate (a PEM file)"#]]
    .assert_eq(&err.replace(&mock.url, "URL"));
}

#[test]
fn https_against_a_plain_http_server_says_so() {
    let mock = Mock::start(Mode::Http, reply("200 OK", PLAN));
    let url = mock.url.replace("http://", "https://");
    let err = rt()
        .block_on(get_plan(&server(&url), &run_request(), TIMEOUT))
        .err()
        .unwrap_or_default();
    expect_test::expect!["the TLS handshake with URL failed (received corrupt message of type InvalidContentType); if the server speaks plain HTTP, use an http:// URL"].assert_eq(&err.replace(&url, "URL"));
}

#[test]
fn redirects_are_reported_not_followed() {
    let mock = Mock::start(Mode::Http, |_: &str| {
        Answer::Raw("HTTP/1.1 301 Moved Permanently\r\nLocation: https://dstack.example.com/\r\nContent-Length: 0\r\n\r\n".to_string())
    });
    let err = rt()
        .block_on(get_plan(&server(&mock.url), &run_request(), TIMEOUT))
        .err()
        .unwrap_or_default();
    expect_test::expect!["URL redirects (301) to https://dstack.example.com/; use that address as the server URL (dstack.live.url, DSTACK_SERVER_URL or ~/.dstack/config.yml)"].assert_eq(&err.replace(&mock.url, "URL"));
}

#[test]
fn servers_that_skip_close_notify() {
    // Complete by Content-Length: accepted although the TLS stream then ends abruptly.
    let mock = Mock::start(Mode::TlsNoCloseNotify, reply("200 OK", PLAN));
    let got = rt().block_on(get_plan(&trusting(&mock.url), &run_request(), TIMEOUT));
    assert_eq!(got.map(|o| o.count), Ok(2));
    // Chunked: the same.
    let body = PLAN.to_string();
    let mock = Mock::start(Mode::TlsNoCloseNotify, move |_: &str| {
        Answer::Chunked("200 OK", body.clone())
    });
    let got = rt().block_on(get_plan(&trusting(&mock.url), &run_request(), TIMEOUT));
    assert_eq!(got.map(|o| o.count), Ok(2));
    // No framing: only a proper close ends the body, so an abrupt one may have cut it.
    let body = PLAN.to_string();
    let mock = Mock::start(Mode::TlsNoCloseNotify, move |_: &str| {
        Answer::Unframed("200 OK", body.clone())
    });
    let err = rt().block_on(get_plan(&trusting(&mock.url), &run_request(), TIMEOUT));
    assert!(
        err.err()
            .unwrap_or_default()
            .contains("closed before the answer was complete")
    );
    // ... and with close_notify it is fine.
    let body = PLAN.to_string();
    let mock = Mock::start(Mode::Tls, move |_: &str| {
        Answer::Unframed("200 OK", body.clone())
    });
    let got = rt().block_on(get_plan(&trusting(&mock.url), &run_request(), TIMEOUT));
    assert_eq!(got.map(|o| o.count), Ok(2));
}

#[test]
fn fleet_plans() {
    let nodes =
        json!({"type": "fleet", "name": "my-fleet", "nodes": 2, "resources": {"gpu": "A100"}});
    let request = plan_request(ConfigType::Fleet, nodes.clone(), "fleet.dstack.yml");
    let Some(request) = request else {
        panic!("a cloud fleet has a plan request")
    };
    assert_eq!(request.kind, PlanKind::Fleet);
    // The shape dstack 0.22.5's `GetFleetPlanRequest` validates (`profile` is required).
    assert_eq!(
        request.body,
        json!({"spec": {"configuration": nodes, "configuration_path": "fleet.dstack.yml", "profile": {"name": "default"}}})
    );
    let ssh = json!({"type": "fleet", "ssh_config": {"hosts": ["10.0.0.1"]}});
    assert_eq!(plan_request(ConfigType::Fleet, ssh, "f.dstack.yml"), None);
    assert_eq!(
        plan_request(
            ConfigType::Volume,
            json!({"type": "volume"}),
            "v.dstack.yml"
        ),
        None
    );
    let ssh_null = json!({"type": "fleet", "nodes": 1, "ssh_config": null});
    assert!(plan_request(ConfigType::Fleet, ssh_null, "f.dstack.yml").is_some());

    let mock = Mock::start(Mode::Tls, reply("200 OK", FLEET_PLAN));
    let got = rt().block_on(get_plan(&trusting(&mock.url), &request, TIMEOUT));
    let req = mock.request();
    assert!(
        req.starts_with("POST /api/project/main/fleets/get_plan HTTP/1.1\r\n"),
        "{req}"
    );
    assert!(req.contains(r#""profile":{"name":"default"}"#), "{req}");
    let got = got.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.count, 7);
    expect_test::expect![[r#"
        [
            "lambda gpu_1x_a100_sxm4 1.29 false 1xA100 (40GB) 512",
        ]
    "#]]
    .assert_debug_eq(&rows(&got));
    // A run plan is not a fleet plan and the other way round.
    assert!(parse_plan(PlanKind::Fleet, &json!({"job_plans": []})).is_err());
    assert!(
        parse_plan(
            PlanKind::Run,
            &serde_json::from_str(FLEET_PLAN).unwrap_or_default()
        )
        .is_err()
    );
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_request_never_logs_the_token() {
    // The mock server echoes the Authorization header in its error, over TLS.
    let mock = Mock::start(
        Mode::Tls,
        reply(
            "403 Forbidden",
            r#"{"detail": [{"msg": "bad credentials: {auth}", "code": "error"}]}"#,
        ),
    );
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let result = tracing::subscriber::with_default(subscriber, || {
        rt().block_on(fetch(&trusting(&mock.url), &run_request()))
    });
    assert!(mock.request().contains(TOKEN), "the token was sent");
    let err = result.err().unwrap_or_default();
    let text =
        String::from_utf8_lossy(&logs.0.lock().map(|v| v.clone()).unwrap_or_default()).to_string();
    assert!(
        err.contains("403") && err.contains("bad credentials: Bearer ***"),
        "{err}"
    );
    assert!(text.contains("403"), "the failure is logged: {text}");
    assert!(!err.contains(TOKEN), "{err}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!format!("{:?}", trusting("http://x")).contains(TOKEN));
}

#[test]
fn timeouts_and_unreachable_servers_are_errors() {
    let mock = Mock::start(Mode::Tls, |_: &str| Answer::Hold);
    let err = rt().block_on(get_plan(
        &trusting(&mock.url),
        &run_request(),
        Duration::from_millis(300),
    ));
    let err = err.err().unwrap_or_default();
    assert!(err.contains("did not answer within 0.3 s"), "{err}");
    assert!(!err.contains(TOKEN));
    // Port 1 on loopback: nothing listens there.
    let err = rt().block_on(get_plan(
        &server("https://127.0.0.1:1"),
        &run_request(),
        TIMEOUT,
    ));
    assert!(err.err().unwrap_or_default().contains("cannot reach"));
}

#[test]
fn a_runaway_answer_is_cut_at_the_size_cap() {
    for kind in [mock::Endless::Head, mock::Endless::Chunks] {
        let mock = Mock::start(Mode::Http, move |_: &str| Answer::Endless(kind));
        // A generous limit: the cap, not the clock, must end this.
        let got = rt().block_on(get_plan(
            &server(&mock.url),
            &run_request(),
            Duration::from_secs(600),
        ));
        let err = got.err().unwrap_or_default();
        assert!(err.contains("too large"), "{kind:?}: {err}");
    }
}

/// A server reached through the loopback proxy `proxy` by the variables `vars`.
fn through(server: ServerConfig, vars: &[(&str, &str)]) -> ServerConfig {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ServerConfig {
        proxy: Proxies::from_env(|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())),
        ..server
    }
}

#[test]
fn proxies_from_the_environment_are_used() {
    let proxy = mock::ForwardProxy::start();
    let rt = rt();
    // http:// through HTTP_PROXY: an absolute-form request to the proxy.
    let mock = Mock::start(Mode::Http, reply("200 OK", PLAN));
    let server = through(server(&mock.url), &[("HTTP_PROXY", &proxy.url)]);
    let got = rt.block_on(get_plan(&server, &run_request(), TIMEOUT));
    assert_eq!(got.map(|o| o.count), Ok(2));
    let path = "/api/project/main/runs/get_plan";
    assert_eq!(proxy.seen(), [format!("POST {}{path} HTTP/1.1", mock.url)]);
    assert!(mock.request().contains(&format!("Bearer {TOKEN}")));
    // https:// through https_proxy (lowercase wins over an unusable uppercase one): a CONNECT
    // tunnel, TLS end to end with the server.
    let mock = Mock::start(Mode::Tls, reply("200 OK", PLAN));
    let vars = [
        ("https_proxy", proxy.url.as_str()),
        ("HTTPS_PROXY", "http://127.0.0.1:1"),
    ];
    let got = rt.block_on(get_plan(
        &through(trusting(&mock.url), &vars),
        &run_request(),
        TIMEOUT,
    ));
    assert_eq!(got.map(|o| o.count), Ok(2));
    let authority = mock.url.trim_start_matches("https://");
    assert_eq!(proxy.seen(), [format!("CONNECT {authority} HTTP/1.1")]);
    // ALL_PROXY when the scheme's own variable is unset.
    let got = rt.block_on(get_plan(
        &through(trusting(&mock.url), &[("ALL_PROXY", &proxy.url)]),
        &run_request(),
        TIMEOUT,
    ));
    assert_eq!(got.map(|o| o.count), Ok(2));
    assert_eq!(proxy.seen().len(), 1);
    // The other scheme's variable does not apply.
    let got = rt.block_on(get_plan(
        &through(trusting(&mock.url), &[("HTTP_PROXY", &proxy.url)]),
        &run_request(),
        TIMEOUT,
    ));
    assert_eq!(got.map(|o| o.count), Ok(2));
    assert_eq!(proxy.seen(), Vec::<String>::new());
}

#[test]
fn no_proxy_hosts_are_reached_directly() {
    let proxy = mock::ForwardProxy::start();
    let rt = rt();
    type Config = fn(&str) -> ServerConfig;
    let cases: [(Mode, &str, Config); 2] = [
        (Mode::Http, "HTTP_PROXY", server),
        (Mode::Tls, "HTTPS_PROXY", trusting),
    ];
    for no_proxy in [
        ("NO_PROXY", "127.0.0.1"),
        ("no_proxy", "example.com, 127.0.0.0/8"),
    ] {
        for (mode, var, config) in cases {
            let mock = Mock::start(mode, reply("200 OK", PLAN));
            let vars = [(var, proxy.url.as_str()), no_proxy];
            let config = through(config(&mock.url), &vars);
            let got = rt.block_on(get_plan(&config, &run_request(), TIMEOUT));
            assert_eq!(got.map(|o| o.count), Ok(2), "{no_proxy:?} {var}");
        }
    }
    assert_eq!(proxy.seen(), Vec::<String>::new());
    // A proxy that cannot be reached is named in the warning, and the token is not.
    let mock = Mock::start(Mode::Http, reply("200 OK", PLAN));
    let server = through(server(&mock.url), &[("http_proxy", "http://127.0.0.1:1")]);
    let err = rt
        .block_on(get_plan(&server, &run_request(), TIMEOUT))
        .err()
        .unwrap_or_default();
    assert!(
        err.contains("cannot reach") && err.contains("http_proxy"),
        "{err}"
    );
    assert!(!err.contains(TOKEN), "{err}");
}

#[test]
fn url_prefixes_queries_and_credentials() {
    let mock = Mock::start(Mode::Http, reply("200 OK", PLAN));
    let url = mock.url.replace("http://", "http://user:pw@") + "/prefix/?x=1#f";
    let got = rt().block_on(get_plan(&server(&url), &run_request(), TIMEOUT));
    assert_eq!(got.map(|o| o.count), Ok(2));
    let req = mock.request();
    assert!(
        req.starts_with("POST /prefix/api/project/main/runs/get_plan HTTP/1.1\r\n"),
        "{req}"
    );
    let host = mock.url.trim_start_matches("http://");
    assert_eq!(mock::header(&req, "Host"), Some(host));
    assert_eq!(
        mock::header(&req, "Authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    // A chunked answer is joined.
    let body = PLAN.to_string();
    let mock = Mock::start(Mode::Http, move |_: &str| {
        Answer::Chunked("200 OK", body.clone())
    });
    let got = rt().block_on(get_plan(&server(&mock.url), &run_request(), TIMEOUT));
    assert_eq!(got.map(|o| o.count), Ok(2));
}
