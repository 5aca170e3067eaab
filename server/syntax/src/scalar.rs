//! YAML 1.1 scalar resolution, as PyYAML's `SafeLoader` resolves plain scalars.
//! `3.10` is the float 3.1, `on`/`off`/`yes`/`no` are booleans, `010` is octal, `2024-01-01` a date.
//!
//! The matchers below mirror the implicit resolvers of PyYAML 6 (its regular expressions, written
//! out by hand) and the conversions of its `SafeConstructor`; `tests::pyyaml_table` pins the
//! behaviour on inputs checked against real PyYAML.

/// The value a scalar resolves to after YAML 1.1 implicit typing (or an explicit `!!tag`).
#[derive(Clone, Debug, PartialEq)]
pub enum ScalarValue {
    Null,
    Bool(bool),
    /// Integers beyond i64 are kept as their decimal text in `Str`-like form by callers; PyYAML has bigints.
    Int(i128),
    Float(f64),
    Str(String),
    /// `2024-01-01` or a full timestamp: PyYAML yields `date`/`datetime`, which string fields reject.
    Timestamp(String),
}

impl ScalarValue {
    /// Short name of the YAML type, in the words pydantic uses in its messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ScalarValue::Null => "null",
            ScalarValue::Bool(_) => "boolean",
            ScalarValue::Int(_) => "integer",
            ScalarValue::Float(_) => "number",
            ScalarValue::Str(_) => "string",
            ScalarValue::Timestamp(_) => "date",
        }
    }
}

/// Resolve an untagged plain scalar the way PyYAML's `safe_load` does.
/// Quoted and block scalars are always strings: callers do not call this for them.
pub fn resolve_plain(text: &str) -> ScalarValue {
    let Some(&first) = text.as_bytes().first() else {
        return ScalarValue::Null;
    };
    // PyYAML dispatches on the first character; the groups below follow its resolver order
    // (bool, float, int, null, timestamp), which never overlap.
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' => {
            if let Some(b) = match_bool(text) {
                return ScalarValue::Bool(b);
            }
            if matches!(text, "null" | "Null" | "NULL") {
                return ScalarValue::Null;
            }
        }
        b'~' if text == "~" => return ScalarValue::Null,
        b'-' | b'+' | b'.' | b'0'..=b'9' => {
            if match_float(text) {
                if let Some(f) = construct_float(text) {
                    return ScalarValue::Float(f);
                }
            } else if match_int(text) {
                if let Some(i) = construct_int(text) {
                    return ScalarValue::Int(i);
                }
            } else if match_timestamp(text) {
                return ScalarValue::Timestamp(text.to_string());
            }
        }
        _ => {}
    }
    ScalarValue::Str(text.to_string())
}

/// A plain scalar PyYAML resolves to a tag that `safe_load` cannot construct (`=` and a `<<`
/// used as a value): loading the file fails. Returns the problem in our words.
pub fn plain_load_problem(text: &str) -> Option<&'static str> {
    match text {
        "=" => Some(
            "a bare `=` cannot be loaded (YAML 1.1 gives it a special meaning); quote it: `\"=\"`",
        ),
        "<<" => Some("`<<` is only allowed as a merge key; quote it to use it as text: `\"<<\"`"),
        _ => None,
    }
}

/// Apply an explicit tag (`!!int`, `!!str`, ...) to a scalar's text, as PyYAML's constructors do.
/// `tag` is in the short form `!!name`. `Err` carries a plain-words message.
pub fn resolve_tagged(tag: &str, text: &str) -> Result<ScalarValue, String> {
    match tag {
        "!!str" | "!!binary" => Ok(ScalarValue::Str(text.to_string())),
        "!!null" => Ok(ScalarValue::Null),
        "!!bool" => match text.to_ascii_lowercase().as_str() {
            "yes" | "true" | "on" => Ok(ScalarValue::Bool(true)),
            "no" | "false" | "off" => Ok(ScalarValue::Bool(false)),
            _ => Err(format!(
                "`{text}` is not a boolean; use `true` or `false` with `!!bool`"
            )),
        },
        "!!int" => construct_int(text)
            .map(ScalarValue::Int)
            .ok_or_else(|| format!("`{text}` is not an integer, so it cannot carry `!!int`")),
        "!!float" => construct_float(text)
            .or_else(|| python_float(&text.replace('_', "")))
            .map(ScalarValue::Float)
            .ok_or_else(|| format!("`{text}` is not a number, so it cannot carry `!!float`")),
        "!!timestamp" => Ok(ScalarValue::Timestamp(text.to_string())),
        _ => Err(format!(
            "dstack cannot load a value with the tag `{tag}`; remove the tag"
        )),
    }
}

