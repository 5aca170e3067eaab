//! `volumes[]` of runs: `name:/path` (network volume), `/host/path:/path` (instance volume), or their mappings.
//!
//! The shorthand must split on `:` into exactly two parts; a source containing `/` makes it an instance mount.
//! Paths must be non-empty, absolute and free of `..`; dstack normalises them like `PurePosixPath`
//! (collapsing `//` and `/./`, dropping a trailing `/`).

use crate::{Input, Value, ValueCompletion, ValueError, code, type_error};

const EXAMPLE: &str = "my-vol:/data";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountPoint {
    /// A network volume (one of several names may be listed).
    Volume { names: Vec<String>, path: String },
    /// A directory of the instance (host).
    Instance {
        instance_path: String,
        path: String,
        optional: bool,
    },
}

/// Parses the string shorthand.
pub fn parse(input: &Input) -> Result<MountPoint, ValueError> {
    match *input {
        Input::Str(s) => parse_str(s),
        _ => Err(type_error(
            "volume-mount",
            "`name:/path` or `/host/path:/path`",
            input.type_name(),
            EXAMPLE,
        )),
    }
}

fn parse_str(s: &str) -> Result<MountPoint, ValueError> {
    let parts: Vec<&str> = s.split(':').collect();
    let [src, dest] = parts.as_slice() else {
        let hint = if parts.len() == 1 {
            "add `:/container/path`"
        } else {
            "use exactly one `:` (options such as `:ro` are not supported)"
        };
        return Err(ValueError::new(
            "volume-mount",
            format!("invalid mount point format: {hint}"),
        )
        .example(EXAMPLE));
    };
    let dest_start = src.len() + 1;
    if src.contains('/') {
        let instance_path = check_path(src).map_err(|e| e.within(0, src.len()))?;
        let path = check_path(dest).map_err(|e| e.within(dest_start, s.len()))?;
        Ok(MountPoint::Instance {
            instance_path,
            path,
            optional: false,
        })
    } else {
        let path = check_path(dest).map_err(|e| e.within(dest_start, s.len()))?;
        Ok(MountPoint::Volume {
            names: vec![src.to_string()],
            path,
        })
    }
}

/// Parses any form: shorthand, `{name, path}` (name may be a list) or `{instance_path, path, optional}`.
pub fn parse_value(value: &Value) -> Result<MountPoint, ValueError> {
    match value {
        Value::Scalar(s) => parse(&Input::from_scalar(s)),
        Value::Seq(_) => Err(type_error(
            "volume-mount",
            "`name:/path` or a mapping",
            "list",
            EXAMPLE,
        )),
        Value::Map(entries) => {
            let has = |k: &str| entries.iter().any(|(key, _)| key == k);
            let instance = has("instance_path") || (!has("name") && has("optional"));
            let allowed: &[&str] = if instance {
                &["instance_path", "path", "optional"]
            } else {
                &["name", "path"]
            };
            if let Some((key, _)) = entries.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
                let hint = if key == "optional" {
                    "`optional` is only for instance volumes (`instance_path`)".to_string()
                } else {
                    format!("use {}", allowed.join(", "))
                };
                return Err(ValueError::new(
                    "volume-mount",
                    format!("unknown volume property `{key}`: {hint}"),
                )
                .example("{name: my-vol, path: /data}")
                .in_key(key));
            }
            let path = match value.get("path") {
                Some(v) => string_field(v, "path")
                    .and_then(|p| check_path(&p))
                    .map_err(|e| e.in_key("path"))?,
                None => {
                    return Err(ValueError::new("volume-mount", "`path` is required")
                        .example("{name: my-vol, path: /data}"));
                }
            };
            if instance {
                let instance_path = match value.get("instance_path") {
                    Some(v) => string_field(v, "instance_path")
                        .and_then(|p| check_path(&p))
                        .map_err(|e| e.in_key("instance_path"))?,
                    None => {
                        return Err(
                            ValueError::new("volume-mount", "`instance_path` is required")
                                .example("{instance_path: /mnt/data, path: /data}"),
                        );
                    }
                };
                let optional = match value.get("optional").map(Value::as_input) {
                    None => false,
                    Some(Some(input)) if crate::py::pydantic_bool(&input).is_some() => {
                        crate::py::pydantic_bool(&input).unwrap_or(false)
                    }
                    Some(_) => {
                        return Err(ValueError::new(
                            "volume-mount",
                            "`optional` is `true` or `false`",
                        )
                        .example("true")
                        .in_key("optional"));
                    }
                };
                Ok(MountPoint::Instance {
                    instance_path,
                    path,
                    optional,
                })
            } else {
                let names = match value.get("name") {
                    Some(Value::Seq(items)) => items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            string_field(v, "name").map_err(|e| e.in_item(i).in_key("name"))
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                    Some(v) => vec![string_field(v, "name").map_err(|e| e.in_key("name"))?],
                    None => {
                        return Err(ValueError::new(
                            "volume-mount",
                            "`name` (or `instance_path`) is required",
                        )
                        .example("{name: my-vol, path: /data}"));
                    }
                };
                Ok(MountPoint::Volume { names, path })
            }
        }
    }
}

