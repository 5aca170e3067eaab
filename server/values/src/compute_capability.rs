//! `resources.gpu.compute_capability`: a minimum NVIDIA compute capability, written `7.5`, `"7.5"` or `[7, 5]`.

use crate::py::{py_float_repr, py_int};
use crate::{Input, Value, ValueCompletion, ValueError, type_error};

const EXAMPLE: &str = "8.0";

/// Parses the scalar forms (`7.5`, `"8.0"`).
pub fn parse(input: &Input) -> Result<(i128, i128), ValueError> {
    match *input {
        // A YAML float goes through Python's `str()`, so `8.0` stays "8.0" and `7.50` becomes "7.5".
        Input::Float(f) => parse_str(&py_float_repr(f)),
        Input::Str(s) => {
            let lead = s.len() - s.trim_start_matches(crate::py::is_py_space).len();
            parse_str(s.trim_matches(crate::py::is_py_space)).map_err(|e| e.shifted(lead))
        }
        _ => Err(type_error(
            "compute-capability",
            "`major.minor` such as `8.0`",
            input.type_name(),
            EXAMPLE,
        )),
    }
}

/// Parses any form, including the two-element list.
pub fn parse_value(value: &Value) -> Result<(i128, i128), ValueError> {
    match value {
        Value::Scalar(s) => parse(&Input::from_scalar(s)),
        Value::Seq(items) => {
            let [a, b] = items.as_slice() else {
                return Err(ValueError::new(
                    "compute-capability",
                    format!("a compute capability has two numbers, got {}", items.len()),
                )
                .example("[8, 0]"));
            };
            Ok((
                part_value(a).map_err(|e| e.in_item(0))?,
                part_value(b).map_err(|e| e.in_item(1))?,
            ))
        }
        Value::Map(_) => Err(type_error(
            "compute-capability",
            "`major.minor` such as `8.0`",
            "mapping",
            EXAMPLE,
        )),
    }
}

fn parse_str(s: &str) -> Result<(i128, i128), ValueError> {
    let parts: Vec<&str> = s.split('.').collect();
    let [a, b] = parts.as_slice() else {
        return Err(ValueError::new(
            "compute-capability",
            format!("invalid compute capability `{s}`: write `major.minor`"),
        )
        .example(EXAMPLE));
    };
    let a_end = a.len();
    let major = part(a).map_err(|e| e.at(0, a_end))?;
    let minor = part(b).map_err(|e| e.at(a_end + 1, s.len()))?;
    Ok((major, minor))
}

fn part(s: &str) -> Result<i128, ValueError> {
    py_int(s).ok_or_else(|| {
        ValueError::new("compute-capability", format!("`{s}` is not a whole number"))
            .example(EXAMPLE)
    })
}

// Python's `int()` on each list element: ints, truncated floats, bools and numeric strings.
fn part_value(v: &Value) -> Result<i128, ValueError> {
    match v.as_input() {
        Some(Input::Int(i)) => Ok(i),
        Some(Input::Bool(b)) => Ok(b as i128),
        Some(Input::Float(f)) if f.is_finite() => Ok(f.trunc() as i128),
        Some(Input::Str(s)) => part(s),
        _ => Err(type_error(
            "compute-capability",
            "a whole number",
            v.type_name(),
            "[8, 0]",
        )),
    }
}

/// Hover text.
pub fn describe(cc: (i128, i128)) -> String {
    format!(
        "compute capability {}.{} or newer (NVIDIA GPUs only)",
        cc.0, cc.1
    )
}

/// Compute capabilities of the GPU generations dstack knows, quoted so YAML keeps `8.0` as written.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    let mut caps: Vec<(u32, u32)> = crate::gpu_names::ACCELERATORS
        .iter()
        .filter_map(|a| a.compute_capability)
        .collect();
    caps.sort_unstable();
    caps.dedup();
    caps.iter()
        .enumerate()
        .map(|(i, (a, b))| {
            let label = format!("{a}.{b}");
            let gpus: Vec<&str> = crate::gpu_names::ACCELERATORS
                .iter()
                .filter(|g| g.compute_capability == Some((*a, *b)))
                .map(|g| g.name)
                .take(3)
                .collect();
            ValueCompletion::new(label.clone(), format!("e.g. {}", gpus.join(", ")), i as u32)
                .with_insert(format!("\"{label}\""))
        })
        .filter(|c| c.label.starts_with(partial.trim().trim_matches('"')))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse(&Input::Str("3.5")), Ok((3, 5)));
        assert_eq!(parse(&Input::Float(8.0)), Ok((8, 0)));
        assert_eq!(parse(&Input::Str(" 7.5 ")), Ok((7, 5)));
        assert_eq!(
            parse_value(&Value::Seq(vec![Value::int(7), Value::str("5")])),
            Ok((7, 5))
        );
        assert!(parse(&Input::Str("3.5.1")).is_err());
        assert!(parse(&Input::Int(7)).is_err());
        assert_eq!(parse(&Input::Str("3.x")).unwrap_err().range, Some((2, 3)));
        assert!(parse_value(&Value::Seq(vec![Value::int(7)])).is_err());
        assert_eq!(
            describe((8, 0)),
            "compute capability 8.0 or newer (NVIDIA GPUs only)"
        );
    }
}
