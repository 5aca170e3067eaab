//! `textDocument/definition` and `textDocument/references` for volume, fleet and gateway names,
//! answered from the workspace index (never a walk): open documents win over their files.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::guard::guard;
use crate::server::session::Session;
use crate::workspace::{FileNames, Found, WorkspaceIndex};
use dstack_ide as ide;

pub async fn goto_definition(
    session: &Session,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let pos = params.text_document_position_params;
    let Some(snap) = session.snapshot(&pos.text_document.uri) else {
        return Ok(None);
    };
    let p = snap.positions(session.encoding());
    let Some(reference) = ide::reference_at(&snap.doc, convert::offset(&p, pos.position)) else {
        return Ok(None);
    };
    let mut locations = locations(session, |index, open| index.find(&reference, open));
    Ok(match locations.len() {
        0 => None,
        1 => locations.pop().map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    })
}

/// The name under the cursor (a reference, or a definition's `name`), its definitions (when
/// the client asks for them) and every reference to it in the workspace.
pub async fn references(
    session: &Session,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    let pos = params.text_document_position;
    let Some(snap) = session.snapshot(&pos.text_document.uri) else {
        return Ok(None);
    };
    let p = snap.positions(session.encoding());
    let offset = convert::offset(&p, pos.position);
    let name = ide::reference_at(&snap.doc, offset).or_else(|| {
        ide::definitions_in(&snap.doc)
            .into_iter()
            .find(|d| d.range.contains_inclusive(offset))
    });
    let Some(name) = name else {
        return Ok(None);
    };
    let with_definitions = params.context.include_declaration;
    let locations = locations(session, |index, open| {
        index.references(&name, open, with_definitions)
    });
    Ok((!locations.is_empty()).then_some(locations))
}

/// What `query` finds in the index, with the open documents' names up to date, as locations.
fn locations(
    session: &Session,
    query: impl FnOnce(&WorkspaceIndex, &HashMap<PathBuf, Arc<FileNames>>) -> Vec<Found>,
) -> Vec<Location> {
    let index = &session.workspace;
    crate::workspace::tell_cap(index, &session.client);
    // A panic analysing an open document still leaves the files on disk to answer from.
    let open = guard("open documents' names", || {
        index.open_names(&session.store.all(), session.encoding())
    })
    .unwrap_or_default();
    query(index, &open)
        .into_iter()
        .filter_map(|f| {
            Some(Location {
                uri: Uri::from_file_path(&f.path)?,
                range: Range {
                    start: convert::from_line_col(f.start),
                    end: convert::from_line_col(f.end),
                },
            })
        })
        .collect()
}
