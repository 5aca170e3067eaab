//! The workspace index for go-to-definition: which volume, fleet or gateway each dstack file in
//! the workspace defines. The scan is bounded (depth, file count, file size) and cached by mtime.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use dstack_ide as ide;
use ropey::Rope;

use crate::files::{self, WalkLimits};
use crate::position::{Encoding, LineCol, Positions};

/// Files larger than this are not read by the scan (a dstack file is a few kilobytes).
const MAX_FILE_BYTES: u64 = 1 << 20;

/// A definition found on disk, with its range already in LSP units.
#[derive(Clone, Debug)]
pub struct Found {
    pub path: PathBuf,
    pub start: LineCol,
    pub end: LineCol,
}

/// Definitions of one file, each with its start and end in LSP units.
pub type FileDefs = Vec<(ide::Definition, LineCol, LineCol)>;

#[derive(Default)]
pub struct WorkspaceIndex {
    roots: RwLock<Vec<PathBuf>>,
    cache: RwLock<HashMap<PathBuf, (SystemTime, FileDefs)>>,
}

/// Definitions of one text, with ranges converted for `encoding`.
pub fn definitions_of(text: String, encoding: Encoding) -> FileDefs {
    let rope = Rope::from_str(&text);
    let doc = ide::Document::new(text);
    let p = Positions::new(&rope, encoding);
    ide::definitions_in(&doc)
        .into_iter()
        .map(|d| {
            let (s, e) = (p.to_line_col(d.range.start), p.to_line_col(d.range.end));
            (d, s, e)
        })
        .collect()
}

impl WorkspaceIndex {
    pub fn set_roots(&self, roots: Vec<PathBuf>) {
        if let Ok(mut r) = self.roots.write() {
            *r = roots;
        }
    }

    /// Every file in the workspace that defines `wanted` (same kind and name). `open` gives the
    /// definitions of open documents, which win over the file on disk.
    pub fn find(
        &self,
        wanted: &ide::Definition,
        encoding: Encoding,
        open: &HashMap<PathBuf, FileDefs>,
    ) -> Vec<Found> {
        let roots = self.roots.read().map(|r| r.clone()).unwrap_or_default();
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let matches = |d: &ide::Definition| d.kind == wanted.kind && d.name == wanted.name;
        for (path, defs) in open {
            seen.insert(path.clone());
            for (d, s, e) in defs {
                if matches(d) {
                    out.push(Found {
                        path: path.clone(),
                        start: *s,
                        end: *e,
                    });
                }
            }
        }
        for root in roots {
            for path in files::walk(&root, WalkLimits::WORKSPACE) {
                if seen.contains(&path) {
                    continue;
                }
                for (d, s, e) in self.defs_on_disk(&path, encoding) {
                    if matches(&d) {
                        out.push(Found {
                            path: path.clone(),
                            start: s,
                            end: e,
                        });
                    }
                }
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    fn defs_on_disk(&self, path: &Path, encoding: Encoding) -> FileDefs {
        let Ok(meta) = std::fs::metadata(path) else {
            return Vec::new();
        };
        if meta.len() > MAX_FILE_BYTES {
            return Vec::new();
        }
        let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        if let Some((t, defs)) = self.cache.read().ok().and_then(|c| c.get(path).cloned())
            && t == mtime
        {
            return defs;
        }
        let Ok(bytes) = std::fs::read(path) else {
            return Vec::new();
        };
        let defs = definitions_of(String::from_utf8_lossy(&bytes).into_owned(), encoding);
        if let Ok(mut c) = self.cache.write() {
            c.insert(path.to_path_buf(), (mtime, defs.clone()));
        }
        defs
    }
}
