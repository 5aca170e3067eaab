//! `instances[]` selectors: an instance name (string or `{name}`), `{hostname}`, or `{fleet, instance}`.
//! The list needs at least one item.

use crate::entity_ref::{self, EntityRef};
use crate::py::pydantic_int;
use crate::{Input, Value, ValueError, code, type_error};

const EXAMPLE: &str = "{fleet: my-fleet, instance: 0}";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceSelector {
    Name(String),
    Hostname(String),
    FleetInstance { fleet: EntityRef, instance: i128 },
}

/// Parses one item.
pub fn parse_item(value: &Value) -> Result<InstanceSelector, ValueError> {
    match value {
        Value::Scalar(_) => match value.as_input() {
            Some(Input::Str(s)) => non_empty(s, "instance name").map(InstanceSelector::Name),
            Some(other) => Err(type_error(
                "instance-selector",
                "an instance name or a selector mapping",
                other.type_name(),
                EXAMPLE,
            )),
            None => Err(type_error(
                "instance-selector",
                "an instance name",
                "null",
                EXAMPLE,
            )),
        },
        Value::Seq(_) => Err(type_error(
            "instance-selector",
            "an instance name or a selector mapping",
            "list",
            EXAMPLE,
        )),
        Value::Map(entries) => {
            let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
            let text = |k: &str| match value.get(k).and_then(Value::as_input) {
                Some(Input::Str(s)) => non_empty(s, k),
                // Numbers are turned into strings (`coerce_numbers_to_str`).
                Some(Input::Int(i)) => Ok(i.to_string()),
                Some(Input::Float(f)) => Ok(crate::py::py_float_repr(f)),
                Some(other) => Err(type_error(
                    "instance-selector",
                    &format!("a string for `{k}`"),
                    other.type_name(),
                    EXAMPLE,
                )),
                None => Err(
                    ValueError::new("instance-selector", format!("`{k}` is required"))
                        .example(EXAMPLE),
                ),
            };
            match keys.as_slice() {
                ["name"] => text("name").map(InstanceSelector::Name),
                ["hostname"] => text("hostname").map(InstanceSelector::Hostname),
                k if k.contains(&"fleet") && k.iter().all(|x| *x == "fleet" || *x == "instance") => {
                    let fleet = entity_ref::parse_value(value.get("fleet").unwrap_or(&Value::null())).map_err(|e| e.in_key("fleet"))?;
                    let instance = match value.get("instance").and_then(Value::as_input) {
                        Some(input) if pydantic_int(&input).is_some() => pydantic_int(&input).unwrap_or(-1),
                        Some(other) => return Err(type_error("instance-selector", "an instance number", other.type_name(), EXAMPLE)),
                        None => return Err(ValueError::new("instance-selector", "`instance` is required with `fleet`").example(EXAMPLE)),
                    };
                    if instance < 0 {
                        return Err(ValueError::new("instance-selector", "`instance` must be 0 or more").example(EXAMPLE).in_key("instance"));
                    }
                    Ok(InstanceSelector::FleetInstance { fleet, instance })
                }
                _ => Err(ValueError::new("instance-selector", "a selector is `{name}`, `{hostname}` or `{fleet, instance}`, with no other keys").example(EXAMPLE)),
            }
        }
    }
}

fn non_empty(s: &str, what: &str) -> Result<String, ValueError> {
    if s.is_empty() {
        Err(
            ValueError::new("instance-selector", format!("the {what} cannot be empty"))
                .example(EXAMPLE),
        )
    } else {
        Ok(s.to_string())
    }
}

/// Parses the whole list (it must not be empty).
pub fn parse_value(value: &Value) -> Result<Vec<InstanceSelector>, ValueError> {
    match value {
        Value::Seq(items) if items.is_empty() => Err(ValueError::new(
            "instance-selector",
            "`instances` needs at least one item",
        )
        .example(EXAMPLE)),
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_item(item).map_err(|e| e.in_item(i)))
            .collect(),
        other => Err(type_error(
            "instance-selector",
            "a list of selectors",
            other.type_name(),
            EXAMPLE,
        )),
    }
}

/// Hover text.
pub fn describe(s: &InstanceSelector) -> String {
    match s {
        InstanceSelector::Name(n) => format!("the instance named {}", code(n)),
        InstanceSelector::Hostname(h) => {
            format!("the SSH fleet instance with hostname {}", code(h))
        }
        InstanceSelector::FleetInstance { fleet, instance } => format!(
            "instance {instance} of {}",
            entity_ref::describe(fleet, "fleet")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: Vec<(&str, Value)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn selectors() {
        assert_eq!(
            parse_item(&Value::str("my-fleet-1")),
            Ok(InstanceSelector::Name("my-fleet-1".into()))
        );
        assert!(parse_item(&m(vec![("hostname", Value::str("worker-1"))])).is_ok());
        let f = parse_item(&m(vec![
            ("fleet", Value::str("p/f")),
            ("instance", Value::int(3)),
        ]))
        .unwrap();
        assert_eq!(describe(&f), "instance 3 of fleet `f` of project `p`");
        for bad in [
            Value::str(""),
            m(vec![
                ("name", Value::str("a")),
                ("hostname", Value::str("b")),
            ]),
            m(vec![("name", Value::str(""))]),
            m(vec![("fleet", Value::str("")), ("instance", Value::int(0))]),
            m(vec![
                ("fleet", Value::str("a/b/c")),
                ("instance", Value::int(0)),
            ]),
            m(vec![("fleet", Value::str("f"))]),
            m(vec![
                ("fleet", Value::str("f")),
                ("instance", Value::int(-1)),
            ]),
            m(vec![
                ("hostname", Value::str("w")),
                ("extra", Value::str("v")),
            ]),
        ] {
            assert!(parse_item(&bad).is_err(), "{bad:?}");
        }
        assert!(parse_value(&Value::Seq(vec![])).is_err());
    }
}
