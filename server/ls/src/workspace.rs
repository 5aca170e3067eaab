//! The workspace index for go-to-definition and find-references: which volume, fleet or gateway
//! each dstack file in the workspace defines, and where it refers to one. It is built once in the background after `initialized` (bounded in
//! files, depth, entries and bytes), kept current from `workspace/didChangeWatchedFiles`, and
//! never walked on the request path. Open documents are analysed once per version and win over
//! their files on disk.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use dstack_ide as ide;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

use crate::files::{self, WalkLimits};
use crate::position::{Encoding, LineCol};
use crate::state::Snapshot;

/// Files larger than this are not indexed (a dstack file is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Bytes the index reads in all; past this, the build stops and says so.
pub const MAX_TOTAL_BYTES: u64 = 256 << 20;
/// Problems listed in the log after a build; the rest are counted.
const MAX_LOGGED_PROBLEMS: usize = 20;

/// A definition found in the workspace, with its range already in LSP units.
#[derive(Clone, Debug)]
pub struct Found {
    pub path: PathBuf,
    pub start: LineCol,
    pub end: LineCol,
}

/// Names of one file, each with its start and end in LSP units.
pub type FileDefs = Vec<(ide::Definition, LineCol, LineCol)>;

/// What one file defines and where it refers to a name.
#[derive(Default)]
pub struct FileNames {
    pub defs: FileDefs,
    pub refs: FileDefs,
}

/// An open document's names at one version, and its path.
type OpenDefs = (i32, PathBuf, Arc<FileNames>);

#[derive(Default)]
pub struct WorkspaceIndex {
    roots: RwLock<Vec<PathBuf>>,
    /// Files on disk that define or refer to something (the others have no entry).
    disk: RwLock<HashMap<PathBuf, Arc<FileNames>>>,
    /// Paths a watched-file event refreshed while a build was running: the build keeps those.
    fresher: Mutex<HashSet<PathBuf>>,
    /// Open documents: uri -> (version, path, definitions).
    open: Mutex<HashMap<String, OpenDefs>>,
    /// The first limit the last build reached, and whether the user was told.
    capped: Mutex<(Option<String>, bool)>,
    /// The client can register file watchers dynamically.
    watch_support: AtomicBool,
}

/// Definitions and references of `doc`, with ranges converted for `encoding`.
fn names_of(snap: &Snapshot, encoding: Encoding) -> FileNames {
    let p = snap.positions(encoding);
    let convert = |list: Vec<ide::Definition>| -> FileDefs {
        list.into_iter()
            .map(|d| {
                let (s, e) = (p.to_line_col(d.range.start), p.to_line_col(d.range.end));
                (d, s, e)
            })
            .collect()
    };
    FileNames {
        defs: convert(ide::definitions_in(&snap.doc)),
        refs: convert(ide::references_in(&snap.doc)),
    }
}

/// Names of the file at `path`, read under the index's size cap.
fn names_on_disk(path: &Path, encoding: Encoding) -> Result<FileNames, files::ReadError> {
    let bytes = files::read_bounded(path, MAX_FILE_BYTES)?;
    let snap = Snapshot::open(0, String::from_utf8_lossy(&bytes).into_owned());
    Ok(names_of(&snap, encoding))
}

impl WorkspaceIndex {
    pub fn set_roots(&self, roots: Vec<PathBuf>) {
        if let Ok(mut r) = self.roots.write() {
            *r = roots;
        }
    }

    pub fn set_watch_support(&self, yes: bool) {
        self.watch_support.store(yes, Ordering::Relaxed);
    }

    fn roots(&self) -> Vec<PathBuf> {
        self.roots.read().map(|r| r.clone()).unwrap_or_default()
    }

    fn store(&self, path: PathBuf, defs: FileNames) {
        if let Ok(mut d) = self.disk.write() {
            if defs.defs.is_empty() && defs.refs.is_empty() {
                d.remove(&path);
            } else {
                d.insert(path, Arc::new(defs));
            }
        }
    }

