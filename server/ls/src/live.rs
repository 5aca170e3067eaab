//! Live offers (opt-in, `dstack.live.enabled`): ask a running dstack server what it would offer
//! for a configuration. Runs (dev-environment, task, service) go to
//! `POST {url}/api/project/{project}/runs/get_plan` (`for_offers_only: true`); cloud fleets
//! (`nodes`, no `ssh_config`) to `POST {url}/api/project/{project}/fleets/get_plan`.
//!
//! - `config`: the server, project and token (settings `dstack.live.url/project/token`, else
//!   `DSTACK_SERVER_URL` / `DSTACK_PROJECT` / `DSTACK_TOKEN`, else `~/.dstack/config.yml`), the
//!   trusted roots (Mozilla's, compiled in, the set dstack's Python client gets from certifi,
//!   plus `dstack.live.caFile`, else `REQUESTS_CA_BUNDLE`, else `SSL_CERT_FILE`) and the proxies
//!   (`https_proxy`, `http_proxy`, `all_proxy`, `no_proxy`, as requests reads them).
//! - `http`: the client (reqwest on our rustls configuration).
//! - `plan`: request bodies and answers.
//! - `cache`: results by document content, debounce generations.
//!
//! The token never reaches a log line or a message: every error text goes through [`redact`].

use std::time::Duration;

mod cache;
mod config;
mod http;
mod plan;

pub use cache::LiveCache;
pub use config::{Overrides, ServerConfig, prepare};
pub use plan::{LiveOffers, PlanRequest, parse_plan, plan_request, to_json};

/// Whole-request limit.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Replaces the token wherever it appears (servers may echo headers in error bodies).
pub fn redact(text: &str, token: &str) -> String {
    if token.len() < 4 {
        return text.to_string();
    }
    text.replace(token, "***")
}

/// [`get_plan`] with logging: the URL and the outcome, never the token.
pub async fn fetch(server: &ServerConfig, request: &PlanRequest) -> Result<LiveOffers, String> {
    tracing::debug!(
        "live offers: asking {} (project {}, {}, {:?})",
        server.url,
        server.project,
        request.endpoint(),
        server.proxy
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
    let fut = http::post_json(server, &path, &request.body);
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

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
