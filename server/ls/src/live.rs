//! Live offers (opt-in, `dstack.live.enabled`): ask a running dstack server what it would offer
//! for a configuration. Runs (dev-environment, task, service) go to
//! `POST {url}/api/project/{project}/runs/get_plan` (`for_offers_only: true`); cloud fleets
//! (`nodes`, no `ssh_config`) to `POST {url}/api/project/{project}/fleets/get_plan`.
//!
//! The server, project and token come from the settings `dstack.live.url/project/token`, else
//! `DSTACK_SERVER_URL` / `DSTACK_PROJECT` / `DSTACK_TOKEN`, else `~/.dstack/config.yml` (the
//! project marked `default: true`). The client is a minimal HTTP/1.1 one over a tokio
//! `TcpStream`, wrapped in rustls for `https://`. Trusted roots: Mozilla's (compiled in, the set
//! dstack's Python client gets from certifi) plus one extra PEM bundle for self-hosted servers:
//! `dstack.live.caFile`, else `REQUESTS_CA_BUNDLE`, else `SSL_CERT_FILE`.
//!
//! The token never reaches a log line or a message: every error text goes through [`redact`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use dstack_ide::ConfigType;
use dstack_syntax::{Node, Parse, ScalarValue};
use dstack_values::Value as YamlValue;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

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
#[derive(Clone)]
pub struct ServerConfig {
    pub url: String,
    pub project: String,
    pub token: String,
    /// Trust for `https://` URLs ([`tls_config`]); `None` means Mozilla's roots only.
    pub tls: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("url", &self.url)
            .field("project", &self.project)
            .field("token", &"***")
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

/// Explicit values from the editor settings; `None` falls back to the environment and the file.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub url: Option<String>,
    pub project: Option<String>,
    pub token: Option<String>,
    /// `dstack.live.caFile`: an extra PEM bundle of trusted CAs (`~` allowed).
    pub ca_file: Option<String>,
}

impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Overrides")
            .field("url", &self.url)
            .field("project", &self.project)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// Everything that reads files, so call it off the async runtime: `~/.dstack/config.yml` (under
