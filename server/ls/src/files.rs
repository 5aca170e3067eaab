//! Finding and reading dstack files on disk. The walk is ours: it reads `.gitignore`, `.ignore`
//! and `.git/info/exclude` itself, only when they are regular files under a size cap, and hands
//! their lines to `ignore::gitignore` for git's matching rules. Every read here is bounded and
//! never opens a FIFO or a device, so no input can block or exhaust memory.

use std::fmt;
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

mod sieve;

/// Hard cap on a configuration file read (a dstack file is a few kilobytes).
pub const MAX_READ_BYTES: u64 = 16 << 20;
/// Cap on one ignore file; larger ones are skipped with a message.
pub const MAX_IGNORE_BYTES: u64 = 4 << 20;

/// `*.dstack.yml`, `*.dstack.yaml`, `.dstack.yml`, `.dstack.yaml`.
pub fn is_dstack_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with(".dstack.yml") || name.ends_with(".dstack.yaml")
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// A directory, FIFO, socket or device: never opened.
    NotRegular(&'static str),
    /// The file's size and the cap it exceeds.
    TooLarge(u64, u64),
    Io(std::io::Error),
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "not a regular file ({kind}), not read"),
            ReadError::TooLarge(n, cap) => {
                write!(f, "{n} bytes, over the {cap}-byte limit, not read")
            }
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

fn kind_of(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// Read `path` (symlinks followed) if it is a regular file of at most `cap` bytes, opened the one
/// safe way ([`dstack_offers::fs::open_regular_file`]: type checked before and after a
/// non-blocking open).
pub fn read_bounded(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let (file, len) = dstack_offers::fs::open_regular_file(path)
        .map_err(ReadError::Io)?
        .map_err(|t| ReadError::NotRegular(kind_of(t)))?;
    if len > cap {
        return Err(ReadError::TooLarge(len, cap));
    }
    let mut buf = Vec::with_capacity(len.min(cap) as usize);
    file.take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(ReadError::Io)?;
    if buf.len() as u64 > cap {
        return Err(ReadError::TooLarge(buf.len() as u64, cap));
    }
    Ok(buf)
}

/// Limits for a directory walk, so a huge tree cannot stall the server.
#[derive(Clone, Copy)]
pub struct WalkLimits {
    /// Directory levels below the walk root that are searched.
    pub max_depth: usize,
    /// dstack files collected; the walk stops at this many.
    pub max_files: usize,
    /// Directory entries looked at (files of any name); the walk stops at this many.
    pub max_entries: usize,
}

impl WalkLimits {
    pub const CLI: WalkLimits = WalkLimits {
        max_depth: 64,
        max_files: usize::MAX,
        max_entries: usize::MAX,
    };
    pub const WORKSPACE: WalkLimits = WalkLimits {
        max_depth: 32,
        max_files: 50_000,
        max_entries: 1_000_000,
    };
}

/// Something the walk could not read or chose not to.
#[derive(Debug)]
pub struct Problem {
    pub path: PathBuf,
    pub message: String,
    /// A directory or file that may hold configurations could not be read (as opposed to a
    /// FIFO or device that merely has a dstack name, or an ignore file that was skipped).
    pub unreadable: bool,
}

/// The result of a walk: dstack files (sorted), what was skipped, and the first limit reached.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub problems: Vec<Problem>,
    pub capped: Option<String>,
}

/// Directories never searched.
const SKIP_DIRS: [&str; 3] = [".git", "node_modules", "target"];

/// The ignore rules one directory contributes.
struct Level {
    /// `.gitignore` then `.ignore` (later lines win, so `.ignore` overrides).
    ignore: Matcher,
    /// `.git/info/exclude`, below every ignore file in precedence.
    exclude: Matcher,
}

struct Walker {
    limits: WalkLimits,
    out: Walk,
    entries: usize,
    stopped: bool,
}

/// dstack files under `dir`, sorted. Hidden directories are entered (`.dstack.yml` is hidden
/// itself) except `.git`; ignored paths are skipped even outside a git repository, and the
/// ignore files of `dir`'s parents count up to the repository root. Symbolic links are not
/// followed (as git does), so loops cannot occur.
pub fn walk(dir: &Path, limits: WalkLimits) -> Walk {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut w = Walker {
        limits,
        out: Walk::default(),
        entries: 0,
        stopped: false,
    };
    let mut chain = Vec::new();
    if !has_git(&abs) {
        let mut parents: Vec<&Path> = Vec::new();
        for p in abs.ancestors().skip(1).take(64) {
            parents.push(p);
            if has_git(p) {
                break;
            }
        }
        for p in parents.into_iter().rev() {
            let level = w.level(p);
            chain.push(level);
        }
    }
    w.visit(dir, &abs, 0, &mut chain);
    w.out.files.sort();
    w.out
}

