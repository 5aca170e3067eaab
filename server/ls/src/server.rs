//! The LSP server: thin handlers that snapshot a document, call the pure core, convert the answer.
//!
//! Concurrency rules (see ARCHITECTURE.md): document state changes synchronously before any
//! `.await`; no lock is held across `.await`; server-to-client requests are spawned, never awaited
//! inside a handler. Every handler body runs under `guard`, so a panic is logged and answered.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use dstack_ide as ide;
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::convert;
use crate::live::{self, LiveCache};
use crate::offers_source::{self, SourceKind, Sources};
use crate::position::Encoding;
use crate::settings::Settings;
use crate::state::{Change, Snapshot, Store};
use crate::workspace::WorkspaceIndex;

pub struct Backend {
    client: Client,
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    encoding: RwLock<Encoding>,
    settings: RwLock<Settings>,
    test_hooks: AtomicBool,
    workspace: Arc<WorkspaceIndex>,
    /// Catalog and backend settings the offer previews use.
    sources: Sources,
    live: LiveCache,
    /// The client accepts `workspace/codeLens/refresh` (sent when live offers arrive).
    lens_refresh: AtomicBool,
    /// Documents with a diagnostics computation running; `true` once another edit arrived.
    diag_pending: std::sync::Mutex<std::collections::HashMap<String, bool>>,
}

impl Inner {
    fn encoding(&self) -> Encoding {
        self.encoding.read().map(|e| *e).unwrap_or_default()
    }
    fn config(&self) -> ide::AnalysisConfig {
        let mut config = self
            .settings
            .read()
            .map(|s| s.analysis_config())
            .unwrap_or_default();
        config.catalog = self.sources.catalog();
        config.backends = self.sources.backends();
        config
    }
    fn settings(&self) -> Settings {
        self.settings.read().map(|s| s.clone()).unwrap_or_default()
    }
    fn source_kind(&self) -> SourceKind {
        if self.sources.catalog().is_some() {
            SourceKind::Catalog
        } else {
            SourceKind::Embedded
        }
    }
}

/// Rows `dstack.offers` returns at most (`count` is always the full number).
const COMMAND_MAX_ROWS: usize = 1000;
/// Quiet time after the last change before a live request goes out.
const LIVE_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(500);

/// Run `f`, turning a panic into a logged `None`.
fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            tracing::error!("handler {what} panicked: {msg}");
            None
        }
    }
}

/// A request's answer: a panic becomes an internal-error response and the server keeps serving.
fn answer<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    guard(what, f).ok_or_else(|| Error {
        code: ErrorCode::InternalError,
        message: format!("dstack-lsp: internal error in {what} (see the server log)").into(),
        data: None,
    })
}

pub async fn serve_stdio() {
    // Frames pass through `framing::sanitize`, so one malformed message cannot end the session.
    let (checked_in, checked_out) = tokio::io::duplex(1 << 16);
    tokio::spawn(crate::framing::sanitize(tokio::io::stdin(), checked_in));
    let stdin = checked_out;
    let stdout = tokio::io::stdout();
    let (service, socket) = LspService::build(|client| Backend {
        client,
        inner: Arc::new(Inner {
            store: Store::default(),
            encoding: RwLock::new(Encoding::Utf16),
            settings: RwLock::new(Settings::default()),
            test_hooks: AtomicBool::new(std::env::var_os("DSTACK_LSP_TEST_HOOKS").is_some()),
            workspace: Default::default(),
            diag_pending: Default::default(),
            sources: Sources::default(),
            live: LiveCache::default(),
            lens_refresh: AtomicBool::new(false),
        }),
    })
    .custom_method("dstack/debugPanic", Backend::debug_panic)
    .custom_method(
        crate::framing::REJECT_METHOD,
        crate::framing::reject::<Backend>,
    )
    .finish();
    // Handlers are microseconds; sequential handling keeps notifications strictly ordered.
    Server::new(stdin, stdout, socket)
        .concurrency_level(1)
        .serve(service)
        .await;
}

