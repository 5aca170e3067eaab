//! A mock dstack server on 127.0.0.1:0 for the live-offer tests, plain HTTP or TLS with the
//! fixture certificate of `tests/fixtures/tls/` (see `gen.sh` there). Used by the unit tests of
//! `live` and, included by path, by `tests/offers_lsp.rs`, so both read requests the same way.
//! Also a loopback forward proxy ([`ForwardProxy`]) for the proxy tests.
#![allow(dead_code)] // Each includer uses a different part.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

const CERT_PEM: &[u8] = include_bytes!("../../tests/fixtures/tls/server.pem");
const KEY_PEM: &[u8] = include_bytes!("../../tests/fixtures/tls/server.key");

/// The test CA that signed the server certificate (for `dstack.live.caFile`).
pub fn ca_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls/ca.pem")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Http,
    /// TLS, closed with close_notify.
    Tls,
    /// TLS, closed by dropping the TCP connection (as many proxies do).
    TlsNoCloseNotify,
}

/// How to answer one request.
pub enum Answer {
    /// Status (e.g. `"200 OK"`) and a body sent with Content-Length.
    Reply(&'static str, String),
    /// The same, chunked.
    Chunked(&'static str, String),
    /// No Content-Length: the end of the body is the end of the connection.
    Unframed(&'static str, String),
    /// These exact bytes (head and body).
    Raw(String),
    /// Read the request and never answer.
    Hold,
    /// A runaway endpoint: sends for as long as the client reads.
    Endless(Endless),
}

/// What a runaway endpoint streams.
#[derive(Clone, Copy, Debug)]
pub enum Endless {
    /// Header lines, never the blank line that ends the head.
    Head,
    /// 4 KiB chunks, never the last one.
    Chunks,
}

/// A running mock; dropping it stops the server.
pub struct Mock {
    pub url: String,
    requests: mpsc::Receiver<String>,
    _served: Served,
}

impl Mock {
    /// Serves every connection with `respond(request text)` until dropped.
    pub fn start(mode: Mode, respond: impl Fn(&str) -> Answer + Send + Sync + 'static) -> Mock {
        let scheme = if mode == Mode::Http { "http" } else { "https" };
        let (tx, requests) = mpsc::channel();
        let respond = Arc::new(respond);
        let acceptor = tokio_rustls::TlsAcceptor::from(server_tls());
        let (port, served) = Served::start(move |tcp| {
            let (tx, respond, acceptor) = (tx.clone(), respond.clone(), acceptor.clone());
            async move {
                if mode == Mode::Http {
                    let mut tcp = tcp;
                    serve_one(&mut tcp, &tx, &*respond).await;
                    let _ = tcp.shutdown().await;
                    return;
                }
                // A failed handshake (a client that does not trust us) ends here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                serve_one(&mut tls, &tx, &*respond).await;
                if mode == Mode::Tls {
                    let _ = tls.shutdown().await;
                }
                // TlsNoCloseNotify: dropping closes the TCP connection only.
            }
        });
        Mock {
            url: format!("{scheme}://127.0.0.1:{port}"),
            requests,
            _served: served,
        }
    }

    /// The next request the server read (head and body); empty if none came within 10 s.
    pub fn request(&self) -> String {
        self.requests
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_default()
    }
}

/// A listener on 127.0.0.1:0 served on its own thread and runtime (so synchronous and async tests
/// can both use it) until dropped.
struct Served {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    /// Runs `handle` on every connection; returns the port.
    fn start<F, Fut>(handle: F) -> (u16, Served)
    where
        F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("loopback runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let serve = async {
                    while let Ok((tcp, _)) = listener.accept().await {
                        tokio::spawn(handle(tcp));
                    }
                };
                tokio::select! {
                    _ = stopped => {}
                    _ = serve => {}
                }
            });
        });
        let served = Served {
            stop: Some(stop),
            thread: Some(thread),
        };
        (port, served)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn server_tls() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(CERT_PEM)
        .collect::<Result<_, _>>()
        .expect("fixture certificate");
    let key = PrivateKeyDer::from_pem_slice(KEY_PEM).expect("fixture key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("fixture certificate and key");
    Arc::new(config)
}

