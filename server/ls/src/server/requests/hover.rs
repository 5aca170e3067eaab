//! `textDocument/hover`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::offers_source;
use crate::server::session::Session;
use dstack_ide as ide;

pub async fn hover(session: &Session, params: HoverParams) -> Result<Option<Hover>> {
    let pos = params.text_document_position_params;
    let Some(snap) = session.snapshot(&pos.text_document.uri) else {
        return Ok(None);
    };
    let (enc, mut config) = (session.encoding(), session.config());
    // Live offers, when there are some for this exact text, replace the catalog's section.
    let live = match session.settings().live_enabled && config.offers_enabled {
        true => session.live.get(snap.doc.text_key()),
        false => None,
    };
    let live = live.and_then(|r| r.ok());
    if live.is_some() {
        config.offers_enabled = false;
    }
    let p = snap.positions(enc);
    let offset = convert::offset(&p, pos.position);
    let Some(mut hover) = ide::hover(&snap.doc, offset, &config) else {
        return Ok(None);
    };
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
    Ok(Some(convert::hover(&p, &hover)))
}