impl Backend {
    /// Test hook (enabled by `DSTACK_LSP_TEST_HOOKS`): panics inside a handler to prove recovery.
    async fn debug_panic(&self) -> Result<Value> {
        if !self.inner.test_hooks.load(Ordering::Relaxed) {
            return Err(Error::method_not_found());
        }
        answer("dstack/debugPanic", || -> Value {
            panic!("deliberate panic from dstack/debugPanic")
        })
    }

    fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.inner.store.get(uri.as_str())
    }

    /// Load `dstack.catalog.path` off the runtime; a failure is a warning and the previous
    /// catalog (the embedded one at first) stays. The latest setting wins: a load that finishes
    /// after a newer change is dropped.
    fn schedule_catalog_load(&self, path: Option<String>) {
        let inner = self.inner.clone();
        let client = self.client.clone();
        let ticket = inner.sources.begin_catalog_change();
        tokio::spawn(async move {
            let Some(path) = path else {
                if inner.sources.finish_catalog_change(ticket, None) {
                    refresh_lenses(&inner, &client);
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
                        tracing::info!(
                            "offers catalog: {shown} loaded after a newer setting; dropped"
                        );
                        return;
                    }
                    tracing::info!("offers catalog: {rows} rows from {shown}");
                    for note in notes {
                        tracing::warn!("offers catalog: {note}");
                        let msg = format!("dstack: offers catalog: {note}");
                        let client = client.clone();
                        tokio::spawn(async move {
                            client.show_message(MessageType::WARNING, msg).await
                        });
                    }
                    warm_up(&inner);
                    refresh_lenses(&inner, &client);
                }
                Ok(Some(Err(_))) if !inner.sources.is_current_catalog_change(ticket) => {}
                Ok(Some(Err(e))) => {
                    tracing::warn!("offers catalog: {e}");
                    let msg = format!(
                        "dstack: cannot load the offers catalog (dstack.catalog.path): {e}. Offer previews keep using the built-in catalog."
                    );
                    tokio::spawn(
                        async move { client.show_message(MessageType::WARNING, msg).await },
                    );
                }
                _ => tracing::error!("offers catalog: loading {shown} failed"),
            }
        });
    }

    /// Read `~/.dstack/server/config.yml` (missing: dstack's defaults) off the runtime.
    fn schedule_backends_load(&self) {
        let inner = self.inner.clone();
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
    fn schedule_live(&self, uri: &Uri) {
        if !self.inner.settings().live_enabled {
            return;
        }
        let key = uri.as_str().to_string();
        let generation = self.inner.live.bump(&key);
        let inner = self.inner.clone();
        let client = self.client.clone();
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
                    tokio::spawn(
                        async move { client.show_message(MessageType::WARNING, msg).await },
                    );
                }
                Err(_) => {}
            }
            inner.live.insert(content, result);
            refresh_lenses(&inner, &client);
        });
    }

    /// Compute and publish diagnostics off the async runtime; skip if a newer version arrived.
    fn schedule_diagnostics(&self, uri: Uri) {
        let key = uri.as_str().to_string();
        // At most one computation per document: a burst of edits marks the running one dirty,
        // and it runs once more on the newest version instead of piling up stale work.
        match self.inner.diag_pending.lock() {
            Ok(mut pending) => {
                if let Some(dirty) = pending.get_mut(&key) {
                    *dirty = true;
                    return;
                }
                pending.insert(key.clone(), false);
            }
            Err(_) => return,
        }
        let inner = self.inner.clone();
        let client = self.client.clone();
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
                        let shown =
                            ide::diagnostics_for_editor(diags, ide::EDITOR_DIAGNOSTICS_LIMIT);
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
}

/// Ask the client to re-request code lenses (spawned: the answer is not awaited here).
fn refresh_lenses(inner: &Inner, client: &Client) {
    if inner.lens_refresh.load(Ordering::Relaxed) {
        let client = client.clone();
        tokio::spawn(async move {
            let _ = client.code_lens_refresh().await;
        });
    }
}

