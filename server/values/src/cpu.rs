//! `resources.cpu`: a count range and an optional architecture — `8`, `4..`, `arm`, `arm:4..`, `x86:2`, or a mapping.
//!
//! dstack removes spaces and splits on `:`. A token with `..` or only digits is the count; any other token must
//! be `x86` or `arm` (any case). Architecture alone keeps the default count `2..`.

use crate::py::Stripped;
use crate::range::{self, IntRange};
use crate::{Input, Value, ValueCompletion, ValueError, type_error};

const EXAMPLE: &str = "arm:4..";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpuArch {
    X86,
    Arm,
}

impl CpuArch {
    pub fn as_str(self) -> &'static str {
        match self {
            CpuArch::X86 => "x86",
            CpuArch::Arm => "arm",
        }
    }
    fn from_token(s: &str) -> Option<CpuArch> {
        match s.to_lowercase().as_str() {
            "x86" => Some(CpuArch::X86),
            "arm" => Some(CpuArch::Arm),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuSpec {
    pub arch: Option<CpuArch>,
    /// `2..` unless given.
    pub count: IntRange,
}

impl Default for CpuSpec {
    fn default() -> Self {
        CpuSpec {
            arch: None,
            count: IntRange::at_least(2),
        }
    }
}

/// Parses the scalar forms.
pub fn parse(input: &Input) -> Result<CpuSpec, ValueError> {
    match *input {
        Input::Str(s) => parse_shorthand(s),
        Input::Int(i) => parse_shorthand(&i.to_string()),
        // Python's `str(True)` is not an architecture.
        Input::Bool(b) => parse_shorthand(if b { "True" } else { "False" }),
        _ => Err(type_error(
            "cpu-spec",
            "a CPU spec such as `4..` or `arm:8`",
            input.type_name(),
            EXAMPLE,
        )),
    }
}

/// Parses any form: scalar, `{min, max}` (a count range), or `{arch, count}`.
pub fn parse_value(value: &Value) -> Result<CpuSpec, ValueError> {
    match value {
        Value::Scalar(s) => parse(&Input::from_scalar(s)),
        Value::Map(entries)
            if !entries.is_empty() && entries.iter().all(|(k, _)| k == "min" || k == "max") =>
        {
            Ok(CpuSpec {
                arch: None,
                count: range::parse_int_value(value)?,
            })
        }
        Value::Map(entries) => {
            let mut spec = CpuSpec::default();
            for (key, v) in entries {
                let mut each = || -> Result<(), ValueError> {
                    match key.as_str() {
                        "arch" => {
                            spec.arch = match v.as_input() {
                                Some(Input::Null) => None,
                                Some(Input::Str(s)) => {
                                    Some(CpuArch::from_token(s).ok_or_else(|| arch_error(s))?)
                                }
                                _ => {
                                    return Err(type_error(
                                        "cpu-spec",
                                        "`x86` or `arm`",
                                        v.type_name(),
                                        "arm",
                                    ));
                                }
                            }
                        }
                        "count" => spec.count = range::parse_int_value(v)?,
                        other => {
                            return Err(ValueError::new(
                                "cpu-spec",
                                format!("unknown CPU property `{other}`: use `arch` and `count`"),
                            )
                            .example("{arch: arm, count: 4..}"));
                        }
                    }
                    Ok(())
                };
                each().map_err(|e| e.in_key(key))?;
            }
            Ok(spec)
        }
        Value::Seq(_) => Err(type_error(
            "cpu-spec",
            "a CPU spec such as `4..` or `arm:8`",
            "list",
            EXAMPLE,
        )),
    }
}

fn arch_error(token: &str) -> ValueError {
    ValueError::new(
        "cpu-spec",
        format!("invalid CPU architecture `{token}`: use `x86` or `arm`"),
    )
    .example(EXAMPLE)
}

fn parse_shorthand(s: &str) -> Result<CpuSpec, ValueError> {
    let stripped = Stripped::new(s);
    let mut spec = CpuSpec::default();
    let (mut arch, mut count) = (None, None);
    for (start, token) in stripped.split(":") {
        let (os, oe) = stripped.orig_range(start, start + token.len());
        if token.is_empty() {
            let e = ValueError::new(
                "cpu-spec",
                "CPU spec contains an empty token: remove the extra `:`",
            )
            .example(EXAMPLE);
            if stripped.text.is_empty() {
                return Err(e);
            }
            let colon = if start > 0 {
                stripped.orig_range(start - 1, start)
            } else {
                stripped.orig_range(0, 1)
            };
            return Err(e.at(colon.0, colon.1));
        }
        // Python's `isdigit()`: ASCII digits here (other Unicode digits would fail later anyway).
        if token.contains("..") || token.bytes().all(|b| b.is_ascii_digit()) {
            if count.is_some() {
                return Err(ValueError::new(
                    "cpu-spec",
                    "CPU spec count conflict: the count is given twice",
                )
                .example(EXAMPLE)
                .at(os, oe));
            }
            // The inner range is in the space-stripped token: map it back to the original text.
            count = Some(
                range::parse_int(&Input::Str(token)).map_err(|e| match e.range {
                    Some((a, b)) => {
                        let (s, t) = stripped.orig_range(start + a as usize, start + b as usize);
                        e.at(s, t)
                    }
                    None => e.at(os, oe),
                })?,
            );
        } else {
            let a = CpuArch::from_token(token).ok_or_else(|| arch_error(token).at(os, oe))?;
            if arch.is_some() {
                return Err(ValueError::new(
                    "cpu-spec",
                    "CPU spec arch conflict: the architecture is given twice",
                )
                .example(EXAMPLE)
                .at(os, oe));
            }
            arch = Some(a);
        }
    }
    spec.arch = arch;
    if let Some(c) = count {
        spec.count = c;
    }
    Ok(spec)
}

/// Hover text, e.g. "at least 4 CPU cores, ARM (aarch64)".
pub fn describe(spec: &CpuSpec) -> String {
    let mut out = format!("{} CPU cores", range::describe_int(&spec.count));
    match spec.arch {
        Some(CpuArch::Arm) => {
            out.push_str(", ARM (aarch64); dstack's server requires `image` for ARM")
        }
        Some(CpuArch::X86) => out.push_str(", x86-64"),
        None => out.push_str(", any architecture"),
    }
    out
}

/// Counts and architectures for the token at the end of `partial`; `insert` is the whole new text.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    let (head, current) = match partial.rfind(':') {
        Some(i) => (&partial[..=i], &partial[i + 1..]),
        None => ("", partial),
    };
    let has_arch = head
        .split(':')
        .any(|t| CpuArch::from_token(t.trim()).is_some());
    let mut out: Vec<ValueCompletion> = Vec::new();
    if !has_arch {
        out.push(ValueCompletion::new("x86", "x86-64 CPUs", 20));
        out.push(ValueCompletion::new("arm", "ARM (aarch64) CPUs", 21));
    }
    for (i, c) in ["2..", "4..", "8..", "16..", "4", "8", "16", "4..8"]
        .iter()
        .enumerate()
    {
        out.push(ValueCompletion::new(
            *c,
            format!(
                "{} CPU cores",
                range::describe_int(
                    &range::parse_int(&Input::Str(c)).unwrap_or(IntRange::exact(2))
                )
            ),
            i as u32,
        ));
    }
    let p = current.trim().to_lowercase();
    out.retain(|c| c.label.starts_with(&p));
    out.into_iter()
        .map(|c| {
            let insert = format!("{head}{}", c.label);
            c.with_insert(insert)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn show(s: &str) -> String {
        match parse(&Input::Str(s)) {
            Ok(spec) => format!(
                "{:?} {}",
                spec.arch.map(CpuArch::as_str),
                range::format_int(&spec.count)
            ),
            Err(e) => format!("error {:?}: {e}", e.range),
        }
    }

    #[test]
    fn forms() {
        expect![[r#"None 8"#]].assert_eq(&show("8"));
        expect![[r#"Some("arm") 2.."#]].assert_eq(&show("arm"));
        expect![[r#"Some("arm") 2.."#]].assert_eq(&show("2..:ARM"));
        expect![[r#"Some("x86") 4"#]].assert_eq(&show("x86 : 4"));
        expect![[r#"Some("arm") 4..8"#]].assert_eq(&show("4..8:arm"));
        expect![[r#"None ..8"#]].assert_eq(&show("..8"));
    }

    #[test]
    fn errors() {
        expect![[r#"error Some((3, 4)): CPU spec contains an empty token: remove the extra `:` (example: `arm:4..`)"#]].assert_eq(&show("arm:"));
        expect![[r#"error Some((2, 5)): invalid CPU architecture `foo`: use `x86` or `arm` (example: `arm:4..`)"#]].assert_eq(&show("2:foo"));
        expect![[r#"error Some((4, 7)): CPU spec arch conflict: the architecture is given twice (example: `arm:4..`)"#]].assert_eq(&show("arm:x86"));
        expect![[r#"error Some((6, 7)): CPU spec count conflict: the count is given twice (example: `arm:4..`)"#]].assert_eq(&show("2:arm:2"));
        expect![[r#"error Some((0, 3)): invalid CPU architecture `4.5`: use `x86` or `arm` (example: `arm:4..`)"#]].assert_eq(&show("4.5"));
        expect![[r#"error None: CPU spec contains an empty token: remove the extra `:` (example: `arm:4..`)"#]].assert_eq(&show(""));
        assert!(parse(&Input::Bool(true)).is_err());
        assert!(parse(&Input::Float(1.5)).is_err());
    }

    #[test]
    fn mappings() {
        let m = |pairs: Vec<(&str, Value)>| {
            Value::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
        };
        assert_eq!(
            parse_value(&m(vec![("min", Value::int(1))])).unwrap().count,
            IntRange::at_least(1)
        );
        assert_eq!(parse_value(&m(vec![])).unwrap(), CpuSpec::default());
        assert_eq!(
            parse_value(&m(vec![("arch", Value::str("ARM"))]))
                .unwrap()
                .arch,
            Some(CpuArch::Arm)
        );
        assert!(
            parse_value(&m(vec![
                ("arch", Value::str("x86")),
                ("min", Value::int(1))
            ]))
            .is_err()
        );
        assert!(parse_value(&m(vec![("arch", Value::str("x64"))])).is_err());
        expect![[
            r#"at least 4 CPU cores, ARM (aarch64); dstack's server requires `image` for ARM"#
        ]]
        .assert_eq(&describe(&parse(&Input::Str("arm:4..")).unwrap()));
    }

    #[test]
    fn completions() {
        let c = complete("arm:");
        assert!(c.iter().all(|c| c.label != "x86"));
        assert_eq!(c.first().map(|c| c.insert.as_str()), Some("arm:2.."));
    }
}
