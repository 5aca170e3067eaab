//! `repos[]`: `source[:container_path]` where the source is a local path, a `https://…` URL or an scp-style
//! `git@host:path` URL; or `{local_path | url, branch, hash, path, if_exists}`. At most one repo per run.

#[cfg(feature = "oracle")]
use crate::Value;
use crate::{Input, ValueError, code, type_error};

const EXAMPLE: &str = ".:/workflow";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoSource {
    Local(String),
    Url(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSpec {
    pub source: RepoSource,
    /// Container path; `.` (the working directory) unless given.
    pub path: String,
    pub branch: Option<String>,
    pub hash: Option<String>,
    /// `if_exists: skip`.
    pub skip_if_exists: bool,
}

/// Parses the string form.
pub fn parse(input: &Input) -> Result<RepoSpec, ValueError> {
    let s = match *input {
        Input::Str(s) => s,
        _ => {
            return Err(type_error(
                "repo",
                "a path or URL, optionally `:/container/path`",
                input.type_name(),
                EXAMPLE,
            ));
        }
    };
    let mut parts: Vec<String> = s.split(':').map(str::to_string).collect();
    let mut is_url = false;
    if parts.len() > 1 {
        let joins_url = parts[0].contains('@') || parts[1].starts_with("//");
        let windows = parts[0].len() == 1
            && parts[0].chars().all(|c| c.is_ascii_alphabetic())
            && (parts[1].starts_with('\\') || parts[1].starts_with('/'));
        if joins_url || windows {
            let second = parts.remove(1);
            parts[0] = format!("{}:{second}", parts[0]);
            is_url = joins_url;
        }
    }
    let (source, path) = match parts.as_slice() {
        [src] => (src.clone(), ".".to_string()),
        [src, path] => (src.clone(), path.clone()),
        _ => {
            return Err(ValueError::new(
                "repo",
                format!("invalid repo `{s}`: write `source` or `source:/container/path`"),
            )
            .example(EXAMPLE));
        }
    };
    let source = if is_url {
        RepoSource::Url(source)
    } else {
        RepoSource::Local(source)
    };
    finish(RepoSpec {
        source,
        path,
        branch: None,
        hash: None,
        skip_if_exists: false,
    })
}

#[cfg(feature = "oracle")]
/// Parses either form.
pub fn parse_value(value: &Value) -> Result<RepoSpec, ValueError> {
    let entries = match value {
        Value::Scalar(s) => return parse(&Input::from_scalar(s)),
        Value::Seq(_) => {
            return Err(type_error(
                "repo",
                "a path, a URL or a mapping",
                "list",
                EXAMPLE,
            ));
        }
        Value::Map(entries) => entries,
    };
    let (mut local, mut url, mut branch, mut hash, mut path, mut skip) =
        (None, None, None, None, ".".to_string(), false);
    for (key, v) in entries {
        let mut each = || -> Result<(), ValueError> {
            let text = match v.as_input() {
                Some(Input::Str(s)) => Some(s.to_string()),
                Some(Input::Int(i)) => Some(i.to_string()),
                Some(Input::Null) if key != "path" => None,
                _ => {
                    return Err(type_error(
                        "repo",
                        &format!("a string for `{key}`"),
                        v.type_name(),
                        EXAMPLE,
                    ));
                }
            };
            match key.as_str() {
                "local_path" => local = text,
                "url" => url = text,
                "branch" => branch = text,
                "hash" => hash = text,
                "path" => path = text.unwrap_or_default(),
                "if_exists" => match text.as_deref() {
                    Some("error") | None => skip = false,
                    Some("skip") => skip = true,
                    Some(other) => return Err(ValueError::new("repo", format!("`if_exists` is `error` or `skip`, not {}", code(other))).example("skip")),
                },
                other => return Err(ValueError::new("repo", format!("unknown repo property `{other}`: use local_path, url, branch, hash, path or if_exists")).example("{url: https://github.com/org/repo, path: /repo}")),
            }
            Ok(())
        };
        each().map_err(|e| e.in_key(key))?;
    }
    let source = match (
        local.filter(|s| !s.is_empty()),
        url.filter(|s| !s.is_empty()),
    ) {
        (Some(_), Some(_)) => {
            return Err(
                ValueError::new("repo", "`local_path` and `url` are mutually exclusive")
                    .example(EXAMPLE),
            );
        }
        (None, None) => {
            return Err(
                ValueError::new("repo", "either `local_path` or `url` must be specified")
                    .example("{local_path: .}"),
            );
        }
        (Some(l), None) => RepoSource::Local(l),
        (None, Some(u)) => RepoSource::Url(u),
    };
    finish(RepoSpec {
        source,
        path,
        branch,
        hash,
        skip_if_exists: skip,
    })
}

fn finish(spec: RepoSpec) -> Result<RepoSpec, ValueError> {
    let (RepoSource::Local(l) | RepoSource::Url(l)) = &spec.source;
    if l.is_empty() {
        return Err(
            ValueError::new("repo", "either `local_path` or `url` must be specified")
                .example(EXAMPLE),
        );
    }
    // `~` alone or `~/…` is the home directory; `~user` is not supported.
    if spec.path.starts_with('~') && spec.path.split('/').next() != Some("~") {
        return Err(ValueError::new(
            "repo",
            "the `~username` syntax is not supported in `path`; use `~` or `~/dir`",
        )
        .example("~/repo"));
    }
    Ok(spec)
}

/// Hover text.
pub fn describe(r: &RepoSpec) -> String {
    let src = match &r.source {
        RepoSource::Local(l) => format!("local Git repo {}", code(l)),
        RepoSource::Url(u) => format!("Git repo {}", code(u)),
    };
    let dest = if r.path == "." {
        "the working directory".to_string()
    } else {
        code(&r.path)
    };
    let mut s = format!("{src} checked out to {dest}");
    if let Some(b) = &r.branch {
        s.push_str(&format!(", branch {}", code(b)));
    }
    if let Some(h) = &r.hash {
        s.push_str(&format!(", commit {}", code(h)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn show(s: &str) -> String {
        match parse(&Input::Str(s)) {
            Ok(r) => describe(&r),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn shorthands() {
        expect![[r#"local Git repo `.` checked out to the working directory"#]]
            .assert_eq(&show("."));
        expect![[r#"local Git repo `rel/path` checked out to `/repo`"#]]
            .assert_eq(&show("rel/path:/repo"));
        expect![[r#"local Git repo `C:\repo` checked out to `/repo`"#]]
            .assert_eq(&show("C:\\repo:/repo"));
        expect![[r#"Git repo `https://example.com/repo.git` checked out to `/repo`"#]]
            .assert_eq(&show("https://example.com/repo.git:/repo"));
        expect![[r#"Git repo `git@example.com:repo.git` checked out to the working directory"#]]
            .assert_eq(&show("git@example.com:repo.git"));
        expect![[r#"error: invalid repo `./foo:bar:baz`: write `source` or `source:/container/path` (example: `.:/workflow`)"#]].assert_eq(&show("./foo:bar:baz"));
    }

    #[test]
    fn mappings() {
        let m = |pairs: Vec<(&str, &str)>| {
            Value::Map(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), Value::str(v)))
                    .collect(),
            )
        };
        assert!(parse_value(&m(vec![("local_path", "."), ("path", "~")])).is_ok());
        assert!(parse_value(&m(vec![("local_path", "."), ("path", "~/repo")])).is_ok());
        assert!(parse_value(&m(vec![("local_path", "."), ("path", "~alice/repo")])).is_err());
        assert!(parse_value(&m(vec![("local_path", "."), ("url", "https://x/y")])).is_err());
        assert!(parse_value(&m(vec![])).is_err());
        assert!(
            parse_value(&m(vec![("url", "https://x/y"), ("if_exists", "skip")]))
                .unwrap()
                .skip_if_exists
        );
    }
}
