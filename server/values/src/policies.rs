//! Small objects built from the value syntaxes: `retry`, `utilization_policy`, `scaling`, `backend_options`,
//! and the dev-environment `ide`/`version` pair.

use crate::duration;
use crate::enums::{IDE, OFFER_ORDER, RETRY_EVENTS};
use crate::{Input, Value, ValueError, code, type_error};

fn unknown(code_: &'static str, key: &str, allowed: &str, example: &'static str) -> ValueError {
    ValueError::new(code_, format!("unknown property `{key}`: use {allowed}")).example(example)
}

fn number(v: &Value) -> Option<f64> {
    // pydantic's lax float: numbers, bools and numeric strings.
    match v.as_input()? {
        Input::Int(i) => Some(i as f64),
        Input::Float(f) => Some(f),
        Input::Bool(b) => Some(f64::from(u8::from(b))),
        Input::Str(s) => crate::py::py_float(s),
        _ => None,
    }
}

/// A parsed `retry`: the events (`None` = all of them) and the duration in seconds (`None` = dstack's 1h).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    pub on_events: Option<Vec<&'static str>>,
    pub duration: Option<i128>,
}

/// `retry`: `true`, `false`, or `{on_events?, duration?}`; `false` and `null` give `None`.
pub fn parse_retry(value: &Value) -> Result<Option<Retry>, ValueError> {
    const EX: &str = "{on_events: [no-capacity], duration: 1h}";
    match value {
        Value::Scalar(_) => match value.as_input() {
            Some(Input::Null) => Ok(None),
            // pydantic's lax bool: `yes`, `on`, `1`… also switch retries on.
            Some(other) if crate::py::pydantic_bool(&other).is_some() => {
                Ok(crate::py::pydantic_bool(&other)
                    .filter(|b| *b)
                    .map(|_| Retry {
                        on_events: None,
                        duration: None,
                    }))
            }
            Some(other) => Err(type_error(
                "retry",
                "`true`, `false` or a mapping",
                other.type_name(),
                EX,
            )),
            None => Ok(None),
        },
        Value::Seq(_) => Err(type_error(
            "retry",
            "`true`, `false` or a mapping",
            "list",
            EX,
        )),
        Value::Map(entries) => {
            let (mut events, mut dur) = (None, None);
            for (key, v) in entries {
                let mut each = || -> Result<(), ValueError> {
                    match key.as_str() {
                        "on_events" => events = match v {
                            Value::Seq(items) if items.is_empty() => return Err(ValueError::new(
                                "retry",
                                "`on_events` cannot be empty: leave it out to retry on every event",
                            )
                            .example(EX)),
                            Value::Seq(items) => Some(
                                items
                                    .iter()
                                    .enumerate()
                                    .map(|(index, i)| {
                                        RETRY_EVENTS
                                            .check(&i.as_input().unwrap_or(Input::Null))
                                            .map_err(|e| e.in_item(index))
                                    })
                                    .collect::<Result<Vec<_>, _>>()?,
                            ),
                            _ if matches!(v.as_input(), Some(Input::Null)) => None,
                            other => {
                                return Err(type_error(
                                    "retry",
                                    "a list of events",
                                    other.type_name(),
                                    EX,
                                ));
                            }
                        },
                        "duration" => {
                            dur = match v.as_input() {
                                Some(Input::Null) => None,
                                Some(input) => Some(duration::parse(&input)?),
                                None => {
                                    return Err(type_error(
                                        "retry",
                                        "a duration",
                                        v.type_name(),
                                        "1h",
                                    ));
                                }
                            }
                        }
                        other => {
                            return Err(unknown("retry", other, "`on_events` and `duration`", EX));
                        }
                    }
                    Ok(())
                };
                each().map_err(|e| e.in_key(key))?;
            }
            Ok(Some(Retry {
                on_events: events,
                duration: dur,
            }))
        }
    }
}

