//! Durations: seconds as a number, or `<digits><unit>` with one lowercase unit `s`, `m`, `h`, `d`, `w`
//! (`30s`, `5m`, `2h`, `1d`, `1w`; spaces allowed only between number and unit).
//!
//! Three flavours share the grammar: plain ([`parse`]: `retry.duration`, `scaling.*`, `probes[].timeout`…),
//! off-able ([`parse_offable`]: `max_duration`, `stop_duration`, and [`parse_inactivity`]), and idle
//! ([`parse_idle`]: `idle_duration`, `auto_cleanup_duration`). YAML 1.1 turns unquoted `off` into `false`,
//! so `false` means off too.

use crate::py::{py_float_repr, py_int};
use crate::{Input, ValueCompletion, ValueError, type_error};

const EXAMPLE: &str = "2h";

/// Seconds, or the `off` state of an off-able duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// Not set: dstack uses its default (`true` and `null` mean this).
    Default,
    Off,
    Seconds(i128),
}

/// Plain duration in seconds. Integers pass as they are (negatives included), floats are truncated,
/// and `true` counts as 1 (Python's bool is an int).
pub fn parse(input: &Input) -> Result<i128, ValueError> {
    match *input {
        Input::Int(i) => Ok(i),
        Input::Bool(b) => Ok(b as i128),
        Input::Float(f) if f.is_finite() => Ok(f.trunc() as i128),
        Input::Float(f) => Err(ValueError::new(
            "duration",
            format!("`{}` is not a duration", py_float_repr(f)),
        )
        .example(EXAMPLE)),
        Input::Str(s) => parse_str(s),
        Input::Null | Input::Timestamp(_) => Err(type_error(
            "duration",
            "a duration such as `2h` or a number of seconds",
            input.type_name(),
            EXAMPLE,
        )),
    }
}

fn parse_str(s: &str) -> Result<i128, ValueError> {
    if let Some(v) = py_int(s) {
        return Ok(v);
    }
    // `re.match(r"(\d+) *([smhdw])$")`: anchored at the start, `$` also matches before one final newline.
    let body = s.strip_suffix('\n').unwrap_or(s);
    let digits_end = body.bytes().take_while(u8::is_ascii_digit).count();
    let rest = body[digits_end..].trim_start_matches(' ');
    let unit = match rest {
        "s" => Some(1),
        "m" => Some(60),
        "h" => Some(3600),
        "d" => Some(86400),
        "w" => Some(604800),
        _ => None,
    };
    match (digits_end, unit) {
        // Python's ints are unbounded; beyond i128 we give up rather than overflow.
        (1.., Some(mult)) => body[..digits_end]
            .parse::<i128>()
            .ok()
            .and_then(|n| n.checked_mul(mult))
            .ok_or_else(|| {
                ValueError::new("duration", format!("the duration `{s}` is too large"))
                    .example(EXAMPLE)
            }),
        _ => Err(bad_duration(s)),
    }
}

fn bad_duration(s: &str) -> ValueError {
    let hint = if s.trim() != s {
        "remove the spaces around it"
    } else if s.chars().any(|c| "SMHDW".contains(c)) {
        "the unit must be lowercase"
    } else if s.contains('.') {
        "use a whole number with one unit"
    } else {
        "write a whole number and one unit: s, m, h, d or w"
    };
    let mut message = format!("cannot parse the duration `{s}`: {hint}");
    let fix = suggest(s);
    if let Some(fix) = &fix {
        message.push_str(&format!("; did you mean `{fix}`?"));
    }
    let e = ValueError::new("duration", message).example(EXAMPLE);
    match fix {
        Some(fix) => e.with_fix(fix),
        None => e,
    }
}

/// A valid spelling of what the user probably meant: `2H` → `2h`, `1h30m` → `90m`, `1.5h` → `90m`, `2hours` → `2h`.
pub fn suggest(s: &str) -> Option<String> {
    let text = s.trim().to_lowercase();
    let unit_secs = |u: &str| -> Option<f64> {
        Some(match u {
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
            "d" | "day" | "days" => 86400.0,
            "w" | "wk" | "wks" | "week" | "weeks" => 604800.0,
            _ => return None,
        })
    };
    // A sequence of `<number><unit>` parts, e.g. `1h30m`, `1.5h`, `2 hours`.
    let mut total = 0.0;
    let mut rest = text.as_str();
    let mut parts = 0;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let number: f64 = rest[..num_len].parse().ok()?;
        rest = rest[num_len..].trim_start();
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        total += number * unit_secs(&rest[..unit_len])?;
        rest = rest[unit_len..].trim_start();
        parts += 1;
    }
    if parts == 0 || total.fract() != 0.0 || total < 0.0 {
        return None;
    }
    let secs = total as i128;
    let fix = [
        (604800, "w"),
        (86400, "d"),
        (3600, "h"),
        (60, "m"),
        (1, "s"),
    ]
    .iter()
    .find(|(size, _)| secs % size == 0 && secs > 0)
    .map(|(size, unit)| format!("{}{unit}", secs / size))
    .unwrap_or_else(|| "0s".to_string());
    (fix != s).then_some(fix)
}

