//! Structural validation against the model, with pydantic v2's semantics as dstack configures them:
//! unknown keys are errors everywhere, numbers are accepted where strings are expected, integers,
//! numbers and booleans coerce the way pydantic's lax mode does, and discriminated unions (`type`,
//! volume `backend`, model `format`, certificate `type`, …) need their tag.

use dstack_model::{ConfigTypeModel, Object, Shape, model};
use dstack_syntax::{Node, NodeKind, ScalarValue, TextRange};
use dstack_values::syntax::Syntax;
use dstack_values::{Input, ValueError};

use super::tree::{Cx, bool_value, did_you_mean, int_value, number_value};
use crate::bridge;
use crate::diagnostic::{Diagnostic, Severity};

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

fn code_list(items: &[&str]) -> String {
    let v: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    v.join(", ")
}

/// The types whose top level has every key the document uses (other than `type`).
fn fitting_types(cx: &Cx, root: &Node) -> Vec<&'static str> {
    let keys: Vec<&str> = cx
        .entries(root)
        .iter()
        .filter_map(|(k, _)| k.key_text())
        .filter(|k| *k != "type")
        .collect();
    model()
        .types
        .iter()
        .filter(|t| {
            keys.iter().all(|k| {
                model()
                    .root_objects(&t.name)
                    .iter()
                    .any(|o| o.property(k).is_some())
            })
        })
        .map(|t| t.name.as_str())
        .collect()
}

/// No `type:`: say so, and offer the types whose keys fit the document (at most three).
fn missing_type(cx: &mut Cx, root: &Node) {
    let fitting = fitting_types(cx, root);
    let range = cx.first_line(root.range);
    let mut d = Diagnostic::new(
        Severity::Error,
        "missing-type",
        range,
        "`type` is missing: dstack needs it to know what this configuration is (`task`, `service`, `dev-environment`, `fleet`, `gateway`, `volume` or `preset`)",
    );
    let indent = cx
        .text
        .get(..root.range.start as usize)
        .map_or(0, |t| t.len() - t.rfind('\n').map_or(0, |i| i + 1));
    let pad = " ".repeat(indent);
    for t in fitting.iter().take(3) {
        d = d.with_fix(
            format!("Add `type: {t}`"),
            TextRange::empty(root.range.start),
            format!("type: {t}\n{pad}"),
        );
    }
    cx.push(d);
}

/// The table entries of the named syntaxes among `shapes`, in order.
fn syntaxes(shapes: &[Shape]) -> impl Iterator<Item = Syntax> + '_ {
    shapes
        .iter()
        .filter_map(Shape::syntax)
        .filter_map(Syntax::from_name)
}

struct Walker<'c, 'a> {
    cx: &'c mut Cx<'a>,
    /// The property whose value is being checked, for messages (`""` at the top).
    key: &'static str,
}

/// How well a scalar fits one shape.
enum Fit {
    Yes,
    /// The YAML type is not this shape's at all.
    No,
    /// The right kind of value, but wrong; higher rank means more specific (better to report).
    Bad(u8, Diagnostic),
}

