//! Live offers against the loopback mock server of `mock.rs` (127.0.0.1:0, plain or TLS, no other
//! network): request shapes for runs and fleets, plan parsing, https trust (`caFile`, untrusted
//! certificates, servers that skip close_notify), errors, timeouts, and that the token is never
//! logged or shown.

use std::sync::{Arc, Mutex};

use super::mock::{Answer, Mock, Mode};
use super::*;

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
    let port = mock.url.rsplit(':').next().unwrap_or("");
    assert!(
        req.contains(&format!("Host: 127.0.0.1:{port}\r\n")),
        "{req}"
    );
    assert!(req.contains(&format!("Authorization: Bearer {TOKEN}\r\n")));
    assert!(req.contains("X-API-VERSION: 0.22.5\r\n"));
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
    assert!(
        mock.request()
            .contains(&format!("Host: localhost:{port}\r\n"))
    );
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
fn ca_bundle_sources_and_errors() {
    let home = std::path::Path::new("/home/u");
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    let set = |p: &str| Overrides {
        ca_file: Some(p.to_string()),
        ..Overrides::default()
    };
    let both = env(&[
        ("REQUESTS_CA_BUNDLE", "/r.pem"),
        ("SSL_CERT_FILE", "/s.pem"),
    ]);
    let got = |o: &Overrides, e: &dyn Fn(&str) -> Option<String>| {
        ca_bundle(o, e, Some(home)).map(|(p, o)| format!("{} ({o})", p.display()))
    };
    assert_eq!(
        got(&set("~/certs/ca.pem"), &both).as_deref(),
        Some("/home/u/certs/ca.pem (dstack.live.caFile)")
    );
    assert_eq!(
        got(&Overrides::default(), &both).as_deref(),
        Some("/r.pem (REQUESTS_CA_BUNDLE)")
    );
    let ssl = env(&[("REQUESTS_CA_BUNDLE", ""), ("SSL_CERT_FILE", "/s.pem")]);
    assert_eq!(
        got(&set(" "), &ssl).as_deref(),
        Some("/s.pem (SSL_CERT_FILE)")
    );
    assert_eq!(got(&Overrides::default(), &env(&[])), None);

    let dir = std::env::temp_dir().join(format!("dstack-lsp-live-ca-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let missing = dir.join("missing.pem");
    let empty = dir.join("empty.pem");
    let _ = std::fs::write(&empty, "not a certificate\n");
    let broken = dir.join("broken.pem");
    let _ = std::fs::write(&broken, "-----BEGIN CERTIFICATE-----\nAAAA\n");
    let error = |p: &std::path::Path| tls_config(Some((p, "dstack.live.caFile"))).err();
    let shown: Vec<String> = [&missing, &empty, &broken]
        .into_iter()
        .map(|p| {
            error(p)
                .unwrap_or_default()
                .replace(&dir.display().to_string(), "DIR")
        })
        .collect();
    expect_test::expect![[r#"
        [
            "cannot read the CA bundle DIR/missing.pem (dstack.live.caFile): No such file or directory (os error 2)",
            "the CA bundle DIR/empty.pem (dstack.live.caFile) holds no certificates; it should contain PEM blocks starting with -----BEGIN CERTIFICATE-----",
            "the CA bundle DIR/broken.pem (dstack.live.caFile) is not valid PEM: a block has no `-----END CERTIFICATE-----` line",
        ]
    "#]]
    .assert_debug_eq(&shown);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn prepare_reads_the_config_file_and_the_ca_file() {
    let home = std::env::temp_dir().join(format!("dstack-lsp-live-home-{}", std::process::id()));
    let _ = std::fs::create_dir_all(home.join(".dstack"));
    let _ = std::fs::write(
        home.join(".dstack/config.yml"),
        "projects:\n- name: main\n  url: https://127.0.0.1:1/\n  token: file-token\n  default: true\n",
    );
    let no_env = |_: &str| None;
    let s = prepare(&Overrides::default(), no_env, Some(&home));
    assert_eq!(
        s.as_ref().map(|s| (s.url.as_str(), s.tls.is_some())),
        Ok(("https://127.0.0.1:1", true))
    );
    let bad = Overrides {
        ca_file: Some("~/nope.pem".into()),
        ..Overrides::default()
    };
    let err = prepare(&bad, no_env, Some(&home)).err().unwrap_or_default();
    assert!(err.contains("nope.pem (dstack.live.caFile)"), "{err}");
    // Plain http never reads the CA file.
    let http = Overrides {
        url: Some("http://127.0.0.1:3000".into()),
        ..bad
    };
    let s = prepare(&http, no_env, Some(&home));
    assert_eq!(s.map(|s| s.tls.is_none()), Ok(true));
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn server_resolution_order() {
    let file = "projects:\n- name: main\n  url: http://127.0.0.1:3000\n  token: file-token\n  default: true\n- name: other\n  url: http://10.0.0.2:3000/\n  token: other-token\n";
    let no_env = |_: &str| None;
    let r = resolve(&Overrides::default(), no_env, Some(file)).map(|s| (s.url, s.project, s.token));
    assert_eq!(
        r,
        Ok((
            "http://127.0.0.1:3000".into(),
            "main".into(),
            "file-token".into()
        ))
    );
    // DSTACK_PROJECT picks another entry; DSTACK_TOKEN alone overrides the token.
    let env = |k: &str| match k {
        "DSTACK_PROJECT" => Some("other".to_string()),
        "DSTACK_TOKEN" => Some("env-token".to_string()),
        _ => None,
    };
    let r = resolve(&Overrides::default(), env, Some(file)).map(|s| (s.url, s.project, s.token));
    assert_eq!(
        r,
        Ok((
            "http://10.0.0.2:3000".into(),
            "other".into(),
            "env-token".into()
        ))
    );
    // Settings beat everything.
    let o = Overrides {
        url: Some("http://localhost:9".into()),
        project: Some("p".into()),
        token: Some("t".into()),
        ca_file: None,
    };
    let r = resolve(&o, env, Some(file)).map(|s| (s.url, s.project, s.token));
    assert_eq!(r, Ok(("http://localhost:9".into(), "p".into(), "t".into())));
    assert!(resolve(&Overrides::default(), no_env, None).is_err());
}

#[test]
fn responses_and_urls() {
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n";
    assert_eq!(parse_response(chunked), Ok((200, b"{\"a\":1}".to_vec())));
    assert!(is_complete(chunked));
    assert!(!is_complete(&chunked[..chunked.len() - 7]));
    let short = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}";
    assert!(!is_complete(short));
    let moved = b"HTTP/1.1 308 Permanent Redirect\r\nlocation: https://d.example.com/\r\nContent-Length: 0\r\n\r\n";
    assert_eq!(redirect(moved).as_deref(), Some("https://d.example.com/"));
    assert!(parse_response(short).is_err());
    assert!(parse_response(b"garbage").is_err());
    let target = |https, host: &str, port, prefix: &str| Target {
        https,
        host: host.into(),
        port,
        prefix: prefix.into(),
    };
    assert_eq!(
        split_url("http://localhost:3000/prefix/"),
        Ok(target(false, "localhost", 3000, "/prefix"))
    );
    assert_eq!(split_url("http://h"), Ok(target(false, "h", 80, "")));
    let sky = split_url("https://sky.dstack.ai?x=1");
    assert_eq!(sky, Ok(target(true, "sky.dstack.ai", 443, "")));
    assert_eq!(
        sky.map(|t| t.host_header()),
        Ok("sky.dstack.ai".to_string())
    );
    let v6 = split_url("https://[::1]:8443/api-root");
    assert_eq!(v6, Ok(target(true, "::1", 8443, "/api-root")));
    assert_eq!(v6.map(|t| t.host_header()), Ok("[::1]:8443".to_string()));
    assert!(split_url("ftp://h").is_err());
    assert!(split_url("https://:443").is_err());
    assert!(split_url("https://h:99999").is_err());
}
