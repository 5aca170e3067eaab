//! Large ignore files: a `globset` glob with a required extension costs a compiled regex of
//! ~17 KB, so 20,000 lines are hundreds of MB. Instead each line keeps its literal runs, which
//! any path it matches must contain; a path is matched against a `Gitignore` built from only the
//! lines whose runs it contains, in file order. Lines that cannot match do not change git's
//! answer (the last matching line wins), so the result is the same as with every line.

use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::GitignoreBuilder;

/// Ignore lines compiled into one matcher at a time (both matchers of `files.rs` use it).
pub(super) const CHUNK_LINES: usize = 256;

pub struct Sieve {
    root: PathBuf,
    /// Each line that parsed as a pattern, with the literal runs a matching path contains.
    lines: Vec<(String, Vec<String>)>,
}

impl Sieve {
    pub fn new(root: &Path, lines: Vec<String>) -> Sieve {
        let lines = lines
            .into_iter()
            .map(|l| {
                let runs = literal_runs(&l);
                (l, runs)
            })
            .collect();
        Sieve {
            root: root.to_path_buf(),
            lines,
        }
    }

    pub fn matched(&self, path: &Path, is_dir: bool) -> Option<bool> {
        let hay = path.as_os_str().as_encoded_bytes();
        let candidates: Vec<&str> = self
            .lines
            .iter()
            .filter(|(_, runs)| runs.iter().all(|r| contains(hay, r.as_bytes())))
            .map(|(line, _)| line.as_str())
            .collect();
        // Lines without literals (`*`, `[a-z]*`) can all be candidates: compiled a chunk at a
        // time, last first, and dropped, so memory stays that of one chunk.
        candidates.rchunks(CHUNK_LINES).find_map(|chunk| {
            let mut builder = GitignoreBuilder::new(&self.root);
            for line in chunk {
                // git ignores a pattern it cannot parse; so do we.
                let _ = builder.add_line(None, line);
            }
            match builder.build().ok()?.matched(path, is_dir) {
                Match::Ignore(_) => Some(true),
                Match::Whitelist(_) => Some(false),
                Match::None => None,
            }
        })
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// Runs of plain characters (letters, digits, `.`, `_`, `-`) that stand for themselves in the
/// glob. Conservative: a run ends at anything else, escapes and `[...]` classes are skipped,
/// and nothing after a `{` (alternatives) or an unclosed `[` is required.
fn literal_runs(line: &str) -> Vec<String> {
    let b = line.as_bytes();
    let mut runs = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    let end_run = |cur: &mut String, runs: &mut Vec<String>| {
        if !cur.is_empty() {
            runs.push(std::mem::take(cur));
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\\' => {
                end_run(&mut cur, &mut runs);
                i += 2;
                continue;
            }
            b'[' => {
                end_run(&mut cur, &mut runs);
                // A `]` right after `[`, `[!` or `[^` is a member, not the end.
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'!' || b[j] == b'^') {
                    j += 1;
                }
                if j < b.len() && b[j] == b']' {
                    j += 1;
                }
                match b[j.min(b.len())..].iter().position(|&x| x == b']') {
                    Some(k) => i = j + k + 1,
                    None => return runs,
                }
                continue;
            }
            b'{' => {
                end_run(&mut cur, &mut runs);
                return runs;
            }
            c if c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-') => {
                cur.push(c as char)
            }
            _ => end_run(&mut cur, &mut runs),
        }
        i += 1;
    }
    end_run(&mut cur, &mut runs);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs() {
        assert_eq!(literal_runs("dir7/**/*.log"), ["dir7", ".log"]);
        assert_eq!(literal_runs("[a-z]*7?.tmp"), ["7", ".tmp"]);
        assert_eq!(literal_runs("[]a]x[!]]y"), ["x", "y"]);
        assert_eq!(literal_runs("\\!keep me"), ["keep", "me"]);
        assert_eq!(literal_runs("a{b,c}d"), ["a"]);
        assert_eq!(literal_runs("a[bc"), ["a"]);
    }
}