/// PyYAML's boolean spellings: three cases of each word, and no `y`/`n`.
fn match_bool(text: &str) -> Option<bool> {
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn strip_sign(s: &str) -> (i128, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (-1, &s[1..]),
        Some(b'+') => (1, &s[1..]),
        _ => (1, s),
    }
}

fn all(s: &str, f: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(f)
}

fn is_digit_or_us(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

/// `(:[0-5]?[0-9])+` : one or more sexagesimal groups, each given without its leading colon.
fn sexagesimal_groups<'a>(mut groups: impl Iterator<Item = &'a str>) -> bool {
    let mut n = 0;
    let ok = groups.all(|g| {
        n += 1;
        match g.as_bytes() {
            [d] => d.is_ascii_digit(),
            [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
            _ => false,
        }
    });
    ok && n > 0
}

/// `[1-9][0-9_]*`
fn leading_decimal(s: &str) -> bool {
    matches!(s.as_bytes().first(), Some(b'1'..=b'9')) && all(&s[1..], is_digit_or_us)
}

fn match_int(text: &str) -> bool {
    let (_, b) = strip_sign(text);
    if let Some(rest) = b.strip_prefix("0b") {
        return !rest.is_empty() && all(rest, |c| matches!(c, b'0' | b'1' | b'_'));
    }
    if let Some(rest) = b.strip_prefix("0x") {
        return !rest.is_empty() && all(rest, |c| c.is_ascii_hexdigit() || c == b'_');
    }
    if let Some(rest) = b.strip_prefix('0') {
        return rest.is_empty() || all(rest, |c| matches!(c, b'0'..=b'7' | b'_'));
    }
    if leading_decimal(b) {
        return true;
    }
    let mut parts = b.split(':');
    let head = parts.next().unwrap_or("");
    b.contains(':') && leading_decimal(head) && sexagesimal_groups(parts)
}

/// PyYAML's `construct_yaml_int`. `None` where Python would raise or the value overflows.
fn construct_int(text: &str) -> Option<i128> {
    let cleaned = text.replace('_', "");
    let (sign, v) = strip_sign(&cleaned);
    let magnitude = if v == "0" {
        0
    } else if let Some(bin) = v.strip_prefix("0b") {
        i128::from_str_radix(bin, 2).ok()?
    } else if let Some(hex) = v.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if v.starts_with('0') {
        let oct = v.strip_prefix("0o").unwrap_or(v);
        i128::from_str_radix(oct, 8).ok()?
    } else if v.contains(':') {
        let mut acc: i128 = 0;
        for part in v.split(':') {
            let d: i128 = part.parse().ok()?;
            acc = acc.checked_mul(60)?.checked_add(d)?;
        }
        acc
    } else {
        if v.starts_with(['+', '-']) {
            return None;
        }
        v.parse().ok()?
    };
    magnitude.checked_mul(sign)
}

fn match_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    // `.nan` and `.5` forms take no sign.
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    if bytes.first() == Some(&b'.') && matches!(bytes.get(1), Some(b'0'..=b'9')) {
        return fraction_and_exponent(&text[1..]);
    }
    let (_, b) = strip_sign(text);
    if matches!(b, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    if !matches!(b.as_bytes().first(), Some(b'0'..=b'9')) {
        return false;
    }
    let Some(dot) = b.find('.') else {
        return false;
    };
    let head = &b[..dot];
    let tail = &b[dot + 1..];
    if all(head, is_digit_or_us) {
        // `[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?`
        return fraction_and_exponent(tail);
    }
    // `[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`
    let mut parts = head.split(':');
    let first = parts.next().unwrap_or("");
    head.contains(':')
        && all(first, is_digit_or_us)
        && sexagesimal_groups(parts)
        && all(tail, is_digit_or_us)
}

/// `[0-9_]*([eE][-+][0-9]+)?`
fn fraction_and_exponent(s: &str) -> bool {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '_'))
        .unwrap_or(s.len());
    let exp = &s[end..];
    if exp.is_empty() {
        return true;
    }
    let eb = exp.as_bytes();
    matches!(eb.first(), Some(b'e' | b'E'))
        && matches!(eb.get(1), Some(b'-' | b'+'))
        && eb.len() > 2
        && eb[2..].iter().all(u8::is_ascii_digit)
}

