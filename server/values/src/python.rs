//! `python`: `3.9` … `3.15`. An unquoted YAML float goes through Python's `str()`, and `3.1` is read as `3.10`
//! (YAML turns `3.10` into the float 3.1). Quote versions to be safe.

use crate::py::py_float_repr;
use crate::{Input, ValueCompletion, ValueError, type_error};

pub const VERSIONS: &[&str] = &["3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"];

/// Returns the version as dstack stores it.
pub fn parse(input: &Input) -> Result<&'static str, ValueError> {
    let text = match *input {
        Input::Float(f) => {
            let s = py_float_repr(f);
            if s == "3.1" { "3.10".to_string() } else { s }
        }
        Input::Str(s) => s.to_string(),
        _ => {
            return Err(type_error(
                "python",
                "a Python version such as `\"3.12\"`",
                input.type_name(),
                "\"3.12\"",
            ));
        }
    };
    if let Some(v) = VERSIONS.iter().find(|v| **v == text) {
        return Ok(v);
    }
    let mut message = format!(
        "`{text}` is not a supported Python version: use one of {}",
        VERSIONS.join(", ")
    );
    let fix = suggest(&text);
    if let Some(fix) = fix {
        message.push_str(&format!("; did you mean `{fix}`?"));
    }
    let e = ValueError::new("python", message).example("\"3.12\"");
    Err(match fix {
        Some(fix) => e.with_fix(fix),
        None => e,
    })
}

/// `" 3.12"` → `3.12`, `"3.1"` → `3.10` (the YAML float reading), `"3.09"` → `3.9`, `"3.12.1"` → `3.12`.
fn suggest(text: &str) -> Option<&'static str> {
    let t = text.trim();
    let (major, rest) = t.split_once('.')?;
    let minor = rest.split('.').next()?;
    let minor = if minor == "1" {
        "10".to_string()
    } else {
        minor.trim_start_matches('0').to_string()
    };
    let candidate = format!("{}.{minor}", major.trim_start_matches('0'));
    VERSIONS.iter().find(|v| **v == candidate).copied()
}

/// Hover text; mentions the float quirk when it applied.
pub fn describe(version: &str, was_float: bool) -> String {
    let mut s = format!("Python {version}");
    if was_float {
        s.push_str("; unquoted, YAML reads this as a number — quote it, e.g. `\"3.10\"`");
    }
    s
}

/// The supported versions, newest first, quoted.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    let p = partial.trim().trim_matches('"');
    VERSIONS
        .iter()
        .rev()
        .enumerate()
        .filter(|(_, v)| v.starts_with(p))
        .map(|(i, v)| {
            ValueCompletion::new(*v, format!("Python {v}"), i as u32)
                .with_insert(format!("\"{v}\""))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(parse(&Input::Float(3.1)), Ok("3.10"));
        assert_eq!(parse(&Input::Float(3.12)), Ok("3.12"));
        assert_eq!(parse(&Input::Str("3.15")), Ok("3.15"));
        assert!(parse(&Input::Str("3.8")).is_err());
        assert!(parse(&Input::Int(3)).is_err());
        assert!(parse(&Input::Str("3.12.1")).is_err());
        let fix = |s: &str| parse(&Input::Str(s)).unwrap_err().fix;
        assert_eq!(fix("3.12.1").as_deref(), Some("3.12"));
        assert_eq!(fix(" 3.12").as_deref(), Some("3.12"));
        assert_eq!(fix("3.1").as_deref(), Some("3.10"));
        assert_eq!(fix("3.09").as_deref(), Some("3.9"));
        assert_eq!(fix("3.8"), None);
        assert_eq!(
            complete("3.1").first().map(|c| c.insert.as_str()),
            Some("\"3.15\"")
        );
    }
}
