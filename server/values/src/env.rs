//! `env` of runs, fleets and presets: a list of `KEY=VALUE` / bare `KEY` strings, or a mapping.
//!
//! In the list form keys must match `[a-zA-Z_][a-zA-Z0-9_]*`; `KEY=` is an empty value and a bare `KEY` is
//! taken from the shell that runs `dstack apply`. Duplicates are errors. The mapping form does not check keys;
//! its values are strings or numbers (turned into strings), never `true` or `null`.

#[cfg(feature = "oracle")]
use crate::py::py_float_repr;
use crate::{Input, ValueCompletion, ValueError, code, type_error};
#[cfg(feature = "oracle")]
use crate::{ScalarValue, Value};

const EXAMPLE: &str = "HF_TOKEN=${{ secrets.hf_token }}";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    Value(String),
    /// Bare `KEY`: filled from the environment of `dstack apply`.
    /// The name of the shell variable to read (the key itself, except in the odd `{KEY: {key: OTHER}}` form).
    PassThrough(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub key: String,
    pub value: EnvValue,
}

/// One list item (`KEY=VALUE` or `KEY`).
pub fn parse_item(input: &Input) -> Result<EnvVar, ValueError> {
    let s = match *input {
        Input::Str(s) => s,
        _ => {
            return Err(type_error(
                "env",
                "a `KEY=VALUE` string",
                input.type_name(),
                EXAMPLE,
            ));
        }
    };
    let key_len = s
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let key = &s[..key_len];
    let starts_ok = key
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    let rest = &s[key_len..];
    // pydantic's pattern engine: `.` stops at a newline and `$` is the very end.
    let value_ok = rest.is_empty() || (rest.starts_with('=') && !rest.contains('\n'));
    if !starts_ok || !value_ok {
        let end = if starts_ok {
            key_len + rest.find('=').unwrap_or(rest.len())
        } else {
            s.find('=').unwrap_or(s.len())
        };
        let msg = if s.is_empty() {
            "empty environment variable: write `KEY=VALUE` or `KEY`".to_string()
        } else if !starts_ok {
            "an environment variable name starts with a letter or `_` and has only letters, digits and `_`".to_string()
        } else if rest.contains('\n') && rest.starts_with('=') {
            "a value in the list form cannot span lines; use the mapping form".to_string()
        } else {
            "an environment variable name has only letters, digits and `_`".to_string()
        };
        return Err(ValueError::new("env", msg)
            .example(EXAMPLE)
            .at(0, end.max(1).min(s.len())));
    }
    let value = match rest.strip_prefix('=') {
        Some(v) => EnvValue::Value(v.to_string()),
        None => EnvValue::PassThrough(key.to_string()),
    };
    Ok(EnvVar {
        key: key.to_string(),
        value,
    })
}

#[cfg(feature = "oracle")]
/// The whole `env` value. Returns the variables in order; the first error stops, as in dstack.
pub fn parse_value(value: &Value) -> Result<Vec<EnvVar>, ValueError> {
    match value {
        Value::Seq(items) => {
            let mut out: Vec<EnvVar> = Vec::new();
            for (index, item) in items.iter().enumerate() {
                let mut each = || -> Result<(), ValueError> {
                    let var = match item.as_input() {
                        Some(Input::Int(i)) => parse_item(&Input::Str(&i.to_string()))?,
                        Some(Input::Float(f)) => parse_item(&Input::Str(&py_float_repr(f)))?,
                        Some(input) => parse_item(&input)?,
                        None => {
                            return Err(type_error(
                                "env",
                                "a `KEY=VALUE` string",
                                item.type_name(),
                                EXAMPLE,
                            ));
                        }
                    };
                    if out.iter().any(|v| v.key == var.key) {
                        return Err(ValueError::new(
                            "env",
                            format!("duplicate environment variable {}", code(&var.key)),
                        )
                        .example(EXAMPLE));
                    }
                    out.push(var);
                    Ok(())
                };
                each().map_err(|e| e.in_item(index))?;
            }
            Ok(out)
        }
        Value::Map(entries) => {
            let mut out: Vec<EnvVar> = Vec::new();
            for (key, v) in entries {
                let mut each = || -> Result<(), ValueError> {
                    let value = match v {
                        Value::Scalar(scalar) => match Input::from_scalar(scalar) {
                            Input::Str(s) => EnvValue::Value(s.to_string()),
                            Input::Int(i) => EnvValue::Value(i.to_string()),
                            Input::Float(f) => EnvValue::Value(py_float_repr(f)),
                            other => {
                                let hint = if matches!(other, Input::Bool(_)) {
                                    "quote it, e.g. `\"true\"`"
                                } else {
                                    "give a value or use the list form `- KEY` to pass it through"
                                };
                                return Err(ValueError::new("env", format!("the value of {} must be a string or a number, not {}: {hint}", code(key), other.type_name())).example("DEBUG: \"true\""));
                            }
                        },
                        // `{KEY: {key: OTHER}}` is silently taken as a pass-through by dstack.
                        Value::Map(inner)
                            if inner.len() == 1
                                && matches!(inner.first(), Some((k, Value::Scalar(ScalarValue::Str(_)))) if k == "key") =>
                        {
                            match inner.first() {
                                Some((_, Value::Scalar(ScalarValue::Str(from)))) => {
                                    EnvValue::PassThrough(from.clone())
                                }
                                _ => EnvValue::PassThrough(key.clone()),
                            }
                        }
                        other => {
                            return Err(type_error(
                                "env",
                                "a string value",
                                other.type_name(),
                                "DEBUG: \"1\"",
                            ));
                        }
                    };
                    // PyYAML keeps the last of duplicate keys.
                    out.retain(|v| &v.key != key);
                    out.push(EnvVar {
                        key: key.clone(),
                        value,
                    });
                    Ok(())
                };
                each().map_err(|e| e.in_key(key))?;
            }
            Ok(out)
        }
        Value::Scalar(s) => Err(type_error(
            "env",
            "a list of `KEY=VALUE` or a mapping",
            crate::Input::from_scalar(s).type_name(),
            EXAMPLE,
        )),
    }
}

