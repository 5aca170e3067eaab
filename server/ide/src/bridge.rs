//! The bridge between the YAML tree and `dstack-values`: turn nodes into parser inputs for the
//! syntax table ([`dstack_values::syntax`]) and map error ranges back to the document.
//!
//! Diagnostics and hover both go through here, so a value is judged and explained the same way everywhere.

use dstack_syntax::{Node, NodeKind, Parse, TextRange};
use dstack_values::syntax::Source;
pub use dstack_values::syntax::{Parsed, Syntax};
use dstack_values::{Input, Value, ValueError};

use crate::expansion::Expansion;

/// The scalar under `node` as a parser input (`None` for mappings, lists and errors).
pub fn input(node: &Node) -> Option<Input<'_>> {
    node.as_scalar().map(|s| Input::from_scalar(&s.value))
}

/// Most values one conversion of a value syntax produces (see [`crate::expansion`]): far above
/// any real `gpu` or `ports` value, and small enough that no file makes conversions slow.
pub const VALUE_LIMIT: usize = crate::expansion::ALIAS_LIMIT;
/// Most values of a whole configuration converted for a live server's request body.
pub const BODY_LIMIT: usize = crate::expansion::DOCUMENT_LIMIT;

/// The whole node as an owned value tree (aliases and merge keys resolved, depth-bounded). What
/// expands to more than [`VALUE_LIMIT`] values is cut short: use [`value_of`] to know.
pub fn to_value(parse: &Parse, node: &Node) -> Value {
    let mut budget = VALUE_LIMIT;
    build(parse, &Expansion::default(), node, &mut budget, 0).unwrap_or_else(Value::null)
}

/// The node as an owned value, or `None` when it expands to more than [`VALUE_LIMIT`] values or
/// through an alias `plan` blocks.
pub fn value_of(parse: &Parse, plan: &Expansion, node: &Node) -> Option<Value> {
    to_value_within(parse, plan, node, VALUE_LIMIT)
}

/// The node as an owned value within `limit` values, not following the aliases `plan` blocks;
/// `None` past the limit or at a blocked alias.
pub fn to_value_within(
    parse: &Parse,
    plan: &Expansion,
    node: &Node,
    limit: usize,
) -> Option<Value> {
    let mut budget = limit;
    build(parse, plan, node, &mut budget, 0)
}

/// What one scalar costs: one value, plus one per 64 bytes (a long string repeated by aliases
/// costs memory too).
fn cost(text: &str) -> usize {
    1 + text.len() / 64
}

fn spend(budget: &mut usize, n: usize) -> Option<()> {
    *budget = budget.checked_sub(n)?;
    Some(())
}

fn build(
    parse: &Parse,
    plan: &Expansion,
    node: &Node,
    budget: &mut usize,
    depth: usize,
) -> Option<Value> {
    if plan.is_blocked(node) {
        return None;
    }
    let node = parse.resolve(node);
    if depth > 64 {
        return Some(Value::null());
    }
    Some(match &node.kind {
        NodeKind::Scalar(s) => {
            spend(budget, cost(&s.text))?;
            Value::Scalar(s.value.clone())
        }
        NodeKind::Sequence(items) => {
            spend(budget, 1)?;
            let mut out = Vec::with_capacity(items.len().min(*budget));
            for n in items {
                out.push(build(parse, plan, n, budget, depth + 1)?);
            }
            Value::Seq(out)
        }
        NodeKind::Mapping(_) => {
            spend(budget, 1)?;
            let mut out = Vec::new();
            for (k, v) in parse.entries(node) {
                let key = k.key_text().unwrap_or_default();
                spend(budget, cost(key))?;
                out.push((key.to_string(), build(parse, plan, v, budget, depth + 1)?));
            }
            Value::Map(out)
        }
        NodeKind::Alias(_) | NodeKind::Error => {
            spend(budget, 1)?;
            Value::null()
        }
    })
}

/// A document node as the syntax table sees it: the resolved node's scalar, or its tree on demand.
/// Aliases the document's expansion plan blocks are not followed here either: a file that spent
/// its alias budget must not buy it again one value syntax at a time.
pub struct NodeSource<'a> {
    parse: &'a Parse,
    plan: &'a Expansion,
    node: &'a Node,
}

impl<'a> NodeSource<'a> {
    pub fn new(parse: &'a Parse, plan: &'a Expansion, node: &'a Node) -> NodeSource<'a> {
        NodeSource {
            parse,
            plan,
            node: plan.resolve(parse, node),
        }
    }
}

impl Source for NodeSource<'_> {
    fn scalar(&self) -> Option<Input<'_>> {
        input(self.node)
    }
    fn tree(&self) -> Value {
        // Past the limit or at a blocked alias: null, which no mapping form accepts quietly
        // ([`check_syntax`] builds the tree itself first, so diagnostics never see it).
        to_value_within(self.parse, self.plan, self.node, VALUE_LIMIT).unwrap_or_else(Value::null)
    }
}

/// Checks `node` against `syntax` (mapping and list forms where dstack has them).
pub fn check_syntax(
    syntax: Syntax,
    node: &Node,
    parse: &Parse,
    plan: &Expansion,
) -> Result<Parsed, ValueError> {
    let source = NodeSource::new(parse, plan, node);
    if source.scalar().is_some() {
        return syntax.parse(&source);
    }
    // A value that expands past the limit or through a blocked alias is not judged (the alias
    // gets a warning instead); one that fits is built once and judged as built.
    match value_of(parse, plan, source.node) {
        Some(tree) => syntax.parse(&Built(tree)),
        None => Ok(Parsed::Valid),
    }
}

