//! `tags`: a mapping of resource tags. Keys match `[_\-a-zA-Z0-9]{1,60}`; values match
//! `[a-zA-Z0-9 .:/=_\-+@]{0,256}`. A non-mapping value or a non-string value (quote numbers) crashes dstack;
//! we report both.

#[cfg(feature = "oracle")]
use crate::{Input, Value, ValueError, code, type_error};

#[cfg(feature = "oracle")]
const EXAMPLE: &str = "team: ml-research";

// Python's `re.match(...$)` also accepts one trailing newline.
fn body(s: &str) -> &str {
    s.strip_suffix('\n').unwrap_or(s)
}

pub fn is_valid_key(key: &str) -> bool {
    let k = body(key);
    (1..=60).contains(&k.chars().count())
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

pub fn is_valid_value(value: &str) -> bool {
    let v = body(value);
    v.chars().count() <= 256
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" .:/=_-+@".contains(&b))
}

#[cfg(feature = "oracle")]
/// Checks the whole `tags` mapping; returns the pairs.
pub fn parse_value(value: &Value) -> Result<Vec<(String, String)>, ValueError> {
    let Value::Map(entries) = value else {
        return Err(type_error(
            "tags",
            "a mapping of tag names to values",
            value.type_name(),
            EXAMPLE,
        ));
    };
    let mut out = Vec::new();
    for (key, v) in entries {
        let mut each = || -> Result<(), ValueError> {
            let text = match v.as_input() {
                Some(Input::Str(s)) => s.to_string(),
                _ => {
                    return Err(type_error(
                        "tags",
                        &format!("a string value for tag {}", code(key)),
                        v.type_name(),
                        EXAMPLE,
                    ));
                }
            };
            if !is_valid_key(key) {
                return Err(ValueError::new(
                    "tags",
                    format!(
                        "invalid tag key {}: 1–60 letters, digits, `_` or `-`",
                        code(key)
                    ),
                )
                .example(EXAMPLE));
            }
            if !is_valid_value(&text) {
                return Err(ValueError::new(
                    "tags",
                    format!(
                        "invalid value for tag {}: up to 256 letters, digits, spaces and `.:/=_-+@`",
                        code(key)
                    ),
                )
                .example(EXAMPLE));
            }
            out.push((key.clone(), text));
            Ok(())
        };
        each().map_err(|e| e.in_key(key))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        assert!(is_valid_key("special-chars_"));
        assert!(is_valid_key(&"a".repeat(60)));
        assert!(!is_valid_key(&"a".repeat(61)));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key("Invalid#Char"));
        assert!(!is_valid_key("key\twith"));
        assert!(is_valid_value(""));
        assert!(is_valid_value("v1.0"));
        assert!(is_valid_value(&"a".repeat(256)));
        assert!(!is_valid_value(&"a".repeat(257)));
        assert!(!is_valid_value("Invalid#Value"));
        let ok = Value::Map(vec![("Environment".into(), Value::str("Production"))]);
        assert_eq!(parse_value(&ok).unwrap().len(), 1);
        assert!(parse_value(&Value::Map(vec![("invalidkey!".into(), Value::str("x"))])).is_err());
        assert!(parse_value(&Value::Seq(vec![Value::str("a")])).is_err());
    }
}