async fn serve_one<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    requests: &mpsc::Sender<String>,
    respond: &(dyn Fn(&str) -> Answer + Send + Sync),
) {
    let request = read_request(stream).await;
    if !request.starts_with(|c: char| c.is_ascii_uppercase()) {
        // Not HTTP (a TLS hello sent to a plain server): answer like uvicorn does, then close.
        let bad = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
        let _ = stream.write_all(bad.as_bytes()).await;
        return;
    }
    let answer = respond(&request);
    let auth = header(&request, "Authorization").unwrap_or("").to_string();
    let _ = requests.send(request);
    let response = match answer {
        Answer::Hold => {
            // Wait for the client to give up (it closes, and this read ends).
            let mut buf = [0u8; 64];
            let _ = stream.read(&mut buf).await;
            return;
        }
        Answer::Reply(status, body) => {
            let body = body.replace("{auth}", &auth);
            format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
        }
        Answer::Chunked(status, body) => {
            let body = body.replace("{auth}", &auth);
            let mut out = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            );
            // Two chunks, so the client has to join them.
            let cut = body.len() / 2;
            let cut = (cut..=body.len())
                .find(|&i| body.is_char_boundary(i))
                .unwrap_or(body.len());
            for part in [&body[..cut], &body[cut..]] {
                if !part.is_empty() {
                    out.push_str(&format!("{:x}\r\n{part}\r\n", part.len()));
                }
            }
            out.push_str("0\r\n\r\n");
            out
        }
        Answer::Raw(raw) => raw,
        Answer::Endless(kind) => {
            let (head, block) = match kind {
                Endless::Head => (
                    "HTTP/1.1 200 OK\r\n",
                    "X-Pad: 0123456789abcdef\r\n".repeat(2048),
                ),
                Endless::Chunks => (
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                    format!("1000\r\n{}\r\n", " ".repeat(4096)).repeat(16),
                ),
            };
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let block = block.into_bytes();
            // Ends when the client gives up and the write fails.
            while stream.write_all(&block).await.is_ok() {}
            return;
        }
        Answer::Unframed(status, body) => {
            let body = body.replace("{auth}", &auth);
            format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\n\r\n{body}")
        }
    };
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.flush().await;
}

/// Reads the head, then as many body bytes as Content-Length says (or stops at the first bytes
/// if they are not HTTP).
async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> String {
    let mut req = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        req.extend_from_slice(&buf[..n]);
        if !req[0].is_ascii_uppercase() {
            break;
        }
        let text = String::from_utf8_lossy(&req);
        if let Some(i) = text.find("\r\n\r\n") {
            let len = header(&text, "Content-Length")
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if req.len() >= i + 4 + len {
                break;
            }
        }
    }
    String::from_utf8_lossy(&req).to_string()
}

/// A header's value in a request text.
pub fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    request.split("\r\n\r\n").next()?.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A forward proxy on 127.0.0.1:0 that only reaches loopback: `CONNECT host:port` tunnels (for
/// https://), absolute-form requests (`POST http://host:port/path`) are passed on in origin form.
/// Records each request line it handled.
pub struct ForwardProxy {
    pub url: String,
    lines: mpsc::Receiver<String>,
    _served: Served,
}

impl ForwardProxy {
    pub fn start() -> ForwardProxy {
        let (tx, lines) = mpsc::channel();
        let (port, served) = Served::start(move |tcp| relay(tcp, tx.clone()));
        ForwardProxy {
            url: format!("http://127.0.0.1:{port}"),
            lines,
            _served: served,
        }
    }

    /// Every request line handled so far.
    pub fn seen(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }
}

async fn relay(mut client: tokio::net::TcpStream, seen: mpsc::Sender<String>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let rest = buf[head_end..].to_vec();
    let first = head.lines().next().unwrap_or("").to_string();
    let mut parts = first.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let _ = seen.send(first.clone());
    let (authority, forwarded) = if method == "CONNECT" {
        (target.to_string(), None)
    } else {
        let Some(after) = target.strip_prefix("http://") else {
            let _ = client
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
            return;
        };
        let (authority, path) = after.split_at(after.find('/').unwrap_or(after.len()));
        let path = if path.is_empty() { "/" } else { path };
        let line = first.replacen(target, path, 1);
        let head = head.replacen(&first, &line, 1);
        (authority.to_string(), Some(head))
    };
    // Loopback only: the tests must never reach another host through this proxy.
    if !authority.starts_with("127.0.0.1:") {
        let _ = client
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            .await;
        return;
    }
    let Ok(mut upstream) = tokio::net::TcpStream::connect(&authority).await else {
        let _ = client
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            .await;
        return;
    };
    match forwarded {
        None => {
            let ok = b"HTTP/1.1 200 Connection established\r\n\r\n";
            if client.write_all(ok).await.is_err() {
                return;
            }
        }
        Some(head) => {
            if upstream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
        }
    }
    if upstream.write_all(&rest).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}
