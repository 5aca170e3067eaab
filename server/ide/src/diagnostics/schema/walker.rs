//! The structural walker: a value against the model's alternative shapes, mapping by mapping.

use dstack_model::{Object, Shape, model};
use dstack_syntax::{Node, NodeKind, ScalarValue, TextRange};
use dstack_values::syntax::Syntax;

use super::messages::{code_list, describe_object};
use crate::bridge;
use crate::diagnostic::{Diagnostic, Severity};
use crate::diagnostics::tree::{Cx, did_you_mean};

/// The table entries of the named syntaxes among `shapes`, in order.
pub(super) fn syntaxes(shapes: &[Shape]) -> impl Iterator<Item = Syntax> + '_ {
    shapes
        .iter()
        .filter_map(Shape::syntax)
        .filter_map(Syntax::from_name)
}

pub(super) struct Walker<'c, 'a> {
    pub(super) cx: &'c mut Cx<'a>,
    /// The property whose value is being checked, for messages (`""` at the top).
    pub(super) key: &'static str,
}

/// How well a scalar fits one shape.
pub(super) enum Fit {
    Yes,
    /// The YAML type is not this shape's at all.
    No,
    /// The right kind of value, but wrong; higher rank means more specific (better to report).
    Bad(u8, Diagnostic),
}

pub(super) fn fit_if(ok: bool) -> Fit {
    if ok { Fit::Yes } else { Fit::No }
}

impl<'c, 'a> Walker<'c, 'a> {
    /// Checks `node` against alternatives `shapes`. `anchor` is where to report missing keys (the key
    /// that holds this value). `top` marks the document root.
    pub(super) fn shape(
        &mut self,
        node: &'a Node,
        shapes: &'a [Shape],
        anchor: TextRange,
        top: bool,
    ) {
        let node = self.cx.resolve(node);
        match &node.kind {
            NodeKind::Error | NodeKind::Alias(_) => {}
            NodeKind::Mapping(_) => self.mapping(node, shapes, anchor, top),
            // `[8, 0]`: dstack's compute-capability parser takes the list form itself.
            NodeKind::Sequence(_) if syntaxes(shapes).any(|s| s == Syntax::ComputeCapability) => {
                if let Err(e) = bridge::check_syntax(
                    Syntax::ComputeCapability,
                    node,
                    self.cx.parse,
                    self.cx.expansion,
                ) {
                    self.value_error(node, &e);
                }
            }
            NodeKind::Sequence(items) => {
                let list = shapes.iter().find_map(|s| match s {
                    Shape::List {
                        items,
                        min_items,
                        max_items,
                    } => Some((items, min_items, max_items)),
                    _ => None,
                });
                let Some((item_shapes, min, max)) = list else {
                    self.wrong_type(node, shapes);
                    return;
                };
                let n = items.len() as u64;
                if let Some(min) = min.filter(|m| n < *m) {
                    self.cx.error(
                        "invalid-value",
                        self.cx.first_line(anchor),
                        format!(
                            "the list needs at least {min} item{}",
                            if min == 1 { "" } else { "s" }
                        ),
                    );
                }
                if let Some(max) = max.filter(|m| n > *m) {
                    self.cx.error(
                        "invalid-value",
                        self.cx.first_line(anchor),
                        format!(
                            "the list takes at most {max} item{}, got {n}",
                            if max == 1 { "" } else { "s" }
                        ),
                    );
                }
                for item in items {
                    // Cut to the first line only when a missing key is reported (cheap for long lists).
                    let item_anchor = item.range;
                    self.shape(item, item_shapes, item_anchor, false);
                }
            }
            NodeKind::Scalar(_) => self.scalar(node, shapes),
        }
    }

