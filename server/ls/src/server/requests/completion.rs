//! `textDocument/completion`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::session::Session;
use dstack_ide as ide;

pub async fn completion(
    session: &Session,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let pos = params.text_document_position;
    let Some(snap) = session.snapshot(&pos.text_document.uri) else {
        return Ok(None);
    };
    let (enc, config) = (session.encoding(), session.config());
    let p = snap.positions(enc);
    let offset = convert::offset(&p, pos.position);
    let items = ide::completions(&snap.doc, offset, &config);
    if items.is_empty() {
        return Ok(None);
    }
    Ok(Some(CompletionResponse::List(CompletionList {
        is_incomplete: false,
        items: convert::completion_items(&p, items),
    })))
}