/// The document URI of `dstack.offers`: `[uri]`, `[{uri}]` or `{uri}`.
fn command_uri(args: &[Value]) -> Option<String> {
    let first = args.first()?;
    first
        .as_str()
        .or_else(|| first.get("uri").and_then(Value::as_str))
        .map(str::to_string)
}

/// Fills the analysis caches in the background, so that no request pays for them.
fn warm_up(inner: &Arc<Inner>) {
    let inner = inner.clone();
    tokio::task::spawn_blocking(move || {
        guard("warm-up", || ide::warm_up(&inner.config()));
    });
}

/// The lens title for live offers.
fn live_title(o: &live::LiveOffers) -> String {
    let min = o.offers.iter().map(|r| r.price).reduce(f64::min);
    match (o.count, min) {
        (0, _) | (_, None) => "No offers (live)".to_string(),
        (1, Some(p)) => format!("1 offer · {}/h (live)", dstack_offers::format_price(p)),
        (n, Some(p)) => format!(
            "{n} offers · from {}/h (live)",
            dstack_offers::format_price(p)
        ),
    }
}

/// Workspace folders (or the legacy root URI) as local paths.
#[allow(deprecated)] // `root_uri` is still what older clients send.
fn workspace_roots(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let mut roots: Vec<std::path::PathBuf> = params
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

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        if let Ok(mut e) = self.inner.encoding.write() {
            *e = encoding;
        }
        self.inner.workspace.set_roots(workspace_roots(&params));
        let watch = params.capabilities.workspace.as_ref();
        let watch = watch.and_then(|w| w.did_change_watched_files?.dynamic_registration);
        self.inner
            .workspace
            .set_watch_support(watch.unwrap_or(false));
        if let Some(opts) = params.initialization_options.as_ref()
            && let Ok(mut s) = self.inner.settings.write()
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
        self.inner.lens_refresh.store(refresh, Ordering::Relaxed);
        let path = self.inner.settings().catalog_path;
        if path.is_some() {
            self.schedule_catalog_load(path);
        }
        self.schedule_backends_load();
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "dstack-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(match encoding {
                    Encoding::Utf8 => PositionEncodingKind::UTF8,
                    Encoding::Utf16 => PositionEncodingKind::UTF16,
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![":".into(), " ".into(), "-".into(), ",".into()]),
                    ..Default::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..Default::default()
                    },
                )),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec!["dstack.offers".to_string()],
                    ..Default::default()
                }),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("client initialized");
        warm_up(&self.inner);
        let enc = self.inner.encoding();
        crate::workspace::start(&self.inner.workspace, &self.client, enc);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let enc = self.inner.encoding();
        crate::workspace::changed(&self.inner.workspace, &self.client, params, enc);
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.clone();
        let inner = self.inner.clone();
        let opened = guard("didOpen", move || {
            inner.store.insert(
                doc.uri.as_str().to_string(),
                Arc::new(Snapshot::open(doc.version, doc.text)),
            );
        });
        if opened.is_some() {
            self.schedule_live(&uri);
            self.schedule_diagnostics(uri);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        let key = uri.as_str().to_string();
        // Taken out of the store so that, when nothing else holds it, its tree is moved into the
        // new version instead of copied. Handlers run one at a time: nobody sees the gap.
        let Some(old) = self.inner.store.take(&key) else {
            tracing::warn!("didChange for a document that is not open: {key}");
            return;
        };
        let enc = self.inner.encoding();
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
                self.inner.store.insert(key, Arc::new(snap));
                self.schedule_live(&uri);
                self.schedule_diagnostics(uri);
            }
            None => {
                // The update panicked: keep serving the last good text rather than losing the document.
                let (v, rope) = fallback;
                let restored = guard("didChange restore", || Snapshot::open(v, rope.to_string()));
                if let Some(snap) = restored {
                    self.inner.store.insert(key, Arc::new(snap));
                }
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.inner.store.remove(uri.as_str());
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
        // Closing is rare and a big buffer may have just gone: hand its pages back to the OS.
        // Done inline (a few ms at most) so the next message sees the memory already returned.
        crate::memory::release_free_memory();
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let before = self.inner.settings();
        if let Ok(mut s) = self.inner.settings.write() {
            s.update(&params.settings);
            if let Some(level) = &s.log_level {
                crate::logging::set_level(level);
            }
        }
        let after = self.inner.settings();
        if after.catalog_path != before.catalog_path {
            self.schedule_catalog_load(after.catalog_path.clone());
        }
        if after.live != before.live {
            self.inner.live.clear();
        }
        if after.live_enabled && (!before.live_enabled || after.live != before.live) {
            for (uri, _) in self.inner.store.all() {
                if let Ok(uri) = uri.parse::<Uri>() {
                    self.schedule_live(&uri);
                }
            }
        }
        refresh_lenses(&self.inner, &self.client);
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = params.text_document_position;
        let Some(snap) = self.snapshot(&pos.text_document.uri) else {
            return Ok(None);
        };
        let (enc, config) = (self.inner.encoding(), self.inner.config());
        answer("completion", || {
            let p = snap.positions(enc);
            let offset = convert::offset(&p, pos.position);
            let items = ide::completions(&snap.doc, offset, &config);
            if items.is_empty() {
                return None;
            }
            Some(CompletionResponse::List(CompletionList {
                is_incomplete: false,
                items: convert::completion_items(&p, items),
            }))
        })
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let Some(snap) = self.snapshot(&pos.text_document.uri) else {
            return Ok(None);
        };
        let (enc, mut config) = (self.inner.encoding(), self.inner.config());
        // Live offers, when there are some for this exact text, replace the catalog's section.
        let live = match self.inner.settings().live_enabled && config.offers_enabled {
            true => self.inner.live.get(snap.doc.text_key()),
            false => None,
        };
        let live = live.and_then(|r| r.ok());
        if live.is_some() {
            config.offers_enabled = false;
        }
        answer("hover", || {
            let p = snap.positions(enc);
            let offset = convert::offset(&p, pos.position);
            let mut hover = ide::hover(&snap.doc, offset, &config)?;
            if let Some(o) = &live {
                let views: Vec<_> = o.offers.iter().map(offers_source::OfferRow::view).collect();
                let section = ide::listed_offers_hover_section(
                    &snap.doc,
                    offset,
                    o.count,
                    &views,
                    "dstack server, live",
                );
                if let Some(section) = section {
                    hover.markdown.push_str("\n\n---\n\n");
                    hover.markdown.push_str(&section);
                }
            }
            Some(convert::hover(&p, &hover))
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.inner.encoding();
        answer("documentSymbol", || {
            let p = snap.positions(enc);
            let symbols = ide::document_symbols(&snap.doc)
                .iter()
                .map(|s| convert::symbol(&p, s))
                .collect();
            Some(DocumentSymbolResponse::Nested(symbols))
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.inner.encoding();
        answer("foldingRange", || {
            let p = snap.positions(enc);
            Some(
                ide::folding_ranges(&snap.doc)
                    .into_iter()
                    .filter_map(|r| convert::folding_range(&p, r))
                    .collect(),
            )
        })
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.inner.encoding();
        answer("selectionRange", || {
            let p = snap.positions(enc);
            let out = params
                .positions
                .iter()
                .map(|&pos| {
                    let ranges = ide::selection_ranges(&snap.doc, convert::offset(&p, pos));
                    convert::selection_range(&p, &ranges, pos)
                })
                .collect();
            Some(out)
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let Some(snap) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let (enc, config) = (self.inner.encoding(), self.inner.config());
        answer("codeAction", || {
            let p = snap.positions(enc);
            let range = convert::from_range(&p, params.range);
            let actions: Vec<CodeActionOrCommand> = ide::code_actions(&snap.doc, range, &config)
                .iter()
                .map(|a| convert::code_action(&p, &uri, a, &params.context.diagnostics))
                .collect();
            if actions.is_empty() {
                None
            } else {
                Some(actions)
            }
        })
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri.clone();
        let Some(snap) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let (enc, config) = (self.inner.encoding(), self.inner.config());
        let live = match self.inner.settings().live_enabled {
            true => self.inner.live.get(snap.doc.text_key()),
            false => None,
        };
        answer("codeLens", || {
            let p = snap.positions(enc);
            let lenses: Vec<CodeLens> = ide::code_lenses(&snap.doc, &config)
                .iter()
                .map(|l| CodeLens {
                    range: convert::range(&p, l.range),
                    command: Some(Command {
                        title: match &live {
                            Some(Ok(o)) => live_title(o),
                            _ => l.title.clone(),
                        },
                        command: "dstack.offers".to_string(),
                        arguments: Some(vec![Value::String(uri.as_str().to_string())]),
                    }),
                    data: None,
                })
                .collect();
            if lenses.is_empty() {
                None
            } else {
                Some(lenses)
            }
        })
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        let Some(snap) = self.snapshot(&pos.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.inner.encoding();
        let reference = answer("definition", || {
            let p = snap.positions(enc);
            ide::reference_at(&snap.doc, convert::offset(&p, pos.position))
        })?;
        let Some(reference) = reference else {
            return Ok(None);
        };
        // From the index, never a walk: open documents (analysed once per version) win.
        let index = &self.inner.workspace;
        crate::workspace::tell_cap(index, &self.client);
        let open = guard("definition (open documents)", || {
            index.open_definitions(&self.inner.store.all(), enc)
        })
        .unwrap_or_default();
        let found = answer("definition", || index.find(&reference, &open))?;
        let locations: Vec<Location> = found
            .into_iter()
            .filter_map(|f| {
                Some(Location {
                    uri: Uri::from_file_path(&f.path)?,
                    range: Range {
                        start: Position {
                            line: f.start.line,
                            character: f.start.character,
                        },
                        end: Position {
                            line: f.end.line,
                            character: f.end.character,
                        },
                    },
                })
            })
            .collect();
        Ok(match locations.len() {
            0 => None,
            1 => locations
                .into_iter()
                .next()
                .map(GotoDefinitionResponse::Scalar),
            _ => Some(GotoDefinitionResponse::Array(locations)),
        })
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        tracing::info!("executeCommand {}", params.command);
        if params.command != "dstack.offers" {
            return Err(Error::invalid_params(format!(
                "unknown command `{}` (this server has `dstack.offers`)",
                params.command
            )));
        }
        let Some(uri) = command_uri(&params.arguments) else {
            return Err(Error::invalid_params(
                "dstack.offers takes the document URI: [\"file:///…/x.dstack.yml\"]",
            ));
        };
        let Some(snap) = self.inner.store.get(&uri) else {
            return Err(Error::invalid_params(format!(
                "{uri} is not open in the editor"
            )));
        };
        let config = self.inner.config();
        if self.inner.settings().live_enabled
            && let Some(Ok(o)) = self.inner.live.get(snap.doc.text_key())
        {
            let mut out = offers_source::offers_json(o.count, &o.offers, Some(COMMAND_MAX_ROWS));
            out["source"] = Value::from(SourceKind::Live.as_str());
            return Ok(Some(out));
        }
        let kind = self.inner.source_kind();
        let result = answer("dstack.offers", || {
            ide::offers_for(&snap.doc, &config).map(|list| {
                let rows = offers_source::rows(&list);
                let mut out = offers_source::offers_json(rows.len(), &rows, Some(COMMAND_MAX_ROWS));
                out["source"] = Value::from(kind.as_str());
                out
            })
        })?;
        match result {
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(Error::invalid_params(e)),
        }
    }
}