    pub(super) fn mapping(
        &mut self,
        node: &'a Node,
        shapes: &'a [Shape],
        anchor: TextRange,
        top: bool,
    ) {
        let entries = self.cx.entries(node);
        let keys: Vec<&str> = entries.iter().filter_map(|(k, _)| k.key_text()).collect();
        // A CPU mapping with only `min`/`max` is a count range, not `{arch, count}`.
        if syntaxes(shapes).any(|s| s == Syntax::Cpu)
            && !keys.is_empty()
            && keys.iter().all(|k| *k == "min" || *k == "max")
        {
            if let Err(e) =
                bridge::check_syntax(Syntax::Cpu, node, self.cx.parse, self.cx.expansion)
            {
                self.value_error(node, &e);
            }
            return;
        }
        // `{min, max}` ranges: the keys are checked by the model, the order by the range parser.
        if let Some(syn) = syntaxes(shapes).find(|s| s.has_range_mapping())
            && let Err(e) = bridge::check_syntax(syn, node, self.cx.parse, self.cx.expansion)
            && (e.message.contains("order") || e.message.contains("empty"))
        {
            self.value_error(node, &e);
        }
        let candidates: Vec<&'a Shape> = shapes
            .iter()
            .filter(|s| {
                matches!(
                    s,
                    Shape::Object { .. } | Shape::Union { .. } | Shape::Map { .. }
                )
            })
            .collect();
        if candidates.is_empty() {
            self.wrong_type(node, shapes);
            return;
        }
        let chosen = if candidates.len() == 1 {
            candidates[0]
        } else {
            // Several mapping forms (e.g. network vs instance mounts): take the one the keys fit best.
            let score = |s: &Shape| -> (usize, usize) {
                let objs = model().shape_objects(s);
                let unknown = keys
                    .iter()
                    .filter(|k| !objs.iter().any(|o| o.property(k).is_some()))
                    .count();
                let missing = objs.first().map_or(0, |o| {
                    o.required()
                        .filter(|p| !keys.contains(&p.name.as_str()))
                        .count()
                });
                (unknown, missing)
            };
            candidates
                .iter()
                .copied()
                .min_by_key(|s| score(s))
                .unwrap_or(candidates[0])
        };
        match chosen {
            Shape::Object { object } => {
                if let Some(o) = model().object(object) {
                    self.object(&entries, o, anchor, None, top);
                }
            }
            Shape::Union {
                discriminator,
                variants,
                default,
            } => {
                let tag = entries
                    .iter()
                    .rev()
                    .find(|(k, _)| k.key_text() == Some(discriminator.as_str()))
                    .map(|(k, v)| (*k, self.cx.resolve(v)));
                let tag_value = tag.and_then(|(_, v)| crate::diagnostics::tree::str_value(v));
                let variant = match tag_value {
                    Some(t) => variants.iter().find(|v| {
                        v.value == t
                            || model().object(&v.object).is_some_and(|o| {
                                o.property(discriminator).is_some_and(|p| {
                                    p.enum_values()
                                        .iter()
                                        .any(|e| e.aliases.iter().any(|a| a == t))
                                })
                            })
                    }),
                    None if tag.is_none() => default
                        .as_ref()
                        .and_then(|d| variants.iter().find(|v| &v.value == d)),
                    None => None,
                };
                let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
                match (variant, tag) {
                    (Some(v), _) => {
                        if let Some(o) = model().object(&v.object) {
                            self.object(&entries, o, anchor, Some(discriminator), top);
                        }
                    }
                    (None, None) => {
                        let mut d = Diagnostic::new(
                            Severity::Error,
                            "missing-key",
                            self.cx.first_line(anchor),
                            format!(
                                "`{discriminator}` is required here: one of {}",
                                code_list(&values)
                            ),
                        );
                        if let Some(first) = values.first() {
                            d.message
                                .push_str(&format!(" (for example `{discriminator}: {first}`)"));
                        }
                        self.cx.push(d);
                    }
                    (None, Some((k, v))) => {
                        let shown = crate::diagnostics::tree::scalar_text(v).unwrap_or_default();
                        let range = if v.range.is_empty() { k.range } else { v.range };
                        let mut d = Diagnostic::new(
                            Severity::Error,
                            "invalid-value",
                            range,
                            format!(
                                "`{discriminator}` must be one of {}, got `{shown}`",
                                code_list(&values)
                            ),
                        );
                        if let Some(s) = did_you_mean(&shown, values.iter().copied()) {
                            d.message.push_str(&format!("; did you mean `{s}`?"));
                            d = d.with_fix(format!("Change to `{s}`"), v.range, s);
                        }
                        self.cx.push(d);
                    }
                }
            }
            Shape::Map { values, key_syntax } => {
                for &(k, v) in &entries {
                    if key_syntax.as_deref().and_then(Syntax::from_name) == Some(Syntax::Tags)
                        && let Some(key) = k.key_text()
                        && let Err(e) = dstack_values::grammars::tag_key(key)
                    {
                        self.value_error(k, &e);
                    }
                    let v = self.cx.resolve(v);
                    // `env: {KEY: {key: OTHER}}` is silently taken as a pass-through by dstack.
                    if key_syntax.is_none()
                        && v.as_mapping().is_some()
                        && let [(k, value)] = self.cx.entries(v).as_slice()
                        && k.key_text() == Some("key")
                        && self.cx.resolve(value).as_scalar().is_some_and(|sc| {
                            matches!(
                                sc.value,
                                ScalarValue::Str(_) | ScalarValue::Int(_) | ScalarValue::Float(_)
                            )
                        })
                    {
                        continue;
                    }
                    // Tag values are checked as strings only: a number crashes dstack.
                    if key_syntax.as_deref().and_then(Syntax::from_name) == Some(Syntax::Tags)
                        && let Some(sc) = v.as_scalar()
                        && matches!(sc.value, ScalarValue::Int(_) | ScalarValue::Float(_))
                    {
                        let d = Diagnostic::new(
                            Severity::Error,
                            "wrong-type",
                            v.range,
                            format!("tag values must be strings: quote `{}` (dstack crashes on a number here)", sc.text),
                        )
                        .with_fix(format!("Quote `{}`", sc.text), v.range, format!("\"{}\"", sc.text));
                        self.cx.push(d);
                        continue;
                    }
                    self.shape(v, values, k.range, false);
                }
            }
            _ => {}
        }
    }