    /// Walk every root and index what it finds. Runs on the blocking pool; requests meanwhile
    /// answer from what is already indexed. Returns a summary for the log.
    pub fn build(&self, encoding: Encoding) -> String {
        if let Ok(mut f) = self.fresher.lock() {
            f.clear();
        }
        let (mut files, mut problems, mut capped, mut bytes) = (0, Vec::new(), None, 0u64);
        'roots: for root in self.roots() {
            let walk = files::walk(&root, WalkLimits::WORKSPACE);
            capped = capped.or(walk.capped);
            problems.extend(walk.problems);
            for path in walk.files {
                files += 1;
                let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                if len <= MAX_FILE_BYTES {
                    bytes += len;
                }
                if bytes > MAX_TOTAL_BYTES {
                    capped = capped.or(Some(format!(
                        "stopped after reading {} MiB of dstack files",
                        MAX_TOTAL_BYTES >> 20
                    )));
                    break 'roots;
                }
                let defs = match names_on_disk(&path, encoding) {
                    Ok(defs) => defs,
                    Err(e) => {
                        problems.push(files::Problem {
                            message: e.to_string(),
                            path,
                            unreadable: true,
                        });
                        continue;
                    }
                };
                let newer = self.fresher.lock().is_ok_and(|f| f.contains(&path));
                if !newer {
                    self.store(path, defs);
                }
            }
        }
        let mut summary = format!("workspace index: {files} dstack files");
        if let Some(why) = &capped {
            summary.push_str(&format!("; incomplete: {why}"));
        }
        for p in problems.iter().take(MAX_LOGGED_PROBLEMS) {
            summary.push_str(&format!("\n  {}: {}", p.path.display(), p.message));
        }
        if problems.len() > MAX_LOGGED_PROBLEMS {
            let more = problems.len() - MAX_LOGGED_PROBLEMS;
            summary.push_str(&format!("\n  and {more} more paths not read"));
        }
        if let Ok(mut c) = self.capped.lock() {
            *c = (capped, false);
        }
        summary
    }

    /// A watched file was created, changed or deleted: read it again (or forget it).
    pub fn refresh(&self, path: &Path, encoding: Encoding) {
        if !files::is_dstack_file(path) || !self.roots().iter().any(|r| path.starts_with(r)) {
            return;
        }
        if let Ok(mut f) = self.fresher.lock() {
            f.insert(path.to_path_buf());
        }
        let defs = names_on_disk(path, encoding).unwrap_or_default();
        self.store(path.to_path_buf(), defs);
    }

    /// Names of the open documents, worked out once per document version.
    pub fn open_names(
        &self,
        docs: &[(String, Arc<Snapshot>)],
        encoding: Encoding,
    ) -> HashMap<PathBuf, Arc<FileNames>> {
        let Ok(mut cache) = self.open.lock() else {
            return HashMap::new();
        };
        let live: HashSet<&str> = docs.iter().map(|(u, _)| u.as_str()).collect();
        cache.retain(|u, _| live.contains(u.as_str()));
        let mut out = HashMap::new();
        for (uri, snap) in docs {
            if let Some((v, path, defs)) = cache.get(uri)
                && *v == snap.version
            {
                out.insert(path.clone(), defs.clone());
                continue;
            }
            let Some(path) = uri
                .parse::<Uri>()
                .ok()
                .and_then(|u| u.to_file_path().map(|p| p.into_owned()))
            else {
                continue;
            };
            let defs = Arc::new(names_of(snap, encoding));
            cache.insert(uri.clone(), (snap.version, path.clone(), defs.clone()));
            out.insert(path, defs);
        }
        out
    }

    /// Every definition of `wanted` (same kind and name); `open` wins over the disk.
    pub fn find(
        &self,
        wanted: &ide::Definition,
        open: &HashMap<PathBuf, Arc<FileNames>>,
    ) -> Vec<Found> {
        self.matching(wanted, open, |n| [&n.defs[..], &[]])
    }

    /// Every reference to `wanted`, and its definitions too when `with_definitions`.
    pub fn references(
        &self,
        wanted: &ide::Definition,
        open: &HashMap<PathBuf, Arc<FileNames>>,
        with_definitions: bool,
    ) -> Vec<Found> {
        match with_definitions {
            true => self.matching(wanted, open, |n| [&n.defs[..], &n.refs[..]]),
            false => self.matching(wanted, open, |n| [&n.refs[..], &[]]),
        }
    }

    /// The names `pick` selects in each file that match `wanted`, by path then position.
    fn matching(
        &self,
        wanted: &ide::Definition,
        open: &HashMap<PathBuf, Arc<FileNames>>,
        pick: impl for<'n> Fn(&'n FileNames) -> [&'n [(ide::Definition, LineCol, LineCol)]; 2],
    ) -> Vec<Found> {
        let disk = self.disk.read().map(|d| d.clone()).unwrap_or_default();
        let on_disk = disk.iter().filter(|(p, _)| !open.contains_key(*p));
        let mut out: Vec<Found> = open
            .iter()
            .chain(on_disk)
            .flat_map(|(path, names)| {
                pick(names)
                    .into_iter()
                    .flatten()
                    .filter(|(d, _, _)| d.kind == wanted.kind && d.name == wanted.name)
                    .map(|(_, s, e)| Found {
                        path: path.clone(),
                        start: *s,
                        end: *e,
                    })
            })
            .collect();
        out.sort_by(|a, b| (&a.path, a.start).cmp(&(&b.path, b.start)));
        out
    }

    /// The limit the index reached, the first time it is asked for after a build.
    pub fn cap_notice(&self) -> Option<String> {
        let mut c = self.capped.lock().ok()?;
        if c.1 {
            return None;
        }
        let why = c.0.clone()?;
        c.1 = true;
        Some(format!(
            "dstack: the workspace index is incomplete ({why}); go to definition and references may miss files"
        ))
    }
}

