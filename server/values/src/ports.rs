//! Ports: `ports[]` items of dev environments and tasks (`8080`, `8080:80`, `*:8080`, `{local_port, container_port}`)
//! and the service `port` (`8000`, `"8000:80"`, `{container_port}`; only the container port is used).
//!
//! dstack crashes on `"8080:"` and `""` (its regex lets them through without a container port); we report them.

use crate::py::py_int;
use crate::{Input, Value, ValueCompletion, ValueError, type_error};

const EXAMPLE: &str = "8080:80";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortMapping {
    /// `None` means any free local port (`*`), or unset in the mapping form.
    pub local_port: Option<u32>,
    pub container_port: u32,
}

/// A `ports[]` item.
pub fn parse(input: &Input) -> Result<PortMapping, ValueError> {
    match *input {
        Input::Int(i) => {
            let p = port_number(i, None)?;
            Ok(PortMapping {
                local_port: Some(p),
                container_port: p,
            })
        }
        Input::Bool(b) => {
            let p = port_number(b as i128, None)?;
            Ok(PortMapping {
                local_port: Some(p),
                container_port: p,
            })
        }
        Input::Str(s) => parse_str(s),
        _ => Err(type_error(
            "port",
            "a port such as `8080` or `8080:80`",
            input.type_name(),
            EXAMPLE,
        )),
    }
}

/// A `ports[]` item in any form, including `{local_port, container_port}`.
pub fn parse_value(value: &Value) -> Result<PortMapping, ValueError> {
    match value {
        Value::Scalar(s) => parse(&Input::from_scalar(s)),
        Value::Map(entries) => parse_mapping(entries),
        Value::Seq(_) => Err(type_error("port", "a port such as `8080`", "list", EXAMPLE)),
    }
}

/// The service `port`: an integer container port, `"L:C"`, a numeric string, or `{container_port, local_port}`.
pub fn parse_service_port(value: &Value) -> Result<PortMapping, ValueError> {
    match value.as_input() {
        // pydantic tries the integer member of the union first, so `"8000"` and `8000.0` behave like `8000`.
        Some(input) if crate::py::pydantic_int(&input).is_some() => Ok(PortMapping {
            local_port: Some(80),
            container_port: port_number(crate::py::pydantic_int(&input).unwrap_or(-1), None)?,
        }),
        Some(Input::Str(s)) => {
            let m = parse_str(s)?;
            if m.local_port.is_none() {
                return Err(ValueError::new(
                    "port",
                    "a service `port` cannot use `*`: give the container port, e.g. `8000`",
                )
                .example("8000")
                .at(0, 1));
            }
            Ok(m)
        }
        Some(other) => Err(type_error(
            "port",
            "the port the service listens on, e.g. `8000`",
            other.type_name(),
            "8000",
        )),
        None => match value {
            Value::Map(entries) => parse_mapping(entries),
            _ => Err(type_error(
                "port",
                "the port the service listens on, e.g. `8000`",
                "list",
                "8000",
            )),
        },
    }
}