/// `max_duration`, `stop_duration`: `off`/`false` switch it off, `true`/`null` keep the default, negatives are rejected.
pub fn parse_offable(input: &Input) -> Result<Setting, ValueError> {
    match *input {
        Input::Str("off") | Input::Bool(false) => Ok(Setting::Off),
        Input::Bool(true) | Input::Null => Ok(Setting::Default),
        _ => {
            let v = parse(input).map_err(|e| with_off_hint(e, "off"))?;
            if v < 0 {
                return Err(ValueError::new(
                    "duration",
                    "duration cannot be negative: use `off` to disable it",
                )
                .example("off"));
            }
            Ok(Setting::Seconds(v))
        }
    }
}

#[cfg(feature = "oracle")]
/// `inactivity_duration` (dev environments): like [`parse_offable`], but `off` means unset.
pub fn parse_inactivity(input: &Input) -> Result<Setting, ValueError> {
    match parse_offable(input)? {
        Setting::Off => Ok(Setting::Default),
        other => Ok(other),
    }
}

/// `idle_duration`, volume `auto_cleanup_duration`: `off`/`false`/`-1` mean off (stored as -1), `true` keeps the
/// default, other negatives are kept as they are (dstack accepts them for compatibility).
pub fn parse_idle(input: &Input) -> Result<Setting, ValueError> {
    match *input {
        Input::Str("off") | Input::Bool(false) | Input::Int(-1) => Ok(Setting::Off),
        Input::Float(-1.0) => Ok(Setting::Off),
        Input::Bool(true) | Input::Null => Ok(Setting::Default),
        _ => match parse(input).map_err(|e| with_off_hint(e, "off"))? {
            -1 => Ok(Setting::Off),
            v => Ok(Setting::Seconds(v)),
        },
    }
}

fn with_off_hint(mut e: ValueError, _off: &str) -> ValueError {
    if !e.message.contains("`off`") {
        e.message.push_str(" (or `off`)");
    }
    e
}