/// A mapping or list form already built within the budget: no scalar, the tree as it is.
struct Built(Value);

impl Source for Built {
    fn scalar(&self) -> Option<Input<'_>> {
        None
    }
    fn tree(&self) -> Value {
        self.0.clone()
    }
}

/// The node an error is about: `node` itself, or the sub-node its path names inside a mapping or
/// list form (`count` of `gpu: {count: …}`). Stops at the deepest node that exists.
pub fn error_node<'a>(parse: &'a Parse, node: &'a Node, err: &ValueError) -> &'a Node {
    use dstack_values::PathPart;
    let mut current = parse.resolve(node);
    for part in &err.path {
        let next = match part {
            PathPart::Key(k) => parse
                .entries(current)
                .into_iter()
                .rev()
                .find(|(key, _)| key.key_text() == Some(k.as_str()))
                .map(|(_, v)| v),
            PathPart::Index(i) => current.as_sequence().and_then(|items| items.get(*i)),
        };
        match next {
            Some(n) => current = parse.resolve(n),
            None => break,
        }
    }
    current
}

/// The document range an error points at: its sub-range of the (sub-)scalar when that scalar is
/// verbatim in the source, else the whole node.
pub fn error_range(parse: &Parse, node: &Node, err: &ValueError) -> TextRange {
    let node = error_node(parse, node, err);
    match err.range {
        Some((s, e)) if node.as_scalar().is_some_and(|sc| sc.verbatim) => {
            let r = node.sub_range(s, e.max(s));
            if r.is_empty() { node.range } else { r }
        }
        _ => node.range,
    }
}

/// The edit that applies an error's suggested fix, if it has one: the sub-range of a verbatim scalar,
/// or the whole scalar (re-quoted when the original was quoted, so a string stays a string).
pub fn error_fix(parse: &Parse, node: &Node, err: &ValueError) -> Option<(TextRange, String)> {
    let fix = err.fix.as_ref()?;
    let node = error_node(parse, node, err);
    let scalar = node.as_scalar()?;
    match err.range {
        Some(_) if scalar.verbatim => Some((error_range(parse, node, err), fix.clone())),
        Some(_) => None,
        None if scalar.style == dstack_syntax::ScalarStyle::Plain => {
            Some((node.range, fix.clone()))
        }
        None => Some((node.range, format!("{fix:?}"))),
    }
}

/// The message of an error with its example appended, the way diagnostics show it.
pub fn error_message(err: &ValueError) -> String {
    match err.example {
        Some(ex) if !err.message.contains(ex) => format!("{}; for example `{ex}`", err.message),
        _ => err.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use dstack_model::{Shape, model};
    use dstack_values::syntax::{Source, Syntax};

    use super::{NodeSource, Parsed, Value, check_syntax, value_of};
    use crate::expansion::Expansion;

    /// Once a file has spent its alias budget, a `gpu` mapping whose alias comes later costs
    /// nothing: the value syntax sees the alias unexpanded instead of a 9,000-value tree.
    #[test]
    fn value_syntaxes_do_not_follow_blocked_aliases() {
        let items = vec!["x"; 8999].join(", ");
        let uses = vec!["*big"; 200].join(", ");
        let text = format!(
            "type: task\na: &big [{items}]\nb: [{uses}]\nresources:\n  gpu:\n    name: *big\n"
        );
        let parse = dstack_syntax::parse(&text);
        let plan = Expansion::compute(&parse);
        assert!(!plan.is_complete());
        let root = parse.root.as_ref().expect("a mapping");
        let value = |map, key: &str| {
            parse
                .entries(map)
                .into_iter()
                .find(|(k, _)| k.key_text() == Some(key))
                .map(|(_, v)| v)
                .expect("the key")
        };
        let gpu = value(value(root, "resources"), "gpu");
        let name = value(gpu, "name");
        assert!(plan.is_blocked(name), "the budget is spent before `gpu`");
        // (`assert!`, not `assert_eq!`: a failure would print 9,000 values.)
        assert!(NodeSource::new(&parse, &plan, gpu).tree() == Value::null());
        assert!(value_of(&parse, &plan, gpu).is_none());
        assert_eq!(
            check_syntax(Syntax::Gpu, gpu, &parse, &plan),
            Ok(Parsed::Valid)
        );
        // The same mapping in a file with its budget left is converted as before.
        let whole = Expansion::default();
        assert!(NodeSource::new(&parse, &whole, gpu).tree() != Value::null());
    }

    /// Every syntax the model names (in its list and on any property) is in the table, and every
    /// table entry is in the model: an unknown name would otherwise accept every value silently.
    #[test]
    fn the_models_syntaxes_are_the_tables() {
        let listed: Vec<&str> = model().syntaxes.iter().map(|s| s.name.as_str()).collect();
        let table: Vec<&str> = Syntax::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(
            listed, table,
            "the model's syntax list and the table differ"
        );
        let mut used: Vec<&str> = Vec::new();
        let mut stack: Vec<&Shape> = model()
            .objects
            .iter()
            .flat_map(|o| &o.properties)
            .flat_map(|p| &p.shapes)
            .collect();
        while let Some(shape) = stack.pop() {
            used.extend(shape.syntax());
            match shape {
                Shape::List { items, .. } => stack.extend(items),
                Shape::Map { values, key_syntax } => {
                    stack.extend(values);
                    used.extend(key_syntax.as_deref());
                }
                _ => {}
            }
        }
        let unknown: Vec<&&str> = used
            .iter()
            .filter(|n| Syntax::from_name(n).is_none())
            .collect();
        assert!(
            unknown.is_empty(),
            "syntaxes missing from the table: {unknown:?}"
        );
    }
}
