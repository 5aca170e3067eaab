//! `user`: `name_or_uid[:group_or_gid]`, as Docker writes it. Digits mean an id (≥ 0).

use crate::py::py_int;
use crate::{Input, ValueError, code, type_error};

const EXAMPLE: &str = "1000:1000";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Id {
    Name(String),
    Number(i128),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnixUser {
    pub user: Id,
    pub group: Option<Id>,
}

/// Parses a `user` value (YAML numbers are taken as their text).
pub fn parse(input: &Input) -> Result<UnixUser, ValueError> {
    match *input {
        Input::Str(s) => parse_str(s),
        // The `user` field turns YAML numbers into their text first.
        Input::Int(i) => parse_str(&i.to_string()),
        Input::Float(f) => parse_str(&crate::py::py_float_repr(f)),
        _ => Err(type_error(
            "user",
            "`user[:group]`",
            input.type_name(),
            EXAMPLE,
        )),
    }
}

fn parse_str(s: &str) -> Result<UnixUser, ValueError> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() > 2 {
        return Err(
            ValueError::new("user", "invalid user format: too many `:` parts").example(EXAMPLE),
        );
    }
    let first = parts.first().copied().unwrap_or("");
    if first.is_empty() {
        return Err(
            ValueError::new("user", "invalid user format: empty user name or id").example(EXAMPLE),
        );
    }
    let id = |text: &str, what: &str, start: usize| -> Result<Id, ValueError> {
        match py_int(text) {
            Some(n) if n < 0 => Err(ValueError::new(
                "user",
                format!("invalid user format: negative {what} {n}"),
            )
            .example(EXAMPLE)
            .at(start, start + text.len())),
            Some(n) => Ok(Id::Number(n)),
            None => Ok(Id::Name(text.to_string())),
        }
    };
    let user = id(first, "uid", 0)?;
    let group = match parts.get(1) {
        None => None,
        Some(&"") => {
            return Err(
                ValueError::new("user", "invalid user format: empty group name or id")
                    .example(EXAMPLE),
            );
        }
        Some(g) => Some(id(g, "gid", first.len() + 1)?),
    };
    Ok(UnixUser { user, group })
}

/// Hover text.
pub fn describe(u: &UnixUser) -> String {
    let show = |id: &Id, kind: &str| match id {
        Id::Name(n) => format!("{kind} {}", code(n)),
        Id::Number(n) => format!("{kind} id {n}"),
    };
    match &u.group {
        Some(g) => format!(
            "runs as {} with {}",
            show(&u.user, "user"),
            show(g, "group")
        ),
        None => format!("runs as {}", show(&u.user, "user")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn show(s: &str) -> String {
        crate::show(parse(&Input::Str(s)), describe)
    }

    #[test]
    fn forms() {
        expect![[r#"runs as user id 1000 with group `wheel`"#]].assert_eq(&show("1000:wheel"));
        expect![[r#"runs as user `root` with group id 0"#]].assert_eq(&show("root:0"));
        expect![[r#"runs as user `debian`"#]].assert_eq(&show("debian"));
        expect![[r#"error None: invalid user format: too many `:` parts (example: `1000:1000`)"#]]
            .assert_eq(&show("1000:1000:"));
        expect![[
            r#"error None: invalid user format: empty user name or id (example: `1000:1000`)"#
        ]]
        .assert_eq(&show(":group"));
        expect![[
            r#"error Some((0, 2)): invalid user format: negative uid -1 (example: `1000:1000`)"#
        ]]
        .assert_eq(&show("-1:group"));
        expect![[
            r#"error None: invalid user format: empty group name or id (example: `1000:1000`)"#
        ]]
        .assert_eq(&show("user:"));
        expect![[
            r#"error Some((5, 10)): invalid user format: negative gid -1000 (example: `1000:1000`)"#
        ]]
        .assert_eq(&show("1000:-1000"));
        assert!(show("").starts_with("error"));
        assert_eq!(parse(&Input::Int(1000)).unwrap().user, Id::Number(1000));
        assert_eq!(
            parse(&Input::Float(1.5)).unwrap().user,
            Id::Name("1.5".into())
        );
        assert!(parse(&Input::Int(-1)).is_err());
        assert!(parse(&Input::Bool(true)).is_err());
    }
}