fn has_git(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(".git")).is_ok()
}

/// One directory's patterns, in file order.
enum Matcher {
    /// In chunks of `CHUNK_LINES`: a set of thousands of complex globs compiles into one huge
    /// regex (minutes for 20,000 lines); chunks keep each regex small. The last matching line
    /// wins, so chunks are asked last first.
    Chunks(Vec<Gitignore>),
    /// Above `SIEVE_ABOVE` lines: compiled per path from the lines that can match it, since
    /// every compiled glob costs up to ~17 KB (20,000 lines were 250 MB).
    Sieve(sieve::Sieve),
}

use sieve::CHUNK_LINES;
const SIEVE_ABOVE: usize = 1024;

impl Matcher {
    fn decide(&self, path: &Path, is_dir: bool) -> Option<bool> {
        match self {
            Matcher::Chunks(m) => m.iter().rev().find_map(|g| match g.matched(path, is_dir) {
                Match::Ignore(_) => Some(true),
                Match::Whitelist(_) => Some(false),
                Match::None => None,
            }),
            Matcher::Sieve(s) => s.matched(path, is_dir),
        }
    }
}

fn ignored(chain: &[Level], path: &Path, is_dir: bool) -> bool {
    let decide = |m: &Matcher| m.decide(path, is_dir);
    chain
        .iter()
        .rev()
        .find_map(|l| decide(&l.ignore))
        .or_else(|| chain.iter().rev().find_map(|l| decide(&l.exclude)))
        .unwrap_or(false)
}

impl Walker {
    fn note(&mut self, path: PathBuf, message: String, unreadable: bool) {
        self.out.problems.push(Problem {
            path,
            message,
            unreadable,
        });
    }

    fn cap(&mut self, why: String) {
        if self.out.capped.is_none() {
            self.out.capped = Some(why);
        }
    }

    /// Read the ignore files of `dir`; a file that is not there is no problem, one that
    /// cannot be read is skipped with a note.
    fn level(&mut self, dir: &Path) -> Level {
        let ignore = self.matcher(dir, &[".gitignore", ".ignore"]);
        let exclude = if has_git(dir) {
            self.matcher(dir, &[".git/info/exclude"])
        } else {
            Matcher::Chunks(Vec::new())
        };
        Level { ignore, exclude }
    }

    fn matcher(&mut self, dir: &Path, names: &[&str]) -> Matcher {
        let mut all = Vec::new();
        for name in names {
            let path = dir.join(name);
            match read_bounded(&path, MAX_IGNORE_BYTES) {
                Ok(bytes) => {
                    all.extend(String::from_utf8_lossy(&bytes).lines().map(str::to_string))
                }
                Err(e) if e.is_not_found() => {}
                Err(e) => self.note(path, format!("ignore file skipped: {e}"), false),
            }
        }
        if all.len() > SIEVE_ABOVE {
            return Matcher::Sieve(sieve::Sieve::new(dir, all));
        }
        let mut chunks = Vec::new();
        let mut builder = GitignoreBuilder::new(dir);
        let mut lines = 0;
        for line in &all {
            // git ignores a pattern it cannot parse; so do we.
            if builder.add_line(None, line).is_ok() {
                lines += 1;
            }
            if lines == CHUNK_LINES {
                chunks.extend(builder.build().ok());
                builder = GitignoreBuilder::new(dir);
                lines = 0;
            }
        }
        if lines > 0 {
            chunks.extend(builder.build().ok());
        }
        Matcher::Chunks(chunks)
    }

    fn visit(&mut self, shown: &Path, abs: &Path, depth: usize, chain: &mut Vec<Level>) {
        let level = self.level(abs);
        chain.push(level);
        self.visit_entries(shown, abs, depth, chain);
        chain.pop();
    }

