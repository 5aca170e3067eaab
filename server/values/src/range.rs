//! Ranges of counts and sizes: `4`, `1..4`, `2..`, `..8`, `8GB..`, `24GB..80GB`, or `{min, max}`.
//!
//! A string containing `..` loses its spaces and must split into exactly two sides; an empty side is
//! unbounded. Anything else is an exact value (min = max). Both sides empty, or min > max, are errors.

use crate::memory::format_gb;
use crate::py::{Stripped, fmt_number, pydantic_int_float, pydantic_int_str};
use crate::{Input, Value, ValueCompletion, ValueError, type_error};

/// A closed, half-open or exact range; at least one side is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range<T> {
    pub min: Option<T>,
    pub max: Option<T>,
}

pub type IntRange = Range<i128>;
/// Sizes in GB.
pub type MemoryRange = Range<f64>;

impl<T: Copy + PartialEq> Range<T> {
    pub fn exact(v: T) -> Range<T> {
        Range {
            min: Some(v),
            max: Some(v),
        }
    }
    pub fn at_least(v: T) -> Range<T> {
        Range {
            min: Some(v),
            max: None,
        }
    }
    pub fn is_exact(&self) -> bool {
        self.min.is_some() && self.min == self.max
    }
}

/// Parses an integer range (counts, nodes, replicas) from a scalar.
pub fn parse_int(input: &Input) -> Result<IntRange, ValueError> {
    parse_scalar(input, &int_side, "1..4")
}

/// Parses an integer range, including the `{min, max}` mapping form.
pub fn parse_int_value(value: &Value) -> Result<IntRange, ValueError> {
    parse_value(value, &int_side, "1..4")
}

/// Parses a size range in GB from a scalar.
pub fn parse_memory(input: &Input) -> Result<MemoryRange, ValueError> {
    parse_scalar(input, &memory_side, "24GB..80GB")
}

/// Parses a size range, including the `{min, max}` mapping form.
pub fn parse_memory_value(value: &Value) -> Result<MemoryRange, ValueError> {
    parse_value(value, &memory_side, "24GB..80GB")
}

type Side<T> = dyn Fn(&Input) -> Result<Option<T>, ValueError>;

fn int_side(input: &Input) -> Result<Option<i128>, ValueError> {
    let err = || ValueError::new("range", "expected a whole number").example("1..4");
    match *input {
        Input::Null => Ok(None),
        Input::Int(i) => Ok(Some(i)),
        Input::Bool(b) => Ok(Some(b as i128)),
        Input::Float(f) => pydantic_int_float(f).map(Some).ok_or_else(|| {
            ValueError::new(
                "range",
                format!("`{}` is not a whole number", fmt_number(f)),
            )
            .example("1..4")
        }),
        Input::Str(s) => pydantic_int_str(s).map(Some).ok_or_else(|| {
            ValueError::new("range", format!("`{s}` is not a whole number")).example("1..4")
        }),
        Input::Timestamp(_) => Err(err()),
    }
}

fn memory_side(input: &Input) -> Result<Option<f64>, ValueError> {
    match input {
        Input::Null => Ok(None),
        other => crate::memory::parse(other).map(Some),
    }
}

fn parse_scalar<T: Copy + PartialOrd + std::fmt::Display>(
    input: &Input,
    side: &Side<T>,
    example: &'static str,
) -> Result<Range<T>, ValueError> {
    match *input {
        Input::Str(s) if s.contains("..") => {
            let stripped = Stripped::new(s);
            let parts: Vec<(usize, &str)> = stripped.split("..").collect();
            let [(a_start, a), (b_start, b)] = parts.as_slice() else {
                return Err(ValueError::new(
                    "range",
                    format!("a range has exactly one `..`, got `{s}`"),
                )
                .example(example));
            };
            let side_of = |start: usize, text: &str| -> Result<Option<T>, ValueError> {
                if text.is_empty() {
                    return Ok(None);
                }
                let (os, oe) = stripped.orig_range(start, start + text.len());
                side(&Input::Str(text)).map_err(|e| e.within(os, oe))
            };
            let min = side_of(*a_start, a)?;
            let max = side_of(*b_start, b)?;
            check(Range { min, max }, &|| stripped.text.clone(), example)
        }
        Input::Str(_) | Input::Int(_) | Input::Float(_) | Input::Bool(_) => {
            let v = side(input)?;
            check(Range { min: v, max: v }, &|| String::new(), example)
        }
        Input::Null | Input::Timestamp(_) => Err(type_error(
            "range",
            &format!("a value or a range such as `{example}`"),
            input.type_name(),
            example,
        )),
    }
}

