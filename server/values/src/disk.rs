//! `resources.disk`: a size range (`100GB`, `100GB..`, `200GB..1TB`) or `{size: …}`.

use crate::range::{self, MemoryRange};
use crate::{Input, Value, ValueCompletion, ValueError, type_error};

/// Parses a scalar disk size range.
pub fn parse(input: &Input) -> Result<MemoryRange, ValueError> {
    match input {
        Input::Null | Input::Timestamp(_) => Err(type_error(
            "disk",
            "a disk size such as `100GB..`",
            input.type_name(),
            "100GB..",
        )),
        other => range::parse_memory(other),
    }
}

/// Parses any form, including `{size: 200GB..}`.
pub fn parse_value(value: &Value) -> Result<MemoryRange, ValueError> {
    match value {
        Value::Scalar(s) => parse(&Input::from_scalar(s)),
        Value::Map(entries) => {
            let mut size = None;
            for (key, v) in entries {
                let mut each = || -> Result<(), ValueError> {
                    if key != "size" {
                        return Err(ValueError::new(
                            "disk",
                            format!("unknown disk property `{key}`: only `size` is allowed"),
                        )
                        .example("{size: 200GB..}"));
                    }
                    size = Some(range::parse_memory_value(v)?);
                    Ok(())
                };
                each().map_err(|e| e.in_key(key))?;
            }
            size.ok_or_else(|| {
                ValueError::new("disk", "`size` is required").example("{size: 200GB..}")
            })
        }
        Value::Seq(_) => Err(type_error(
            "disk",
            "a disk size such as `100GB..`",
            "list",
            "100GB..",
        )),
    }
}

/// Hover text.
pub fn describe(size: &MemoryRange) -> String {
    format!("disk of {}", range::describe_memory(size))
}

/// Typical disk sizes.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    let items = [
        "100GB..", "200GB..", "500GB..", "1TB..", "100GB", "200GB", "500GB", "1TB",
    ];
    items
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.to_ascii_lowercase()
                .starts_with(&partial.trim().to_ascii_lowercase())
        })
        .map(|(i, l)| {
            ValueCompletion::new(
                *l,
                describe(
                    &range::parse_memory(&Input::Str(l)).unwrap_or(MemoryRange::at_least(100.0)),
                ),
                i as u32,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(
            parse(&Input::Str("100GB..1TB")).unwrap(),
            MemoryRange {
                min: Some(100.0),
                max: Some(1024.0)
            }
        );
        assert_eq!(parse(&Input::Int(200)).unwrap(), MemoryRange::exact(200.0));
        let m = Value::Map(vec![("size".into(), Value::str("200GB.."))]);
        assert_eq!(parse_value(&m).unwrap(), MemoryRange::at_least(200.0));
        assert!(parse(&Input::Str("abc")).is_err());
        assert!(parse_value(&Value::Map(vec![("size".into(), Value::null())])).is_err());
        assert!(parse_value(&Value::Map(vec![])).is_err());
        assert_eq!(
            describe(&MemoryRange::at_least(100.0)),
            "disk of at least 100 GB"
        );
        assert_eq!(
            complete("1").first().map(|c| c.label.as_str()),
            Some("100GB..")
        );
    }
}