/// PyYAML's `construct_yaml_float` on text the float resolver accepted (or a `!!float` value).
fn construct_float(text: &str) -> Option<f64> {
    let cleaned = text.replace('_', "").to_ascii_lowercase();
    let (sign, v) = strip_sign(&cleaned);
    let sign = sign as f64;
    if v == ".inf" {
        return Some(sign * f64::INFINITY);
    }
    if v == ".nan" {
        return Some(f64::NAN);
    }
    if v.contains(':') {
        let mut acc = 0.0;
        for part in v.split(':') {
            acc = acc * 60.0 + python_float(part)?;
        }
        return Some(sign * acc);
    }
    python_float(v).map(|f| sign * f)
}

/// Python's `float()` on the shapes YAML produces (`1.`, `.5`, `1.e+3`), which Rust's parser
/// does not all accept as written.
fn python_float(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(f) = s.parse::<f64>() {
        return Some(f);
    }
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let mut fixed = String::with_capacity(s.len() + 2);
    if mantissa.starts_with('.') {
        fixed.push('0');
    }
    fixed.push_str(mantissa);
    if mantissa.ends_with('.') {
        fixed.push('0');
    }
    fixed.push_str(exp);
    fixed.parse().ok()
}

fn digits(s: &[u8], n: usize) -> bool {
    s.len() >= n && s[..n].iter().all(u8::is_ascii_digit)
}

