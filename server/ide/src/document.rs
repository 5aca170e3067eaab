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
}

impl Document {
    pub fn new(text: String) -> Document {
        let parse = dstack_syntax::parse(&text);
        Document {
            text,
            parse,
            config_type: OnceLock::new(),
        }
    }
    /// The document after an edit, re-parsing only the top-level entries that changed.
    pub fn updated(&self, text: String) -> Document {
        let parse = dstack_syntax::reparse(&self.parse, &text);
        Document {
            text,
            parse,
            config_type: OnceLock::new(),
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
        }
    }
    pub(crate) fn cached_config_type(
        &self,
        f: impl FnOnce() -> Option<ConfigType>,
    ) -> Option<ConfigType> {
        *self.config_type.get_or_init(f)
    }
}
