//! The LSP server. [`Backend`] implements `LanguageServer` as one-line delegations: each handler
//! runs its request family's function (`server/requests/`) under the panic guard
//! (`server/guard.rs`), so a panic is logged and answered and the server keeps serving.
//! Background work is in `server/tasks.rs`, what `initialize` advertises in
//! `server/capabilities.rs`, the state they share in `server/session.rs`.
//!
//! Concurrency rules (see ARCHITECTURE.md): document state changes synchronously before any
//! `.await`; no lock is held across `.await`; server-to-client requests are spawned, never awaited
//! inside a handler.

mod capabilities;
mod guard;
mod requests;
mod session;
mod tasks;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{LanguageServer, LspService, Server};

use guard::{answer, notification};
use requests::{
    code_actions, commands, completion, documents, hover, lens, lifecycle, navigation, structure,
    workspace,
};
use session::Session;

pub struct Backend {
    session: Arc<Session>,
}

pub async fn serve_stdio() {
    // Frames pass through `framing::sanitize`, so one malformed message cannot end the session.
    let (checked_in, checked_out) = tokio::io::duplex(1 << 16);
    tokio::spawn(crate::framing::sanitize(tokio::io::stdin(), checked_in));
    let stdin = checked_out;
    let stdout = tokio::io::stdout();
    let (service, socket) = LspService::build(|client| Backend {
        session: Arc::new(Session::new(client)),
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
        if !self.session.test_hooks.load(Ordering::Relaxed) {
            return Err(Error::method_not_found());
        }
        answer("dstack/debugPanic", async {
            panic!("deliberate panic from dstack/debugPanic")
        })
        .await
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        answer("initialize", lifecycle::initialize(&self.session, params)).await
    }

    async fn initialized(&self, _: InitializedParams) {
        notification("initialized", lifecycle::initialized(&self.session)).await
    }

    async fn shutdown(&self) -> Result<()> {
        answer("shutdown", lifecycle::shutdown()).await
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        notification("didOpen", documents::did_open(&self.session, params)).await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        notification("didChange", documents::did_change(&self.session, params)).await
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        notification("didClose", documents::did_close(&self.session, params)).await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let handler = workspace::did_change_configuration(&self.session, params);
        notification("didChangeConfiguration", handler).await
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let handler = workspace::did_change_watched_files(&self.session, params);
        notification("didChangeWatchedFiles", handler).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        answer("completion", completion::completion(&self.session, params)).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        answer("hover", hover::hover(&self.session, params)).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        answer(
            "documentSymbol",
            structure::document_symbol(&self.session, params),
        )
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        answer(
            "foldingRange",
            structure::folding_range(&self.session, params),
        )
        .await
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        answer(
            "selectionRange",
            structure::selection_range(&self.session, params),
        )
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        answer(
            "codeAction",
            code_actions::code_action(&self.session, params),
        )
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        answer("codeLens", lens::code_lens(&self.session, params)).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        answer(
            "definition",
            navigation::goto_definition(&self.session, params),
        )
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        answer("references", navigation::references(&self.session, params)).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        answer(
            "executeCommand",
            commands::execute_command(&self.session, params),
        )
        .await
    }
}
