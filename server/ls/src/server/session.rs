//! What every handler and background task shares: the client, the open documents, settings,
//! the workspace index, catalog and backends, and live offers.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, RwLock};

use dstack_ide as ide;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::Uri;

use crate::live::LiveCache;
use crate::offers_source::{SourceKind, Sources};
use crate::position::Encoding;
use crate::settings::Settings;
use crate::state::{Snapshot, Store};
use crate::workspace::WorkspaceIndex;

pub struct Session {
    pub client: Client,
    pub store: Store,
    pub encoding: RwLock<Encoding>,
    pub settings: RwLock<Settings>,
    /// `dstack/debugPanic` answers (set by `DSTACK_LSP_TEST_HOOKS`).
    pub test_hooks: AtomicBool,
    pub workspace: Arc<WorkspaceIndex>,
    /// Catalog and backend settings the offer previews use.
    pub sources: Sources,
    pub live: LiveCache,
    /// The client accepts `workspace/codeLens/refresh` (sent when live offers arrive).
    pub lens_refresh: AtomicBool,
    /// Documents with a diagnostics computation running; `true` once another edit arrived.
    pub diag_pending: Mutex<HashMap<String, bool>>,
}

impl Session {
    pub fn new(client: Client) -> Session {
        Session {
            client,
            store: Store::default(),
            encoding: RwLock::new(Encoding::Utf16),
            settings: RwLock::new(Settings::default()),
            test_hooks: AtomicBool::new(std::env::var_os("DSTACK_LSP_TEST_HOOKS").is_some()),
            workspace: Default::default(),
            sources: Sources::default(),
            live: LiveCache::default(),
            lens_refresh: AtomicBool::new(false),
            diag_pending: Default::default(),
        }
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding.read().map(|e| *e).unwrap_or_default()
    }

    pub fn config(&self) -> ide::AnalysisConfig {
        let mut config = self
            .settings
            .read()
            .map(|s| s.analysis_config())
            .unwrap_or_default();
        config.catalog = self.sources.catalog();
        config.backends = self.sources.backends();
        config
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn source_kind(&self) -> SourceKind {
        if self.sources.catalog().is_some() {
            SourceKind::Catalog
        } else {
            SourceKind::Embedded
        }
    }

    pub fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.store.get(uri.as_str())
    }
}
