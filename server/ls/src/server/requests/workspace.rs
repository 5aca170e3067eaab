//! Workspace notifications: `didChangeConfiguration`, `didChangeWatchedFiles`.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::server::session::Session;
use crate::server::tasks::{load_catalog, refresh_lenses, schedule_live};

pub async fn did_change_configuration(
    session: &Arc<Session>,
    params: DidChangeConfigurationParams,
) {
    let before = session.settings();
    if let Ok(mut s) = session.settings.write() {
        s.update(&params.settings);
        if let Some(level) = &s.log_level {
            crate::logging::set_level(level);
        }
    }
    let after = session.settings();
    if after.catalog_path != before.catalog_path {
        load_catalog(session, after.catalog_path.clone());
    }
    if after.live != before.live {
        session.live.clear();
    }
    if after.live_enabled && (!before.live_enabled || after.live != before.live) {
        for (uri, _) in session.store.all() {
            if let Ok(uri) = uri.parse::<Uri>() {
                schedule_live(session, &uri);
            }
        }
    }
    refresh_lenses(session);
}

pub async fn did_change_watched_files(session: &Arc<Session>, params: DidChangeWatchedFilesParams) {
    let enc = session.encoding();
    crate::workspace::changed(&session.workspace, &session.client, params, enc);
}