fn string_field(v: &Value, what: &str) -> Result<String, ValueError> {
    match v.as_input() {
        Some(Input::Str(s)) => Ok(s.to_string()),
        Some(Input::Int(i)) => Ok(i.to_string()),
        _ => Err(type_error(
            "volume-mount",
            &format!("a string for `{what}`"),
            v.type_name(),
            EXAMPLE,
        )),
    }
}

/// dstack's path rules; returns the normalised path.
pub fn check_path(path: &str) -> Result<String, ValueError> {
    if path.is_empty() {
        return Err(ValueError::new("volume-mount", "empty path").example(EXAMPLE));
    }
    if !path.starts_with('/') {
        return Err(ValueError::new(
            "volume-mount",
            format!("path must be absolute: `{path}` (`~` and relative paths are not expanded)"),
        )
        .example(EXAMPLE));
    }
    if path.split('/').any(|part| part == "..") {
        return Err(ValueError::new(
            "volume-mount",
            format!("`..` is not allowed in a mount path: `{path}`"),
        )
        .example(EXAMPLE));
    }
    Ok(normalize(path))
}

/// `str(PurePosixPath(path))` for an absolute path: exactly two leading slashes are kept, as POSIX allows.
pub fn normalize(path: &str) -> String {
    let root = if path.starts_with("//") && !path.starts_with("///") {
        "//"
    } else {
        "/"
    };
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("{root}{}", parts.join("/"))
}

/// Hover text.
pub fn describe(mount: &MountPoint) -> String {
    let mut out = describe_plain(mount);
    if let MountPoint::Volume { names, .. } = mount
        && names.iter().any(|n| n.contains("${{"))
    {
        out.push_str("; the dstack server fills in `${{ dstack.job_num }}` / `${{ dstack.node_rank }}` per job");
    }
    out
}

fn describe_plain(mount: &MountPoint) -> String {
    match mount {
        MountPoint::Volume { names, path } if names.len() == 1 => {
            format!(
                "network volume {} mounted at {}",
                code(&names[0]),
                code(path)
            )
        }
        MountPoint::Volume { names, path } => {
            let list = names.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ");
            format!(
                "one of the network volumes {list} mounted at {}",
                code(path)
            )
        }
        MountPoint::Instance {
            instance_path,
            path,
            optional,
        } => {
            let mut s = format!(
                "instance path {} mounted at {}",
                code(instance_path),
                code(path)
            );
            if *optional {
                s.push_str(" (optional: skipped on backends without instance volumes)");
            }
            s
        }
    }
}

