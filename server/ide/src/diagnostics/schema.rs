//! Structural validation against the model, with pydantic v2's semantics as dstack configures them:
//! unknown keys are errors everywhere, numbers are accepted where strings are expected, integers,
//! numbers and booleans coerce the way pydantic's lax mode does, and discriminated unions (`type`,
//! volume `backend`, model `format`, certificate `type`, …) need their tag.
//!
//! `walker` goes through the document shape by shape; `keys`, `scalars` and `report` add its
//! methods for unknown keys, scalars and reporting; `messages` words the errors.

mod keys;
mod messages;
mod report;
mod scalars;
mod walker;

use dstack_model::{ConfigTypeModel, model};
use dstack_syntax::{NodeKind, ScalarValue, TextRange};

use crate::diagnostic::{Diagnostic, Severity};
use crate::diagnostics::tree::{Cx, did_you_mean};
use messages::{code_list, fitting_types, missing_type};
use walker::Walker;

/// Validates the document's structure. Returns its type when `type:` names one (then the rule passes run).
pub(crate) fn check(cx: &mut Cx) -> Option<&'static ConfigTypeModel> {
    let Some(root) = cx.parse.root.as_ref() else {
        if cx.parse.errors.is_empty() {
            cx.error(
                "missing-type",
                TextRange::empty(0),
                "the configuration is empty: dstack needs at least `type:` (for example `type: task`)",
            );
        }
        return None;
    };
    let root = cx.resolve(root);
    if root.as_mapping().is_none() {
        if !matches!(root.kind, NodeKind::Error) {
            cx.error(
                "wrong-type",
                cx.first_line(root.range),
                "a dstack configuration is a mapping of properties, such as `type: task`",
            );
        }
        return None;
    }
    let Some((type_key, type_value)) = cx.entry(root, "type") else {
        missing_type(cx, root);
        return None;
    };
    let name = match &type_value.kind {
        NodeKind::Scalar(s) => match &s.value {
            ScalarValue::Str(v) => Some(v.as_str()),
            _ => None,
        },
        _ => None,
    };
    let names: Vec<&str> = model().types.iter().map(|t| t.name.as_str()).collect();
    let Some(ty) = name.and_then(|n| model().config_type(n)) else {
        let shown = super::tree::scalar_text(type_value).unwrap_or_default();
        let range = if type_value.range.is_empty() {
            type_key.range
        } else {
            type_value.range
        };
        let message = if shown.is_empty() {
            format!("`type` is empty: use one of {}", code_list(&names))
        } else {
            format!(
                "`{shown}` is not a configuration type: use one of {}",
                code_list(&names)
            )
        };
        let mut d = Diagnostic::new(Severity::Error, "unknown-type", range, message);
        if let Some(s) = did_you_mean(&shown, names.iter().copied()) {
            d.message = format!("`{shown}` is not a configuration type; did you mean `{s}`?");
            d = d.with_fix(format!("Change to `{s}`"), type_value.range, s);
        } else if shown.is_empty() {
            // `type:` with nothing after it: offer the types the other keys fit.
            // An empty value's range sits right after the colon.
            let at = type_value.range;
            let space = if type_value.range.is_empty() { " " } else { "" };
            for t in fitting_types(cx, root).into_iter().take(3) {
                d = d.with_fix(format!("Set `type: {t}`"), at, format!("{space}{t}"));
            }
        }
        cx.push(d);
        return None;
    };
    let anchor = type_key.range.cover(type_value.range);
    Walker { cx, key: "" }.shape(root, std::slice::from_ref(&ty.root), anchor, true);
    Some(ty)
}
