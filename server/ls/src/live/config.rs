//! Which server to ask and how to reach it: the server, project and token (settings, then the
//! environment, then `~/.dstack/config.yml`), the trusted roots for `https://` and the proxies
//! from the environment.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dstack_ide::{Node, Parse, ScalarValue};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// Where to send requests.
#[derive(Clone)]
pub struct ServerConfig {
    pub url: String,
    pub project: String,
    pub token: String,
    /// Trust for `https://` URLs ([`tls_config`]); `None` means Mozilla's roots only.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    /// Proxies from the environment ([`Proxies::from_env`]).
    pub proxy: Proxies,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("url", &self.url)
            .field("project", &self.project)
            .field("token", &"***")
            .field("tls", &self.tls.is_some())
            .field("proxy", &self.proxy)
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

/// Checks the URL, reads the proxies from `env`, and everything that reads files, so call it off the async runtime: `~/.dstack/config.yml` (under
/// `home`), [`resolve`], and for `https://` servers the extra CA bundle ([`ca_bundle`]).
pub fn prepare(
    overrides: &Overrides,
    env: impl Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<ServerConfig, String> {
    let file = home.and_then(|h| std::fs::read_to_string(h.join(".dstack/config.yml")).ok());
    let mut server = resolve(overrides, &env, file.as_deref())?;
    let url = parse_url(&server.url)?;
    server.proxy = Proxies::from_env(&env);
    if url.scheme() == "https" {
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
            proxy: Proxies::default(),
        }),
        _ => Err("no dstack server configured: run `dstack project add`, set DSTACK_SERVER_URL, DSTACK_PROJECT and DSTACK_TOKEN, or the settings dstack.live.url / project / token".to_string()),
    }
}

/// The project entry of `~/.dstack/config.yml`: `wanted` by name, else the `default: true` one.
fn project_from_file(text: &str, wanted: Option<&str>) -> Option<ServerConfig> {
    let parse = dstack_ide::parse(text);
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
                proxy: Proxies::default(),
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

/// The server URL, checked before any connection is tried.
pub fn parse_url(url: &str) -> Result<reqwest::Url, String> {
    let example = "it should look like http://127.0.0.1:3000 or https://sky.dstack.ai";
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| format!("`{url}` is not a valid server URL ({e}); {example}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "`{url}` is not an http:// or https:// URL; {example}"
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "`{url}` is not a valid server URL (no host); {example}"
        ));
    }
    Ok(parsed)
}

/// Proxies as dstack's Python client (requests) finds them: `https_proxy` for https:// servers,
/// `http_proxy` for http://, `all_proxy` for both when those are unset, and `no_proxy` hosts
/// reached directly. The lowercase variable wins over the uppercase one; empty means unset.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    /// `(variable, proxy URL)` for http://, https:// and both.
    pub http: Option<(&'static str, String)>,
    pub https: Option<(&'static str, String)>,
    pub all: Option<(&'static str, String)>,
    pub no_proxy: Option<String>,
}

impl Proxies {
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Proxies {
        let var = |lower: &'static str, upper: &'static str| {
            match env(lower) {
                Some(v) => Some((lower, v)),
                None => env(upper).map(|v| (upper, v)),
            }
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k, v.trim().to_string()))
        };
        Proxies {
            http: var("http_proxy", "HTTP_PROXY"),
            https: var("https_proxy", "HTTPS_PROXY"),
            all: var("all_proxy", "ALL_PROXY"),
            no_proxy: var("no_proxy", "NO_PROXY").map(|(_, v)| v),
        }
    }
}

impl std::fmt::Debug for Proxies {
    // Proxy URLs may carry a password: only say which variables are in use.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |p: &Option<(&'static str, String)>| p.as_ref().map(|(k, _)| *k);
        f.debug_struct("Proxies")
            .field("http", &name(&self.http))
            .field("https", &name(&self.https))
            .field("all", &name(&self.all))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

#[cfg(test)]
mod tests;