fn parse_value<T: Copy + PartialOrd + std::fmt::Display>(
    value: &Value,
    side: &Side<T>,
    example: &'static str,
) -> Result<Range<T>, ValueError> {
    match value {
        Value::Scalar(s) => parse_scalar(&Input::from_scalar(s), side, example),
        Value::Map(entries) => {
            let mut min = None;
            let mut max = None;
            for (key, v) in entries {
                let mut each = || -> Result<(), ValueError> {
                    let parsed = match v.as_input() {
                        Some(input) => side(&input)?,
                        None => {
                            return Err(type_error(
                                "range",
                                "a single number or size for `min` or `max`",
                                v.type_name(),
                                example,
                            ));
                        }
                    };
                    match key.as_str() {
                        "min" => min = parsed,
                        "max" => max = parsed,
                        other => {
                            return Err(ValueError::new(
                                "range",
                                format!(
                                    "unknown key `{other}`: a range mapping has only `min` and `max`"
                                ),
                            )
                            .example(example));
                        }
                    }
                    Ok(())
                };
                each().map_err(|e| e.in_key(key))?;
            }
            check(Range { min, max }, &|| String::new(), example)
        }
        Value::Seq(_) => Err(type_error(
            "range",
            &format!("a value or a range such as `{example}`"),
            "list",
            example,
        )),
    }
}

fn check<T: Copy + PartialOrd + std::fmt::Display>(
    range: Range<T>,
    text: &dyn Fn() -> String,
    example: &'static str,
) -> Result<Range<T>, ValueError> {
    match (range.min, range.max) {
        (None, None) => Err(ValueError::new(
            "range",
            "invalid empty range: give at least one side of `..`",
        )
        .example(example)),
        (Some(a), Some(b)) if a > b => {
            let shown = match text() {
                t if t.is_empty() => format!("{a}..{b}"),
                t => t,
            };
            Err(
                ValueError::new("range", format!("invalid range order: {shown} (min > max)"))
                    .example(example),
            )
        }
        _ => Ok(range),
    }
}

#[cfg(feature = "oracle")]
/// Service `replicas` (and groups' `replicas`/`count`): an integer range that must have a max; a missing min is 0
/// and min must not be negative. (A list-valued `replicas` is the legacy groups form, not handled here.)
pub fn parse_replicas(value: &Value) -> Result<IntRange, ValueError> {
    let mut r = parse_int_value(value)?;
    if r.max.is_none() {
        return Err(ValueError::new(
            "range",
            "the maximum number of replicas is required, e.g. `0..4`",
        )
        .example("1..4"));
    }
    let min = *r.min.get_or_insert(0);
    if min < 0 {
        return Err(
            ValueError::new("range", "the minimum number of replicas must be 0 or more")
                .example("0..4"),
        );
    }
    Ok(r)
}

#[cfg(feature = "oracle")]
/// Markdown for `replicas`, mentioning that a range needs `scaling`.
pub fn describe_replicas(r: &IntRange) -> String {
    if r.is_exact() {
        return format!(
            "{} replica{}",
            format_int(r),
            if r.min == Some(1) { "" } else { "s" }
        );
    }
    format!("{} replicas, autoscaled (needs `scaling`)", describe_int(r))
}