/// `utilization_policy`: `{min_gpu_utilization: 0–100, time_window: ≥ 5m}`. Returns `(percent, seconds)`.
pub fn parse_utilization_policy(value: &Value) -> Result<(i128, i128), ValueError> {
    const EX: &str = "{min_gpu_utilization: 10, time_window: 30m}";
    let Value::Map(entries) = value else {
        return Err(type_error(
            "utilization-policy",
            "a mapping",
            value.type_name(),
            EX,
        ));
    };
    let (mut util, mut window) = (None, None);
    for (key, v) in entries {
        let mut each = || -> Result<(), ValueError> {
            match key.as_str() {
                "min_gpu_utilization" => {
                    let n = v
                        .as_input()
                        .and_then(|i| crate::py::pydantic_int(&i))
                        .ok_or_else(|| {
                            ValueError::new(
                                "utilization-policy",
                                "`min_gpu_utilization` is a whole percentage",
                            )
                            .example(EX)
                        })?;
                    if !(0..=100).contains(&n) {
                        return Err(ValueError::new(
                            "utilization-policy",
                            "`min_gpu_utilization` must be between 0 and 100",
                        )
                        .example(EX));
                    }
                    util = Some(n);
                }
                "time_window" => {
                    let secs = duration::parse(&v.as_input().unwrap_or(Input::Null))?;
                    if secs < 300 {
                        return Err(ValueError::new(
                            "utilization-policy",
                            "`time_window` must be at least 5m",
                        )
                        .example(EX));
                    }
                    window = Some(secs);
                }
                other => {
                    return Err(unknown(
                        "utilization-policy",
                        other,
                        "`min_gpu_utilization` and `time_window`",
                        EX,
                    ));
                }
            }
            Ok(())
        };
        each().map_err(|e| e.in_key(key))?;
    }
    match (util, window) {
        (Some(u), Some(w)) => Ok((u, w)),
        (None, _) => Err(ValueError::new(
            "utilization-policy",
            "`min_gpu_utilization` is required",
        )
        .example(EX)),
        (_, None) => {
            Err(ValueError::new("utilization-policy", "`time_window` is required").example(EX))
        }
    }
}

/// Parsed `scaling`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaling {
    pub target: f64,
    pub window: Option<i128>,
    pub scale_up_delay: i128,
    pub scale_down_delay: i128,
}

/// `scaling`: `{metric: rps, target: > 0, window?: 30s|60s|300s, scale_up_delay = 5m, scale_down_delay = 10m}`.
pub fn parse_scaling(value: &Value) -> Result<Scaling, ValueError> {
    const EX: &str = "{metric: rps, target: 10}";
    let Value::Map(entries) = value else {
        return Err(type_error("scaling", "a mapping", value.type_name(), EX));
    };
    let mut s = Scaling {
        target: f64::NAN,
        window: None,
        scale_up_delay: 300,
        scale_down_delay: 600,
    };
    let mut metric = false;
    for (key, v) in entries {
        let mut each = || -> Result<(), ValueError> {
            let dur = |v: &Value| duration::parse(&v.as_input().unwrap_or(Input::Null));
            match key.as_str() {
                "metric" => match v.as_input() {
                    Some(Input::Str("rps")) => metric = true,
                    _ => {
                        return Err(ValueError::new(
                            "scaling",
                            "`metric` must be `rps` (requests per second)",
                        )
                        .example(EX));
                    }
                },
                "target" => {
                    let t = number(v).ok_or_else(|| {
                        ValueError::new("scaling", "`target` is a number").example(EX)
                    })?;
                    if t.is_nan() || t <= 0.0 {
                        return Err(
                            ValueError::new("scaling", "`target` must be greater than 0")
                                .example(EX),
                        );
                    }
                    s.target = t;
                }
                "window" => {
                    if !matches!(v.as_input(), Some(Input::Null)) {
                        let w = dur(v)?;
                        if ![30, 60, 300].contains(&w) {
                            return Err(ValueError::new(
                                "scaling",
                                "`window` must be one of `30s`, `60s`, `300s`",
                            )
                            .example("60s"));
                        }
                        s.window = Some(w);
                    }
                }
                "scale_up_delay" => s.scale_up_delay = dur(v)?,
                "scale_down_delay" => s.scale_down_delay = dur(v)?,
                other => {
                    return Err(unknown(
                        "scaling",
                        other,
                        "metric, target, window, scale_up_delay, scale_down_delay",
                        EX,
                    ));
                }
            }
            Ok(())
        };
        each().map_err(|e| e.in_key(key))?;
    }
    if !metric {
        return Err(ValueError::new("scaling", "`metric` is required (`rps`)").example(EX));
    }
    if s.target.is_nan() {
        return Err(ValueError::new("scaling", "`target` is required").example(EX));
    }
    Ok(s)
}

