//! Background work, spawned by handlers and never awaited by them: diagnostics, live offers,
//! catalog and backends loading, cache warm-up and code lens refreshes. The workspace index
//! builds itself (`crate::workspace::start`).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use dstack_ide as ide;
use tower_lsp_server::ls_types::{Diagnostic, MessageType, Uri};

use super::guard::guard;
use super::session::Session;
use crate::convert;
use crate::live;
use crate::offers_source;

/// Quiet time after the last change before a live request goes out.
const LIVE_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(500);

/// Load `dstack.catalog.path` off the runtime; a failure is a warning and the previous
/// catalog (the embedded one at first) stays. The latest setting wins: a load that finishes
/// after a newer change is dropped.
pub fn load_catalog(session: &Arc<Session>, path: Option<String>) {
    let inner = session.clone();
    let client = session.client.clone();
    let ticket = inner.sources.begin_catalog_change();
    tokio::spawn(async move {
        let Some(path) = path else {
            if inner.sources.finish_catalog_change(ticket, None) {
                refresh_lenses(&inner);
            }
            return;
        };
        let shown = path.clone();
        let sources = inner.clone();
        let loaded = tokio::task::spawn_blocking(move || {
            guard("catalog load", || {
                if !sources.sources.is_current_catalog_change(ticket) {
                    return Err("superseded by a newer setting".to_string());
                }
                offers_source::load_catalog(&offers_source::expand_home(&path))
            })
        })
        .await;
        match loaded {
            Ok(Some(Ok(catalog))) => {
                let notes: Vec<String> = offers_source::load_notes(&catalog).collect();
                let rows = catalog.len();
                if !inner
                    .sources
                    .finish_catalog_change(ticket, Some(Arc::new(catalog)))
                {
                    tracing::info!("offers catalog: {shown} loaded after a newer setting; dropped");
                    return;
                }
                tracing::info!("offers catalog: {rows} rows from {shown}");
                for note in notes {
                    tracing::warn!("offers catalog: {note}");
                    let msg = format!("dstack: offers catalog: {note}");
                    let client = client.clone();
                    tokio::spawn(
                        async move { client.show_message(MessageType::WARNING, msg).await },
                    );
                }
                warm_up(&inner);
                refresh_lenses(&inner);
            }
            Ok(Some(Err(_))) if !inner.sources.is_current_catalog_change(ticket) => {}
            Ok(Some(Err(e))) => {
                tracing::warn!("offers catalog: {e}");
                let msg = format!(
                    "dstack: cannot load the offers catalog (dstack.catalog.path): {e}. Offer previews keep using the built-in catalog."
                );
                tokio::spawn(async move { client.show_message(MessageType::WARNING, msg).await });
            }
            _ => tracing::error!("offers catalog: loading {shown} failed"),
        }
    });
}

/// Read `~/.dstack/server/config.yml` (missing: dstack's defaults) off the runtime.
pub fn load_backends(session: &Arc<Session>) {
    let inner = session.clone();
    let project = inner
        .settings()
        .live
        .project
        .or_else(|| std::env::var("DSTACK_PROJECT").ok());
    tokio::spawn(async move {
        let loaded = tokio::task::spawn_blocking(move || {
            guard("server config", || {
                offers_source::load_backends(project.as_deref())
            })
        })
        .await;
        if let Ok(Some(b)) = loaded {
            if let Some(list) = &b.backends {
                let names: Vec<&str> = list.iter().map(|c| c.backend.as_str()).collect();
                tracing::info!("backends from ~/.dstack/server/config.yml: {names:?}");
            }
            inner.sources.set_backends(b);
        }
    });
}