/// Markdown for a count range, e.g. "2 to 8", "at least 2", "exactly 4".
pub fn describe_int(range: &IntRange) -> String {
    describe_with(range, &|v: i128| v.to_string())
}

/// Markdown for a size range, e.g. "at least 8 GB".
pub fn describe_memory(range: &MemoryRange) -> String {
    describe_with(range, &|v: f64| format_gb(v))
}

fn describe_with<T: Copy + PartialOrd + Default>(
    range: &Range<T>,
    f: &dyn Fn(T) -> String,
) -> String {
    let text = match (range.min, range.max) {
        (Some(a), Some(b)) if a == b => format!("exactly {}", f(a)),
        (Some(a), Some(b)) => format!("{} to {}", f(a), f(b)),
        (Some(a), None) => format!("at least {}", f(a)),
        (None, Some(b)) => format!("at most {}", f(b)),
        (None, None) => "any".to_string(),
    };
    // dstack accepts negative bounds (`float()`/`int()` do), but nothing can match a negative maximum.
    if range.max.is_some_and(|m| m < T::default()) {
        format!("{text} (negative: dstack accepts it, but nothing can match)")
    } else {
        text
    }
}

#[cfg(any(test, feature = "oracle"))]
/// Renders a count range back in dstack's shorthand (`2..8`, `2..`, `4`).
pub fn format_int(range: &IntRange) -> String {
    format_with(range, &|v: i128| v.to_string())
}

#[cfg(any(test, feature = "oracle"))]
/// Renders a size range back in dstack's shorthand (`24GB..80GB`).
pub fn format_memory(range: &MemoryRange) -> String {
    format_with(range, &|v: f64| format!("{}GB", fmt_number(v)))
}

#[cfg(any(test, feature = "oracle"))]
fn format_with<T: Copy + PartialEq>(range: &Range<T>, f: &dyn Fn(T) -> String) -> String {
    match (range.min, range.max) {
        (Some(a), Some(b)) if a == b => f(a),
        (a, b) => format!(
            "{}..{}",
            a.map(f).unwrap_or_default(),
            b.map(f).unwrap_or_default()
        ),
    }
}

/// Count-range proposals (`1`, `2`, `1..`, `2..8`…).
pub fn complete_int(partial: &str) -> Vec<ValueCompletion> {
    let items = [
        ("1", "exactly 1"),
        ("2", "exactly 2"),
        ("4", "exactly 4"),
        ("8", "exactly 8"),
        ("1..", "at least 1"),
        ("2..", "at least 2"),
        ("1..4", "1 to 4"),
        ("2..8", "2 to 8"),
    ];
    crate::complete_from(&items, partial)
}

