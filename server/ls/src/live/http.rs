//! The HTTP client: one POST with a JSON body, on reqwest (hyper, HTTP/1.1) with our rustls
//! configuration (ring, Mozilla's roots plus the extra CA bundle). Redirects are reported, never
//! followed (following one would resend the token, possibly to another host); the answer is read
//! up to [`MAX_RESPONSE`] bytes.

use std::error::Error as StdError;

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

use super::config::{Proxies, ServerConfig, parse_url, tls_config};

/// dstack version whose API the request is written for (sent as `X-API-VERSION`).
const API_VERSION: &str = "0.22.5";

/// Answers larger than this are refused.
pub const MAX_RESPONSE: usize = 32 << 20;

/// Posts `body` as JSON to `path` under the server URL and returns the JSON answer of a 200.
pub async fn post_json(server: &ServerConfig, path: &str, body: &Value) -> Result<Value, String> {
    let url = server.url.as_str();
    let mut target = parse_url(url)?;
    let full = format!("{}{path}", target.path().trim_end_matches('/'));
    target.set_path(&full);
    target.set_query(None);
    target.set_fragment(None);
    // `user:pass@` is not part of dstack URLs; reqwest would turn it into a second Authorization.
    let _ = target.set_username("");
    let _ = target.set_password(None);
    let client = client(server)?;
    let mut response = client
        .post(target)
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| request_error(server, &e))?;
    let status = response.status().as_u16();
    // Typically a proxy sending http:// to https://; following it would resend the token.
    if response.status().is_redirection() {
        let to = response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).to_string());
        if let Some(to) = to {
            return Err(format!(
                "{url} redirects ({status}) to {to}; use that address as the server URL (dstack.live.url, DSTACK_SERVER_URL or ~/.dstack/config.yml)"
            ));
        }
    }
    let body = read_body(&mut response, url).await?;
    let text = String::from_utf8_lossy(&body);
    if status == 200 {
        return serde_json::from_str(&text)
            .map_err(|e| format!("the dstack server sent invalid JSON: {e}"));
    }
    Err(format!(
        "the dstack server answered {status}: {}",
        error_detail(&text)
    ))
}

/// A client for this server: its TLS trust, the proxies, no redirects, no gzip or HTTP/2.
fn client(server: &ServerConfig) -> Result<reqwest::Client, String> {
    let tls = match &server.tls {
        Some(c) => c.clone(),
        None => tls_config(None)?,
    };
    let mut auth = HeaderValue::from_str(&format!("Bearer {}", server.token))
        .map_err(|_| "the dstack token holds characters an HTTP header cannot carry".to_string())?;
    // Keeps it out of any Debug output of the request.
    auth.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, auth);
    let fixed = [
        ("content-type", "application/json"),
        ("accept", "application/json"),
        ("x-api-version", API_VERSION),
    ];
    for (k, v) in fixed {
        headers.insert(k, HeaderValue::from_static(v));
    }
    let mut builder = reqwest::Client::builder()
        .use_preconfigured_tls((*tls).clone())
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("dstack-lsp/", env!("CARGO_PKG_VERSION")))
        .default_headers(headers)
        .no_proxy();
    for proxy in proxies(&server.proxy)? {
        builder = builder.proxy(proxy);
    }
    builder
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {}", root_cause(&e)))
}

/// The proxies, scheme-specific ones first, each skipping the `no_proxy` hosts.
fn proxies(p: &Proxies) -> Result<Vec<reqwest::Proxy>, String> {
    let no_proxy = || {
        p.no_proxy
            .as_deref()
            .and_then(reqwest::NoProxy::from_string)
    };
    let make = |(var, url): &(&'static str, String),
                kind: fn(&str) -> reqwest::Result<reqwest::Proxy>| {
        kind(url)
            .map(|proxy| proxy.no_proxy(no_proxy()))
            .map_err(|_| format!("{var} is not a proxy URL this client can use (e.g. http://proxy.example.com:3128)"))
    };
    let mut out = Vec::new();
    if let Some(v) = &p.http {
        out.push(make(v, |u| reqwest::Proxy::http(u))?);
    }
    if let Some(v) = &p.https {
        out.push(make(v, |u| reqwest::Proxy::https(u))?);
    }
    if let Some(v) = &p.all {
        out.push(make(v, |u| reqwest::Proxy::all(u))?);
    }
    Ok(out)
}

/// The body, refused once it grows past [`MAX_RESPONSE`].
async fn read_body(response: &mut reqwest::Response, url: &str) -> Result<Vec<u8>, String> {
    let too_large = || {
        format!(
            "the answer of {url} is too large (over {} MiB)",
            MAX_RESPONSE >> 20
        )
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(bytes)) => {
                if body.len() + bytes.len() > MAX_RESPONSE {
                    return Err(too_large());
                }
                body.extend_from_slice(&bytes);
            }
            Ok(None) => return Ok(body),
            Err(e) if is_unexpected_eof(&e) => {
                return Err(format!(
                    "the connection to {url} closed before the answer was complete"
                ));
            }
            Err(e) => return Err(format!("reading from {url} failed: {}", root_cause(&e))),
        }
    }
}

