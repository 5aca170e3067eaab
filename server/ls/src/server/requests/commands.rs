//! `workspace/executeCommand`: `dstack.offers`, the offers a document's configuration matches.

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::offers_source::{self, SourceKind};
use crate::server::capabilities::OFFERS_COMMAND;
use crate::server::session::Session;
use dstack_ide as ide;

/// Rows `dstack.offers` returns at most (`count` is always the full number).
const COMMAND_MAX_ROWS: usize = 1000;

pub async fn execute_command(
    session: &Session,
    params: ExecuteCommandParams,
) -> Result<Option<Value>> {
    tracing::info!("executeCommand {}", params.command);
    if params.command != OFFERS_COMMAND {
        return Err(Error::invalid_params(format!(
            "unknown command `{}` (this server has `{OFFERS_COMMAND}`)",
            params.command
        )));
    }
    let Some(uri) = command_uri(&params.arguments) else {
        return Err(Error::invalid_params(
            "dstack.offers takes the document URI: [\"file:///…/x.dstack.yml\"]",
        ));
    };
    let Some(snap) = session.store.get(&uri) else {
        return Err(Error::invalid_params(format!(
            "{uri} is not open in the editor"
        )));
    };
    let config = session.config();
    if session.settings().live_enabled
        && let Some(Ok(o)) = session.live.get(snap.doc.text_key())
    {
        let mut out = offers_source::offers_json(o.count, &o.offers, Some(COMMAND_MAX_ROWS));
        out["source"] = Value::from(SourceKind::Live.as_str());
        return Ok(Some(out));
    }
    let kind = session.source_kind();
    let list = ide::offers_for(&snap.doc, &config).map_err(Error::invalid_params)?;
    let rows = offers_source::rows(&list);
    let mut out = offers_source::offers_json(rows.len(), &rows, Some(COMMAND_MAX_ROWS));
    out["source"] = Value::from(kind.as_str());
    Ok(Some(out))
}

/// The document URI of `dstack.offers`: `[uri]`, `[{uri}]` or `{uri}`.
fn command_uri(args: &[Value]) -> Option<String> {
    let first = args.first()?;
    first
        .as_str()
        .or_else(|| first.get("uri").and_then(Value::as_str))
        .map(str::to_string)
}
