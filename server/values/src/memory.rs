//! Sizes (`memory`, `shm_size`, GPU memory, disk and volume `size`): a number of GB, or a string with `MB`/`GB`/`TB`.
//!
//! dstack removes spaces, lowercases, strips one unit suffix and hands the rest to Python's `float()`, so
//! `1e3GB`, `-8GB` and `inf` pass while `8G`, `8GiB` and `1 KB` do not.

use crate::py::{fmt_number, py_float, remove_spaces};
use crate::{Input, ValueCompletion, ValueError, type_error};

const EXAMPLE: &str = "16GB";

/// Parses one size; the result is in GB (1 TB = 1024 GB, 1 MB = 1/1024 GB).
pub fn parse(input: &Input) -> Result<f64, ValueError> {
    match *input {
        Input::Int(i) => Ok(i as f64),
        Input::Float(f) => Ok(f),
        Input::Bool(b) => Ok(if b { 1.0 } else { 0.0 }),
        Input::Str(s) => parse_str(s),
        Input::Null | Input::Timestamp(_) => Err(type_error(
            "memory",
            "a size such as `16GB`",
            input.type_name(),
            EXAMPLE,
        )),
    }
}

/// The string form of a size.
pub fn parse_str(s: &str) -> Result<f64, ValueError> {
    let text = remove_spaces(s).to_lowercase();
    let (number, factor) = if let Some(n) = text.strip_suffix("tb") {
        (n, 1024.0)
    } else if let Some(n) = text.strip_suffix("gb") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix("mb") {
        (n, 1.0 / 1024.0)
    } else {
        (text.as_str(), 1.0)
    };
    match py_float(number) {
        Some(v) => Ok(v * factor),
        None => {
            let mut message = format!(
                "invalid size `{}`: write a number of GB or a number with `MB`, `GB` or `TB`",
                s.trim()
            );
            let fix = suggest(&text);
            if let Some(fix) = &fix {
                message.push_str(&format!("; did you mean `{fix}`?"));
            }
            let e = ValueError::new("memory", message).example(EXAMPLE);
            Err(match fix {
                Some(fix) => e.with_fix(fix),
                None => e,
            })
        }
    }
}

/// `8G`, `8GiB`, `8Gi` → `8GB` (and the same for MB/TB): dstack knows only `MB`, `GB`, `TB`.
fn suggest(lower: &str) -> Option<String> {
    let units = [
        ("gib", "GB"),
        ("gi", "GB"),
        ("g", "GB"),
        ("tib", "TB"),
        ("ti", "TB"),
        ("t", "TB"),
        ("mib", "MB"),
        ("mi", "MB"),
        ("m", "MB"),
    ];
    units.iter().find_map(|(suffix, unit)| {
        let n = lower.strip_suffix(suffix)?;
        py_float(n).map(|_| format!("{n}{unit}"))
    })
}

/// "16 GB", "512 MB", "1 TB" — the friendliest unit for a GB value.
pub fn format_gb(gb: f64) -> String {
    if gb != 0.0 && gb.abs() < 1.0 {
        format!("{} MB", fmt_number(gb * 1024.0))
    } else if gb.abs() >= 1024.0 && (gb / 1024.0).fract() == 0.0 {
        format!("{} TB", fmt_number(gb / 1024.0))
    } else {
        format!("{} GB", fmt_number(gb))
    }
}

/// Markdown for a single size.
pub fn describe(gb: f64) -> String {
    format!("exactly {}", format_gb(gb))
}

/// Typical sizes and the open-ended form, for a partially typed value.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    let sizes = [
        "8GB", "16GB", "24GB", "32GB", "40GB", "48GB", "64GB", "80GB", "96GB", "128GB", "256GB",
        "512GB", "1TB",
    ];
    let mut out = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        out.push(ValueCompletion::new(
            format!("{size}.."),
            format!("at least {size}"),
            i as u32 * 2,
        ));
        out.push(ValueCompletion::new(
            *size,
            format!("exactly {size}"),
            i as u32 * 2 + 1,
        ));
    }
    let p = partial.trim().to_ascii_lowercase();
    out.retain(|c| c.label.to_ascii_lowercase().starts_with(&p));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn check(s: &str) -> String {
        match parse(&Input::Str(s)) {
            Ok(v) => fmt_number(v),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn units() {
        assert_eq!(check("512MB"), "0.5");
        assert_eq!(check("16 Gb"), "16");
        assert_eq!(check("1 TB "), "1024");
        assert_eq!(check("100"), "100");
        assert_eq!(check("1e3"), "1000");
        assert_eq!(check("-8GB"), "-8");
        assert_eq!(check("1_000GB"), "1000");
        assert_eq!(parse(&Input::Int(2)), Ok(2.0));
        assert_eq!(parse(&Input::Bool(true)), Ok(1.0));
    }

    #[test]
    fn rejected_units() {
        expect![[r#"error: invalid size `8GiB`: write a number of GB or a number with `MB`, `GB` or `TB`; did you mean `8GB`? (example: `16GB`)"#]].assert_eq(&check("8GiB"));
        assert!(check("8G").starts_with("error"));
        assert!(check("1.5xb").starts_with("error"));
        assert!(check("").starts_with("error"));
        expect![[r#"expected a size such as `16GB`, got null (example: `16GB`)"#]]
            .assert_eq(&parse(&Input::Null).unwrap_err().to_string());
    }

    #[test]
    fn formatting() {
        assert_eq!(format_gb(0.5), "512 MB");
        assert_eq!(format_gb(2048.0), "2 TB");
        assert_eq!(format_gb(80.0), "80 GB");
        assert_eq!(format_gb(1.5), "1.5 GB");
    }

    #[test]
    fn completes_sizes() {
        let labels: Vec<_> = complete("8").into_iter().map(|c| c.label).collect();
        assert_eq!(labels, ["8GB..", "8GB", "80GB..", "80GB"]);
    }
}