fn parse_str(s: &str) -> Result<PortMapping, ValueError> {
    // `^(?:(\d+|\*):)?(\d+)?$` with Python's `$` (a single trailing newline is allowed).
    let body = s.strip_suffix('\n').unwrap_or(s);
    let (local, container, cstart) = match body.split_once(':') {
        Some((l, c)) => (Some(l), c, l.len() + 1),
        None => (None, body, 0),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let local_ok = local.is_none_or(|l| l == "*" || all_digits(l));
    let container_ok = container.is_empty() || all_digits(container);
    if !local_ok || !container_ok {
        return Err(ValueError::new(
            "port",
            format!("invalid port mapping `{s}`: use `PORT`, `LOCAL:CONTAINER` or `*:CONTAINER`"),
        )
        .example(EXAMPLE));
    }
    if container.is_empty() {
        // dstack itself fails here with a TypeError.
        return Err(ValueError::new("port", "the container port is missing")
            .example(EXAMPLE)
            .at(cstart, cstart));
    }
    let container_port = port_number(py_int(container).unwrap_or(-1), Some((cstart, body.len())))?;
    let local_port = match local {
        None => Some(container_port),
        Some("*") => None,
        Some(l) => Some(port_number(py_int(l).unwrap_or(-1), Some((0, l.len())))?),
    };
    Ok(PortMapping {
        local_port,
        container_port,
    })
}

fn port_number(v: i128, range: Option<(usize, usize)>) -> Result<u32, ValueError> {
    if (1..=65535).contains(&v) {
        return Ok(v as u32);
    }
    let e = ValueError::new(
        "port",
        format!("port {v} is out of range: ports are 1 to 65535"),
    )
    .example(EXAMPLE);
    Err(match range {
        Some((a, b)) => e.at(a, b),
        None => e,
    })
}

fn parse_mapping(entries: &[(String, Value)]) -> Result<PortMapping, ValueError> {
    let mut local_port = None;
    let mut container_port = None;
    for (key, v) in entries {
        let mut each = || -> Result<(), ValueError> {
            let number = match v.as_input() {
                Some(Input::Null) if key == "local_port" => None,
                Some(input) if crate::py::pydantic_int(&input).is_some() => Some(port_number(
                    crate::py::pydantic_int(&input).unwrap_or(-1),
                    None,
                )?),
                _ => return Err(type_error("port", "a port number", v.type_name(), "8080")),
            };
            match key.as_str() {
                "local_port" => local_port = number,
                "container_port" => container_port = number,
                other => {
                    return Err(ValueError::new(
                        "port",
                        format!(
                            "unknown port property `{other}`: use `local_port` and `container_port`"
                        ),
                    )
                    .example("{container_port: 8080}"));
                }
            }
            Ok(())
        };
        each().map_err(|e| e.in_key(key))?;
    }
    match container_port {
        Some(container_port) => Ok(PortMapping {
            local_port,
            container_port,
        }),
        None => Err(ValueError::new("port", "`container_port` is required")
            .example("{container_port: 8080}")),
    }
}

/// Hover text for a `ports[]` item.
pub fn describe(m: &PortMapping) -> String {
    match m.local_port {
        Some(l) if l == m.container_port => format!(
            "container port {} forwarded to local port {l}",
            m.container_port
        ),
        Some(l) => format!(
            "container port {} forwarded to local port {l}",
            m.container_port
        ),
        None => format!(
            "container port {} forwarded to any free local port",
            m.container_port
        ),
    }
}

/// Hover text for a service `port`.
pub fn describe_service(m: &PortMapping) -> String {
    format!("the service listens on container port {}", m.container_port)
}

/// Common ports.
pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    let items = [
        ("8000", "common for web apps and model servers"),
        ("8080", "common HTTP port"),
        ("3000", "common for web UIs"),
        ("7860", "Gradio"),
        ("8888", "Jupyter"),
        ("6006", "TensorBoard"),
    ];
    crate::complete_from(&items, partial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn show(s: &str) -> String {
        crate::show(parse(&Input::Str(s)), describe)
    }

    #[test]
    fn items() {
        expect![[r#"container port 8080 forwarded to local port 8080"#]].assert_eq(&show("8080"));
        expect![[r#"container port 80 forwarded to local port 8000"#]].assert_eq(&show("8000:80"));
        expect![[r#"container port 8000 forwarded to any free local port"#]]
            .assert_eq(&show("*:8000"));
        assert_eq!(parse(&Input::Int(8080)).unwrap().local_port, Some(8080));
    }

    #[test]
    fn item_errors() {
        expect![[r#"error Some((5, 5)): the container port is missing (example: `8080:80`)"#]]
            .assert_eq(&show("8080:"));
        expect![[r#"error Some((0, 0)): the container port is missing (example: `8080:80`)"#]]
            .assert_eq(&show(""));
        expect![[r#"error None: invalid port mapping `80:*`: use `PORT`, `LOCAL:CONTAINER` or `*:CONTAINER` (example: `8080:80`)"#]].assert_eq(&show("80:*"));
        expect![[r#"error Some((0, 1)): port 0 is out of range: ports are 1 to 65535 (example: `8080:80`)"#]].assert_eq(&show("0"));
        expect![[r#"error Some((0, 5)): port 65536 is out of range: ports are 1 to 65535 (example: `8080:80`)"#]].assert_eq(&show("65536"));
        for bad in ["a:80", "8080:80:90", " 8080"] {
            assert!(show(bad).starts_with("error"), "{bad}");
        }
        assert!(parse(&Input::Int(70000)).is_err());
    }

    #[test]
    fn service_port() {
        assert_eq!(
            parse_service_port(&Value::int(8000)),
            Ok(PortMapping {
                local_port: Some(80),
                container_port: 8000
            })
        );
        assert_eq!(
            parse_service_port(&Value::str("8000")),
            Ok(PortMapping {
                local_port: Some(80),
                container_port: 8000
            })
        );
        assert_eq!(
            parse_service_port(&Value::str("8000:80"))
                .unwrap()
                .container_port,
            80
        );
        assert!(parse_service_port(&Value::str("*:8000")).is_err());
        assert!(parse_service_port(&Value::int(0)).is_err());
        let m = Value::Map(vec![("container_port".into(), Value::int(80))]);
        assert_eq!(
            parse_service_port(&m),
            Ok(PortMapping {
                local_port: None,
                container_port: 80
            })
        );
        assert_eq!(
            describe_service(&parse_service_port(&m).unwrap()),
            "the service listens on container port 80"
        );
    }
}
