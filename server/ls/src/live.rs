//! Live offers (opt-in, `dstack.live.enabled`): ask a running dstack server what it would offer
//! for a run configuration, with `POST {url}/api/project/{project}/runs/get_plan`
//! (`for_offers_only: true`).
//!
//! The server, project and token come from the settings `dstack.live.url/project/token`, else
//! `DSTACK_SERVER_URL` / `DSTACK_PROJECT` / `DSTACK_TOKEN`, else `~/.dstack/config.yml` (the
//! project marked `default: true`). The HTTP client is a minimal HTTP/1.1 one over a tokio
//! `TcpStream`: `http://` only (local and development servers); `https://` is refused with a
//! message, because TLS would need a TLS stack this crate does not carry.
//!
//! The token never reaches a log line or a message: every error text goes through [`redact`].

use std::time::Duration;

use dstack_syntax::{Node, Parse, ScalarValue};
use dstack_values::Value as YamlValue;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::offers_source::OfferRow;

/// dstack version whose API the request is written for (sent as `X-API-VERSION`).
pub const API_VERSION: &str = "0.22.5";
/// Whole-request limit.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Offers asked for (dstack's own CLI asks for 50; the table shows up to 500).
pub const MAX_OFFERS: u32 = 500;
/// Responses larger than this are refused.
const MAX_RESPONSE: usize = 32 << 20;

/// Where to send requests.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerConfig {
    pub url: String,
    pub project: String,
    pub token: String,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("url", &self.url)
            .field("project", &self.project)
            .field("token", &"***")
            .finish()
    }
}

/// Explicit values from the editor settings; `None` falls back to the environment and the file.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub url: Option<String>,
    pub project: Option<String>,
    pub token: Option<String>,
}

impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Overrides")
            .field("url", &self.url)
            .field("project", &self.project)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Resolves the server like the dstack CLI does, settings first. `env` reads a variable and
/// `config_yml` is the text of `~/.dstack/config.yml` (if any).
pub fn resolve(
    overrides: &Overrides,
    env: impl Fn(&str) -> Option<String>,
    config_yml: Option<&str>,
) -> Result<ServerConfig, String> {
    let env = |k: &str| env(k).filter(|v| !v.is_empty());
    let wanted_project = overrides.project.clone().or_else(|| env("DSTACK_PROJECT"));
    let from_file = config_yml.and_then(|t| project_from_file(t, wanted_project.as_deref()));
    let url = overrides
        .url
        .clone()
        .or_else(|| env("DSTACK_SERVER_URL"))
        .or_else(|| from_file.as_ref().map(|p| p.url.clone()));
    let token = overrides
        .token
        .clone()
        .or_else(|| env("DSTACK_TOKEN"))
        .or_else(|| from_file.as_ref().map(|p| p.token.clone()));
    let project = wanted_project.or_else(|| from_file.as_ref().map(|p| p.project.clone()));
    match (url, project, token) {
        (Some(url), Some(project), Some(token)) => Ok(ServerConfig {
            url: url.trim_end_matches('/').to_string(),
            project,
            token,
        }),
        _ => Err("no dstack server configured: run `dstack project add`, set DSTACK_SERVER_URL, DSTACK_PROJECT and DSTACK_TOKEN, or the settings dstack.live.url / project / token".to_string()),
    }
}

/// The project entry of `~/.dstack/config.yml`: `wanted` by name, else the `default: true` one.
fn project_from_file(text: &str, wanted: Option<&str>) -> Option<ServerConfig> {
    let parse = dstack_syntax::parse(text);
    let root = parse.root.as_ref()?;
    let projects = field(&parse, root, "projects")?.as_sequence()?;
    let entry = |p: &Node| -> Option<(ServerConfig, bool)> {
        let p = parse.resolve(p);
        let text = |k: &str| field(&parse, p, k).and_then(scalar_text);
        let default = field(&parse, p, "default")
            .and_then(Node::as_scalar)
            .is_some_and(|s| s.value == ScalarValue::Bool(true));
        Some((
            ServerConfig {
                url: text("url")?,
                project: text("name")?,
                token: text("token")?,
            },
            default,
        ))
    };
    let all: Vec<(ServerConfig, bool)> = projects.iter().filter_map(entry).collect();
    match wanted {
        Some(name) => all.into_iter().find(|(p, _)| p.project == name),
        None => all.into_iter().find(|(_, d)| *d),
    }
    .map(|(p, _)| p)
}

fn field<'a>(parse: &'a Parse, map: &'a Node, key: &str) -> Option<&'a Node> {
    parse
        .entries(map)
        .into_iter()
        .rev()
        .find(|(k, _)| k.key_text() == Some(key))
        .map(|(_, v)| parse.resolve(v))
}

