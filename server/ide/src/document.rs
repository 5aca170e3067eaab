//! A document snapshot: its text and its parse. Cheap to clone behind an `Arc`.

use dstack_syntax::Parse;

#[derive(Clone, Debug, Default)]
pub struct Document {
    pub text: String,
    pub parse: Parse,
}

impl Document {
    pub fn new(text: String) -> Document {
        let parse = dstack_syntax::parse(&text);
        Document { text, parse }
    }
    /// The document after an edit, re-parsing only the top-level entries that changed.
    pub fn updated(&self, text: String) -> Document {
        let parse = dstack_syntax::reparse(&self.parse, &text);
        Document { text, parse }
    }
    /// Like [`Document::updated`], but moves the unchanged parts of the old tree instead of
    /// copying them: several times faster on large files when the caller owns the document.
    pub fn into_updated(self, text: String) -> Document {
        let parse = dstack_syntax::reparse_owned(self.parse, &text);
        Document { text, parse }
    }
}
