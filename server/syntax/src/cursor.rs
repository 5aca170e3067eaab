//! "What is at this offset": key path, key or value, and the partial text being typed.
//! Works on broken buffers by reading the raw lines above the cursor when the tree is silent.

use crate::parse::Parse;
use crate::text::TextRange;
use crate::tree::PathSeg;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CursorKind {
    /// Typing a key (or on an empty line / after `- ` where a key may go). `path` is the mapping's path.
    Key,
    /// In a value. `path` ends with the key (or sequence index) whose value this is.
    Value,
    Comment,
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CursorContext {
    pub path: Vec<PathSeg>,
    pub kind: CursorKind,
    /// The text of the token under the cursor, up to the cursor.
    pub partial: String,
    /// The whole token under the cursor (what a completion replaces).
    pub replace: TextRange,
    /// Column (in bytes) at which keys of the mapping at `path` start; used for inserted indentation.
    pub indent: u32,
    /// The cursor sits right after `- `: a new sequence item.
    pub after_dash: bool,
}

pub fn cursor_context(_text: &str, _parse: &Parse, offset: u32) -> CursorContext {
    CursorContext {
        path: Vec::new(),
        kind: CursorKind::Unknown,
        partial: String::new(),
        replace: TextRange::empty(offset),
        indent: 0,
        after_dash: false,
    }
}
