//! `textDocument/codeLens`: the offer count above `resources`, from live offers when there are
//! some for this exact text.

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::live;
use crate::server::capabilities::OFFERS_COMMAND;
use crate::server::session::Session;
use dstack_ide as ide;

pub async fn code_lens(session: &Session, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri.clone();
    let Some(snap) = session.snapshot(&uri) else {
        return Ok(None);
    };
    let (enc, config) = (session.encoding(), session.config());
    let live = match session.settings().live_enabled {
        true => session.live.get(snap.doc.text_key()),
        false => None,
    };
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
                command: OFFERS_COMMAND.to_string(),
                arguments: Some(vec![Value::String(uri.as_str().to_string())]),
            }),
            data: None,
        })
        .collect();
    Ok((!lenses.is_empty()).then_some(lenses))
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
