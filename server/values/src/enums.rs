//! Small closed sets and tiny grammars: `spot_policy`, `creation_policy`, `startup_order`, `stop_criteria`, `ide`,
//! `placement`, `retry.on_events`, router `type`, `if_exists`, probe `method`, `https`, `blocks`, `shell`.

#[cfg(feature = "oracle")]
use crate::ValueCompletion;
use crate::{Input, ValueError, code, type_error};

#[cfg(feature = "oracle")]
/// A closed set of string values (case-sensitive, as in dstack).
#[derive(Debug, Clone, Copy)]
pub struct EnumSpec {
    pub property: &'static str,
    /// `(value, description)`.
    pub values: &'static [(&'static str, &'static str)],
}

#[cfg(feature = "oracle")]
pub const SPOT_POLICY: EnumSpec = EnumSpec {
    property: "spot_policy",
    values: &[
        ("spot", "only spot (interruptible) instances"),
        ("on-demand", "only on-demand instances (the default)"),
        ("auto", "spot if available, else on-demand"),
    ],
};
#[cfg(feature = "oracle")]
pub const CREATION_POLICY: EnumSpec = EnumSpec {
    property: "creation_policy",
    values: &[
        (
            "reuse-or-create",
            "reuse an idle fleet instance or provision a new one (the default)",
        ),
        ("reuse", "only reuse existing idle instances"),
    ],
};
#[cfg(feature = "oracle")]
pub const STARTUP_ORDER: EnumSpec = EnumSpec {
    property: "startup_order",
    values: &[
        ("any", "start all jobs together"),
        ("master-first", "start the master job before the workers"),
        ("workers-first", "start the workers before the master"),
    ],
};
#[cfg(feature = "oracle")]
pub const STOP_CRITERIA: EnumSpec = EnumSpec {
    property: "stop_criteria",
    values: &[
        ("all-done", "the run ends when every job is done"),
        ("master-done", "the run ends when the master job is done"),
    ],
};
#[cfg(feature = "oracle")]
pub const IDE: EnumSpec = EnumSpec {
    property: "ide",
    values: &[
        ("vscode", "Visual Studio Code"),
        ("cursor", "Cursor"),
        ("windsurf", "Windsurf (`version` is `version@commit`)"),
        ("zed", "Zed"),
    ],
};
#[cfg(feature = "oracle")]
pub const PLACEMENT: EnumSpec = EnumSpec {
    property: "placement",
    values: &[
        ("any", "instances anywhere"),
        (
            "cluster",
            "instances in one interconnected cluster (aws, crusoe, gcp, nebius)",
        ),
    ],
};
#[cfg(feature = "oracle")]
pub const RETRY_EVENTS: EnumSpec = EnumSpec {
    property: "on_events",
    values: &[
        ("no-capacity", "no offer could be provisioned"),
        ("interruption", "a spot instance was interrupted"),
        ("error", "the job failed"),
    ],
};
#[cfg(feature = "oracle")]
pub const ROUTER_TYPE: EnumSpec = EnumSpec {
    property: "router.type",
    values: &[
        ("smg", "SGLang model gateway"),
        ("dynamo", "NVIDIA Dynamo"),
        ("sglang", "legacy name of `smg`"),
    ],
};
#[cfg(feature = "oracle")]
pub const IF_EXISTS: EnumSpec = EnumSpec {
    property: "if_exists",
    values: &[
        ("error", "fail if the path is not empty (the default)"),
        ("skip", "skip the checkout if the path is not empty"),
    ],
};
#[cfg(feature = "oracle")]
pub const PROBE_METHOD: EnumSpec = EnumSpec {
    property: "method",
    values: &[
        ("get", "HTTP GET (the default)"),
        ("post", "HTTP POST"),
        ("put", "HTTP PUT"),
        ("delete", "HTTP DELETE"),
        ("patch", "HTTP PATCH"),
        ("head", "HTTP HEAD"),
    ],
};
#[cfg(feature = "oracle")]
pub const OFFER_ORDER: EnumSpec = EnumSpec {
    property: "offer_order",
    values: &[
        ("score", "best Vast.ai score first (the default)"),
        ("price", "cheapest first"),
    ],
};

