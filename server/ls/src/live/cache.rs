//! Live results by document content, and the debounce generation of each document.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use super::plan::LiveOffers;

/// Per-document debounce generations and results cached by configuration content. `K` is the
/// document's text key ([`dstack_ide::Document::text_key`]); only its equality matters here.
pub struct LiveCache<K = dstack_ide::TextKey> {
    results: Mutex<HashMap<K, Result<LiveOffers, String>>>,
    generations: Mutex<HashMap<String, u64>>,
    last_error: Mutex<Option<String>>,
}

impl<K> Default for LiveCache<K> {
    fn default() -> Self {
        LiveCache {
            results: Mutex::new(HashMap::new()),
            generations: Mutex::new(HashMap::new()),
            last_error: Mutex::new(None),
        }
    }
}

/// Results kept before the cache starts over (each is at most `MAX_OFFERS` rows).
const CACHE_LIMIT: usize = 64;

impl<K: Eq + Hash + Clone> LiveCache<K> {
    /// A new change of `uri`: returns its generation (a pending request with an older one is
    /// dropped when its debounce ends).
    pub fn bump(&self, uri: &str) -> u64 {
        let Ok(mut g) = self.generations.lock() else {
            return 0;
        };
        let n = g.entry(uri.to_string()).or_insert(0);
        *n += 1;
        *n
    }
    pub fn is_current(&self, uri: &str, generation: u64) -> bool {
        self.generations
            .lock()
            .is_ok_and(|g| g.get(uri) == Some(&generation))
    }
    pub fn get(&self, key: K) -> Option<Result<LiveOffers, String>> {
        self.results.lock().ok()?.get(&key).cloned()
    }
    pub fn insert(&self, key: K, result: Result<LiveOffers, String>) {
        if let Ok(mut r) = self.results.lock() {
            if r.len() >= CACHE_LIMIT {
                r.clear();
            }
            r.insert(key, result);
        }
    }
    /// Forgets every result (the server or token changed).
    pub fn clear(&self) {
        if let Ok(mut r) = self.results.lock() {
            r.clear();
        }
        if let Ok(mut e) = self.last_error.lock() {
            *e = None;
        }
    }
    /// True when `error` differs from the last one shown (so a failing server is reported once,
    /// not on every keystroke).
    pub fn is_new_error(&self, error: &str) -> bool {
        let Ok(mut last) = self.last_error.lock() else {
            return false;
        };
        if last.as_deref() == Some(error) {
            return false;
        }
        *last = Some(error.to_string());
        true
    }
    pub fn succeeded(&self) {
        if let Ok(mut e) = self.last_error.lock() {
            *e = None;
        }
    }
}
