//! `files[]`: `local[:container]` (a bare path means the same path on both sides), or `{local_path, path}`.
//! A one-letter drive (`C:\dir`) is a Windows local path; the container path must not be a Windows absolute path.

#[cfg(feature = "oracle")]
use crate::Value;
use crate::{Input, ValueError, code, type_error};

const EXAMPLE: &str = "./config.yml:/app/config.yml";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMapping {
    pub local_path: String,
    pub path: String,
}

/// Parses the string form.
pub fn parse(input: &Input) -> Result<FileMapping, ValueError> {
    let s = match *input {
        Input::Str(s) => s,
        _ => {
            return Err(type_error(
                "file-mapping",
                "`local[:container]`",
                input.type_name(),
                EXAMPLE,
            ));
        }
    };
    let mut parts: Vec<String> = s.split(':').map(str::to_string).collect();
    if parts.len() > 1
        && parts[0].len() == 1
        && parts[0].chars().all(|c| c.is_ascii_alphabetic())
        && (parts[1].starts_with('\\') || parts[1].starts_with('/'))
    {
        let second = parts.remove(1);
        parts[0] = format!("{}:{second}", parts[0]);
    }
    let (local_path, path) = match parts.as_slice() {
        [p] => (p.clone(), p.clone()),
        [l, p] => (l.clone(), p.clone()),
        _ => {
            return Err(ValueError::new(
                "file-mapping",
                format!("invalid file path mapping `{s}`: use at most one `:`"),
            )
            .example(EXAMPLE));
        }
    };
    check(FileMapping { local_path, path })
}

#[cfg(feature = "oracle")]
/// Parses either form.
pub fn parse_value(value: &Value) -> Result<FileMapping, ValueError> {
    match value {
        Value::Scalar(s) => parse(&Input::from_scalar(s)),
        Value::Seq(_) => Err(type_error(
            "file-mapping",
            "`local[:container]`",
            "list",
            EXAMPLE,
        )),
        Value::Map(_) => {
            let get = |k: &str| {
                let res = match value.get(k).and_then(Value::as_input) {
                    Some(Input::Str(s)) => Ok(s.to_string()),
                    Some(other) => Err(type_error(
                        "file-mapping",
                        &format!("a string for `{k}`"),
                        other.type_name(),
                        EXAMPLE,
                    )),
                    None => Err(
                        ValueError::new("file-mapping", format!("`{k}` is required"))
                            .example("{local_path: ./data, path: /data}"),
                    ),
                };
                res.map_err(|e| e.in_key(k))
            };
            if let Some((k, _)) = value
                .as_map()
                .unwrap_or(&[])
                .iter()
                .find(|(k, _)| k != "local_path" && k != "path")
            {
                return Err(ValueError::new(
                    "file-mapping",
                    format!("unknown property `{k}`: use `local_path` and `path`"),
                )
                .example("{local_path: ./data, path: /data}"));
            }
            check(FileMapping {
                local_path: get("local_path")?,
                path: get("path")?,
            })
        }
    }
}

fn check(m: FileMapping) -> Result<FileMapping, ValueError> {
    if is_windows_absolute(&m.path) {
        return Err(ValueError::new(
            "file-mapping",
            format!(
                "the container path must be a Unix path, not {}",
                code(&m.path)
            ),
        )
        .example(EXAMPLE));
    }
    Ok(m)
}

/// `PureWindowsPath(p).is_absolute()`: a drive with a root (`C:\`, `c:/x`) or a UNC share (`\\server\share`).
pub fn is_windows_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    let sep = |c: u8| c == b'\\' || c == b'/';
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && sep(b[2]) {
        return true;
    }
    if b.len() >= 2 && sep(b[0]) && sep(b[1]) && !b.get(2).is_some_and(|&c| sep(c)) {
        let rest: Vec<&str> = p[2..].split(['\\', '/']).collect();
        return rest.len() >= 2 && !rest[0].is_empty() && !rest[1].is_empty();
    }
    false
}

/// Hover text.
pub fn describe(m: &FileMapping) -> String {
    format!(
        "local {} is uploaded to {} in the container (relative local paths start at the configuration's folder)",
        code(&m.local_path),
        code(&m.path)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Option<(String, String)> {
        parse(&Input::Str(s)).ok().map(|m| (m.local_path, m.path))
    }

    #[test]
    fn forms() {
        assert_eq!(ok("./file"), Some(("./file".into(), "./file".into())));
        assert_eq!(ok("~/file"), Some(("~/file".into(), "~/file".into())));
        assert_eq!(ok("./foo:./bar"), Some(("./foo".into(), "./bar".into())));
        assert_eq!(ok("C:\\dir:dir"), Some(("C:\\dir".into(), "dir".into())));
        assert_eq!(ok("./foo:bar:baz"), None);
        assert_eq!(ok("C:\\"), None);
        assert_eq!(ok("d:/path/to"), None);
        assert!(is_windows_absolute("\\\\server\\share"));
        assert!(!is_windows_absolute("/abs/unix"));
        assert!(!is_windows_absolute("C:"));
    }
}
