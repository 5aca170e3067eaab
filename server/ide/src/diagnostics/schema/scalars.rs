//! Scalars against shapes: how well a YAML scalar fits each alternative, pydantic's coercions included.

use dstack_model::Shape;
use dstack_syntax::{Node, ScalarValue};
use dstack_values::syntax::Syntax;

use super::messages::{bounds, one_of};
use super::walker::{Fit, Walker, fit_if, syntaxes};
use crate::bridge;
use crate::diagnostic::Diagnostic;
use crate::diagnostics::tree::{bool_value, did_you_mean, int_value, number_value};

impl<'c, 'a> Walker<'c, 'a> {
    pub(super) fn scalar(&mut self, node: &'a Node, shapes: &'a [Shape]) {
        let Some(scalar) = node.as_scalar() else {
            return;
        };
        // Where dstack parses the value with its own validator (GPU, CPU, sizes, ranges, durations,
        // fleet nodes), numbers and booleans go through that parser too, not through plain `int`.
        if let Some(syn) = syntaxes(shapes).find(|s| s.is_whole_validator()) {
            if scalar.value == ScalarValue::Null && shapes.contains(&Shape::Null) {
                return;
            }
            if let Err(e) = bridge::check_syntax(syn, node, self.cx.parse, self.cx.expansion) {
                self.value_error(node, &e);
            }
            return;
        }
        if let ScalarValue::Float(f) = scalar.value
            && syntaxes(shapes).any(Syntax::takes_no_floats)
        {
            let mut d = self.diag(
                node,
                "wrong-type",
                format!(
                    "{} takes whole numbers, `PORT:PORT` strings or mappings, got the number `{}`",
                    self.subject_cap(),
                    scalar.text
                ),
            );
            if f.fract() == 0.0 && f.abs() < 1e9 {
                let whole = format!("{}", f as i64);
                d.message.push_str(&format!("; write `{whole}`"));
                d = d.with_fix(format!("Change to `{whole}`"), node.range, whole);
            }
            self.cx.push(d);
            return;
        }
        let mut best: Option<(u8, Diagnostic)> = None;
        // A string goes through dstack's parser for the field when there is one, never through
        // pydantic's lax `int("…")` of a sibling integer form (`ports: [" 8080"]` is an error).
        let parsed_string = matches!(scalar.value, ScalarValue::Str(_))
            && shapes.iter().any(|s| {
                matches!(
                    s,
                    Shape::String {
                        syntax: Some(_),
                        ..
                    }
                )
            });
        for shape in shapes {
            if parsed_string
                && matches!(
                    shape,
                    Shape::Integer { .. } | Shape::Number { .. } | Shape::Boolean
                )
            {
                continue;
            }
            match self.fit(node, &scalar.value, shape) {
                Fit::Yes => return,
                Fit::No => {}
                Fit::Bad(rank, d) => {
                    if best.as_ref().is_none_or(|(r, _)| rank > *r) {
                        best = Some((rank, d));
                    }
                }
            }
        }
        match best {
            Some((_, d)) => self.cx.push(d),
            None => self.wrong_type(node, shapes),
        }
    }

