//! `initialize`, `initialized`, `shutdown`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::position::Encoding;
use crate::server::capabilities::server_capabilities;
use crate::server::session::Session;
use crate::server::tasks::{load_backends, load_catalog, warm_up};

pub async fn initialize(
    session: &Arc<Session>,
    params: InitializeParams,
) -> Result<InitializeResult> {
    let encoding = negotiate_encoding(&params);
    if let Ok(mut e) = session.encoding.write() {
        *e = encoding;
    }
    session.workspace.set_roots(workspace_roots(&params));
    let watch = params.capabilities.workspace.as_ref();
    let watch = watch.and_then(|w| w.did_change_watched_files?.dynamic_registration);
    session.workspace.set_watch_support(watch.unwrap_or(false));
    if let Some(opts) = params.initialization_options.as_ref()
        && let Ok(mut s) = session.settings.write()
    {
        s.update(opts);
        if let Some(level) = &s.log_level {
            crate::logging::set_level(level);
        }
    }
    let refresh = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.code_lens.as_ref())
        .and_then(|c| c.refresh_support)
        .unwrap_or(false);
    session.lens_refresh.store(refresh, Ordering::Relaxed);
    let path = session.settings().catalog_path;
    if path.is_some() {
        load_catalog(session, path);
    }
    load_backends(session);
    Ok(InitializeResult {
        server_info: Some(ServerInfo {
            name: "dstack-lsp".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        capabilities: server_capabilities(encoding),
        offset_encoding: None,
    })
}

pub async fn initialized(session: &Arc<Session>) {
    tracing::info!("client initialized");
    warm_up(session);
    let enc = session.encoding();
    crate::workspace::start(&session.workspace, &session.client, enc);
}

pub async fn shutdown() -> Result<()> {
    Ok(())
}

/// Workspace folders (or the legacy root URI) as local paths.
#[allow(deprecated)] // `root_uri` is still what older clients send.
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    if roots.is_empty()
        && let Some(p) = params.root_uri.as_ref().and_then(|u| u.to_file_path())
    {
        roots.push(p.into_owned());
    }
    roots
}

fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}
