//! Building the span tree of one chunk from saphyr-parser's events.
//!
//! saphyr reports positions as character indices; [`CharMap`] turns them into byte offsets of
//! the chunk (and the chunk's base offset makes them document offsets). On a scanner error the
//! collections still open are closed, so the tree keeps everything read before the error.
//!
//! `builder.rs` keeps the stack of open collections, `positions.rs` maps saphyr's character
//! positions to byte offsets, `problems.rs` puts saphyr's errors and PyYAML's extra rules into
//! our words.

mod builder;
mod positions;
mod problems;

use saphyr_parser::{Event, Parser};

use crate::tree::{Node, NodeKind};
use builder::Builder;
pub(crate) use builder::{ChunkTree, MAX_DEPTH};
use positions::{CharMap, Padding};

/// Parse one chunk (a standalone piece of YAML text) that starts at `base` in the document.
///
/// PyYAML does not check the indentation of continuation lines inside quotes and flow
/// collections (`gpu: {name: A100,⏎count: 2}`); saphyr does. When saphyr rejects such a line
/// for that reason alone, the parse is retried on a copy with those lines indented further,
/// and positions are mapped back to the original text.
pub(crate) fn parse_chunk(src: &str, base: u32) -> ChunkTree {
    let mut pads: Vec<(usize, usize)> = Vec::new();
    for _ in 0..4 {
        let (tree, more) = parse_padded(src, base, &pads);
        if more.is_empty() {
            return tree;
        }
        pads.extend(more);
        pads.sort_unstable();
        pads.dedup_by_key(|p| p.0);
    }
    parse_padded(src, base, &pads).0
}

fn parse_padded(src: &str, base: u32, pads: &[(usize, usize)]) -> (ChunkTree, Vec<(usize, usize)>) {
    let (padded, padding) = if pads.is_empty() {
        (None, Padding(Vec::new()))
    } else {
        let (text, padding) = Padding::apply(src, pads);
        (Some(text), padding)
    };
    let scanned: &str = padded.as_deref().unwrap_or(src);
    let mut retry = Vec::new();
    let mut b = Builder {
        src,
        base,
        map: CharMap::new(scanned),
        padding,
        stack: Vec::new(),
        root: None,
        errors: Vec::new(),
        last_end: 0,
        error_at: None,
        special: false,
    };
    let mut parser = Parser::new_from_str(scanned);
    let mut documents = 0;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(err)) => {
                if err.info().contains("unknown anchor") {
                    // The anchor may live in another chunk: the whole-document pass checks it.
                    b.unknown_alias(&err);
                    continue;
                }
                retry = b.continuation_pads(&err);
                b.scan_error(&err);
                break;
            }
        };
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    // The splitter cuts the text at a second document; this is a safety net.
                    break;
                }
            }
            Event::Alias(_) => {
                let (s, e) = b.span(span);
                let name = src.get(s + 1..e).unwrap_or("").to_string();
                let node = Node {
                    range: b.range(s, e),
                    kind: NodeKind::Alias(name),
                    anchor: None,
                    tag: None,
                };
                b.push(node);
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                let node = b.scalar(span, &value, style, anchor_id, tag.as_deref());
                b.push(node);
            }
            Event::SequenceStart(anchor_id, ref tag) | Event::MappingStart(anchor_id, ref tag) => {
                if b.stack.len() >= MAX_DEPTH {
                    let (s, _) = b.span(span);
                    // One whole character, never a byte inside a multi-byte one.
                    let width = b
                        .src
                        .get(s..)
                        .and_then(|t| t.chars().next())
                        .map_or(0, char::len_utf8);
                    b.error(
                        s,
                        s + width,
                        "this value is nested too deeply to be analysed".into(),
                    );
                    break;
                }
                let is_map = matches!(event, Event::MappingStart(..));
                b.open(span, anchor_id, tag.as_deref(), is_map);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (_, e) = b.span(span);
                b.close(Some(e));
            }
        }
    }
    while !b.stack.is_empty() {
        b.close(None);
    }
    let tree = ChunkTree {
        root: b.root,
        errors: b.errors,
        special: b.special,
    };
    (tree, retry)
}