/// Size-range proposals; the same as single sizes plus their open-ended forms.
pub fn complete_memory(partial: &str) -> Vec<ValueCompletion> {
    crate::memory::complete(partial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn int(s: &str) -> String {
        match parse_int(&Input::Str(s)) {
            Ok(r) => format_int(&r),
            Err(e) => format!("error {:?}: {e}", e.range),
        }
    }
    fn mem(s: &str) -> String {
        match parse_memory(&Input::Str(s)) {
            Ok(r) => format_memory(&r),
            Err(e) => format!("error {:?}: {e}", e.range),
        }
    }

    #[test]
    fn int_ranges() {
        assert_eq!(int("1..4"), "1..4");
        assert_eq!(int("1 .. 4"), "1..4");
        assert_eq!(int("2.."), "2..");
        assert_eq!(int("..8"), "..8");
        assert_eq!(int(" 4"), "4");
        assert_eq!(int("2.0"), "2");
        assert_eq!(int("-1..2"), "-1..2");
        assert_eq!(format_int(&parse_int(&Input::Bool(true)).unwrap()), "1");
    }

    #[test]
    fn int_range_errors() {
        expect![[
            r#"error None: invalid empty range: give at least one side of `..` (example: `1..4`)"#
        ]]
        .assert_eq(&int(".."));
        expect![[r#"error None: invalid range order: 3..1 (min > max) (example: `1..4`)"#]]
            .assert_eq(&int("3..1"));
        expect![[r#"error Some((3, 5)): `.3` is not a whole number (example: `1..4`)"#]]
            .assert_eq(&int("1...3"));
        expect![[r#"error None: a range has exactly one `..`, got `1..2..3` (example: `1..4`)"#]]
            .assert_eq(&int("1..2..3"));
        expect![[r#"error Some((0, 3)): `1.5` is not a whole number (example: `1..4`)"#]]
            .assert_eq(&int("1.5..2"));
        assert!(int("a..b").starts_with("error"));
        assert!(parse_int(&Input::Float(2.5)).is_err());
        assert!(parse_int(&Input::Null).is_err());
    }

    #[test]
    fn memory_ranges() {
        assert_eq!(mem("8GB.."), "8GB..");
        assert_eq!(mem("..1 TB"), "..1024GB");
        assert_eq!(mem("512..1 TB"), "512GB..1024GB");
        assert_eq!(mem("16GB..32"), "16GB..32GB");
        assert_eq!(mem("512MB"), "0.5GB");
        expect!["error Some((4, 7)): invalid size `8G`: write a number of GB or a number with `MB`, `GB` or `TB`; did you mean `8GB`? (example: `16GB`)"].assert_eq(&mem("1 ..8 G"));
        assert!(mem("64GB..8GB").starts_with("error"));
        assert!(mem("...").starts_with("error"));
    }

    #[test]
    fn mapping_form() {
        let v = Value::Map(vec![
            ("min".into(), Value::str("512MB")),
            ("max".into(), Value::str("1TB")),
        ]);
        assert_eq!(
            format_memory(&parse_memory_value(&v).unwrap()),
            "0.5GB..1024GB"
        );
        let bad = Value::Map(vec![
            ("min".into(), Value::int(1)),
            ("x".into(), Value::int(1)),
        ]);
        expect![[r#"unknown key `x`: a range mapping has only `min` and `max` (example: `1..4`)"#]]
            .assert_eq(&parse_int_value(&bad).unwrap_err().to_string());
        assert!(parse_int_value(&Value::Map(vec![("min".into(), Value::null())])).is_err());
    }

    #[test]
    fn replicas() {
        let r = |s: &str| {
            parse_replicas(&Value::str(s))
                .map(|r| describe_replicas(&r))
                .unwrap_or_else(|e| e.to_string())
        };
        expect![[r#"0 to 4 replicas, autoscaled (needs `scaling`)"#]].assert_eq(&r("..4"));
        expect![[r#"1 replica"#]].assert_eq(&r("1"));
        expect![[r#"the maximum number of replicas is required, e.g. `0..4` (example: `1..4`)"#]]
            .assert_eq(&r("1.."));
        expect![[r#"the minimum number of replicas must be 0 or more (example: `0..4`)"#]]
            .assert_eq(&r("-1..2"));
    }

    #[test]
    fn descriptions() {
        expect![[r#"at least 8 GB"#]].assert_eq(&describe_memory(
            &parse_memory(&Input::Str("8GB..")).unwrap(),
        ));
        expect![[r#"24 GB to 40 GB"#]].assert_eq(&describe_memory(
            &parse_memory(&Input::Str("24GB..40GB")).unwrap(),
        ));
        expect![[r#"2 to 8"#]].assert_eq(&describe_int(&parse_int(&Input::Str("2..8")).unwrap()));
        expect![[r#"at most 8"#]].assert_eq(&describe_int(&parse_int(&Input::Str("..8")).unwrap()));
        expect![[r#"exactly -8 GB (negative: dstack accepts it, but nothing can match)"#]]
            .assert_eq(&describe_memory(
                &parse_memory(&Input::Str("-8GB")).unwrap(),
            ));
    }
}