/// After `name:`, propose common container paths; `insert` is the whole new text.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    let Some((src, _)) = partial.split_once(':') else {
        return Vec::new();
    };
    ["/data", "/workflow", "/root/.cache", "/models"]
        .iter()
        .enumerate()
        .map(|(i, p)| {
            ValueCompletion::new(*p, "container path", i as u32).with_insert(format!("{src}:{p}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn show(s: &str) -> String {
        crate::show(parse(&Input::Str(s)), describe)
    }

    #[test]
    fn shorthands() {
        expect![[r#"network volume `my-vol` mounted at `/data`"#]].assert_eq(&show("my-vol:/data"));
        expect![[r#"instance path `/mnt/x` mounted at `/x`"#]].assert_eq(&show("/mnt/x:/x"));
        expect![[r#"network volume `my-vol` mounted at `/path/to/dir`"#]]
            .assert_eq(&show("my-vol:/path/./to///dir/"));
        expect![[r#"instance path `/` mounted at `/data`"#]].assert_eq(&show("/:/data"));
        expect![[r#"network volume `vol` mounted at `/`"#]].assert_eq(&show("vol:/"));
        expect![[r#"network volume `vol name` mounted at `/data`"#]]
            .assert_eq(&show("vol name:/data"));
        assert_eq!(normalize("//x//y/"), "//x/y");
        assert_eq!(normalize("///x"), "/x");
    }

    #[test]
    fn errors() {
        expect![[r#"error None: invalid mount point format: add `:/container/path` (example: `my-vol:/data`)"#]].assert_eq(&show("my-vol"));
        expect![[r#"error None: invalid mount point format: use exactly one `:` (options such as `:ro` are not supported) (example: `my-vol:/data`)"#]].assert_eq(&show("my-vol:/data:ro"));
        expect![[r#"error Some((7, 11)): path must be absolute: `data` (`~` and relative paths are not expanded) (example: `my-vol:/data`)"#]].assert_eq(&show("my-vol:data"));
        expect![[r#"error Some((0, 3)): path must be absolute: `~/x` (`~` and relative paths are not expanded) (example: `my-vol:/data`)"#]].assert_eq(&show("~/x:/data"));
        expect![[r#"error Some((4, 11)): `..` is not allowed in a mount path: `/a/../b` (example: `my-vol:/data`)"#]].assert_eq(&show("vol:/a/../b"));
        expect![[r#"error Some((4, 4)): empty path (example: `my-vol:/data`)"#]]
            .assert_eq(&show("vol:"));
        assert!(show("C:/x:/data").starts_with("error"));
    }

    #[test]
    fn interpolated_names() {
        let m = parse(&Input::Str("data-${{ dstack.node_rank }}:/data")).unwrap();
        expect![[r#"network volume `data-${{ dstack.node_rank }}` mounted at `/data`; the dstack server fills in `${{ dstack.job_num }}` / `${{ dstack.node_rank }}` per job"#]].assert_eq(&describe(&m));
    }

    #[test]
    fn mappings() {
        let m = |pairs: Vec<(&str, Value)>| {
            Value::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
        };
        let v = parse_value(&m(vec![
            ("name", Value::Seq(vec![Value::str("v1"), Value::str("v2")])),
            ("path", Value::str("/data")),
        ]))
        .unwrap();
        expect![[r#"one of the network volumes `v1`, `v2` mounted at `/data`"#]]
            .assert_eq(&describe(&v));
        let i = parse_value(&m(vec![
            ("instance_path", Value::str("/h")),
            ("path", Value::str("/d")),
            ("optional", Value::bool(true)),
        ]))
        .unwrap();
        expect![[r#"instance path `/h` mounted at `/d` (optional: skipped on backends without instance volumes)"#]].assert_eq(&describe(&i));
        expect![[r#"unknown volume property `optional`: `optional` is only for instance volumes (`instance_path`) (example: `{name: my-vol, path: /data}`)"#]]
            .assert_eq(&parse_value(&m(vec![("name", Value::str("v")), ("path", Value::str("/d")), ("optional", Value::bool(true))])).unwrap_err().to_string());
        assert!(parse_value(&m(vec![("path", Value::str("/d"))])).is_err());
        assert!(
            parse_value(&m(vec![
                ("name", Value::str("v")),
                ("path", Value::str(""))
            ]))
            .is_err()
        );
    }
}