/// A failed request in words a user can act on.
fn request_error(server: &ServerConfig, e: &reqwest::Error) -> String {
    let url = server.url.as_str();
    if let Some(tls) = find_rustls(e) {
        return tls_error(url, tls);
    }
    let cause = root_cause(e);
    if e.is_connect() {
        let via = via_proxy(server);
        return format!("cannot reach the dstack server at {url}{via}: {cause}");
    }
    if cause.contains("too large") {
        return format!("the answer of {url} is too large ({cause})");
    }
    format!("the request to {url} failed: {cause}")
}

/// ` through the proxy of HTTPS_PROXY` when one applies to the server's scheme.
fn via_proxy(server: &ServerConfig) -> String {
    let p = &server.proxy;
    let scheme = if server.url.starts_with("https") {
        &p.https
    } else {
        &p.http
    };
    match scheme.as_ref().or(p.all.as_ref()) {
        Some((var, _)) => format!(" (through the proxy of {var}, unless no_proxy matches)"),
        None => String::new(),
    }
}

/// The innermost error's text (reqwest's outer ones repeat the URL only).
fn root_cause(e: &(dyn StdError + 'static)) -> String {
    let mut last: &(dyn StdError + 'static) = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// The errors below `e`, looking inside I/O errors (whose `source` skips the wrapped one).
fn chain<'a>(
    e: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |e: &&'a (dyn StdError + 'static)| {
        let e: &'a (dyn StdError + 'static) = *e;
        e.downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|inner| inner as &(dyn StdError + 'static))
            .or_else(|| e.source())
    })
}

fn find_rustls(e: &reqwest::Error) -> Option<&rustls::Error> {
    chain(e).find_map(|e| e.downcast_ref::<rustls::Error>())
}

/// A TLS stream that ended without close_notify (common behind proxies) while the answer, which
/// has no length of its own, was still being read.
fn is_unexpected_eof(e: &reqwest::Error) -> bool {
    chain(e).any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::UnexpectedEof)
    })
}

/// A TLS failure in words a user can act on.
fn tls_error(url: &str, e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::NotValidForName | C::NotValidForNameContext { .. } => format!(
                "the certificate of {url} is not valid for that host name ({c:?}); use the name the certificate was issued for in the server URL"
            ),
            C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. } => {
                format!("the certificate of {url} is outside its validity period ({c:?})")
            }
            _ => format!(
                "the certificate of {url} is not trusted ({c:?}); if the server uses a self-signed certificate or a private CA, set dstack.live.caFile to that CA's certificate (a PEM file)"
            ),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => format!(
            "the TLS handshake with {url} failed ({e}); if the server speaks plain HTTP, use an http:// URL"
        ),
        _ => format!("the TLS handshake with {url} failed: {e}"),
    }
}

/// dstack's `{"detail": [{"msg": …}]}` (or any text, shortened).
fn error_detail(text: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    let msgs: Vec<String> = parsed
        .as_ref()
        .and_then(|v| v["detail"].as_array())
        .map(|a| {
            a.iter()
                .filter_map(|d| d["msg"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if !msgs.is_empty() {
        return msgs.join("; ");
    }
    if let Some(d) = parsed.as_ref().and_then(|v| v["detail"].as_str()) {
        return d.to_string();
    }
    text.chars().take(300).collect()
}