/// Glob patterns of the files the index follows.
const WATCHED: [&str; 2] = ["**/*.dstack.{yml,yaml}", "**/.dstack.{yml,yaml}"];

/// After `initialized`: ask the client to watch dstack files (spawned, never awaited by the
/// handler) and build the index on the blocking pool; its summary goes to the client's log.
pub fn start(index: &Arc<WorkspaceIndex>, client: &Client, encoding: Encoding) {
    if index.watch_support.load(Ordering::Relaxed) {
        let watchers = WATCHED
            .iter()
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String(g.to_string()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "dstack-lsp/watched-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        let client = client.clone();
        tokio::spawn(async move {
            if let Err(e) = client.register_capability(vec![registration]).await {
                tracing::warn!("file watcher registration failed: {e}");
            }
        });
    }
    let (index, client) = (index.clone(), client.clone());
    tokio::spawn(async move {
        let built = tokio::task::spawn_blocking(move || index.build(encoding)).await;
        if let Ok(summary) = built {
            tracing::info!("{summary}");
            client.log_message(MessageType::INFO, summary).await;
        }
    });
}

/// `workspace/didChangeWatchedFiles`: re-read the changed files off the message path.
pub fn changed(
    index: &Arc<WorkspaceIndex>,
    client: &Client,
    params: DidChangeWatchedFilesParams,
    enc: Encoding,
) {
    let paths: Vec<PathBuf> = params
        .changes
        .into_iter()
        .filter_map(|c| c.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    let (index, client) = (index.clone(), client.clone());
    tokio::spawn(async move {
        let n = paths.len();
        let done = tokio::task::spawn_blocking(move || {
            for path in paths {
                index.refresh(&path, enc);
            }
        });
        if done.await.is_ok() {
            let files = if n == 1 { "file" } else { "files" };
            let message = format!("workspace index updated: {n} {files}");
            client.log_message(MessageType::LOG, message).await;
        }
    });
}

/// Tell the user once when the index is incomplete (called on the definition answer path).
pub fn tell_cap(index: &WorkspaceIndex, client: &Client) {
    if let Some(message) = index.cap_notice() {
        tracing::warn!("{message}");
        let client = client.clone();
        tokio::spawn(async move {
            client.show_message(MessageType::WARNING, message).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_documents_are_analysed_once_per_version() {
        let index = WorkspaceIndex::default();
        let uri = "file:///w/v.dstack.yml".to_string();
        let text = "type: volume\nname: v\nbackend: aws\nregion: r\nsize: 1GB\n";
        let v1 = vec![(uri.clone(), Arc::new(Snapshot::open(1, text.to_string())))];
        let a = index.open_names(&v1, Encoding::Utf16);
        let b = index.open_names(&v1, Encoding::Utf16);
        let path = PathBuf::from("/w/v.dstack.yml");
        let (a, b) = (&a[&path], &b[&path]);
        assert!(Arc::ptr_eq(a, b), "same version, same analysis");
        assert_eq!(a.defs.len(), 1);
        let v2 = vec![(
            uri,
            Arc::new(Snapshot::open(2, text.replace("name: v", "name: w"))),
        )];
        let c = index.open_names(&v2, Encoding::Utf16);
        assert_eq!(c[&path].defs[0].0.name, "w");
        // A closed document leaves the cache.
        assert!(index.open_names(&[], Encoding::Utf16).is_empty());
        assert!(index.open.lock().is_ok_and(|o| o.is_empty()));
    }
}
