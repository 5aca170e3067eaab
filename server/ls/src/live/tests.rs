//! Live offers against a loopback mock server started inside each test (127.0.0.1:0, no other
//! network): request shape, plan parsing, errors, timeouts, and that the token is never logged.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

const TOKEN: &str = "tok-7f3a9c1e-secret";

pub const PLAN: &str = r#"{"project_name":"main","user":"admin","run_spec":{},"action":"create",
"job_plans":[{"job_spec":{},"total_offers":2,"max_price":1.2,"offers":[
{"backend":"aws","region":"us-east-1","price":1.006,"availability":"available","instance":{"name":"g5.xlarge","resources":{"cpus":4,"memory_mib":16384,"gpus":[{"name":"A10G","memory_mib":24576,"vendor":"nvidia"}],"spot":false,"disk":{"size_mib":102400}}}},
{"backend":"gcp","region":"us-central1","price":1.2,"availability":"unknown","instance":{"name":"n2-standard-8","resources":{"cpus":8,"memory_mib":32768,"gpus":[],"spot":true,"disk":{"size_mib":102400}}}}
]}]}"#;

/// Serves one connection: reads the request, answers `status` with `body` (`{auth}` in the body
/// is replaced by the request's Authorization header, like a server echoing it). Returns the URL
/// and a handle yielding the request text.
async fn serve_once(
    status: &'static str,
    body: &'static str,
    answer: bool,
) -> (String, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let handle = tokio::spawn(async move {
        let Ok((mut sock, _)) = listener.accept().await else {
            return String::new();
        };
        let mut req = Vec::new();
        let mut buf = [0u8; 4096];
        // Read the head, then as many body bytes as Content-Length says.
        loop {
            let n = sock.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            req.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&req).to_string();
            if let Some(i) = text.find("\r\n\r\n") {
                let len = text
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if req.len() >= i + 4 + len {
                    break;
                }
            }
        }
        let text = String::from_utf8_lossy(&req).to_string();
        if !answer {
            // Hold the connection open without answering until the client gives up.
            let _ = sock.read(&mut buf).await;
            return text;
        }
        let auth = text
            .lines()
            .find_map(|l| l.strip_prefix("Authorization: "))
            .unwrap_or("")
            .to_string();
        let body = body.replace("{auth}", &auth);
        let resp = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = sock.write_all(resp.as_bytes()).await;
        let _ = sock.shutdown().await;
        text
    });
    (format!("http://127.0.0.1:{port}"), handle)
}

fn server(url: &str) -> ServerConfig {
    ServerConfig {
        url: url.to_string(),
        project: "main".into(),
        token: TOKEN.into(),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn posts_the_plan_request_and_reads_offers() {
    rt().block_on(async {
        let (url, req) = serve_once("200 OK", PLAN, true).await;
        let body = plan_body(json!({"type": "task", "commands": ["x"]}), "a.dstack.yml");
        let got = get_plan(&server(&url), &body, TIMEOUT).await;
        let req = req.await.unwrap_or_default();
        assert!(
            req.starts_with("POST /api/project/main/runs/get_plan HTTP/1.1\r\n"),
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
        let rows: Vec<String> = got
            .offers
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
            .collect();
        expect_test::expect![[r#"
            [
                "aws g5.xlarge 1.006 false 1xA10G (24GB) 100",
                "gcp n2-standard-8 1.2 true - 100",
            ]
        "#]]
        .assert_debug_eq(&rows);
    });
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
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let result = tracing::subscriber::with_default(subscriber, || {
        rt().block_on(async {
            // The mock server echoes the Authorization header in its error.
            let (url, _req) = serve_once(
                "403 Forbidden",
                r#"{"detail": [{"msg": "bad credentials: {auth}", "code": "error"}]}"#,
                true,
            )
            .await;
            fetch(&server(&url), &plan_body(json!({}), "a.dstack.yml")).await
        })
    });
    let err = result.err().unwrap_or_default();
    let text =
        String::from_utf8_lossy(&logs.0.lock().map(|v| v.clone()).unwrap_or_default()).to_string();
    assert!(
        err.contains("403") && err.contains("bad credentials"),
        "{err}"
    );
    assert!(text.contains("403"), "the failure is logged: {text}");
    assert!(!err.contains(TOKEN), "{err}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!format!("{:?}", server("http://x")).contains(TOKEN));
}

#[test]
fn timeouts_and_unreachable_servers_are_errors() {
    rt().block_on(async {
        let (url, _req) = serve_once("200 OK", PLAN, false).await;
        let err = get_plan(&server(&url), &json!({}), Duration::from_millis(300)).await;
        assert!(err.err().unwrap_or_default().contains("did not answer"));
        // Port 1 on loopback: nothing listens there.
        let err = get_plan(&server("http://127.0.0.1:1"), &json!({}), TIMEOUT).await;
        assert!(err.err().unwrap_or_default().contains("cannot reach"));
        let err = get_plan(&server("https://sky.dstack.ai"), &json!({}), TIMEOUT).await;
        assert!(
            err.err()
                .unwrap_or_default()
                .contains("does not support yet")
        );
    });
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
    };
    let r = resolve(&o, env, Some(file)).map(|s| (s.url, s.project, s.token));
    assert_eq!(r, Ok(("http://localhost:9".into(), "p".into(), "t".into())));
    assert!(resolve(&Overrides::default(), no_env, None).is_err());
}

#[test]
fn responses_and_urls() {
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n";
    assert_eq!(parse_response(chunked), Ok((200, b"{\"a\":1}".to_vec())));
    assert!(parse_response(b"garbage").is_err());
    assert_eq!(
        split_url("http://localhost:3000/prefix/"),
        Ok(("localhost".into(), 3000, "/prefix".into()))
    );
    assert_eq!(split_url("http://h"), Ok(("h".into(), 80, String::new())));
    assert!(split_url("ftp://h").is_err());
    assert!(parse_plan(&json!({"job_plans": []})).is_err());
}