fn scalar_text(n: &Node) -> Option<String> {
    let s = n.as_scalar()?;
    (s.value != ScalarValue::Null).then(|| s.text.clone())
}

/// Replaces the token wherever it appears (servers may echo headers in error bodies).
pub fn redact(text: &str, token: &str) -> String {
    if token.len() < 4 {
        return text.to_string();
    }
    text.replace(token, "***")
}

/// The configuration as JSON, the way dstack's client serialises the parsed YAML.
pub fn to_json(v: &YamlValue) -> Value {
    match v {
        YamlValue::Scalar(s) => match s {
            ScalarValue::Null => Value::Null,
            ScalarValue::Bool(b) => json!(b),
            ScalarValue::Int(i) => match i64::try_from(*i) {
                Ok(n) => json!(n),
                Err(_) => json!(i.to_string()),
            },
            ScalarValue::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            ScalarValue::Str(s) | ScalarValue::Timestamp(s) => json!(s),
        },
        YamlValue::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        YamlValue::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}

/// The `GetRunPlanRequest` body for a configuration.
pub fn plan_body(configuration: Value, configuration_path: &str) -> Value {
    json!({
        "run_spec": {
            "configuration_path": configuration_path,
            "configuration": configuration,
        },
        "max_offers": MAX_OFFERS,
        "for_offers_only": true,
    })
}

/// What the server answered: its total and the offers it listed.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveOffers {
    pub count: usize,
    pub offers: Vec<OfferRow>,
}

/// Reads a `RunPlan`: the first job plan's offers and `total_offers`.
pub fn parse_plan(plan: &Value) -> Result<LiveOffers, String> {
    let job = plan["job_plans"]
        .as_array()
        .and_then(|a| a.first())
        .ok_or("the dstack server's plan has no job plans")?;
    let mib = |v: &Value| v.as_f64().map(|m| m / 1024.0);
    let offers: Vec<OfferRow> = job["offers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(|o| {
            let res = &o["instance"]["resources"];
            let gpus = res["gpus"].as_array().map(Vec::as_slice).unwrap_or(&[]);
            let first = gpus.first();
            OfferRow {
                backend: o["backend"].as_str().unwrap_or("").to_string(),
                region: o["region"].as_str().unwrap_or("").to_string(),
                instance: o["instance"]["name"].as_str().unwrap_or("").to_string(),
                price: o["price"].as_f64().unwrap_or(0.0),
                spot: res["spot"].as_bool().unwrap_or(false),
                gpu_name: first.and_then(|g| g["name"].as_str()).map(str::to_string),
                gpu_count: gpus.len() as i64,
                gpu_memory_gib: first.and_then(|g| mib(&g["memory_mib"])),
                cpus: res["cpus"].as_i64().unwrap_or(0),
                memory_gib: mib(&res["memory_mib"]).unwrap_or(0.0),
                disk_gib: mib(&res["disk"]["size_mib"]).unwrap_or(0.0),
            }
        })
        .collect();
    let count = job["total_offers"]
        .as_u64()
        .map_or(offers.len(), |n| n as usize);
    Ok(LiveOffers { count, offers })
}

/// `http://host[:port][/prefix]` → (host, port, prefix).
fn split_url(url: &str) -> Result<(String, u16, String), String> {
    if url.starts_with("https://") {
        return Err(format!(
            "{url} uses https, which the live offer preview does not support yet (only http:// servers, e.g. a local `dstack server`); the offline catalog is used instead"
        ));
    }
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("`{url}` is not an http:// URL"))?;
    let (authority, prefix) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
            h.trim_start_matches('[').trim_end_matches(']'),
            p.parse::<u16>()
                .map_err(|_| format!("bad port in `{url}`"))?,
        ),
        _ => (authority, 80),
    };
    if host.is_empty() {
        return Err(format!("no host in `{url}`"));
    }
    Ok((
        host.to_string(),
        port,
        prefix.trim_end_matches('/').to_string(),
    ))
}

/// [`get_plan`] with logging: the URL and the outcome, never the token.
pub async fn fetch(server: &ServerConfig, body: &Value) -> Result<LiveOffers, String> {
    tracing::debug!(
        "live offers: asking {} (project {})",
        server.url,
        server.project
    );
    let result = get_plan(server, body, TIMEOUT).await;
    match &result {
        Ok(o) => tracing::debug!("live offers: {} offers from {}", o.count, server.url),
        Err(e) => tracing::warn!("live offers: {e}"),
    }
    result
}

