//! A document snapshot: its text and its parse. Cheap to clone behind an `Arc`.

use std::sync::{Arc, Mutex, OnceLock};

use dstack_syntax::Parse;

use crate::config::DiagnosticsConfig;
use crate::config_type::{ConfigType, read_config_type};
use crate::expansion::Expansion;
use crate::offer_query::OfferQuery;

#[derive(Debug, Default)]
pub struct Document {
    pub text: String,
    pub parse: Parse,
    /// [`config_type`], worked out on first use: nearly every request asks for it, some
    /// once per completion item.
    config_type: OnceLock<Option<ConfigType>>,
    /// [`Document::text_key`], worked out on first use.
    text_key: OnceLock<TextKey>,
    /// [`Document::expansion`], worked out on first use.
    expansion: OnceLock<Expansion>,
    /// The offer query of this version, with the diagnostics settings it was computed under
    /// (hover and lens ask for it many times per version).
    requirements: Mutex<Option<Requirements>>,
}

type Requirements = (DiagnosticsConfig, Result<OfferQuery, String>);

impl Clone for Document {
    fn clone(&self) -> Document {
        // Caches are cheap to work out again; the text and tree are what a clone is for.
        Document::with_parse(self.text.clone(), self.parse.clone())
    }
}

/// A key for caches by content: equal only when the texts are equal, whatever their hash.
/// Holds the text (shared), so the cache that keeps it must be bounded.
#[derive(Clone, Debug)]
pub struct TextKey {
    hash: u64,
    text: Arc<str>,
}

impl PartialEq for TextKey {
    fn eq(&self, other: &TextKey) -> bool {
        self.hash == other.hash && (Arc::ptr_eq(&self.text, &other.text) || self.text == other.text)
    }
}

impl Eq for TextKey {}

impl std::hash::Hash for TextKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.hash.hash(state);
    }
}

impl Document {
    pub fn new(text: String) -> Document {
        let parse = dstack_syntax::parse(&text);
        Document::with_parse(text, parse)
    }
    fn with_parse(text: String, parse: Parse) -> Document {
        Document {
            text,
            parse,
            config_type: OnceLock::new(),
            text_key: OnceLock::new(),
            expansion: OnceLock::new(),
            requirements: Mutex::new(None),
        }
    }
    /// The document after an edit, re-parsing only the top-level entries that changed.
    pub fn updated(&self, text: String) -> Document {
        let parse = dstack_syntax::reparse(&self.parse, &text);
        Document::with_parse(text, parse)
    }
    /// Like [`Document::updated`], but moves the unchanged parts of the old tree instead of
    /// copying them: several times faster on large files when the caller owns the document.
    pub fn into_updated(self, text: String) -> Document {
        let parse = dstack_syntax::reparse_owned(self.parse, &text);
        Document::with_parse(text, parse)
    }
    /// The key of caches by content (live offers). Made once per version: it copies the text.
    pub fn text_key(&self) -> TextKey {
        self.text_key
            .get_or_init(|| TextKey {
                hash: hash_text(&self.text),
                text: Arc::from(self.text.as_str()),
            })
            .clone()
    }
    /// Which aliases are followed (see [`crate::expansion`]), worked out once per version.
    pub fn expansion(&self) -> &Expansion {
        self.expansion
            .get_or_init(|| Expansion::compute(&self.parse))
    }
    /// [`config_type`], worked out once per version.
    pub fn config_type(&self) -> Option<ConfigType> {
        *self
            .config_type
            .get_or_init(|| read_config_type(&self.parse))
    }
    /// The cached offer query when it was computed under `settings`.
    pub(crate) fn cached_requirements(
        &self,
        settings: DiagnosticsConfig,
    ) -> Option<Result<OfferQuery, String>> {
        let cached = self.requirements.lock().ok()?;
        match &*cached {
            Some((s, q)) if *s == settings => Some(q.clone()),
            _ => None,
        }
    }
    pub(crate) fn remember_requirements(
        &self,
        settings: DiagnosticsConfig,
        query: &Result<OfferQuery, String>,
    ) {
        if let Ok(mut cached) = self.requirements.lock() {
            *cached = Some((settings, query.clone()));
        }
    }
}

/// The type named by the document's top-level `type:` key, if it names one of the seven exactly.
pub fn config_type(doc: &Document) -> Option<ConfigType> {
    doc.config_type()
}

fn hash_text(text: &str) -> u64 {
    // FxHash-style mixing, 8 bytes at a time: a fraction of a millisecond for 1.6 MB. Only a
    // bucket: equality compares the text.
    let mut h: u64 = 0;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    let mut chunks = text.as_bytes().chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h, u64::from_le_bytes(w));
    }
    for &b in chunks.remainder() {
        h = mix(h, u64::from(b));
    }
    h
}
