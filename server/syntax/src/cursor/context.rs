//! What `cursor_context` answers.

use crate::text::TextRange;
use crate::tree::{PathSeg, path_to_string};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CursorKind {
    /// Typing a key (or on an empty line / after `- ` where a key may go). `path` is the mapping's path.
    Key,
    /// In a value. `path` ends with the key (or sequence index) whose value this is.
    Value,
    Comment,
    /// Not produced at the moment: every offset gets one of the kinds above.
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

impl CursorContext {
    /// One-line rendering for tests and logs: `Value resources.gpu partial="A1" replace=12..14 indent=4`.
    pub fn render(&self) -> String {
        let dash = if self.after_dash { " after_dash" } else { "" };
        let path = if self.path.is_empty() {
            "(root)".to_string()
        } else {
            path_to_string(&self.path)
        };
        format!(
            "{:?} {} partial={:?} replace={}..{} indent={}{dash}",
            self.kind, path, self.partial, self.replace.start, self.replace.end, self.indent
        )
    }
}