/// Posts the plan request and reads the offers. Errors are already redacted.
pub async fn get_plan(
    server: &ServerConfig,
    body: &Value,
    timeout: Duration,
) -> Result<LiveOffers, String> {
    let path = format!("/api/project/{}/runs/get_plan", server.project);
    let fut = post_json(server, &path, body);
    let result = match tokio::time::timeout(timeout, fut).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "the dstack server at {} did not answer within {:.1} s",
            server.url,
            timeout.as_secs_f64()
        )),
    };
    result
        .and_then(|plan| parse_plan(&plan))
        .map_err(|e| redact(&e, &server.token))
}

async fn post_json(server: &ServerConfig, path: &str, body: &Value) -> Result<Value, String> {
    let (host, port, prefix) = split_url(&server.url)?;
    let payload = body.to_string();
    let request = format!(
        "POST {prefix}{path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nAccept: application/json\r\nX-API-VERSION: {API_VERSION}\r\nUser-Agent: dstack-lsp/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.token,
        env!("CARGO_PKG_VERSION"),
        payload.len()
    );
    let mut stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| format!("cannot reach the dstack server at {}: {e}", server.url))?;
    stream
        .write_all(request.as_bytes())
        .await
        .and(stream.write_all(payload.as_bytes()).await)
        .map_err(|e| format!("sending to {} failed: {e}", server.url))?;
    let mut raw = Vec::new();
    let mut chunk = [0u8; 16 << 10];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| format!("reading from {} failed: {e}", server.url))?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
        if raw.len() > MAX_RESPONSE {
            return Err(format!("the answer of {} is too large", server.url));
        }
    }
    let (status, body) = parse_response(&raw)?;
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

/// Status code and body of an HTTP/1.1 response (Content-Length, chunked, or read to close).
fn parse_response(raw: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the dstack server sent an incomplete HTTP response")?;
    let head = String::from_utf8_lossy(raw.get(..head_end).unwrap_or(&[]));
    let body = raw.get(head_end + 4..).unwrap_or(&[]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or("the dstack server sent no HTTP status line")?;
    let mut chunked = false;
    let mut length = None;
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
                chunked = true;
            } else if k == "content-length" {
                length = v.parse::<usize>().ok();
            }
        }
    }
    let body = if chunked {
        dechunk(body)?
    } else {
        match length {
            Some(n) => body.get(..n).unwrap_or(body).to_vec(),
            None => body.to_vec(),
        }
    };
    Ok((status, body))
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("bad chunked encoding")?;
        let size_text = String::from_utf8_lossy(data.get(..line_end).unwrap_or(&[])).to_string();
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| "bad chunk size")?;
        data = data.get(line_end + 2..).unwrap_or(&[]);
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(data.get(..size).ok_or("truncated chunk")?);
        data = data.get(size + 2..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod tests;

/// Per-document debounce generations and results cached by configuration content.
#[derive(Default)]
pub struct LiveCache {
    results: std::sync::Mutex<std::collections::HashMap<u64, Result<LiveOffers, String>>>,
    generations: std::sync::Mutex<std::collections::HashMap<String, u64>>,
    last_error: std::sync::Mutex<Option<String>>,
}

/// Results kept before the cache starts over (each is at most `MAX_OFFERS` rows).
const CACHE_LIMIT: usize = 64;

/// Cache key of a configuration's text.
pub fn content_key(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl LiveCache {
    /// A new change of `uri`: returns its generation (a pending request with an older one is
    /// dropped when its debounce ends).
    pub fn bump(&self, uri: &str) -> u64 {
        let Ok(mut g) = self.generations.lock() else {
            return 0;
        };
        let n = g.entry(uri.to_string()).or_insert(0);
        *n += 1;
        *n
    }
    pub fn is_current(&self, uri: &str, generation: u64) -> bool {
        self.generations
            .lock()
            .is_ok_and(|g| g.get(uri) == Some(&generation))
    }
    pub fn get(&self, key: u64) -> Option<Result<LiveOffers, String>> {
        self.results.lock().ok()?.get(&key).cloned()
    }
    pub fn insert(&self, key: u64, result: Result<LiveOffers, String>) {
        if let Ok(mut r) = self.results.lock() {
            if r.len() >= CACHE_LIMIT {
                r.clear();
            }
            r.insert(key, result);
        }
    }
    /// Forgets every result (the server or token changed).
    pub fn clear(&self) {
        if let Ok(mut r) = self.results.lock() {
            r.clear();
        }
        if let Ok(mut e) = self.last_error.lock() {
            *e = None;
        }
    }
    /// True when `error` differs from the last one shown (so a failing server is reported once,
    /// not on every keystroke).
    pub fn is_new_error(&self, error: &str) -> bool {
        let Ok(mut last) = self.last_error.lock() else {
            return false;
        };
        if last.as_deref() == Some(error) {
            return false;
        }
        *last = Some(error.to_string());
        true
    }
    pub fn succeeded(&self) {
        if let Ok(mut e) = self.last_error.lock() {
            *e = None;
        }
    }
}
