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
                let mut each = || -> Result<(), ValueError> {
                    let text = match v.as_input() {
                        Some(Input::Str(s)) => Some(s.to_string()),
                        Some(Input::Int(i)) => Some(i.to_string()),
                        Some(Input::Float(f)) => Some(crate::py::py_float_repr(f)),
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
                    Ok(())
                };
                each().map_err(|e| e.in_key(key))?;
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

/// The service/preset `gateway` property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gateway {
    /// `null` or absent: the default gateway if the project has one, else none.
    Unset,
    /// `true`: the project's default gateway (it must exist).
    Default,
    /// `false`: no gateway.
    Disabled,
    Named(EntityRef),
}

/// Parses `gateway`. pydantic tries `bool` first, so strings like `yes`, `on`, `t`, `1` (and `no`, `off`, `f`, `0`)
/// become booleans; `bool_from_text` tells callers to warn that such a name cannot refer to a gateway.
pub fn parse_gateway(value: &Value) -> Result<(Gateway, bool), ValueError> {
    if let Some(input) = value.as_input() {
        if input == Input::Null {
            return Ok((Gateway::Unset, false));
        }
        if let Some(b) = crate::py::pydantic_bool(&input) {
            let from_text = !matches!(input, Input::Bool(_));
            return Ok((
                if b {
                    Gateway::Default
                } else {
                    Gateway::Disabled
                },
                from_text,
            ));
        }
        // Other numbers become their text (`coerce_numbers_to_str`) and then a name.
        let text = match input {
            Input::Int(i) => Some(i.to_string()),
            Input::Float(f) => Some(crate::py::py_float_repr(f)),
            _ => None,
        };
        if let Some(text) = text {
            return parse(&Input::Str(&text)).map(|r| (Gateway::Named(r), false));
        }
    }
    parse_value(value).map(|r| (Gateway::Named(r), false))
}

/// Hover text for `gateway`.
pub fn describe_gateway(g: &Gateway) -> String {
    match g {
        Gateway::Unset => {
            "the project's default gateway if there is one, otherwise no gateway".to_string()
        }
        Gateway::Default => "the project's default gateway (one must exist)".to_string(),
        Gateway::Disabled => {
            "no gateway: the service is reached through the dstack server".to_string()
        }
        Gateway::Named(r) => describe(r, "gateway"),
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

    #[test]
    fn gateway() {
        assert_eq!(
            parse_gateway(&Value::bool(true)),
            Ok((Gateway::Default, false))
        );
        assert_eq!(
            parse_gateway(&Value::str("yes")),
            Ok((Gateway::Default, true))
        );
        assert_eq!(
            parse_gateway(&Value::str("0")),
            Ok((Gateway::Disabled, true))
        );
        assert_eq!(
            parse_gateway(&Value::int(2)).map(|g| describe_gateway(&g.0)),
            Ok("gateway `2` of the current project".to_string())
        );
        assert_eq!(
            parse_gateway(&Value::str("proj/gw")).map(|g| g.0),
            Ok(Gateway::Named(EntityRef {
                project: Some("proj".into()),
                name: "gw".into()
            }))
        );
        assert!(parse_gateway(&Value::str("a/b/c")).is_err());
        assert!(parse_gateway(&Value::str("")).is_err());
        assert_eq!(parse_gateway(&Value::null()), Ok((Gateway::Unset, false)));
    }
}
