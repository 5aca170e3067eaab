//! Whole-document structure: `documentSymbol`, `foldingRange`, `selectionRange`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::session::Session;
use dstack_ide as ide;

pub async fn document_symbol(
    session: &Session,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let Some(snap) = session.snapshot(&params.text_document.uri) else {
        return Ok(None);
    };
    let p = snap.positions(session.encoding());
    let symbols = ide::document_symbols(&snap.doc)
        .iter()
        .map(|s| convert::symbol(&p, s))
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(symbols)))
}

pub async fn folding_range(
    session: &Session,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    let Some(snap) = session.snapshot(&params.text_document.uri) else {
        return Ok(None);
    };
    let p = snap.positions(session.encoding());
    Ok(Some(
        ide::folding_ranges(&snap.doc)
            .into_iter()
            .filter_map(|r| convert::folding_range(&p, r))
            .collect(),
    ))
}

pub async fn selection_range(
    session: &Session,
    params: SelectionRangeParams,
) -> Result<Option<Vec<SelectionRange>>> {
    let Some(snap) = session.snapshot(&params.text_document.uri) else {
        return Ok(None);
    };
    let p = snap.positions(session.encoding());
    let out = params
        .positions
        .iter()
        .map(|&pos| {
            let ranges = ide::selection_ranges(&snap.doc, convert::offset(&p, pos));
            convert::selection_range(&p, &ranges, pos)
        })
        .collect();
    Ok(Some(out))
}