/// "2 hours", "1 day 2 hours" (for hovers); 0 is "0 seconds".
pub fn format_seconds(secs: i128) -> String {
    if secs < 0 {
        return format!("{secs} seconds");
    }
    let units = [
        (604800, "week"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let mut parts = Vec::new();
    let mut rest = secs;
    for (size, name) in units {
        let n = rest / size;
        if n > 0 {
            parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
            rest -= n * size;
        }
    }
    if parts.is_empty() {
        "0 seconds".to_string()
    } else {
        parts.join(" ")
    }
}

/// Hover text for a plain duration.
pub fn describe(secs: i128) -> String {
    format_seconds(secs)
}

/// Hover text for an off-able or idle setting.
pub fn describe_setting(setting: Setting) -> String {
    match setting {
        Setting::Default => "not set: dstack's default applies".to_string(),
        Setting::Off => "off (no limit)".to_string(),
        Setting::Seconds(s) if s < 0 => format!("{s} (negative; dstack treats it as off)"),
        Setting::Seconds(s) => format_seconds(s),
    }
}

/// Common durations; `with_off` adds `off`.
pub fn complete(partial: &str, with_off: bool) -> Vec<ValueCompletion> {
    let items = [
        "30s", "5m", "10m", "30m", "1h", "2h", "6h", "12h", "1d", "3d", "1w",
    ];
    let mut out: Vec<ValueCompletion> = items
        .iter()
        .enumerate()
        .map(|(i, l)| {
            ValueCompletion::new(
                *l,
                parse_str(l).map(format_seconds).unwrap_or_default(),
                i as u32 + 1,
            )
        })
        .collect();
    if with_off {
        out.insert(0, ValueCompletion::new("off", "no limit", 0));
    }
    let p = partial.trim();
    out.retain(|c| c.label.starts_with(p));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn s(x: &str) -> String {
        match parse(&Input::Str(x)) {
            Ok(v) => v.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn plain() {
        assert_eq!(s("90"), "90");
        assert_eq!(s(" 90 "), "90");
        assert_eq!(s("-1"), "-1");
        assert_eq!(s("2h"), "7200");
        assert_eq!(s("2 h"), "7200");
        assert_eq!(s("1w"), "604800");
        assert_eq!(s("45s"), "45");
        assert_eq!(s("2h\n"), "7200");
        assert!(s("99999999999999999999999999999999999999w").starts_with("error"));
        assert!(s("999999999999999999999999999999999999999999999w").starts_with("error"));
        assert_eq!(parse(&Input::Float(1.9)), Ok(1));
        assert_eq!(parse(&Input::Bool(true)), Ok(1));
    }

    #[test]
    fn rejected() {
        expect!["error: cannot parse the duration `2H`: the unit must be lowercase; did you mean `2h`? (example: `2h`)"]
        .assert_eq(&s("2H"));
        expect!["error: cannot parse the duration ` 2h`: remove the spaces around it; did you mean `2h`? (example: `2h`)"]
        .assert_eq(&s(" 2h"));
        expect!["error: cannot parse the duration `1.5h`: use a whole number with one unit; did you mean `90m`? (example: `2h`)"].assert_eq(&s("1.5h"));
        expect!["error: cannot parse the duration `1h30m`: write a whole number and one unit: s, m, h, d or w; did you mean `90m`? (example: `2h`)"].assert_eq(&s("1h30m"));
        for bad in ["2h ", "2hours", "2y", "h2", "", "off"] {
            assert!(parse(&Input::Str(bad)).is_err(), "{bad}");
        }
        assert!(parse(&Input::Null).is_err());
        assert!(parse(&Input::Float(f64::INFINITY)).is_err());
    }

    #[test]
    fn suggestions() {
        let fixes: Vec<String> = [
            "2H", "1h30m", "1.5h", "2hours", "2 hours", " 2h", "10 Min", "1d12h", "bogus", "2y",
        ]
        .iter()
        .map(|s| format!("{s:?} -> {:?}", suggest(s)))
        .collect();
        expect![[r#"
            "2H" -> Some("2h")
            "1h30m" -> Some("90m")
            "1.5h" -> Some("90m")
            "2hours" -> Some("2h")
            "2 hours" -> Some("2h")
            " 2h" -> Some("2h")
            "10 Min" -> Some("10m")
            "1d12h" -> Some("36h")
            "bogus" -> None
            "2y" -> None"#]]
        .assert_eq(&fixes.join("\n"));
    }

    #[test]
    fn offable_and_idle() {
        assert_eq!(parse_offable(&Input::Str("off")), Ok(Setting::Off));
        assert_eq!(parse_offable(&Input::Bool(false)), Ok(Setting::Off));
        assert_eq!(parse_offable(&Input::Bool(true)), Ok(Setting::Default));
        assert_eq!(parse_offable(&Input::Int(0)), Ok(Setting::Seconds(0)));
        expect![[r#"duration cannot be negative: use `off` to disable it (example: `off`)"#]]
            .assert_eq(&parse_offable(&Input::Str("-1")).unwrap_err().to_string());
        expect!["cannot parse the duration `OFF`: write a whole number and one unit: s, m, h, d or w (or `off`) (example: `2h`)"].assert_eq(&parse_offable(&Input::Str("OFF")).unwrap_err().to_string());
        assert_eq!(parse_inactivity(&Input::Str("off")), Ok(Setting::Default));
        assert_eq!(parse_idle(&Input::Str("-1")), Ok(Setting::Off));
        assert_eq!(parse_idle(&Input::Int(-300)), Ok(Setting::Seconds(-300)));
        assert_eq!(parse_idle(&Input::Bool(false)), Ok(Setting::Off));
        assert_eq!(parse_idle(&Input::Str("3d")), Ok(Setting::Seconds(259200)));
    }

    #[test]
    fn describing() {
        assert_eq!(describe(7200), "2 hours");
        assert_eq!(describe(5400), "1 hour 30 minutes");
        assert_eq!(describe_setting(Setting::Off), "off (no limit)");
        assert_eq!(
            complete("", true).first().map(|c| c.label.as_str()),
            Some("off")
        );
        assert_eq!(
            complete("1", false)
                .iter()
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>(),
            ["10m", "1h", "12h", "1d", "1w"]
        );
    }
}
