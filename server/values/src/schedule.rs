//! `schedule.cron`: one or more 5-field cron expressions (UTC), checked the way APScheduler 3.x's
//! `CronTrigger.from_crontab` does (the checker dstack uses).
//!
//! Fields: minute 0–59, hour 0–23, day 1–31, month 1–12 or `jan`…`dec`, day of week 0–6 or `mon`…`sun`.
//! Note APScheduler's weekday numbers start at Monday = 0 (unlike classic cron) and 7 is rejected.
//! Each field is a comma list of `*`, `*/step`, `a`, `a-b`, `a-b/step`, `a/step`, names, or `last` (day).

#[cfg(feature = "oracle")]
use crate::{Input, Value, type_error};
use crate::{ValueCompletion, ValueError};

const EXAMPLE: &str = "0 9 * * mon-fri";

const FIELDS: [(&str, i64, i64); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day", 1, 31),
    ("month", 1, 12),
    ("day_of_week", 0, 6),
];
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Checks one cron expression; the error range points at the offending field.
pub fn check_cron(expr: &str) -> Result<(), ValueError> {
    let fields: Vec<(usize, &str)> = split_whitespace_indices(expr);
    if fields.len() != 5 {
        return Err(ValueError::new(
            "schedule",
            format!(
                "wrong number of cron fields: got {}, expected 5 (minute hour day month weekday)",
                fields.len()
            ),
        )
        .example(EXAMPLE));
    }
    for ((start, text), (name, min, max)) in fields.iter().zip(FIELDS) {
        let mut offset = *start;
        for expr in text.split(',') {
            check_expr(expr, name, min, max).map_err(|msg| {
                ValueError::new("schedule", format!("cron {name} field: {msg}"))
                    .example(EXAMPLE)
                    .at(offset, offset + expr.len())
            })?;
            offset += expr.len() + 1;
        }
    }
    Ok(())
}