/// One or two digits; returns how many.
fn one_or_two(s: &[u8]) -> Option<usize> {
    match s {
        [a, b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => Some(2),
        [a, ..] if a.is_ascii_digit() => Some(1),
        _ => None,
    }
}

fn match_timestamp(text: &str) -> bool {
    let s = text.as_bytes();
    // `YYYY-MM-DD`
    if s.len() == 10
        && digits(s, 4)
        && s[4] == b'-'
        && digits(&s[5..], 2)
        && s[7] == b'-'
        && digits(&s[8..], 2)
    {
        return true;
    }
    // `YYYY-M-D` + (`T`|spaces) + `H:MM:SS` + fraction? + zone?
    if !(digits(s, 4) && s.get(4) == Some(&b'-')) {
        return false;
    }
    let mut i = 5;
    let Some(n) = one_or_two(&s[i..]) else {
        return false;
    };
    i += n;
    if s.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(n) = one_or_two(&s[i..]) else {
        return false;
    };
    i += n;
    match s.get(i) {
        Some(b'T' | b't') => i += 1,
        Some(b' ' | b'\t') => {
            while matches!(s.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
        }
        _ => return false,
    }
    let Some(n) = one_or_two(&s[i..]) else {
        return false;
    };
    i += n;
    for _ in 0..2 {
        if !(s.get(i) == Some(&b':') && digits(&s[i + 1..], 2)) {
            return false;
        }
        i += 3;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if i == s.len() {
        return true;
    }
    while matches!(s.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    match s.get(i) {
        Some(b'Z') => i + 1 == s.len(),
        Some(b'-' | b'+') => {
            i += 1;
            let Some(n) = one_or_two(&s[i..]) else {
                return false;
            };
            i += n;
            if i == s.len() {
                return true;
            }
            s.get(i) == Some(&b':') && digits(&s[i + 1..], 2) && i + 3 == s.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(v: &ScalarValue) -> String {
        match v {
            ScalarValue::Null => "null".into(),
            ScalarValue::Bool(b) => format!("bool {b}"),
            ScalarValue::Int(i) => format!("int {i}"),
            ScalarValue::Float(f) => format!("float {f:?}"),
            ScalarValue::Str(s) => format!("str {s:?}"),
            ScalarValue::Timestamp(s) => format!("date {s:?}"),
        }
    }

    /// Each row was checked with PyYAML 6.0.4: `yaml.safe_load("v: " + input)["v"]`.
    #[test]
    fn pyyaml_table() {
        let inputs = [
            "~",
            "null",
            "Null",
            "NULL",
            "nULL",
            "",
            "yes",
            "Yes",
            "YES",
            "yEs",
            "y",
            "n",
            "Y",
            "on",
            "ON",
            "oN",
            "off",
            "true",
            "tRUE",
            "010",
            "08",
            "0o10",
            "0x1F",
            "0x_1F",
            "0b101",
            "-0b11",
            "1_000",
            "+12",
            "-0",
            "0",
            "0_",
            "1__0",
            "1:30",
            "1:30:00",
            "1:70",
            "190:20:30",
            "0:0",
            "3.10",
            "3.12",
            "1e3",
            "1.0e3",
            "1.0e+3",
            "1.e+3",
            ".5",
            "+.5",
            "-.5",
            ".inf",
            "-.Inf",
            "+.INF",
            ".NaN",
            ".nan",
            "1_000.5",
            "1:30.5",
            "1.",
            "._5",
            "12e",
            "0.1.2",
            "0x",
            "+",
            ".",
            "..",
            "2024-01-01",
            "2024-1-1",
            "2024-01-01 10:00:00",
            "2024-01-01T10:00:00Z",
            "2024-1-1t1:00:00.5 +05:30",
            "a:b",
            "A100:80GB:2",
            "1..4",
            "16GB..",
            "99999999999999999999999999999",
        ];
        let out: String = inputs
            .iter()
            .map(|i| format!("{i:?} -> {}\n", show(&resolve_plain(i))))
            .collect();
        expect_test::expect![[r#"
            "~" -> null
            "null" -> null
            "Null" -> null
            "NULL" -> null
            "nULL" -> str "nULL"
            "" -> null
            "yes" -> bool true
            "Yes" -> bool true
            "YES" -> bool true
            "yEs" -> str "yEs"
            "y" -> str "y"
            "n" -> str "n"
            "Y" -> str "Y"
            "on" -> bool true
            "ON" -> bool true
            "oN" -> str "oN"
            "off" -> bool false
            "true" -> bool true
            "tRUE" -> str "tRUE"
            "010" -> int 8
            "08" -> str "08"
            "0o10" -> str "0o10"
            "0x1F" -> int 31
            "0x_1F" -> int 31
            "0b101" -> int 5
            "-0b11" -> int -3
            "1_000" -> int 1000
            "+12" -> int 12
            "-0" -> int 0
            "0" -> int 0
            "0_" -> int 0
            "1__0" -> int 10
            "1:30" -> int 90
            "1:30:00" -> int 5400
            "1:70" -> str "1:70"
            "190:20:30" -> int 685230
            "0:0" -> str "0:0"
            "3.10" -> float 3.1
            "3.12" -> float 3.12
            "1e3" -> str "1e3"
            "1.0e3" -> str "1.0e3"
            "1.0e+3" -> float 1000.0
            "1.e+3" -> float 1000.0
            ".5" -> float 0.5
            "+.5" -> str "+.5"
            "-.5" -> str "-.5"
            ".inf" -> float inf
            "-.Inf" -> float -inf
            "+.INF" -> float inf
            ".NaN" -> float NaN
            ".nan" -> float NaN
            "1_000.5" -> float 1000.5
            "1:30.5" -> float 90.5
            "1." -> float 1.0
            "._5" -> str "._5"
            "12e" -> str "12e"
            "0.1.2" -> str "0.1.2"
            "0x" -> str "0x"
            "+" -> str "+"
            "." -> str "."
            ".." -> str ".."
            "2024-01-01" -> date "2024-01-01"
            "2024-1-1" -> str "2024-1-1"
            "2024-01-01 10:00:00" -> date "2024-01-01 10:00:00"
            "2024-01-01T10:00:00Z" -> date "2024-01-01T10:00:00Z"
            "2024-1-1t1:00:00.5 +05:30" -> date "2024-1-1t1:00:00.5 +05:30"
            "a:b" -> str "a:b"
            "A100:80GB:2" -> str "A100:80GB:2"
            "1..4" -> str "1..4"
            "16GB.." -> str "16GB.."
            "99999999999999999999999999999" -> int 99999999999999999999999999999
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn explicit_tags() {
        let rows = [
            ("!!str", "10"),
            ("!!int", "0x10"),
            ("!!int", "abc"),
            ("!!float", "1e3"),
            ("!!bool", "Yes"),
            ("!!null", "x"),
            ("!foo", "x"),
        ];
        let out: String = rows
            .iter()
            .map(|(t, v)| match resolve_tagged(t, v) {
                Ok(val) => format!("{t} {v} -> {}\n", show(&val)),
                Err(e) => format!("{t} {v} -> error: {e}\n"),
            })
            .collect();
        expect_test::expect![[r#"
            !!str 10 -> str "10"
            !!int 0x10 -> int 16
            !!int abc -> error: `abc` is not an integer, so it cannot carry `!!int`
            !!float 1e3 -> float 1000.0
            !!bool Yes -> bool true
            !!null x -> null
            !foo x -> error: dstack cannot load a value with the tag `!foo`; remove the tag
        "#]]
        .assert_eq(&out);
    }
}