/// `home`), [`resolve`], and for `https://` servers the extra CA bundle ([`ca_bundle`]).
pub fn prepare(
    overrides: &Overrides,
    env: impl Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<ServerConfig, String> {
    let file = home.and_then(|h| std::fs::read_to_string(h.join(".dstack/config.yml")).ok());
    let mut server = resolve(overrides, &env, file.as_deref())?;
    if server.url.starts_with("https://") {
        let bundle = ca_bundle(overrides, &env, home);
        server.tls = Some(tls_config(bundle.as_ref().map(|(p, o)| (p.as_path(), *o)))?);
    }
    Ok(server)
}

/// The extra CA bundle and where it was configured: the setting, else `REQUESTS_CA_BUNDLE` (what
/// dstack's client, through requests, honours), else `SSL_CERT_FILE`. Only the first is used.
pub fn ca_bundle(
    overrides: &Overrides,
    env: impl Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Option<(PathBuf, &'static str)> {
    let env = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let (path, origin) = match &overrides.ca_file {
        Some(p) if !p.trim().is_empty() => (p.clone(), "dstack.live.caFile"),
        _ => match env("REQUESTS_CA_BUNDLE") {
            Some(p) => (p, "REQUESTS_CA_BUNDLE"),
            None => (env("SSL_CERT_FILE")?, "SSL_CERT_FILE"),
        },
    };
    let path = path.trim();
    let expanded = match (path.strip_prefix('~'), home) {
        (Some(""), Some(h)) => h.to_path_buf(),
        (Some(rest), Some(h)) if rest.starts_with('/') || rest.starts_with('\\') => {
            h.join(rest.trim_start_matches(['/', '\\']))
        }
        _ => PathBuf::from(path),
    };
    Some((expanded, origin))
}

/// TLS settings trusting Mozilla's roots plus the certificates of `extra` (a PEM file and the
/// setting or variable that named it). Reads the file: call it off the async runtime.
pub fn tls_config(extra: Option<(&Path, &str)>) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some((path, origin)) = extra {
        let shown = path.display();
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read the CA bundle {shown} ({origin}): {e}"))?;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<_, _>>()
            .map_err(|e| {
                format!(
                    "the CA bundle {shown} ({origin}) is not valid PEM: {}",
                    pem_problem(&e)
                )
            })?;
        if certs.is_empty() {
            return Err(format!(
                "the CA bundle {shown} ({origin}) holds no certificates; it should contain PEM blocks starting with -----BEGIN CERTIFICATE-----"
            ));
        }
        let (added, _) = roots.add_parsable_certificates(certs);
        if added == 0 {
            return Err(format!(
                "none of the certificates in {shown} ({origin}) can be used as a CA certificate"
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
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
            url: url.trim().trim_end_matches('/').to_string(),
            project,
            token,
            tls: None,
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
                tls: None,
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

/// Which plan endpoint a configuration goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKind {
    /// `runs/get_plan`: dev-environment, task, service.
    Run,
    /// `fleets/get_plan`: a cloud fleet.
    Fleet,
}

/// A plan request ready to post.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanRequest {
    pub kind: PlanKind,
    pub body: Value,
}

impl PlanRequest {
    fn endpoint(&self) -> &'static str {
        match self.kind {
            PlanKind::Run => "runs/get_plan",
            PlanKind::Fleet => "fleets/get_plan",
        }
    }
}

/// The plan request for a configuration of type `ty` (its YAML as JSON, see [`to_json`]), or
/// `None` when dstack has no offers for it: other types, and SSH fleets (their hosts are yours).
pub fn plan_request(
    ty: ConfigType,
    configuration: Value,
    configuration_path: &str,
) -> Option<PlanRequest> {
    match ty {
        ConfigType::DevEnvironment | ConfigType::Task | ConfigType::Service => Some(PlanRequest {
            kind: PlanKind::Run,
            body: plan_body(configuration, configuration_path),
        }),
        ConfigType::Fleet if configuration.get("ssh_config").is_none_or(Value::is_null) => {
            Some(PlanRequest {
                kind: PlanKind::Fleet,
                body: fleet_plan_body(configuration, configuration_path),
            })
        }
        _ => None,
    }
}

/// The `GetRunPlanRequest` body: a `RunSpec` needs only the configuration (the server fills in a
/// virtual repo and the user's SSH key when asked for offers only).
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

/// The `GetFleetPlanRequest` body. A `FleetSpec` requires `profile` (a 422 without it); the CLI
/// sends its default profile, which is `{"name": "default"}` without `.dstack/profiles.yml`.
/// There is no `max_offers`: a 0.22.5 server lists 50 (available ones first, then by price) and
/// counts all in `total_offers`.
pub fn fleet_plan_body(configuration: Value, configuration_path: &str) -> Value {
    json!({
        "spec": {
            "configuration": configuration,
            "configuration_path": configuration_path,
            "profile": {"name": "default"},
        },
    })
}

/// What the server answered: its total and the offers it listed.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveOffers {
    pub count: usize,
    pub offers: Vec<OfferRow>,
}

/// Reads a `RunPlan` (the first job plan's offers and `total_offers`) or a `FleetPlan` (its own
/// `offers` and `total_offers`).
pub fn parse_plan(kind: PlanKind, plan: &Value) -> Result<LiveOffers, String> {
    match kind {
        PlanKind::Run => plan["job_plans"]
            .as_array()
            .and_then(|a| a.first())
            .map(read_offers)
            .ok_or_else(|| "the dstack server's plan has no job plans".to_string()),
        PlanKind::Fleet if plan.get("offers").is_some_and(Value::is_array) => Ok(read_offers(plan)),
        PlanKind::Fleet => Err("the dstack server's fleet plan has no offers list".to_string()),
    }
}

/// `offers` (`InstanceOfferWithAvailability`) and `total_offers` of a job or fleet plan.
fn read_offers(plan: &Value) -> LiveOffers {
    let mib = |v: &Value| v.as_f64().map(|m| m / 1024.0);
    let offers: Vec<OfferRow> = plan["offers"]
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
    let count = plan["total_offers"]
        .as_u64()
        .map_or(offers.len(), |n| usize::try_from(n).unwrap_or(usize::MAX));
    LiveOffers { count, offers }
}

/// The parts of a server URL the client needs.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    https: bool,
    /// Without IPv6 brackets.
    host: String,
    port: u16,
    /// Path prefix without a trailing `/` (servers behind a reverse proxy).
    prefix: String,
}

impl Target {
    /// The `Host` header: the port only when it is not the scheme's default.
    fn host_header(&self) -> String {
        let host = match self.host.contains(':') {
            true => format!("[{}]", self.host),
            false => self.host.clone(),
        };
        match (self.https, self.port) {
            (true, 443) | (false, 80) => host,
            _ => format!("{host}:{}", self.port),
        }
    }
}

/// `http[s]://host[:port][/prefix]` → [`Target`].
fn split_url(url: &str) -> Result<Target, String> {
    let (https, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => {
            return Err(format!(
                "`{url}` is not an http:// or https:// URL (e.g. http://127.0.0.1:3000 or https://sky.dstack.ai)"
            ));
        }
    };
    let (authority, prefix) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    // `user:pass@` is not something dstack URLs carry; drop it rather than send it as a host.
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let default_port = if https { 443 } else { 80 };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
            h,
            p.parse::<u16>()
                .map_err(|_| format!("bad port in `{url}`"))?,
        ),
        _ => (authority, default_port),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(format!("no host in `{url}`"));
    }
    let prefix = prefix.split(['?', '#']).next().unwrap_or("");
    Ok(Target {
        https,
        host: host.to_string(),
        port,
        prefix: prefix.trim_end_matches('/').to_string(),
    })
}

