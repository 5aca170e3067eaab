//! Document sync: `didOpen`, `didChange`, `didClose`. State changes synchronously, before any
//! `.await`; diagnostics and live offers are then scheduled in the background.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::guard::guard;
use crate::server::session::Session;
use crate::server::tasks::{schedule_diagnostics, schedule_live};
use crate::state::{Change, Snapshot};

pub async fn did_open(session: &Arc<Session>, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    let uri = doc.uri.clone();
    session.store.insert(
        doc.uri.as_str().to_string(),
        Arc::new(Snapshot::open(doc.version, doc.text)),
    );
    schedule_live(session, &uri);
    schedule_diagnostics(session, uri);
}

pub async fn did_change(session: &Arc<Session>, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri.clone();
    let key = uri.as_str().to_string();
    // Taken out of the store so that, when nothing else holds it, its tree is moved into the
    // new version instead of copied. Handlers run one at a time: nobody sees the gap.
    let Some(old) = session.store.take(&key) else {
        tracing::warn!("didChange for a document that is not open: {key}");
        return;
    };
    let enc = session.encoding();
    let version = params.text_document.version;
    let changes: Vec<Change> = params
        .content_changes
        .into_iter()
        .map(|c| Change {
            range: c
                .range
                .map(|r| (convert::line_col(r.start), convert::line_col(r.end))),
            text: c.text,
        })
        .collect();
    let fallback = (old.version, old.rope.clone());
    let updated = match Arc::try_unwrap(old) {
        Ok(owned) => guard("didChange", move || {
            owned.into_changes(version, changes, enc)
        }),
        Err(shared) => guard("didChange", || shared.with_changes(version, changes, enc)),
    };
    match updated {
        Some(snap) => {
            session.store.insert(key, Arc::new(snap));
            schedule_live(session, &uri);
            schedule_diagnostics(session, uri);
        }
        None => {
            // The update panicked: keep serving the last good text rather than losing the document.
            let (v, rope) = fallback;
            let restored = guard("didChange restore", || Snapshot::open(v, rope.to_string()));
            if let Some(snap) = restored {
                session.store.insert(key, Arc::new(snap));
            }
        }
    }
}

pub async fn did_close(session: &Arc<Session>, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    session.store.remove(uri.as_str());
    session
        .client
        .publish_diagnostics(uri, Vec::new(), None)
        .await;
    // Closing is rare and a big buffer may have just gone: hand its pages back to the OS.
    // Done inline (a few ms at most) so the next message sees the memory already returned.
    crate::memory::release_free_memory();
}