/// `backend_options`: a list of `{type: vastai, offer_order?, min_reliability? (0–1), min_score? (≥ 0)}`,
/// each backend at most once. Returns the backend types.
pub fn parse_backend_options(value: &Value) -> Result<Vec<&'static str>, ValueError> {
    const EX: &str = "[{type: vastai, offer_order: price}]";
    let items = match value {
        Value::Seq(items) => items,
        _ if matches!(value.as_input(), Some(Input::Null)) => return Ok(Vec::new()),
        other => {
            return Err(type_error(
                "backend-options",
                "a list",
                other.type_name(),
                EX,
            ));
        }
    };
    let mut seen: Vec<&'static str> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let mut each = || -> Result<(), ValueError> {
            let Value::Map(entries) = item else {
                return Err(type_error(
                    "backend-options",
                    "a mapping",
                    item.type_name(),
                    EX,
                ));
            };
            for (key, v) in entries {
                let each = || -> Result<(), ValueError> {
                    let Some(input) = v.as_input() else {
                        return Err(type_error(
                            "backend-options",
                            &format!("a value for `{key}`"),
                            v.type_name(),
                            EX,
                        ));
                    };
                    match key.as_str() {
                        "type" if input == Input::Str("vastai") => {}
                        "type" => {
                            return Err(ValueError::new(
                                "backend-options",
                                "only `vastai` has backend options in this dstack version",
                            )
                            .example(EX));
                        }
                        "offer_order" if input == Input::Null => {}
                        "offer_order" => {
                            OFFER_ORDER.check(&input)?;
                        }
                        "min_reliability" if input == Input::Null => {}
                        "min_reliability" => {
                            if !number(v).is_some_and(|r| (0.0..=1.0).contains(&r)) {
                                return Err(ValueError::new(
                                    "backend-options",
                                    "`min_reliability` is a number from 0 to 1",
                                )
                                .example("0.95"));
                            }
                        }
                        "min_score" if input == Input::Null => {}
                        "min_score" => {
                            if crate::py::pydantic_int(&input).is_none_or(|i| i < 0) {
                                return Err(ValueError::new(
                                    "backend-options",
                                    "`min_score` is a whole number, 0 or more",
                                )
                                .example("100"));
                            }
                        }
                        other => {
                            return Err(unknown(
                                "backend-options",
                                other,
                                "type, offer_order, min_reliability, min_score",
                                EX,
                            ));
                        }
                    }
                    Ok(())
                };
                each().map_err(|e| e.in_key(key))?;
            }
            if seen.contains(&"vastai") {
                return Err(ValueError::new(
                    "backend-options",
                    "`backend_options` has a duplicate entry for backend `vastai`",
                )
                .example(EX));
            }
            seen.push("vastai");
            Ok(())
        };
        each().map_err(|e| e.in_item(index))?;
    }
    Ok(seen)
}