    pub(super) fn object(
        &mut self,
        entries: &[(&'a Node, &'a Node)],
        object: &'static Object,
        anchor: TextRange,
        tag: Option<&str>,
        top: bool,
    ) {
        let mut present: Vec<&str> = Vec::with_capacity(entries.len());
        for &(k, v) in entries {
            let Some(name) = k.key_text() else { continue };
            present.push(name);
            if Some(name) == tag || (top && name == "type") {
                continue;
            }
            match object.property(name) {
                Some(p) => {
                    if let Some(dep) = &p.deprecated {
                        let mut msg = format!("`{name}` is deprecated since dstack {}", dep.since);
                        if let Some(r) = &dep.replacement {
                            msg.push_str(&format!("; use `{r}` instead"));
                        }
                        msg.push_str(&format!(". {}", dep.note));
                        let mut d =
                            Diagnostic::new(Severity::Warning, "deprecated-key", k.range, msg);
                        if dep.replacement.is_none() {
                            let lines = self.cx.entry_lines(k, v);
                            d = d.with_fix(
                                format!("Remove `{name}` (it has no effect)"),
                                lines,
                                "",
                            );
                        }
                        self.cx.push(d);
                    }
                    let outer = std::mem::replace(&mut self.key, p.name.as_str());
                    self.shape(v, &p.shapes, k.range, false);
                    self.key = outer;
                }
                None => self.unknown_key(k, v, name, object, top),
            }
        }
        for p in object.required() {
            let name = p.name.as_str();
            if present.contains(&name) || Some(name) == tag || (top && name == "type") {
                continue;
            }
            // `count` is the legacy spelling of a replica group's `replicas`.
            if name == "replicas" && present.contains(&"count") {
                continue;
            }
            // A preset's `model` may come from `base`/`repo`; the preset rules check that.
            if name == "model" && object.id == "preset" {
                continue;
            }
            let mut msg = format!("`{name}` is required in {}", describe_object(object, top));
            let example = p.example.trim();
            if !example.is_empty() && !example.contains('\n') {
                msg.push_str(&format!(", for example `{example}`"));
            }
            let anchor = self.cx.first_line(anchor);
            let mut d = Diagnostic::new(Severity::Error, "missing-key", anchor, msg);
            if !example.is_empty()
                && !example.contains('\n')
                && example.starts_with(&format!("{name}:"))
                && let Some((at, indent)) = self.cx.block_insertion(entries)
            {
                d = d.with_fix(
                    format!("Add `{example}`"),
                    TextRange::empty(at),
                    format!("\n{indent}{example}"),
                );
            }
            self.cx.push(d);
        }
    }
}
