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
    workspace: WorkspaceIndex,
}

impl Inner {
    fn encoding(&self) -> Encoding {
        self.encoding.read().map(|e| *e).unwrap_or_default()
    }
    fn config(&self) -> ide::AnalysisConfig {
        self.settings
            .read()
            .map(|s| s.analysis_config())
            .unwrap_or_default()
    }
}

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
            workspace: WorkspaceIndex::default(),
        }),
    })
    .custom_method("dstack/debugPanic", Backend::debug_panic)
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

    /// Compute and publish diagnostics off the async runtime; skip if a newer version arrived.
    fn schedule_diagnostics(&self, uri: Uri) {
        let inner = self.inner.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let key = uri.as_str().to_string();
            let task_inner = inner.clone();
            let computed = tokio::task::spawn_blocking(move || {
                let snap = task_inner.store.get(&key)?;
                let config = task_inner.config();
                let enc = task_inner.encoding();
                guard("diagnostics", || {
                    let p = snap.positions(enc);
                    let diags = ide::diagnostics(&snap.doc, &config);
                    let out: Vec<Diagnostic> =
                        diags.iter().map(|d| convert::diagnostic(&p, d)).collect();
                    (snap.version, out)
                })
            })
            .await;
            let Ok(Some((version, diags))) = computed else {
                return;
            };
            // Publish only if this is still the current version.
            if inner.store.get(uri.as_str()).map(|s| s.version) == Some(version) {
                client.publish_diagnostics(uri, diags, Some(version)).await;
            }
        });
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
        if let Some(opts) = params.initialization_options.as_ref()
            && let Ok(mut s) = self.inner.settings.write()
        {
            s.update(opts);
        }
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
            self.schedule_diagnostics(uri);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        let Some(old) = self.snapshot(&uri) else {
            tracing::warn!(
                "didChange for a document that is not open: {}",
                uri.as_str()
            );
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
        let inner = self.inner.clone();
        let key = uri.as_str().to_string();
        let changed = guard("didChange", move || {
            inner
                .store
                .insert(key, Arc::new(old.with_changes(version, changes, enc)));
        });
        if changed.is_some() {
            self.schedule_diagnostics(uri);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.inner.store.remove(uri.as_str());
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
        // Closing is rare and a big buffer may have just gone: hand its pages back to the OS.
        tokio::task::spawn_blocking(crate::memory::release_free_memory);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if let Ok(mut s) = self.inner.settings.write() {
            s.update(&params.settings);
        }
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
            let items = items
                .iter()
                .map(|i| convert::completion_item(&p, i))
                .collect();
            Some(CompletionResponse::List(CompletionList {
                is_incomplete: false,
                items,
            }))
        })
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let Some(snap) = self.snapshot(&pos.text_document.uri) else {
            return Ok(None);
        };
        let (enc, config) = (self.inner.encoding(), self.inner.config());
        answer("hover", || {
            let p = snap.positions(enc);
            let offset = convert::offset(&p, pos.position);
            ide::hover(&snap.doc, offset, &config).map(|h| convert::hover(&p, &h))
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
        answer("codeLens", || {
            let p = snap.positions(enc);
            let lenses: Vec<CodeLens> = ide::code_lenses(&snap.doc, &config)
                .iter()
                .map(|l| CodeLens {
                    range: convert::range(&p, l.range),
                    command: Some(Command {
                        title: l.title.clone(),
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
        // Open documents win over their files on disk.
        let open: std::collections::HashMap<_, _> = self
            .inner
            .store
            .all()
            .into_iter()
            .filter_map(|(uri, s)| {
                let path = uri.parse::<Uri>().ok()?.to_file_path()?.into_owned();
                Some((
                    path,
                    crate::workspace::definitions_of(s.doc.text.clone(), enc),
                ))
            })
            .collect();
        let inner = self.inner.clone();
        let found = tokio::task::spawn_blocking(move || {
            guard("definition scan", || {
                inner.workspace.find(&reference, enc, &open)
            })
        })
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
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
        Ok(None)
    }
}