/// [`get_plan`] with logging: the URL and the outcome, never the token.
pub async fn fetch(server: &ServerConfig, request: &PlanRequest) -> Result<LiveOffers, String> {
    tracing::debug!(
        "live offers: asking {} (project {}, {})",
        server.url,
        server.project,
        request.endpoint()
    );
    let result = get_plan(server, request, TIMEOUT).await;
    match &result {
        Ok(o) => tracing::debug!("live offers: {} offers from {}", o.count, server.url),
        Err(e) => tracing::warn!("live offers: {e}"),
    }
    result
}

/// Posts the plan request and reads the offers. Errors are already redacted.
pub async fn get_plan(
    server: &ServerConfig,
    request: &PlanRequest,
    timeout: Duration,
) -> Result<LiveOffers, String> {
    let path = format!("/api/project/{}/{}", server.project, request.endpoint());
    let fut = post_json(server, &path, &request.body);
    let result = match tokio::time::timeout(timeout, fut).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "the dstack server at {} did not answer within {:.1} s",
            server.url,
            timeout.as_secs_f64()
        )),
    };
    result
        .and_then(|plan| parse_plan(request.kind, &plan))
        .map_err(|e| redact(&e, &server.token))
}

async fn post_json(server: &ServerConfig, path: &str, body: &Value) -> Result<Value, String> {
    let target = split_url(&server.url)?;
    let payload = body.to_string();
    let mut request = format!(
        "POST {}{path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nAccept: application/json\r\nX-API-VERSION: {API_VERSION}\r\nUser-Agent: dstack-lsp/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        target.prefix,
        target.host_header(),
        server.token,
        env!("CARGO_PKG_VERSION"),
        payload.len()
    )
    .into_bytes();
    request.extend_from_slice(payload.as_bytes());
    let url = server.url.as_str();
    let mut tcp = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| format!("cannot reach the dstack server at {url}: {e}"))?;
    let raw = if target.https {
        let config = match &server.tls {
            Some(c) => c.clone(),
            None => tls_config(None)?,
        };
        let name = ServerName::try_from(target.host.clone())
            .map_err(|_| format!("`{}` is not a host name TLS can check", target.host))?;
        let mut tls = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|e| tls_error(url, &e))?;
        exchange(&mut tls, &request, url).await?
    } else {
        exchange(&mut tcp, &request, url).await?
    };
    let (status, body) = parse_response(&raw)?;
    let text = String::from_utf8_lossy(&body);
    if status == 200 {
        return serde_json::from_str(&text)
            .map_err(|e| format!("the dstack server sent invalid JSON: {e}"));
    }
    // Typically a proxy sending http:// to https://; following it would resend the token.
    if let Some(to) = (300..400)
        .contains(&status)
        .then(|| redirect(&raw))
        .flatten()
    {
        return Err(format!(
            "{url} redirects ({status}) to {to}; use that address as the server URL (dstack.live.url, DSTACK_SERVER_URL or ~/.dstack/config.yml)"
        ));
    }
    Err(format!(
        "the dstack server answered {status}: {}",
        error_detail(&text)
    ))
}

