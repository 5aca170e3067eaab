//! Unknown keys: what a key not accepted here most likely is (a typo, another type's key, a removed key).

use dstack_model::{Object, Shape, model};
use dstack_syntax::Node;

use super::messages::{describe_object, join_list, join_or};
use super::walker::Walker;
use crate::diagnostic::{Diagnostic, Severity};
use crate::diagnostics::tree::did_you_mean;

impl<'c, 'a> Walker<'c, 'a> {
    pub(super) fn unknown_key(
        &mut self,
        key: &'a Node,
        value: &'a Node,
        name: &str,
        object: &'static Object,
        top: bool,
    ) {
        if let Some(r) = object.removed_property(name) {
            let mut msg = format!("`{name}` was removed in dstack {}", r.removed_in);
            if let Some(rep) = &r.replacement {
                msg.push_str(&format!("; use `{rep}` instead"));
            }
            msg.push_str(&format!(". {}", r.note));
            let mut d = Diagnostic::new(Severity::Error, "removed-key", key.range, msg);
            if let Some(rep) = r
                .replacement
                .as_deref()
                .filter(|r| r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                // Only when a scalar carries over as it is (`retry_policy: {…}` and `pool_name: x` → a
                // list of fleets do not).
                && object.property(rep).is_some_and(|p| {
                    p.shapes.iter().any(|s| {
                        matches!(s, Shape::String { .. } | Shape::Integer { .. } | Shape::Number { .. } | Shape::Boolean | Shape::Enum { .. })
                    })
                })
                && self.cx.resolve(value).as_scalar().is_some()
            {
                d = d.with_fix(format!("Rename to `{rep}`"), key.range, rep);
            } else if name == "pool_name"
                && let Some(pool) = crate::diagnostics::tree::scalar_text(self.cx.resolve(value))
            {
                // The pool's instances now live in a fleet of the same name.
                let range = key.range.cover(value.range);
                d = d.with_fix(
                    format!("Use `fleets: [{pool}]`"),
                    range,
                    format!("fleets: [{pool}]"),
                );
            }
            let lines = self.cx.entry_lines(key, value);
            d = d.with_fix(format!("Remove `{name}`"), lines, "");
            self.cx.push(d);
            return;
        }
        let here = describe_object(object, top);
        // A key of another variant of the same union (`arn` needs `type: acm`, `size` a sized backend).
        if let Some(tag) = &object.tag {
            let family = object
                .id
                .strip_suffix(&format!("-{}", tag.value))
                .unwrap_or("");
            let owners: Vec<String> = model()
                .objects
                .iter()
                .filter_map(|o| o.tag.as_ref().map(|t| (o, t)))
                .filter(|(o, t)| {
                    t.key == tag.key
                        && o.id == format!("{family}-{}", t.value)
                        && o.property(name).is_some()
                })
                .map(|(_, t)| format!("`{}`", t.value))
                .collect();
            if !family.is_empty() && !owners.is_empty() {
                self.cx.error(
                    "unknown-key",
                    key.range,
                    format!(
                        "`{name}` does not apply to `{key}: {value}`; it is used with `{key}:` {}",
                        join_list(&owners, "or"),
                        key = tag.key,
                        value = tag.value
                    ),
                );
                return;
            }
        }
        if top {
            let others: Vec<String> = model()
                .other_types_with_property(name)
                .iter()
                .filter(|t| {
                    object.tag.as_ref().is_none_or(|_| true)
                        && !model()
                            .root_objects(&t.name)
                            .iter()
                            .any(|o| o.id == object.id)
                })
                .map(|t| format!("`{}`", t.name))
                .collect();
            if !others.is_empty() {
                self.cx.error(
                    "unknown-key",
                    key.range,
                    format!(
                        "`{name}` is only valid in {}, not in {here}",
                        join_or(&others)
                    ),
                );
                return;
            }
        }
        let candidates = object
            .properties
            .iter()
            .filter(|p| !p.hidden)
            .map(|p| p.name.as_str());
        let mut d = Diagnostic::new(
            Severity::Error,
            "unknown-key",
            key.range,
            format!("unknown property `{name}` in {here}"),
        );
        if let Some(s) = did_you_mean(name, candidates) {
            d.message.push_str(&format!("; did you mean `{s}`?"));
            d = d.with_fix(format!("Rename to `{s}`"), key.range, s);
        }
        self.cx.push(d);
    }
}
