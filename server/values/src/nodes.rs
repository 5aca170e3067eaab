//! Fleet `nodes`: `2`, `"1..4"`, `"2.."`, `"..4"`, or `{min, target, max}`; `min` defaults to 0 and `target` to `min`,
//! and 0 ≤ min ≤ target ≤ max must hold. (Tasks' `nodes` is a plain integer ≥ 1 and is not handled here.)

use crate::py::{Stripped, pydantic_int_float, pydantic_int_str};
use crate::{Input, Value, ValueCompletion, ValueError, type_error};

const EXAMPLE: &str = "0..4";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetNodes {
    pub min: i128,
    pub target: i128,
    pub max: Option<i128>,
}

/// Parses any form of fleet `nodes` (null is "not set" and handled by the caller).
pub fn parse_value(value: &Value) -> Result<FleetNodes, ValueError> {
    let (min, target, max) = match value {
        Value::Scalar(s) => match Input::from_scalar(s) {
            Input::Str(text) if text.contains("..") => {
                let stripped = Stripped::new(text);
                let parts: Vec<(usize, &str)> = stripped.split("..").collect();
                let [(a_start, a), (b_start, b)] = parts.as_slice() else {
                    return Err(
                        ValueError::new("fleet-nodes", "a range has exactly one `..`")
                            .example(EXAMPLE),
                    );
                };
                let side = |start: usize, t: &str| -> Result<Option<i128>, ValueError> {
                    if t.is_empty() {
                        return Ok(None);
                    }
                    let (os, oe) = stripped.orig_range(start, start + t.len());
                    int(&Input::Str(t)).map(Some).map_err(|e| e.at(os, oe))
                };
                (side(*a_start, a)?, None, side(*b_start, b)?)
            }
            input @ (Input::Str(_) | Input::Int(_) | Input::Bool(_)) => {
                let n = int(&input)?;
                (Some(n), None, Some(n))
            }
            other => {
                return Err(type_error(
                    "fleet-nodes",
                    "a number of nodes or a range such as `0..4`",
                    other.type_name(),
                    EXAMPLE,
                ));
            }
        },
        Value::Map(entries) => {
            let (mut min, mut target, mut max) = (None, None, None);
            for (key, v) in entries {
                let mut each = || -> Result<(), ValueError> {
                    let n = match v.as_input() {
                        Some(Input::Null) => None,
                        Some(input) => Some(int(&input)?),
                        None => {
                            return Err(type_error(
                                "fleet-nodes",
                                "a whole number",
                                v.type_name(),
                                "2",
                            ));
                        }
                    };
                    match key.as_str() {
                        "min" => min = n,
                        "target" => target = n,
                        "max" => max = n,
                        other => {
                            return Err(ValueError::new(
                                "fleet-nodes",
                                format!(
                                    "unknown property `{other}`: use `min`, `target` and `max`"
                                ),
                            )
                            .example("{min: 0, target: 2, max: 4}"));
                        }
                    }
                    Ok(())
                };
                each().map_err(|e| e.in_key(key))?;
            }
            (min, target, max)
        }
        Value::Seq(_) => {
            return Err(type_error(
                "fleet-nodes",
                "a number of nodes or a range",
                "list",
                EXAMPLE,
            ));
        }
    };
    let min = min.unwrap_or(0);
    let target = target.unwrap_or(min);
    let err = |m: &str| {
        Err(ValueError::new("fleet-nodes", m.to_string()).example("{min: 0, target: 2, max: 4}"))
    };
    if min < 0 {
        return err("`min` cannot be negative");
    }
    if target < min {
        return err("`target` must not be less than `min`");
    }
    if max.is_some_and(|m| m < min) {
        return err("`max` must not be less than `min`");
    }
    if max.is_some_and(|m| m < target) {
        return err("`max` must not be less than `target`");
    }
    Ok(FleetNodes { min, target, max })
}

fn int(input: &Input) -> Result<i128, ValueError> {
    let bad = |t: String| {
        ValueError::new("fleet-nodes", format!("`{t}` is not a whole number")).example(EXAMPLE)
    };
    match *input {
        Input::Int(i) => Ok(i),
        Input::Bool(b) => Ok(b as i128),
        Input::Float(f) => pydantic_int_float(f).ok_or_else(|| bad(crate::py::py_float_repr(f))),
        Input::Str(s) => pydantic_int_str(s).ok_or_else(|| bad(s.to_string())),
        _ => Err(type_error(
            "fleet-nodes",
            "a whole number",
            input.type_name(),
            "2",
        )),
    }
}

/// Hover text.
pub fn describe(n: &FleetNodes) -> String {
    let plural = |k: i128| if k == 1 { "instance" } else { "instances" };
    if Some(n.min) == n.max {
        return format!("exactly {} {}", n.min, plural(n.min));
    }
    let max = n
        .max
        .map(|m| m.to_string())
        .unwrap_or_else(|| "any number of".to_string());
    format!(
        "{} to {max} instances; {} provisioned when the fleet is applied",
        n.min, n.target
    )
}

/// Typical values.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    ["1", "2", "0..", "0..4", "1..4"]
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with(partial.trim()))
        .map(|(i, l)| {
            ValueCompletion::new(
                *l,
                parse_value(&Value::str(l))
                    .map(|n| describe(&n))
                    .unwrap_or_default(),
                i as u32,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn show(v: Value) -> String {
        match parse_value(&v) {
            Ok(n) => format!("{} {} {:?}", n.min, n.target, n.max),
            Err(e) => format!("error: {e}"),
        }
    }
    fn m(pairs: &[(&str, i128)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Value::int(*v)))
                .collect(),
        )
    }

    #[test]
    fn forms() {
        assert_eq!(show(Value::int(1)), "1 1 Some(1)");
        assert_eq!(show(Value::str("1..2")), "1 1 Some(2)");
        assert_eq!(show(Value::str("..2")), "0 0 Some(2)");
        assert_eq!(show(Value::str("1..")), "1 1 None");
        assert_eq!(show(Value::str("..")), "0 0 None");
        assert_eq!(
            show(m(&[("min", 1), ("target", 2), ("max", 3)])),
            "1 2 Some(3)"
        );
        assert_eq!(show(m(&[("min", 0), ("target", 0)])), "0 0 None");
        expect!["0 to 3 instances; 2 provisioned when the fleet is applied"].assert_eq(&describe(
            &parse_value(&m(&[("target", 2), ("max", 3)])).unwrap(),
        ));
        expect![[r#"exactly 2 instances"#]]
            .assert_eq(&describe(&parse_value(&Value::int(2)).unwrap()));
    }

    #[test]
    fn errors() {
        expect![[
            r#"error: `max` must not be less than `min` (example: `{min: 0, target: 2, max: 4}`)"#
        ]]
        .assert_eq(&show(Value::str("2..1")));
        expect![[r#"error: `min` cannot be negative (example: `{min: 0, target: 2, max: 4}`)"#]]
            .assert_eq(&show(m(&[("min", -1), ("target", -1)])));
        assert!(show(m(&[("target", -1), ("min", 0)])).starts_with("error"));
        assert!(show(m(&[("target", 2), ("max", 1), ("min", 0)])).starts_with("error"));
        assert!(show(m(&[("min", 2), ("target", 1)])).starts_with("error"));
        assert!(show(Value::str("")).starts_with("error"));
        assert!(show(Value::Scalar(crate::ScalarValue::Float(1.5))).starts_with("error"));
    }
}
