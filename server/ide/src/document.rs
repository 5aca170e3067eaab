//! A document snapshot: its text and its parse. Cheap to clone behind an `Arc`.

use std::sync::OnceLock;

use dstack_syntax::Parse;

use crate::ConfigType;

#[derive(Clone, Debug, Default)]
pub struct Document {
    pub text: String,
    pub parse: Parse,
    /// [`crate::config_type`], worked out on first use: nearly every request asks for it, some
    /// once per completion item.
    config_type: OnceLock<Option<ConfigType>>,
    /// Length and hash of `text`, the key of the offer query cache: hashing a 50,000-line text
    /// costs a fraction of a millisecond, too much to repeat on every hover.
    text_key: OnceLock<(usize, u64)>,
}

impl Document {
    pub fn new(text: String) -> Document {
        let parse = dstack_syntax::parse(&text);
        Document {
            text,
            parse,
            config_type: OnceLock::new(),
            text_key: OnceLock::new(),
        }
    }
    /// The document after an edit, re-parsing only the top-level entries that changed.
    pub fn updated(&self, text: String) -> Document {
        let parse = dstack_syntax::reparse(&self.parse, &text);
        Document {
            text,
            parse,
            config_type: OnceLock::new(),
            text_key: OnceLock::new(),
        }
    }
    /// Like [`Document::updated`], but moves the unchanged parts of the old tree instead of
    /// copying them: several times faster on large files when the caller owns the document.
    pub fn into_updated(self, text: String) -> Document {
        let parse = dstack_syntax::reparse_owned(self.parse, &text);
        Document {
            text,
            parse,
            config_type: OnceLock::new(),
            text_key: OnceLock::new(),
        }
    }
    pub(crate) fn cached_text_key(&self, f: impl FnOnce(&str) -> (usize, u64)) -> (usize, u64) {
        *self.text_key.get_or_init(|| f(&self.text))
    }
    pub(crate) fn cached_config_type(
        &self,
        f: impl FnOnce() -> Option<ConfigType>,
    ) -> Option<ConfigType> {
        *self.config_type.get_or_init(f)
    }
}
