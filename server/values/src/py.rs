//! Python and pydantic conversions that dstack's parsers rely on (`int(s)`, `float(s)`, `str(float)`, pydantic's lax int).
//!
//! dstack's grammars are thin layers over these builtins, so their edge cases (whitespace, underscores,
//! `1e3`, `inf`) decide what is valid. Only ASCII digits are handled; Python also takes other Unicode digits.

/// Python's `str.strip()` whitespace set (ASCII part plus the common Unicode spaces).
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// `s.replace(" ", "")`: dstack removes plain spaces only (not tabs) before splitting a shorthand.
pub fn remove_spaces(s: &str) -> String {
    s.chars().filter(|&c| c != ' ').collect()
}

/// Digits with single underscores between them, as Python's `int()`/`float()` allow.
fn digits_with_underscores(s: &str) -> Option<String> {
    if s.is_empty() || s.starts_with('_') || s.ends_with('_') || s.contains("__") {
        return None;
    }
    if !s.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return None;
    }
    Some(s.replace('_', ""))
}

/// Python's `int(s)` for a string: surrounding whitespace, a sign, digits and single underscores.
pub fn py_int(s: &str) -> Option<i128> {
    let t = s.trim_matches(is_py_space);
    let (neg, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits = digits_with_underscores(rest)?;
    let v: i128 = digits.parse().ok()?;
    Some(if neg { -v } else { v })
}

/// Python's `float(s)`: like `int` plus a fraction, an exponent, `inf`, `infinity` and `nan`.
pub fn py_float(s: &str) -> Option<f64> {
    let t = s.trim_matches(is_py_space);
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'-') => ("-", &t[1..]),
        Some(b'+') => ("", &t[1..]),
        _ => ("", t),
    };
    let lower = rest.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        let v: f64 = lower.parse().ok()?;
        return Some(if sign == "-" { -v } else { v });
    }
    // mantissa [e exponent]
    let (mantissa, exponent) = match lower.find('e') {
        Some(i) => (&lower[..i], Some(&lower[i + 1..])),
        None => (lower.as_str(), None),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    let int_digits = if int_part.is_empty() {
        String::new()
    } else {
        digits_with_underscores(int_part)?
    };
    let frac_digits = match frac_part {
        None => None,
        Some("") => Some(String::new()),
        Some(f) => Some(digits_with_underscores(f)?),
    };
    if int_digits.is_empty() && frac_digits.as_deref().unwrap_or("").is_empty() {
        return None;
    }
    let mut text = format!("{sign}{int_digits}");
    if let Some(f) = &frac_digits {
        text.push('.');
        text.push_str(f);
        if int_digits.is_empty() {
            text.insert(sign.len(), '0');
        }
    }
    if let Some(e) = exponent {
        let (esign, edigits) = match e.as_bytes().first() {
            Some(b'-') => ("-", &e[1..]),
            Some(b'+') => ("", &e[1..]),
            _ => ("", e),
        };
        let edigits = digits_with_underscores(edigits)?;
        text.push('e');
        text.push_str(esign);
        text.push_str(&edigits);
    }
    text.parse().ok()
}

/// Python's `str(f)` / `repr(f)`: shortest round-trip digits, exponent form outside `1e-4 ≤ |f| < 1e16`.
pub fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sci = format!("{f:e}"); // e.g. "-1.5e3"
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
        } else if point >= n {
            format!("{sign}{digits}{}.0", "0".repeat((point - n) as usize))
        } else {
            let (a, b) = digits.split_at(point as usize);
            format!("{sign}{a}.{b}")
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let mant = if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        let esign = if exp < 0 { "-" } else { "+" };
        format!("{sign}{mant}e{esign}{:02}", exp.abs())
    }
}

/// Number formatting for messages and hovers: integers without `.0`, others as Python prints them.
pub fn fmt_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        py_float_repr(f)
    }
}

/// pydantic v2's lax string → int: whitespace stripped, a sign, digits/underscores, and an all-zero fraction (`"2.0"`).
pub fn pydantic_int_str(s: &str) -> Option<i128> {
    let t = s.trim_matches(is_py_space);
    if let Some(v) = py_int(t) {
        return Some(v);
    }
    let (whole, frac) = t.split_once('.')?;
    if !frac.is_empty() && frac.chars().all(|c| c == '0') {
        py_int(whole)
    } else {
        None
    }
}

