//! Finding dstack files on disk: the four file names, searched recursively, honouring
//! `.gitignore` (and `.ignore`) like git does. Used by `check` and by the workspace scan.

use std::path::{Path, PathBuf};

/// `*.dstack.yml`, `*.dstack.yaml`, `.dstack.yml`, `.dstack.yaml`.
pub fn is_dstack_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with(".dstack.yml") || name.ends_with(".dstack.yaml")
}

/// Limits for a directory walk, so a huge tree cannot stall the server.
#[derive(Clone, Copy)]
pub struct WalkLimits {
    pub max_depth: usize,
    pub max_files: usize,
}

impl WalkLimits {
    pub const CLI: WalkLimits = WalkLimits {
        max_depth: 64,
        max_files: usize::MAX,
    };
    pub const WORKSPACE: WalkLimits = WalkLimits {
        max_depth: 12,
        max_files: 2_000,
    };
}

/// dstack files under `dir`, sorted. Hidden directories are entered (`.dstack.yml` is hidden
/// itself) except `.git`; ignored paths are skipped even outside a git repository.
pub fn walk(dir: &Path, limits: WalkLimits) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .ignore(true)
        .parents(true)
        .max_depth(Some(limits.max_depth))
        .filter_entry(|e| {
            let name = e.file_name();
            !(e.file_type().is_some_and(|t| t.is_dir())
                && (name == ".git" || name == "node_modules" || name == "target"))
        })
        .build();
    for entry in walker.flatten() {
        if entry.file_type().is_some_and(|t| t.is_file()) && is_dstack_file(entry.path()) {
            out.push(entry.into_path());
            if out.len() >= limits.max_files {
                break;
            }
        }
    }
    out.sort();
    out
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
}