impl<'c, 'a> Walker<'c, 'a> {
    /// Checks `node` against alternatives `shapes`. `anchor` is where to report missing keys (the key
    /// that holds this value). `top` marks the document root.
    fn shape(&mut self, node: &'a Node, shapes: &'a [Shape], anchor: TextRange, top: bool) {
        let node = self.cx.resolve(node);
        match &node.kind {
            NodeKind::Error | NodeKind::Alias(_) => {}
            NodeKind::Mapping(_) => self.mapping(node, shapes, anchor, top),
            // `[8, 0]`: dstack's compute-capability parser takes the list form itself.
            NodeKind::Sequence(_) if syntaxes(shapes).any(|s| s == Syntax::ComputeCapability) => {
                if let Err(e) = bridge::check_syntax(Syntax::ComputeCapability, node, self.cx.parse)
                {
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

    fn mapping(&mut self, node: &'a Node, shapes: &'a [Shape], anchor: TextRange, top: bool) {
        let entries = self.cx.entries(node);
        let keys: Vec<&str> = entries.iter().filter_map(|(k, _)| k.key_text()).collect();
        // A CPU mapping with only `min`/`max` is a count range, not `{arch, count}`.
        if syntaxes(shapes).any(|s| s == Syntax::Cpu)
            && !keys.is_empty()
            && keys.iter().all(|k| *k == "min" || *k == "max")
        {
            if let Err(e) = bridge::check_syntax(Syntax::Cpu, node, self.cx.parse) {
                self.value_error(node, &e);
            }
            return;
        }
        // `{min, max}` ranges: the keys are checked by the model, the order by the range parser.
        if let Some(syn) = syntaxes(shapes).find(|s| s.has_range_mapping())
            && let Err(e) = bridge::check_syntax(syn, node, self.cx.parse)
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
                let tag_value = tag.and_then(|(_, v)| super::tree::str_value(v));
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
                        let shown = super::tree::scalar_text(v).unwrap_or_default();
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

    fn object(
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

    fn unknown_key(
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
                && let Some(pool) = super::tree::scalar_text(self.cx.resolve(value))
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

    fn scalar(&mut self, node: &'a Node, shapes: &'a [Shape]) {
        let Some(scalar) = node.as_scalar() else {
            return;
        };
        // Where dstack parses the value with its own validator (GPU, CPU, sizes, ranges, durations,
        // fleet nodes), numbers and booleans go through that parser too, not through plain `int`.
        if let Some(syn) = syntaxes(shapes).find(|s| s.is_whole_validator()) {
            if scalar.value == ScalarValue::Null && shapes.contains(&Shape::Null) {
                return;
            }
            if let Err(e) = bridge::check_syntax(syn, node, self.cx.parse) {
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

    fn fit(&self, node: &'a Node, value: &ScalarValue, shape: &Shape) -> Fit {
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
                        std::borrow::Cow::Owned(super::tree::scalar_text(node).unwrap_or_default())
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
                    && let Err(e) = bridge::check_syntax(syn, node, self.cx.parse)
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
    fn parses_only_strings(&self, syntax: Option<&str>) -> bool {
        syntax
            .and_then(Syntax::from_name)
            .is_some_and(Syntax::takes_only_strings)
            || self.key == "instances"
    }

    /// "`ide`" (or "the value" at the top), for messages.
    fn subject(&self) -> String {
        if self.key.is_empty() {
            "value".to_string()
        } else {
            format!("`{}`", self.key)
        }
    }

    fn subject_cap(&self) -> String {
        if self.key.is_empty() {
            "The value".to_string()
        } else {
            format!("`{}`", self.key)
        }
    }

    fn diag(&self, node: &Node, code: &'static str, message: String) -> Diagnostic {
        Diagnostic::new(
            Severity::Error,
            code,
            self.cx.first_line(node.range),
            message,
        )
    }

    fn error_diag(&self, node: &Node, e: &ValueError) -> Diagnostic {
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

    fn value_error(&mut self, node: &Node, e: &ValueError) {
        let d = self.error_diag(node, e);
        self.cx.push(d);
    }

    fn wrong_type(&mut self, node: &'a Node, shapes: &[Shape]) {
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

/// "an integer", "a `gpu` string", "one of …" (as it is).
fn with_article(desc: &str) -> String {
    if desc.starts_with("one of") {
        return desc.to_string();
    }
    let vowel = desc
        .trim_start_matches('`')
        .starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {desc}", if vowel { "an" } else { "a" })
}

fn fit_if(ok: bool) -> Fit {
    if ok { Fit::Yes } else { Fit::No }
}

fn article(name: &str) -> &'static str {
    match name {
        "integer" => "the integer",
        "number" => "the number",
        "boolean" => "the boolean",
        "date" => "the date",
        _ => "the string",
    }
}

fn one_of(names: &[&str]) -> String {
    if names.len() == 1 {
        format!("`{}`", names[0])
    } else {
        format!("one of {}", code_list(names))
    }
}

/// "`a`, `b` or `c`".
fn join_list(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., tail] => format!("{} {last} {tail}", rest.join(", ")),
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("a {one}"),
        [rest @ .., last] => format!("a {} or {last}", rest.join(", ")),
    }
}

fn describe_object(o: &Object, top: bool) -> String {
    if top {
        match &o.tag {
            Some(t) if t.key == "backend" => format!("a `{}` volume", t.value),
            _ => format!("a `{}`", o.id),
        }
    } else {
        format!("`{}`", o.title)
    }
}

/// pydantic's bound checks, with the message dstack users see.
fn bounds(
    v: f64,
    ge: Option<f64>,
    gt: Option<f64>,
    le: Option<f64>,
    lt: Option<f64>,
) -> Option<String> {
    let f = dstack_values::py::fmt_number;
    // NaN fails every bound, as in pydantic (`nan > 0` is false); infinity is an ordinary number.
    let nan = v.is_nan();
    if let Some(b) = ge.filter(|b| nan || v < *b) {
        return Some(format!("must be at least {}, got {}", f(b), f(v)));
    }
    if let Some(b) = gt.filter(|b| nan || v <= *b) {
        return Some(format!("must be greater than {}, got {}", f(b), f(v)));
    }
    if let Some(b) = le.filter(|b| nan || v > *b) {
        return Some(format!("must be at most {}, got {}", f(b), f(v)));
    }
    if let Some(b) = lt.filter(|b| nan || v >= *b) {
        return Some(format!("must be less than {}, got {}", f(b), f(v)));
    }
    None
}