/// pydantic v2's lax bool: `true`/`false`, 0/1, and strings such as `yes`, `no`, `on`, `off`, `t`, `f`, `1`, `0`.
pub fn pydantic_bool(input: &crate::Input) -> Option<bool> {
    match *input {
        crate::Input::Bool(b) => Some(b),
        crate::Input::Int(0) => Some(false),
        crate::Input::Int(1) => Some(true),
        crate::Input::Float(0.0) => Some(false),
        crate::Input::Float(1.0) => Some(true),
        crate::Input::Str(s) => match s.trim_matches(is_py_space).to_lowercase().as_str() {
            "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
            "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
            _ => None,
        },
        _ => None,
    }
}

/// pydantic v2's lax int for any scalar: ints, bools, whole floats and numeric strings.
pub fn pydantic_int(input: &crate::Input) -> Option<i128> {
    match *input {
        crate::Input::Int(i) => Some(i),
        crate::Input::Bool(b) => Some(b as i128),
        crate::Input::Float(f) => pydantic_int_float(f),
        crate::Input::Str(s) => pydantic_int_str(s),
        _ => None,
    }
}

/// pydantic v2's lax int from a float: only when it has no fractional part.
pub fn pydantic_int_float(f: f64) -> Option<i128> {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e38 {
        Some(f as i128)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_like_python() {
        assert_eq!(py_int(" 90 "), Some(90));
        assert_eq!(py_int("-1"), Some(-1));
        assert_eq!(py_int("1_000"), Some(1000));
        assert_eq!(py_int("010"), Some(10));
        assert_eq!(py_int("1__0"), None);
        assert_eq!(py_int("2h"), None);
        assert_eq!(py_int(""), None);
        assert_eq!(py_int("+"), None);
    }

    #[test]
    fn float_like_python() {
        assert_eq!(py_float("1e3"), Some(1000.0));
        assert_eq!(py_float(".5"), Some(0.5));
        assert_eq!(py_float("5."), Some(5.0));
        assert_eq!(py_float("-8"), Some(-8.0));
        assert_eq!(py_float("inf"), Some(f64::INFINITY));
        assert_eq!(py_float("1.5xb"), None);
        assert_eq!(py_float("."), None);
        assert_eq!(py_float("e3"), None);
        assert_eq!(py_float("1_0.5"), Some(10.5));
    }

    #[test]
    fn float_repr_like_python() {
        let cases = [
            (3.1, "3.1"),
            (3.0, "3.0"),
            (1e16, "1e+16"),
            (1e20, "1e+20"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-1.5, "-1.5"),
            (123456.789, "123456.789"),
        ];
        for (f, want) in cases {
            assert_eq!(py_float_repr(f), want, "{f}");
        }
    }
}

/// `s.replace(" ", "")` that remembers, for every kept byte, its offset in `s` (to report sub-ranges).
#[derive(Debug, Clone)]
pub struct Stripped {
    pub text: String,
    map: Vec<usize>,
    orig_len: usize,
}

impl Stripped {
    pub fn new(s: &str) -> Stripped {
        let mut text = String::with_capacity(s.len());
        let mut map = Vec::with_capacity(s.len());
        for (i, c) in s.char_indices() {
            if c != ' ' {
                text.push(c);
                for k in 0..c.len_utf8() {
                    map.push(i + k);
                }
            }
        }
        Stripped {
            text,
            map,
            orig_len: s.len(),
        }
    }

    /// Offset in the original string of stripped offset `i`.
    pub fn orig(&self, i: usize) -> usize {
        self.map.get(i).copied().unwrap_or(self.orig_len)
    }

    /// Original range covering stripped bytes `start..end`.
    pub fn orig_range(&self, start: usize, end: usize) -> (usize, usize) {
        if end <= start {
            let at = self.orig(start);
            return (at, at);
        }
        let last = self
            .map
            .get(end - 1)
            .map(|&i| i + 1)
            .unwrap_or(self.orig_len);
        (self.orig(start), last)
    }

    /// Splits the stripped text on `sep`, yielding each piece with its stripped start offset.
    pub fn split<'s>(&'s self, sep: &'s str) -> impl Iterator<Item = (usize, &'s str)> + 's {
        let mut offset = 0;
        self.text.split(sep).map(move |piece| {
            let start = offset;
            offset += piece.len() + sep.len();
            (start, piece)
        })
    }
}
