//! `textDocument/codeAction`: quick fixes.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::session::Session;
use dstack_ide as ide;

pub async fn code_action(
    session: &Session,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri.clone();
    let Some(snap) = session.snapshot(&uri) else {
        return Ok(None);
    };
    let (enc, config) = (session.encoding(), session.config());
    let p = snap.positions(enc);
    let range = convert::from_range(&p, params.range);
    let actions: Vec<CodeActionOrCommand> = ide::code_actions(&snap.doc, range, &config)
        .iter()
        .map(|a| convert::code_action(&p, &uri, a, &params.context.diagnostics))
        .collect();
    Ok((!actions.is_empty()).then_some(actions))
}