/// Dev environment `ide` + `version`: `version` needs `ide`, and Windsurf versions are `version@commit`.
pub fn check_ide_version(ide: Option<&Value>, version: Option<&Value>) -> Result<(), ValueError> {
    let ide = match ide.map(|v| (v, v.as_input())) {
        None | Some((_, Some(Input::Null))) => None,
        Some((_, Some(i))) => Some(IDE.check(&i)?),
        Some((v, None)) => return Err(type_error("ide", "an IDE name", v.type_name(), "vscode")),
    };
    // Numbers become text (`coerce_numbers_to_str`); an empty version counts as unset.
    let version: Option<String> = match version.map(|v| (v, v.as_input())) {
        None | Some((_, Some(Input::Null))) => None,
        Some((_, Some(Input::Str(s)))) => Some(s.to_string()),
        Some((_, Some(Input::Int(i)))) => Some(i.to_string()),
        Some((_, Some(Input::Float(f)))) => Some(crate::py::py_float_repr(f)),
        Some((v, _)) => {
            return Err(type_error(
                "ide",
                "a version string",
                v.type_name(),
                "\"1.96.0\"",
            ));
        }
    };
    let version = version.as_deref().filter(|v| !v.is_empty());
    match (ide, version) {
        (None, Some(_)) => {
            Err(ValueError::new("ide", "`version` requires `ide` to be set").example("ide: vscode"))
        }
        (Some("windsurf"), Some(v)) => {
            let ok = v.rsplit_once('@').is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && b.bytes()
                        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
            });
            if ok {
                Ok(())
            } else {
                Err(ValueError::new(
                    "ide",
                    format!(
                        "invalid Windsurf version {}: write `version@commit`",
                        code(v)
                    ),
                )
                .example("1.106.0@8951cd3ad688e789573d7f51750d67ae4a0bea7d"))
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: Vec<(&str, Value)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn retry() {
        assert_eq!(
            parse_retry(&Value::bool(true)),
            Ok(Some(Retry {
                on_events: None,
                duration: None
            }))
        );
        assert_eq!(parse_retry(&Value::bool(false)), Ok(None));
        assert_eq!(
            parse_retry(&m(vec![("duration", Value::str("1h"))])),
            Ok(Some(Retry {
                on_events: None,
                duration: Some(3600)
            }))
        );
        assert!(parse_retry(&m(vec![("on_events", Value::Seq(vec![]))])).is_err());
        assert!(
            parse_retry(&m(vec![(
                "on_events",
                Value::Seq(vec![Value::str("bogus")])
            )]))
            .is_err()
        );
    }

    #[test]
    fn utilization_and_scaling() {
        assert_eq!(
            parse_utilization_policy(&m(vec![
                ("min_gpu_utilization", Value::int(10)),
                ("time_window", Value::str("30m"))
            ])),
            Ok((10, 1800))
        );
        assert!(
            parse_utilization_policy(&m(vec![
                ("min_gpu_utilization", Value::int(10)),
                ("time_window", Value::str("1m"))
            ]))
            .is_err()
        );
        assert!(
            parse_utilization_policy(&m(vec![
                ("min_gpu_utilization", Value::int(101)),
                ("time_window", Value::str("30m"))
            ]))
            .is_err()
        );
        assert!(
            parse_utilization_policy(&m(vec![("min_gpu_utilization", Value::int(10))])).is_err()
        );
        let s = parse_scaling(&m(vec![
            ("metric", Value::str("rps")),
            ("target", Value::int(1)),
            ("scale_up_delay", Value::str("1m")),
            ("scale_down_delay", Value::int(30)),
        ]))
        .unwrap();
        assert_eq!((s.scale_up_delay, s.scale_down_delay), (60, 30));
        assert!(
            parse_scaling(&m(vec![
                ("metric", Value::str("rps")),
                ("target", Value::int(0))
            ]))
            .is_err()
        );
        assert!(
            parse_scaling(&m(vec![
                ("metric", Value::str("rps")),
                ("target", Value::int(1)),
                ("window", Value::str("45s"))
            ]))
            .is_err()
        );
    }

    #[test]
    fn backend_options_and_ide() {
        let vast = |score: i128| {
            m(vec![
                ("type", Value::str("vastai")),
                ("min_score", Value::int(score)),
            ])
        };
        assert!(parse_backend_options(&Value::Seq(vec![vast(100)])).is_ok());
        assert!(parse_backend_options(&Value::Seq(vec![vast(100), vast(200)])).is_err());
        let ws = Value::str("windsurf");
        let v = |s: &str| Value::str(s);
        assert!(check_ide_version(Some(&ws), Some(&v("1.0.0@abc123"))).is_ok());
        assert!(check_ide_version(Some(&ws), Some(&v("1.106.0"))).is_err());
        assert!(check_ide_version(Some(&ws), Some(&v("1.106.0@ghij"))).is_err());
        assert!(check_ide_version(Some(&ws), Some(&v("@abc"))).is_err());
        assert!(check_ide_version(None, Some(&v("1.80.0"))).is_err());
        assert!(check_ide_version(None, Some(&Value::int(5))).is_err());
        assert!(check_ide_version(Some(&Value::Seq(vec![])), None).is_err());
        assert!(check_ide_version(Some(&v("zed")), Some(&v("0.100.0"))).is_ok());
        assert!(check_ide_version(Some(&v("zed")), Some(&v(""))).is_ok());
    }
}