/// Sends `request` and reads the answer until it is complete by its own framing or the server
/// closes. Shared by plain TCP and TLS streams.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    request: &[u8],
    url: &str,
) -> Result<Vec<u8>, String> {
    stream
        .write_all(request)
        .await
        .map_err(|e| format!("sending to {url} failed: {e}"))?;
    stream
        .flush()
        .await
        .map_err(|e| format!("sending to {url} failed: {e}"))?;
    let mut raw = Vec::new();
    let mut chunk = vec![0u8; 16 << 10];
    while !is_complete(&raw) {
        match stream.read(&mut chunk).await {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(chunk.get(..n).unwrap_or(&[])),
            // A TLS server that drops the connection without close_notify (common behind
            // proxies). An answer complete by its framing has left the loop already, so this one
            // is cut off.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(format!(
                    "the connection to {url} closed before the answer was complete"
                ));
            }
            Err(e) => return Err(format!("reading from {url} failed: {e}")),
        }
        if raw.len() > MAX_RESPONSE {
            return Err(format!("the answer of {url} is too large"));
        }
    }
    Ok(raw)
}

fn pem_problem(e: &rustls::pki_types::pem::Error) -> String {
    use rustls::pki_types::pem::Error as E;
    match e {
        E::MissingSectionEnd { end_marker } => format!(
            "a block has no `-----END {}-----` line",
            String::from_utf8_lossy(end_marker)
        ),
        E::IllegalSectionStart { line } => format!(
            "malformed BEGIN line `{}`",
            String::from_utf8_lossy(line).trim()
        ),
        E::Base64Decode(m) => format!("bad base64 ({m})"),
        other => other.to_string(),
    }
}

/// A TLS failure in words a user can act on.
fn tls_error(url: &str, e: &std::io::Error) -> String {
    use rustls::CertificateError as C;
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    match inner {
        Some(rustls::Error::InvalidCertificate(c)) => match c {
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
        Some(rustls::Error::InvalidMessage(_))
        | Some(rustls::Error::InappropriateMessage { .. }) => {
            format!(
                "the TLS handshake with {url} failed ({e}); if the server speaks plain HTTP, use an http:// URL"
            )
        }
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

/// The head of an HTTP/1.1 response: status, where the body starts, and how it is framed.
struct Head {
    status: u16,
    body_start: usize,
    chunked: bool,
    length: Option<usize>,
}

fn head(raw: &[u8]) -> Result<Head, String> {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the dstack server sent an incomplete HTTP response")?;
    let text = String::from_utf8_lossy(raw.get(..head_end).unwrap_or(&[]));
    let mut lines = text.lines();
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
            if k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked") {
                chunked = true;
            } else if k == "content-length" {
                length = v.parse::<usize>().ok();
            }
        }
    }
    Ok(Head {
        status,
        body_start: head_end + 4,
        chunked,
        length,
    })
}

/// True once `raw` holds a whole response by its framing (Content-Length or chunked). A response
/// with neither ends when the server closes.
fn is_complete(raw: &[u8]) -> bool {
    let Ok(h) = head(raw) else { return false };
    let body = raw.get(h.body_start..).unwrap_or(&[]);
    if h.chunked {
        body.ends_with(b"\r\n") && dechunk(body).is_ok()
    } else {
        h.length.is_some_and(|n| body.len() >= n)
    }
}

/// The `Location` of a redirect.
fn redirect(raw: &[u8]) -> Option<String> {
    let h = head(raw).ok()?;
    let text = String::from_utf8_lossy(raw.get(..h.body_start)?);
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("location")
            .then(|| v.trim().to_string())
    })
}

/// Status code and body of an HTTP/1.1 response (Content-Length, chunked, or read to close).
fn parse_response(raw: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let h = head(raw)?;
    let body = raw.get(h.body_start..).unwrap_or(&[]);
    let body = if h.chunked {
        dechunk(body)?
    } else {
        match h.length {
            Some(n) => body
                .get(..n)
                .ok_or("the dstack server's answer was cut off")?
                .to_vec(),
            None => body.to_vec(),
        }
    };
    Ok((h.status, body))
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
        data = data.get(size.saturating_add(2)..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

/// Per-document debounce generations and results cached by configuration content.
#[derive(Default)]
pub struct LiveCache {
    /// Keyed by [`dstack_ide::Document::text_key`].
    results: std::sync::Mutex<
        std::collections::HashMap<dstack_ide::TextKey, Result<LiveOffers, String>>,
    >,
    generations: std::sync::Mutex<std::collections::HashMap<String, u64>>,
    last_error: std::sync::Mutex<Option<String>>,
}

/// Results kept before the cache starts over (each is at most `MAX_OFFERS` rows).
const CACHE_LIMIT: usize = 64;

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
    pub fn get(&self, key: dstack_ide::TextKey) -> Option<Result<LiveOffers, String>> {
        self.results.lock().ok()?.get(&key).cloned()
    }
    pub fn insert(&self, key: dstack_ide::TextKey, result: Result<LiveOffers, String>) {
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