/// Hover text for one variable.
pub fn describe(var: &EnvVar) -> String {
    match &var.value {
        EnvValue::Value(v) if v.is_empty() => {
            format!("{} is set to an empty string", code(&var.key))
        }
        EnvValue::Value(v) if v.contains("${{") => format!(
            "{} = {} (references are resolved by dstack)",
            code(&var.key),
            code(v)
        ),
        EnvValue::Value(v) => format!("{} = {}", code(&var.key), code(v)),
        EnvValue::PassThrough(from) if from != &var.key => format!(
            "{} is taken from {} in the environment where `dstack apply` runs",
            code(&var.key),
            code(from)
        ),
        EnvValue::PassThrough(_) => format!(
            "{} is taken from the environment where `dstack apply` runs; it must be set there",
            code(&var.key)
        ),
    }
}

/// Well-known variables.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    let items = [
        (
            "HF_TOKEN",
            "Hugging Face token, usually `${{ secrets.HF_TOKEN }}`",
        ),
        (
            "HF_HUB_ENABLE_HF_TRANSFER=1",
            "faster Hugging Face downloads",
        ),
        ("WANDB_API_KEY", "Weights & Biases key, passed through"),
        ("MODEL_ID", "a model name for the commands"),
        ("PYTHONUNBUFFERED=1", "unbuffered Python output"),
        ("NCCL_DEBUG=INFO", "NCCL logging"),
    ];
    crate::complete_from(&items, partial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn list(items: &[&str]) -> String {
        match parse_value(&Value::Seq(items.iter().map(|s| Value::str(s)).collect())) {
            Ok(vars) => vars.iter().map(describe).collect::<Vec<_>>().join("; "),
            Err(e) => format!("error {:?}: {e}", e.range),
        }
    }

    #[test]
    fn list_form() {
        expect![[r#"`A` = `1`; `B` is taken from the environment where `dstack apply` runs; it must be set there"#]].assert_eq(&list(&["A=1", "B"]));
        expect![[r#"`A` is set to an empty string; `B` = `x=y`"#]]
            .assert_eq(&list(&["A=", "B=x=y"]));
        expect![[r#"error None: duplicate environment variable `A` (example: `HF_TOKEN=${{ secrets.hf_token }}`)"#]].assert_eq(&list(&["A=1", "A=2"]));
        assert!(list(&["A", "A"]).starts_with("error"));
        expect![[r#"error Some((0, 2)): an environment variable name starts with a letter or `_` and has only letters, digits and `_` (example: `HF_TOKEN=${{ secrets.hf_token }}`)"#]].assert_eq(&list(&["1A=1"]));
        expect![[r#"error Some((0, 3)): an environment variable name has only letters, digits and `_` (example: `HF_TOKEN=${{ secrets.hf_token }}`)"#]].assert_eq(&list(&["A-B=1"]));
        assert!(list(&["A=x\ny"]).starts_with("error"));
        assert!(list(&[""]).starts_with("error"));
    }

    #[test]
    fn mapping_form() {
        let m = Value::Map(vec![
            ("A".into(), Value::str("1")),
            ("B".into(), Value::int(2)),
            ("C D".into(), Value::Scalar(crate::ScalarValue::Float(1.5))),
        ]);
        let vars = parse_value(&m).unwrap();
        assert_eq!(
            vars.iter().map(describe).collect::<Vec<_>>().join("; "),
            "`A` = `1`; `B` = `2`; `C D` = `1.5`"
        );
        expect![[r#"the value of `A` must be a string or a number, not boolean: quote it, e.g. `"true"` (example: `DEBUG: "true"`)"#]]
            .assert_eq(&parse_value(&Value::Map(vec![("A".into(), Value::bool(true))])).unwrap_err().to_string());
        assert!(parse_value(&Value::Map(vec![("A".into(), Value::null())])).is_err());
        assert!(parse_value(&Value::str("A=1")).is_err());
        assert!(
            parse_value(&Value::Seq(vec![
                Value::str("A=1"),
                Value::Map(vec![("B".into(), Value::str("2"))])
            ]))
            .is_err()
        );
        assert_eq!(parse_value(&Value::Seq(vec![])), Ok(vec![]));
    }
}
