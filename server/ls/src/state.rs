//! Open documents: a rope per document for edits, plus the analysed snapshot.
//! Writers hold the lock only to swap an `Arc`; readers clone the `Arc` and drop the guard.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use dstack_ide::Document;
use ropey::Rope;

use crate::position::{Encoding, LineCol, Positions};

/// An immutable view of one open document at one version.
pub struct Snapshot {
    pub version: i32,
    pub rope: Rope,
    pub doc: Document,
}

/// One edit as the client sent it: a range (absent = whole document) and the new text.
pub struct Change {
    pub range: Option<(LineCol, LineCol)>,
    pub text: String,
}

impl Snapshot {
    pub fn open(version: i32, text: String) -> Snapshot {
        Snapshot {
            version,
            rope: Rope::from_str(&text),
            doc: Document::new(text),
        }
    }

    /// Apply incremental changes in order; re-parse only what they touched.
    pub fn with_changes(&self, version: i32, changes: Vec<Change>, encoding: Encoding) -> Snapshot {
        let rope = apply(self.rope.clone(), changes, encoding);
        let doc = self.doc.updated(rope.to_string());
        Snapshot { version, rope, doc }
    }

    /// The same, consuming the old snapshot so its tree is moved rather than copied.
    pub fn into_changes(self, version: i32, changes: Vec<Change>, encoding: Encoding) -> Snapshot {
        let rope = apply(self.rope, changes, encoding);
        let doc = self.doc.into_updated(rope.to_string());
        Snapshot { version, rope, doc }
    }

    pub fn positions(&self, encoding: Encoding) -> Positions<'_> {
        Positions::new(&self.rope, encoding)
    }
}

fn apply(mut rope: Rope, changes: Vec<Change>, encoding: Encoding) -> Rope {
    for change in changes {
        match change.range {
            None => rope = Rope::from_str(&change.text),
            Some((start, end)) => {
                let p = Positions::new(&rope, encoding);
                let s = p.to_char(start);
                let e = p.to_char(end).max(s);
                rope.remove(s..e);
                rope.insert(s, &change.text);
            }
        }
    }
    rope
}

#[derive(Default)]
pub struct Store {
    docs: RwLock<HashMap<String, Arc<Snapshot>>>,
}

impl Store {
    pub fn get(&self, uri: &str) -> Option<Arc<Snapshot>> {
        self.docs.read().ok()?.get(uri).cloned()
    }
    pub fn insert(&self, uri: String, snap: Arc<Snapshot>) {
        if let Ok(mut docs) = self.docs.write() {
            docs.insert(uri, snap);
        }
    }
    pub fn all(&self) -> Vec<(String, Arc<Snapshot>)> {
        self.docs
            .read()
            .map(|d| d.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }
    /// Remove and return a document (to update it without copying, then insert it again).
    pub fn take(&self, uri: &str) -> Option<Arc<Snapshot>> {
        self.docs.write().ok()?.remove(uri)
    }
    pub fn remove(&self, uri: &str) {
        if let Ok(mut docs) = self.docs.write() {
            docs.remove(uri);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lc(line: u32, character: u32) -> LineCol {
        LineCol { line, character }
    }

    fn edit(snap: &Snapshot, enc: Encoding, s: LineCol, e: LineCol, text: &str) -> Snapshot {
        snap.with_changes(
            snap.version + 1,
            vec![Change {
                range: Some((s, e)),
                text: text.to_string(),
            }],
            enc,
        )
    }

    #[test]
    fn insert_delete_reinsert_on_cjk_line() {
        let snap = Snapshot::open(1, "name: 日本\ngpu: A100\n".to_string());
        // After "日本" in UTF-16 is character 8; in UTF-8 it is 12.
        let a = edit(&snap, Encoding::Utf16, lc(0, 8), lc(0, 8), "語");
        assert_eq!(a.doc.text, "name: 日本語\ngpu: A100\n");
        let b = edit(&a, Encoding::Utf16, lc(0, 8), lc(0, 9), "");
        assert_eq!(b.doc.text, "name: 日本\ngpu: A100\n");
        let c = edit(&b, Encoding::Utf8, lc(0, 12), lc(0, 12), "語");
        assert_eq!(c.doc.text, "name: 日本語\ngpu: A100\n");
    }

    #[test]
    fn crlf_and_line_end_edits() {
        let snap = Snapshot::open(1, "a: 1\r\nb: 2\r\n".to_string());
        // Typing at the end of line 0 goes before the CRLF, even if the client says character 99.
        let a = edit(&snap, Encoding::Utf16, lc(0, 99), lc(0, 99), "0");
        assert_eq!(a.doc.text, "a: 10\r\nb: 2\r\n");
        // Joining lines by deleting the line break.
        let b = edit(&a, Encoding::Utf16, lc(0, 5), lc(1, 0), "");
        assert_eq!(b.doc.text, "a: 10b: 2\r\n");
        let c = edit(&b, Encoding::Utf8, lc(5, 0), lc(5, 0), "c: 3");
        assert_eq!(c.doc.text, "a: 10b: 2\r\nc: 3");
    }

    #[test]
    fn emoji_utf16_edit() {
        let snap = Snapshot::open(1, "x: 😀😀\n".to_string());
        let a = edit(&snap, Encoding::Utf16, lc(0, 5), lc(0, 7), "");
        assert_eq!(a.doc.text, "x: 😀\n");
    }
}
