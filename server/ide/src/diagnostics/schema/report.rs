//! How the walker reports: the subject of a message, value-syntax errors, wrong types.

use dstack_model::Shape;
use dstack_syntax::{Node, NodeKind, ScalarValue};
use dstack_values::{Input, ValueError};

use super::messages::{article, with_article};
use super::walker::Walker;
use crate::bridge;
use crate::diagnostic::{Diagnostic, Severity};

impl<'c, 'a> Walker<'c, 'a> {
    /// "`ide`" (or "the value" at the top), for messages.
    pub(super) fn subject(&self) -> String {
        if self.key.is_empty() {
            "value".to_string()
        } else {
            format!("`{}`", self.key)
        }
    }

    pub(super) fn subject_cap(&self) -> String {
        if self.key.is_empty() {
            "The value".to_string()
        } else {
            format!("`{}`", self.key)
        }
    }

    pub(super) fn diag(&self, node: &Node, code: &'static str, message: String) -> Diagnostic {
        Diagnostic::new(
            Severity::Error,
            code,
            self.cx.first_line(node.range),
            message,
        )
    }

    pub(super) fn error_diag(&self, node: &Node, e: &ValueError) -> Diagnostic {
        let range = bridge::error_range(self.cx.parse, node, e);
        let d = Diagnostic::new(
            Severity::Error,
            e.code,
            self.cx.first_line(range),
            bridge::error_message(e),
        );
        match bridge::error_fix(self.cx.parse, node, e) {
            Some((at, text)) => d.with_fix(format!("Change to `{text}`"), at, text),
            None => d,
        }
    }

    pub(super) fn value_error(&mut self, node: &Node, e: &ValueError) {
        let d = self.error_diag(node, e);
        self.cx.push(d);
    }

    pub(super) fn wrong_type(&mut self, node: &'a Node, shapes: &[Shape]) {
        let got = match &node.kind {
            NodeKind::Mapping(_) => "a mapping".to_string(),
            NodeKind::Sequence(_) => "a list".to_string(),
            NodeKind::Scalar(s) => match &s.value {
                ScalarValue::Null => "nothing (null)".to_string(),
                ScalarValue::Bool(b) if s.style == dstack_syntax::ScalarStyle::Plain => {
                    format!("`{}`, which YAML reads as the boolean {b}", s.text)
                }
                ScalarValue::Timestamp(_) => format!("`{}`, which YAML reads as a date", s.text),
                v => format!(
                    "{} `{}`",
                    article(Input::from_scalar(v).type_name()),
                    s.text
                ),
            },
            _ => return,
        };
        let expected: Vec<String> = shapes
            .iter()
            .filter(|s| **s != Shape::Null)
            .map(|s| with_article(&s.describe()))
            .collect();
        let lists_only = shapes
            .iter()
            .filter(|s| **s != Shape::Null)
            .all(|s| matches!(s, Shape::List { .. }));
        let expected = if expected.is_empty() {
            "null".to_string()
        } else if lists_only {
            "a list".to_string()
        } else {
            expected.join(" or ")
        };
        let mut d = Diagnostic::new(
            Severity::Error,
            "wrong-type",
            self.cx.first_line(node.range),
            format!("{} expects {expected}, got {got}", self.subject_cap()),
        );
        // One value where a list is expected: offer the one-item list.
        if let NodeKind::Scalar(s) = &node.kind
            && s.style == dstack_syntax::ScalarStyle::Plain
            && !s.text.is_empty()
            && shapes.iter().any(|sh| matches!(sh, Shape::List { .. }))
        {
            d.message
                .push_str(&format!("; write a list, for example `[{}]`", s.text));
            d = d.with_fix(
                "Make it a one-item list",
                node.range,
                format!("[{}]", s.text),
            );
        }
        // A date or boolean where a string is expected: quoting keeps the text.
        if let NodeKind::Scalar(s) = &node.kind
            && matches!(
                s.value,
                ScalarValue::Timestamp(_)
                    | ScalarValue::Bool(_)
                    | ScalarValue::Int(_)
                    | ScalarValue::Float(_)
            )
            && s.style == dstack_syntax::ScalarStyle::Plain
            && shapes
                .iter()
                .any(|sh| matches!(sh, Shape::String { .. } | Shape::Enum { .. }))
        {
            d = d.with_fix(
                format!("Quote `{}`", s.text),
                node.range,
                format!("\"{}\"", s.text),
            );
        }
        if matches!(node.kind, NodeKind::Scalar(ref s) if s.value == ScalarValue::Null)
            && node.range.is_empty()
        {
            d.range = node.range;
        }
        self.cx.push(d);
    }
}
