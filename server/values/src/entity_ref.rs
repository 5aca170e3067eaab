//! References to a gateway or fleet of a project: `name` or `project/name`, or `{project, name}`.
//! Used by `fleets[]`, service/preset `gateway`, and `instances[].fleet`.

use crate::{Input, Value, ValueError, code, type_error};

const EXAMPLE: &str = "my-project/my-fleet";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRef {
    pub project: Option<String>,
    pub name: String,
}

/// Parses the string form: one or two non-empty `/`-separated parts.
pub fn parse(input: &Input) -> Result<EntityRef, ValueError> {
    let s = match *input {
        Input::Str(s) => s,
        _ => {
            return Err(type_error(
                "entity-ref",
                "`name` or `project/name`",
                input.type_name(),
                EXAMPLE,
            ));
        }
    };
    let parts: Vec<&str> = s.split('/').collect();
    let bad = || {
        ValueError::new(
            "entity-ref",
            format!("invalid reference `{s}`: write `name` or `project/name`"),
        )
        .example(EXAMPLE)
    };
    if parts.iter().any(|p| p.is_empty()) {
        return Err(bad());
    }
    match parts.as_slice() {
        [name] => Ok(EntityRef {
            project: None,
            name: name.to_string(),
        }),
        [project, name] => Ok(EntityRef {
            project: Some(project.to_string()),
            name: name.to_string(),
        }),
        _ => Err(bad()),
    }
}

/// Parses either form.
pub fn parse_value(value: &Value) -> Result<EntityRef, ValueError> {
    match value {
        Value::Scalar(s) => parse(&Input::from_scalar(s)),
        Value::Map(entries) => {
            let mut project = None;
            let mut name = None;
            for (key, v) in entries {
                let text = match v.as_input() {
                    Some(Input::Str(s)) => Some(s.to_string()),
                    Some(Input::Int(i)) => Some(i.to_string()),
                    Some(Input::Null) if key == "project" => None,
                    _ => {
                        return Err(type_error(
                            "entity-ref",
                            "a string",
                            v.type_name(),
                            "my-fleet",
                        ));
                    }
                };
                match key.as_str() {
                    "project" => project = text,
                    "name" => name = text,
                    other => {
                        return Err(ValueError::new(
                            "entity-ref",
                            format!("unknown property `{other}`: use `project` and `name`"),
                        )
                        .example("{project: main, name: my-fleet}"));
                    }
                }
            }
            match name {
                Some(name) => Ok(EntityRef { project, name }),
                None => Err(ValueError::new("entity-ref", "`name` is required")
                    .example("{project: main, name: my-fleet}")),
            }
        }
        Value::Seq(_) => Err(type_error(
            "entity-ref",
            "`name` or `project/name`",
            "list",
            EXAMPLE,
        )),
    }
}

/// Hover text; `what` is "fleet" or "gateway".
pub fn describe(r: &EntityRef, what: &str) -> String {
    match &r.project {
        Some(p) => format!("{what} {} of project {}", code(&r.name), code(p)),
        None => format!("{what} {} of the current project", code(&r.name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(
            parse(&Input::Str("gw")),
            Ok(EntityRef {
                project: None,
                name: "gw".into()
            })
        );
        assert_eq!(
            parse(&Input::Str("proj/gw")).unwrap().project.as_deref(),
            Some("proj")
        );
        for bad in ["", "/gw", "gw/", "/", "a/b/c"] {
            assert!(parse(&Input::Str(bad)).is_err(), "{bad}");
        }
        let m = Value::Map(vec![
            ("project".into(), Value::str("main")),
            ("name".into(), Value::str("f")),
        ]);
        assert_eq!(
            describe(&parse_value(&m).unwrap(), "fleet"),
            "fleet `f` of project `main`"
        );
        assert!(parse_value(&Value::Map(vec![("project".into(), Value::str("main"))])).is_err());
    }
}