fn split_whitespace_indices(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if crate::py::is_py_space(c) {
            if let Some(st) = start.take() {
                out.push((st, &s[st..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

fn number(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.parse::<i64>().unwrap_or(i64::MAX))
}

fn check_step(step: Option<i64>, range: i64) -> Result<(), String> {
    match step {
        Some(0) => Err("the step must be greater than 0".into()),
        Some(s) if s > range => Err(format!("the step {s} is larger than the range ({range})")),
        _ => Ok(()),
    }
}

fn check_expr(expr: &str, field: &str, min: i64, max: i64) -> Result<(), String> {
    // `*` or `*/step`
    if let Some(rest) = expr.strip_prefix('*') {
        let step = match rest {
            "" => None,
            r => match r.strip_prefix('/').and_then(number) {
                Some(n) => Some(n),
                None => return Err(format!("unrecognised expression `{expr}`")),
            },
        };
        return check_step(step, max - min);
    }
    // `a`, `a-b`, `a/s`, `a-b/s`
    if expr.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        let (body, step) = match expr.split_once('/') {
            Some((b, s)) => (
                b,
                Some(number(s).ok_or_else(|| format!("unrecognised expression `{expr}`"))?),
            ),
            None => (expr, None),
        };
        let (first, last) = match body.split_once('-') {
            Some((a, b)) => (
                number(a),
                Some(number(b).ok_or_else(|| format!("unrecognised expression `{expr}`"))?),
            ),
            None => (number(body), None),
        };
        let first = first.ok_or_else(|| format!("unrecognised expression `{expr}`"))?;
        if step == Some(0) {
            return Err("the step must be greater than 0".into());
        }
        let last = if last.is_none() && step.is_none() {
            Some(first)
        } else {
            last
        };
        if last.is_some_and(|l| first > l) {
            return Err("the first value of a range is greater than the last".into());
        }
        if first < min {
            return Err(format!("{first} is below the minimum {min}"));
        }
        if let Some(l) = last.filter(|l| *l > max) {
            return Err(format!("{l} is above the maximum {max}"));
        }
        // APScheduler treats a last value of 0 as "up to the maximum".
        let range = last.filter(|l| *l != 0).unwrap_or(max) - first;
        return check_step(step, range);
    }
    // Names: the regexes are not anchored at the end, so trailing text after a name or range is ignored.
    let names: &[&str] = match field {
        "month" => &MONTHS,
        "day_of_week" => &WEEKDAYS,
        "day"
            if expr
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("last")) =>
        {
            return Ok(());
        }
        _ => return Err(format!("unrecognised expression `{expr}`")),
    };
    let word = |s: &str| s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let first_len = word(expr);
    if first_len == 0 {
        return Err(format!("unrecognised expression `{expr}`"));
    }
    let index = |w: &str| names.iter().position(|n| n.eq_ignore_ascii_case(w));
    let what = if field == "month" { "month" } else { "weekday" };
    let first = index(&expr[..first_len])
        .ok_or_else(|| format!("invalid {what} name `{}`", &expr[..first_len]))?;
    let rest = &expr[first_len..];
    if let Some(after) = rest.strip_prefix('-') {
        let n = word(after);
        if n > 0 {
            let last = index(&after[..n])
                .ok_or_else(|| format!("invalid {what} name `{}`", &after[..n]))?;
            if first > last {
                return Err("the first value of a range is greater than the last".into());
            }
        }
    }
    Ok(())
}

#[cfg(feature = "oracle")]
/// Checks `schedule.cron` (a string or a non-empty list of strings); returns the expressions.
pub fn parse_cron_value(value: &Value) -> Result<Vec<String>, ValueError> {
    let items: Vec<String> = match value {
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(index, v)| match v.as_input() {
                Some(Input::Str(s)) => Ok(s.to_string()),
                _ => Err(type_error(
                    "schedule",
                    "a cron expression string",
                    v.type_name(),
                    EXAMPLE,
                )
                .in_item(index)),
            })
            .collect::<Result<_, _>>()?,
        Value::Scalar(_) => match value.as_input() {
            Some(Input::Str(s)) => vec![s.to_string()],
            Some(other) => {
                return Err(type_error(
                    "schedule",
                    "a cron expression string",
                    other.type_name(),
                    EXAMPLE,
                ));
            }
            None => Vec::new(),
        },
        Value::Map(_) => {
            return Err(type_error(
                "schedule",
                "a cron expression string",
                "mapping",
                EXAMPLE,
            ));
        }
    };
    if items.is_empty() {
        return Err(
            ValueError::new("schedule", "at least one cron expression must be specified")
                .example(EXAMPLE),
        );
    }
    let in_list = matches!(value, Value::Seq(_));
    for (index, item) in items.iter().enumerate() {
        check_cron(item).map_err(|e| if in_list { e.in_item(index) } else { e })?;
    }
    Ok(items)
}

/// Hover text for one expression.
pub fn describe(expr: &str) -> String {
    let f = split_whitespace_indices(expr);
    if f.len() != 5 {
        return format!("cron `{expr}`");
    }
    format!(
        "cron (UTC): minute `{}`, hour `{}`, day `{}`, month `{}`, weekday `{}` (0 = Monday)",
        f[0].1, f[1].1, f[2].1, f[3].1, f[4].1
    )
}

/// A few ready-made schedules.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    let items = [
        ("0 * * * *", "every hour"),
        ("0 0 * * *", "every day at 00:00 UTC"),
        ("0 9 * * mon-fri", "weekdays at 09:00 UTC"),
        ("*/15 * * * *", "every 15 minutes"),
        ("0 0 * * sun", "every Sunday at 00:00 UTC"),
    ];
    items
        .iter()
        .enumerate()
        .filter(|(_, (l, _))| l.starts_with(partial.trim_start()))
        .map(|(i, (l, d))| ValueCompletion::new(*l, *d, i as u32).with_insert(format!("\"{l}\"")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn check(s: &str) -> String {
        match check_cron(s) {
            Ok(()) => "ok".into(),
            Err(e) => format!("error {:?}: {e}", e.range),
        }
    }

    #[test]
    fn valid() {
        for ok in [
            "0 9 * * *",
            "0 9 * * 1-5",
            "30 18 * * *",
            "*/15 * * * *",
            "0 0 1 jan mon-fri",
            "0 0 last * *",
            "0 0 * JAN-MAR SUN",
            "1,2,3 * * * *",
            "0 0 * * mon-fri/2",
            "5/10 * * * *",
        ] {
            assert_eq!(check(ok), "ok", "{ok}");
        }
    }

    #[test]
    fn invalid() {
        expect![[r#"error None: wrong number of cron fields: got 1, expected 5 (minute hour day month weekday) (example: `0 9 * * mon-fri`)"#]].assert_eq(&check("bogus"));
        expect![[r#"error Some((0, 2)): cron minute field: 60 is above the maximum 59 (example: `0 9 * * mon-fri`)"#]].assert_eq(&check("60 * * * *"));
        expect![[r#"error Some((8, 9)): cron day_of_week field: 7 is above the maximum 6 (example: `0 9 * * mon-fri`)"#]].assert_eq(&check("0 0 * * 7"));
        expect![[r#"error Some((8, 14)): cron day_of_week field: invalid weekday name `monday` (example: `0 9 * * mon-fri`)"#]].assert_eq(&check("0 0 * * monday"));
        for bad in [
            "*/0 * * * *",
            "5-1 * * * *",
            "0 0 0 * *",
            "1,,2 * * * *",
            "x * * * *",
            "0 0 * foo *",
        ] {
            assert!(check(bad).starts_with("error"), "{bad}");
        }
        assert!(parse_cron_value(&Value::Seq(vec![])).is_err());
        assert_eq!(parse_cron_value(&Value::str("0 9 * * *")).unwrap().len(), 1);
    }
}