/// Live offers for `uri`, ~500 ms after its last change; cached by content.
pub fn schedule_live(session: &Arc<Session>, uri: &Uri) {
    if !session.settings().live_enabled {
        return;
    }
    let key = uri.as_str().to_string();
    let generation = session.live.bump(&key);
    let inner = session.clone();
    let client = session.client.clone();
    tokio::spawn(async move {
        tokio::time::sleep(LIVE_DEBOUNCE).await;
        if !inner.live.is_current(&key, generation) {
            return;
        }
        let Some(snap) = inner.store.get(&key) else {
            return;
        };
        let content = snap.doc.text_key();
        if inner.live.get(content.clone()).is_some() {
            return;
        }
        let config = inner.config();
        // Only runs and cloud fleets, and only what dstack would accept: the rest is not
        // worth a request.
        let Some(ty) = ide::config_type(&snap.doc) else {
            return;
        };
        if ide::offer_requirements(&snap.doc, &config).is_err() {
            return;
        }
        let name = key.rsplit('/').next().unwrap_or("dstack.yml").to_string();
        let request = ide::configuration_value(&snap.doc)
            .and_then(|value| live::plan_request(ty, live::to_json(&value), &name));
        let Some(request) = request else { return };
        let overrides = inner.settings().live;
        // Reads ~/.dstack/config.yml and the CA bundle.
        let server = tokio::task::spawn_blocking(move || {
            let home = offers_source::home_dir();
            live::prepare(&overrides, |k| std::env::var(k).ok(), home.as_deref())
        })
        .await
        .unwrap_or_else(|_| Err("reading ~/.dstack/config.yml failed".to_string()));
        let result = match server {
            Ok(server) => live::fetch(&server, &request).await,
            Err(e) => Err(e),
        };
        match &result {
            Ok(_) => inner.live.succeeded(),
            Err(e) if inner.live.is_new_error(e) => {
                let msg = format!("dstack live offers: {e}");
                let client = client.clone();
                tokio::spawn(async move { client.show_message(MessageType::WARNING, msg).await });
            }
            Err(_) => {}
        }
        inner.live.insert(content, result);
        refresh_lenses(&inner);
    });
}

/// Compute and publish diagnostics off the async runtime; skip if a newer version arrived.
pub fn schedule_diagnostics(session: &Arc<Session>, uri: Uri) {
    let key = uri.as_str().to_string();
    // At most one computation per document: a burst of edits marks the running one dirty,
    // and it runs once more on the newest version instead of piling up stale work.
    match session.diag_pending.lock() {
        Ok(mut pending) => {
            if let Some(dirty) = pending.get_mut(&key) {
                *dirty = true;
                return;
            }
            pending.insert(key.clone(), false);
        }
        Err(_) => return,
    }
    let inner = session.clone();
    let client = session.client.clone();
    tokio::spawn(async move {
        loop {
            let task_inner = inner.clone();
            let task_key = key.clone();
            let computed = tokio::task::spawn_blocking(move || {
                let snap = task_inner.store.get(&task_key)?;
                let config = task_inner.config();
                let enc = task_inner.encoding();
                guard("diagnostics", || {
                    let p = snap.positions(enc);
                    let diags = ide::diagnostics(&snap.doc, &config);
                    if config.offers_enabled {
                        // Hover and lens on this version then reuse these diagnostics.
                        ide::prime_offer_query(&snap.doc, &config, &diags);
                    }
                    let shown = ide::diagnostics_for_editor(diags, ide::EDITOR_DIAGNOSTICS_LIMIT);
                    let out: Vec<Diagnostic> =
                        shown.iter().map(|d| convert::diagnostic(&p, d)).collect();
                    (snap.version, out)
                })
            })
            .await;
            // Publish only if this is still the current version.
            if let Ok(Some((version, diags))) = computed
                && inner.store.get(&key).map(|s| s.version) == Some(version)
            {
                client
                    .publish_diagnostics(uri.clone(), diags, Some(version))
                    .await;
            }
            let again = match inner.diag_pending.lock() {
                Ok(mut pending) => match pending.get_mut(&key) {
                    Some(dirty) if *dirty => {
                        *dirty = false;
                        true
                    }
                    _ => {
                        pending.remove(&key);
                        false
                    }
                },
                Err(_) => false,
            };
            if !again {
                break;
            }
        }
    });
}

/// Ask the client to re-request code lenses (spawned: the answer is not awaited here).
pub fn refresh_lenses(session: &Session) {
    if session.lens_refresh.load(Ordering::Relaxed) {
        let client = session.client.clone();
        tokio::spawn(async move {
            let _ = client.code_lens_refresh().await;
        });
    }
}

/// Fills the analysis caches in the background, so that no request pays for them.
pub fn warm_up(session: &Arc<Session>) {
    let session = session.clone();
    tokio::task::spawn_blocking(move || {
        guard("warm-up", || ide::warm_up(&session.config()));
    });
}