#[cfg(feature = "oracle")]
impl EnumSpec {
    /// Checks a value; the error suggests a differently-cased match.
    pub fn check(&self, input: &Input) -> Result<&'static str, ValueError> {
        let s = match *input {
            Input::Str(s) => s,
            _ => {
                return Err(type_error(
                    "enum",
                    &format!("one of {}", self.list()),
                    input.type_name(),
                    self.values[0].0,
                ));
            }
        };
        if let Some((v, _)) = self.values.iter().find(|(v, _)| *v == s) {
            return Ok(v);
        }
        let fix = crate::closest(s, self.values.iter().map(|(v, _)| *v));
        let hint = fix
            .map(|v| format!("; did you mean {}?", code(v)))
            .unwrap_or_default();
        let e = ValueError::new(
            "enum",
            format!(
                "{} is not a valid `{}`: use one of {}{hint}",
                code(s),
                self.property,
                self.list()
            ),
        )
        .example(self.values[0].0);
        Err(match fix {
            Some(v) => e.with_fix(v),
            None => e,
        })
    }

    fn list(&self) -> String {
        self.values
            .iter()
            .map(|(v, _)| code(v))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn describe(&self, value: &str) -> Option<&'static str> {
        self.values
            .iter()
            .find(|(v, _)| *v == value)
            .map(|(_, d)| *d)
    }

    pub fn complete(&self, partial: &str) -> Vec<ValueCompletion> {
        crate::complete_from(self.values, partial)
    }
}

#[cfg(feature = "oracle")]
/// `https`: `true`, `false` or `auto`.
pub fn check_https(input: &Input) -> Result<(), ValueError> {
    // pydantic tries `bool` first, so `yes`/`no`/`1`/`0` work too; `auto` must be lowercase.
    if matches!(input, Input::Null | Input::Str("auto"))
        || crate::py::pydantic_bool(input).is_some()
    {
        return Ok(());
    }
    let e = ValueError::new("enum", "`https` is `true`, `false` or `auto`").example("auto");
    Err(match input {
        Input::Str(s) if s.eq_ignore_ascii_case("auto") => e.with_fix("auto"),
        _ => e,
    })
}

/// `blocks`: `auto` or an integer ≥ 1 (numeric strings and whole floats count). Returns `None` for `auto`.
pub fn parse_blocks(input: &Input) -> Result<Option<i128>, ValueError> {
    if *input == Input::Str("auto") {
        return Ok(None);
    }
    let Some(n) = crate::py::pydantic_int(input) else {
        let e =
            ValueError::new("blocks", "`blocks` is `auto` or a number of blocks").example("auto");
        return Err(match input {
            Input::Str(s) if s.eq_ignore_ascii_case("auto") => e.with_fix("auto"),
            _ => e,
        });
    };
    if n < 1 {
        return Err(
            ValueError::new("blocks", "`blocks` must be 1 or more (or `auto`)").example("auto"),
        );
    }
    Ok(Some(n))
}

/// `shell`: `sh`, `bash`, or an absolute path.
pub fn check_shell(input: &Input) -> Result<(), ValueError> {
    match *input {
        Input::Null => Ok(()),
        Input::Str("sh" | "bash") => Ok(()),
        Input::Str(s) if s.starts_with('/') => Ok(()),
        Input::Str(s) => Err(ValueError::new(
            "shell",
            format!(
                "{} is not a valid shell: use `sh`, `bash` or an absolute path such as `/bin/zsh`",
                code(s)
            ),
        )
        .example("bash")),
        _ => Err(type_error(
            "shell",
            "`sh`, `bash` or an absolute path",
            input.type_name(),
            "bash",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn enums() {
        assert_eq!(SPOT_POLICY.check(&Input::Str("auto")), Ok("auto"));
        expect!["`SPOT` is not a valid `spot_policy`: use one of `spot`, `on-demand`, `auto`; did you mean `spot`? (example: `spot`)"].assert_eq(&SPOT_POLICY.check(&Input::Str("SPOT")).unwrap_err().to_string());
        assert!(SPOT_POLICY.check(&Input::Str("ondemand")).is_err());
        assert_eq!(IDE.complete("c").len(), 1);
    }

    #[test]
    fn small_grammars() {
        assert_eq!(parse_blocks(&Input::Str("auto")), Ok(None));
        assert_eq!(parse_blocks(&Input::Int(4)), Ok(Some(4)));
        assert!(parse_blocks(&Input::Int(0)).is_err());
        assert!(check_shell(&Input::Str("/bin/zsh")).is_ok());
        assert!(check_shell(&Input::Str("zsh")).is_err());
        assert!(check_https(&Input::Str("auto")).is_ok());
        assert!(check_https(&Input::Str("yes")).is_ok());
        assert_eq!(
            check_https(&Input::Str("Auto")).unwrap_err().fix.as_deref(),
            Some("auto")
        );
        assert_eq!(parse_blocks(&Input::Float(4.0)), Ok(Some(4)));
        assert_eq!(parse_blocks(&Input::Bool(true)), Ok(Some(1)));
        assert!(parse_blocks(&Input::Bool(false)).is_err());
        assert!(parse_blocks(&Input::Str("AUTO")).is_err());
    }
}