    pub(super) fn fit(&self, node: &'a Node, value: &ScalarValue, shape: &Shape) -> Fit {
        match shape {
            Shape::Null => fit_if(matches!(value, ScalarValue::Null)),
            Shape::Boolean => fit_if(bool_value(node).is_some()),
            Shape::Integer { ge, gt, le, lt } => {
                if let ScalarValue::Float(f) = value
                    && f.fract() != 0.0
                {
                    return Fit::Bad(
                        1,
                        self.diag(
                            node,
                            "wrong-type",
                            format!(
                                "`{}` is not a whole number",
                                dstack_values::py::py_float_repr(*f)
                            ),
                        ),
                    );
                }
                match int_value(node) {
                    Some(v) => bounds(
                        v as f64,
                        ge.map(|x| x as f64),
                        gt.map(|x| x as f64),
                        le.map(|x| x as f64),
                        lt.map(|x| x as f64),
                    )
                    .map_or(Fit::Yes, |m| {
                        Fit::Bad(
                            2,
                            self.diag(node, "invalid-value", format!("{} {m}", self.subject_cap())),
                        )
                    }),
                    None => Fit::No,
                }
            }
            Shape::Number { ge, gt, le, lt } => match number_value(node) {
                Some(v) => bounds(v, *ge, *gt, *le, *lt).map_or(Fit::Yes, |m| {
                    Fit::Bad(
                        2,
                        self.diag(node, "invalid-value", format!("{} {m}", self.subject_cap())),
                    )
                }),
                None => Fit::No,
            },
            Shape::String {
                syntax,
                pattern: _,
                min_len,
                max_len,
                coerce_numbers,
            } => {
                let text: std::borrow::Cow<str> = match value {
                    ScalarValue::Str(s) => std::borrow::Cow::Borrowed(s.as_str()),
                    ScalarValue::Int(_) | ScalarValue::Float(_)
                        if *coerce_numbers && !self.parses_only_strings(syntax.as_deref()) =>
                    {
                        std::borrow::Cow::Owned(
                            crate::diagnostics::tree::scalar_text(node).unwrap_or_default(),
                        )
                    }
                    _ => return Fit::No,
                };
                // Counting characters costs a pass over the text: only when a bound asks for it.
                let len = if min_len.is_some() || max_len.is_some() {
                    text.chars().count() as u64
                } else {
                    0
                };
                if let Some(min) = min_len.filter(|m| len < *m) {
                    return Fit::Bad(
                        2,
                        self.diag(
                            node,
                            "invalid-value",
                            format!(
                                "{} must have at least {min} character{}",
                                self.subject_cap(),
                                if min == 1 { "" } else { "s" }
                            ),
                        ),
                    );
                }
                if let Some(max) = max_len.filter(|m| len > *m) {
                    return Fit::Bad(
                        2,
                        self.diag(
                            node,
                            "invalid-value",
                            format!("the value must have at most {max} characters"),
                        ),
                    );
                }
                if let Some(syn) = syntax.as_deref().and_then(Syntax::from_name)
                    && let Err(e) =
                        bridge::check_syntax(syn, node, self.cx.parse, self.cx.expansion)
                {
                    return Fit::Bad(3, self.error_diag(node, &e));
                }
                Fit::Yes
            }
            Shape::Enum {
                values,
                case_insensitive,
                coerce_numbers,
                syntax,
            } => {
                let text = match value {
                    ScalarValue::Str(s) => s.clone(),
                    ScalarValue::Float(f) if *coerce_numbers => {
                        let t = dstack_values::py::py_float_repr(*f);
                        // dstack maps the YAML float 3.1 (from `3.10`) back to "3.10".
                        if syntax.as_deref().and_then(Syntax::from_name) == Some(Syntax::Python)
                            && t == "3.1"
                        {
                            "3.10".to_string()
                        } else {
                            t
                        }
                    }
                    ScalarValue::Int(i) if *coerce_numbers => i.to_string(),
                    _ => return Fit::No,
                };
                let matches = |v: &str| {
                    if *case_insensitive {
                        v.eq_ignore_ascii_case(&text)
                    } else {
                        v == text
                    }
                };
                if values
                    .iter()
                    .any(|v| matches(&v.value) || v.aliases.iter().any(|a| matches(a)))
                {
                    return Fit::Yes;
                }
                let names: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
                let mut d = self.diag(
                    node,
                    "invalid-value",
                    format!(
                        "`{text}` is not a valid {}: use {}",
                        self.subject(),
                        one_of(&names)
                    ),
                );
                if let Some(s) = did_you_mean(&text, names.iter().copied()) {
                    d.message = format!(
                        "`{text}` is not a valid {}; did you mean `{s}`?",
                        self.subject()
                    );
                    d = d.with_fix(format!("Change to `{s}`"), node.range, s);
                }
                Fit::Bad(2, d)
            }
            Shape::Object { .. } | Shape::Union { .. } | Shape::Map { .. } | Shape::List { .. } => {
                Fit::No
            }
        }
    }

    /// List items whose dstack pre-validator turns only strings into objects: a number there is
    /// neither a string nor a mapping to pydantic (`files: [5]`, `instances: [5]`).
    pub(super) fn parses_only_strings(&self, syntax: Option<&str>) -> bool {
        syntax
            .and_then(Syntax::from_name)
            .is_some_and(Syntax::takes_only_strings)
            || self.key == "instances"
    }
}