    fn visit_entries(&mut self, shown: &Path, abs: &Path, depth: usize, chain: &mut Vec<Level>) {
        let rd = match std::fs::read_dir(shown) {
            Ok(rd) => rd,
            Err(e) => {
                self.note(
                    shown.to_path_buf(),
                    format!("directory not read: {e}"),
                    true,
                );
                return;
            }
        };
        let mut entries = Vec::new();
        for e in rd {
            self.entries += 1;
            if self.entries > self.limits.max_entries {
                self.cap(format!(
                    "stopped after {} directory entries",
                    self.limits.max_entries
                ));
                self.stopped = true;
                return;
            }
            match e.and_then(|e| Ok((e.file_name(), e.file_type()?))) {
                Ok(entry) => entries.push(entry),
                Err(e) => self.note(shown.to_path_buf(), format!("entry not read: {e}"), true),
            }
        }
        // Sorted, so that which files a limit leaves out does not depend on readdir order.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, t) in entries {
            if self.stopped {
                return;
            }
            let (sp, ap) = (shown.join(&name), abs.join(&name));
            if t.is_dir() {
                if SKIP_DIRS.iter().any(|d| name == *d) || ignored(chain, &ap, true) {
                    continue;
                }
                if depth >= self.limits.max_depth {
                    self.cap(format!(
                        "directories more than {} levels deep are not searched ({})",
                        self.limits.max_depth,
                        sp.display()
                    ));
                    continue;
                }
                self.visit(&sp, &ap, depth + 1, chain);
            } else if is_dstack_file(&sp) && !t.is_symlink() && !ignored(chain, &ap, false) {
                if t.is_file() {
                    self.out.files.push(sp);
                    if self.out.files.len() >= self.limits.max_files {
                        self.cap(format!("stopped at {} dstack files", self.limits.max_files));
                        self.stopped = true;
                    }
                } else {
                    let why = format!("skipped: not a regular file ({})", kind_of(t));
                    self.note(sp, why, false);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in [
            "a/.dstack.yml",
            ".dstack.yaml",
            "x.dstack.yml",
            "dir/train.dstack.yaml",
        ] {
            assert!(is_dstack_file(Path::new(ok)), "{ok}");
        }
        for no in ["dstack.yml", "x.yml", "a.dstack.yml.bak", "x.dstack.json"] {
            assert!(!is_dstack_file(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn walk_honours_gitignore() {
        let dir = std::env::temp_dir().join(format!("dstack-lsp-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["keep", "build", "node_modules/pkg", ".hidden"] {
            std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
        }
        std::fs::write(dir.join(".gitignore"), "build/\n").expect("write");
        for f in [
            "keep/a.dstack.yml",
            "build/b.dstack.yml",
            "node_modules/pkg/c.dstack.yml",
            ".hidden/.dstack.yml",
            ".dstack.yaml",
        ] {
            std::fs::write(dir.join(f), "type: task\n").expect("write");
        }
        let found: Vec<String> = walk(&dir, WalkLimits::CLI)
            .files
            .iter()
            .filter_map(|p| {
                p.strip_prefix(&dir)
                    .ok()
                    .map(|p| p.to_string_lossy().into_owned())
            })
            .collect();
        assert_eq!(
            found,
            [".dstack.yaml", ".hidden/.dstack.yml", "keep/a.dstack.yml"]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tree(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("dstack-lsp-walk-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    fn put(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }

    fn found(dir: &Path) -> Vec<String> {
        walk(dir, WalkLimits::CLI)
            .files
            .iter()
            .filter_map(|p| {
                p.strip_prefix(dir)
                    .ok()
                    .map(|p| p.to_string_lossy().into_owned())
            })
            .collect()
    }

    fn mkfifo(path: &Path) {
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mkfifo {}", path.display());
    }

    #[test]
    fn git_semantics_negation_nesting_ignore_and_exclude() {
        let dir = tree("git");
        std::fs::create_dir_all(dir.join(".git/info")).expect("mkdir");
        put(
            &dir,
            ".git/info/exclude",
            "excluded.dstack.yml\nre-included.dstack.yml\n",
        );
        put(
            &dir,
            ".gitignore",
            "*.dstack.yml\n!keep*.dstack.yml\n!re-included.dstack.yml\n",
        );
        put(&dir, "sub/.gitignore", "!sub-kept.dstack.yml\n");
        put(&dir, "sub/.ignore", "keep-not.dstack.yml\n");
        for f in [
            "a.dstack.yml",
            "keep.dstack.yml",
            "excluded.dstack.yml",
            "re-included.dstack.yml",
            "b.dstack.yaml",
            "sub/sub-kept.dstack.yml",
            "sub/keep-not.dstack.yml",
            "sub/other.dstack.yml",
        ] {
            put(&dir, f, "type: task\n");
        }
        assert_eq!(
            found(&dir),
            [
                "b.dstack.yaml",
                "keep.dstack.yml",
                "re-included.dstack.yml",
                "sub/sub-kept.dstack.yml"
            ]
        );
        // Walking a subdirectory still honours the parents' ignore files.
        assert_eq!(
            walk(&dir.join("sub"), WalkLimits::CLI).files,
            [dir.join("sub/sub-kept.dstack.yml")]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn ignore_files_that_are_fifos_or_devices_are_skipped_with_a_note() {
        let dir = tree("fifo-ignore");
        mkfifo(&dir.join(".gitignore"));
        std::os::unix::fs::symlink("/dev/zero", dir.join(".ignore")).expect("symlink");
        put(&dir, "a.dstack.yml", "type: task\n");
        let w = walk(&dir, WalkLimits::CLI);
        assert_eq!(w.files, [dir.join("a.dstack.yml")]);
        let notes: Vec<_> = w
            .problems
            .iter()
            .map(|p| (p.path.clone(), p.unreadable))
            .collect();
        assert_eq!(
            notes,
            [
                (dir.join(".gitignore"), false),
                (dir.join(".ignore"), false)
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn loops_fifos_and_directories_named_like_configurations() {
        let dir = tree("odd");
        put(&dir, "real.dstack.yml", "type: task\n");
        std::fs::create_dir_all(dir.join("dir.dstack.yml")).expect("mkdir");
        mkfifo(&dir.join("pipe.dstack.yml"));
        std::os::unix::fs::symlink(&dir, dir.join("loop")).expect("symlink");
        std::os::unix::fs::symlink(dir.join("real.dstack.yml"), dir.join("link.dstack.yml"))
            .expect("symlink");
        let w = walk(&dir, WalkLimits::CLI);
        assert_eq!(w.files, [dir.join("real.dstack.yml")]);
        assert_eq!(w.problems.len(), 1, "{:?}", w.problems);
        assert_eq!(w.problems[0].path, dir.join("pipe.dstack.yml"));
        assert!(w.problems[0].message.contains("FIFO"), "{:?}", w.problems);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn limits_are_reported_and_independent_of_readdir_order() {
        let dir = tree("limits");
        for i in 0..30 {
            put(&dir, &format!("f{i:02}.dstack.yml"), "type: task\n");
        }
        let limits = WalkLimits {
            max_files: 10,
            ..WalkLimits::CLI
        };
        let w = walk(&dir, limits);
        assert_eq!(w.files.len(), 10);
        assert_eq!(w.files[9], dir.join("f09.dstack.yml"));
        assert_eq!(w.capped.as_deref(), Some("stopped at 10 dstack files"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bounded_reads() {
        let dir = tree("read");
        mkfifo(&dir.join("pipe"));
        assert!(matches!(
            read_bounded(&dir.join("pipe"), 10),
            Err(ReadError::NotRegular(_))
        ));
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular(_))
        ));
        assert!(matches!(
            read_bounded(&dir, 10),
            Err(ReadError::NotRegular(_))
        ));
        let big = std::fs::File::create(dir.join("big")).expect("create");
        big.set_len(1 << 30).expect("sparse");
        assert!(matches!(
            read_bounded(&dir.join("big"), 1 << 20),
            Err(ReadError::TooLarge(_, _))
        ));
        put(&dir, "small", "abc");
        assert_eq!(
            read_bounded(&dir.join("small"), 3).ok(),
            Some(b"abc".to_vec())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_large_ignore_file_keeps_git_semantics() {
        // Above `SIEVE_ABOVE` lines: negation, last match wins, directory-only patterns,
        // classes and anchored patterns, each decided by the lines that can match.
        let dir = tree("sieve");
        let mut lines = vec!["*.dstack.yml".to_string()];
        lines.extend((0..SIEVE_ABOVE).map(|i| format!("filler-{i}/**/*.tmp")));
        // Without literals, so a candidate for every path: more than one chunk of them.
        lines.extend((0..CHUNK_LINES + 9).map(|_| "[x-z][x-z]*".to_string()));
        lines.push("!kept*.dstack.yml".to_string());
        lines.push("kept-not.dstack.yml".to_string());
        lines.push("!/sub/".to_string());
        lines.push("!sub/[a-c].dstack.yml".to_string());
        lines.push("out/".to_string());
        lines.push("!out".to_string());
        lines.push("gone/".to_string());
        put(&dir, ".gitignore", &lines.join("\n"));
        for f in [
            "a.dstack.yml",
            "kept.dstack.yml",
            "kept-not.dstack.yml",
            "sub/b.dstack.yml",
            "sub/d.dstack.yml",
            "out/kept2.dstack.yml",
            "gone/kept3.dstack.yml",
        ] {
            put(&dir, f, "type: task\n");
        }
        assert_eq!(
            found(&dir),
            [
                "kept.dstack.yml",
                "out/kept2.dstack.yml",
                "sub/b.dstack.yml"
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_last_matching_line_wins_across_chunks() {
        let dir = tree("chunks");
        let mut lines = vec!["*.dstack.yml".to_string()];
        lines.extend((0..CHUNK_LINES * 2).map(|i| format!("filler-{i}/**/*.tmp")));
        lines.push("!kept.dstack.yml".to_string());
        lines.extend((0..CHUNK_LINES).map(|i| format!("more-{i}/**/*.tmp")));
        lines.push("kept-not.dstack.yml".to_string());
        put(&dir, ".gitignore", &lines.join("\n"));
        for f in ["a.dstack.yml", "kept.dstack.yml", "kept-not.dstack.yml"] {
            put(&dir, f, "type: task\n");
        }
        assert_eq!(found(&dir), ["kept.dstack.yml"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
