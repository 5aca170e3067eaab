//! The bridge between the YAML tree and `dstack-values`: turn nodes into parser inputs, dispatch a model
//! syntax name (`gpu`, `duration`, …) to its parser and describer, and map error ranges back to the document.
//!
//! Diagnostics and hover both go through here, so a value is judged and explained the same way everywhere.

use dstack_syntax::{Node, NodeKind, Parse, TextRange};
use dstack_values::cpu::CpuSpec;
use dstack_values::duration::Setting;
use dstack_values::gpu::GpuSpec;
use dstack_values::range::{IntRange, MemoryRange};
use dstack_values::{Input, Value, ValueError};

use crate::expansion::Expansion;

/// What a syntax parser made of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Gpu(GpuSpec),
    Cpu(CpuSpec),
    /// A size in GB.
    Memory(f64),
    MemoryRange(MemoryRange),
    IntRange(IntRange),
    /// A plain duration in seconds.
    Seconds(i128),
    /// An off-able or idle duration.
    Duration(Setting),
    ComputeCapability((i128, i128)),
    Port(dstack_values::ports::PortMapping),
    ServicePort(dstack_values::ports::PortMapping),
    Mount(dstack_values::volume::MountPoint),
    Env(dstack_values::env::EnvVar),
    User(dstack_values::user::UnixUser),
    Repo(dstack_values::repos::RepoSpec),
    File(dstack_values::files::FileMapping),
    Reference(dstack_values::entity_ref::EntityRef),
    FleetNodes(dstack_values::nodes::FleetNodes),
    Cron(String),
    /// Valid; nothing more specific to report.
    Valid,
}

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
/// expands to more than [`VALUE_LIMIT`] values is cut short: check [`fits`] first (the value
/// syntaxes do) or use [`value_of`].
pub fn to_value(parse: &Parse, node: &Node) -> Value {
    let mut budget = VALUE_LIMIT;
    build(parse, &Expansion::default(), node, &mut budget, 0).unwrap_or_else(Value::null)
}

/// The node as an owned value, or `None` when it expands to more than [`VALUE_LIMIT`] values.
pub fn value_of(parse: &Parse, node: &Node) -> Option<Value> {
    to_value_within(parse, &Expansion::default(), node, VALUE_LIMIT)
}

/// True when the node expands to at most [`VALUE_LIMIT`] values (counted, not built).
pub fn fits(parse: &Parse, node: &Node) -> bool {
    let mut budget = VALUE_LIMIT;
    count(parse, node, &mut budget, 0)
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

fn count(parse: &Parse, node: &Node, budget: &mut usize, depth: usize) -> bool {
    let node = parse.resolve(node);
    if depth > 64 {
        return true;
    }
    match &node.kind {
        NodeKind::Scalar(s) => spend(budget, cost(&s.text)).is_some(),
        NodeKind::Sequence(items) => {
            spend(budget, 1).is_some() && items.iter().all(|n| count(parse, n, budget, depth + 1))
        }
        NodeKind::Mapping(_) => {
            spend(budget, 1).is_some()
                && parse.entries(node).into_iter().all(|(k, v)| {
                    spend(budget, cost(k.key_text().unwrap_or_default())).is_some()
                        && count(parse, v, budget, depth + 1)
                })
        }
        NodeKind::Alias(_) | NodeKind::Error => spend(budget, 1).is_some(),
    }
}

/// Checks `node` against the named syntax. Mapping forms are handled where dstack has them (`gpu`,
/// `cpu`, ranges, `compute-capability`); a syntax this build does not know is accepted.
pub fn check_syntax(syntax: &str, node: &Node, parse: &Parse) -> Result<Parsed, ValueError> {
    use dstack_values::{compute_capability, cpu, duration, gpu, memory, nodes, ports, range};
    let node = parse.resolve(node);
    let scalar = input(node);
    // A value that expands past the limit is not judged (the alias gets a warning instead).
    if scalar.is_none() && !fits(parse, node) {
        return Ok(Parsed::Valid);
    }
    match (syntax, scalar) {
        ("gpu", Some(i)) => gpu::parse(&i).map(Parsed::Gpu),
        ("gpu", None) => gpu::parse_value(&to_value(parse, node)).map(Parsed::Gpu),
        ("cpu", Some(i)) => cpu::parse(&i).map(Parsed::Cpu),
        ("cpu", None) => cpu::parse_value(&to_value(parse, node)).map(Parsed::Cpu),
        ("memory", Some(i)) => memory::parse(&i).map(Parsed::Memory),
        ("memory-range", Some(i)) => range::parse_memory(&i).map(Parsed::MemoryRange),
        ("memory-range", None) => {
            range::parse_memory_value(&to_value(parse, node)).map(Parsed::MemoryRange)
        }
        ("int-range", Some(i)) => range::parse_int(&i).map(Parsed::IntRange),
        ("int-range", None) => range::parse_int_value(&to_value(parse, node)).map(Parsed::IntRange),
        ("duration", Some(i)) => duration::parse(&i).map(Parsed::Seconds),
        ("off-duration", Some(i)) => duration::parse_offable(&i).map(Parsed::Duration),
        ("idle-duration", Some(i)) => duration::parse_idle(&i).map(Parsed::Duration),
        ("compute-capability", Some(i)) => {
            compute_capability::parse(&i).map(Parsed::ComputeCapability)
        }
        ("compute-capability", None) => {
            compute_capability::parse_value(&to_value(parse, node)).map(Parsed::ComputeCapability)
        }
        ("port-mapping", Some(i)) => ports::parse(&i).map(Parsed::Port),
        ("port-mapping", None) => ports::parse_value(&to_value(parse, node)).map(Parsed::Port),
        ("service-port", _) => {
            ports::parse_service_port(&to_value(parse, node)).map(Parsed::ServicePort)
        }
        ("fleet-nodes", _) => nodes::parse_value(&to_value(parse, node)).map(Parsed::FleetNodes),
        (_, Some(i)) => string_syntax(syntax, &i),
        (_, None) => Ok(Parsed::Valid),
    }
}

/// The string syntaxes. Numbers reach string fields as their text (pydantic's `coerce_numbers_to_str`).
fn string_syntax(syntax: &str, input: &Input) -> Result<Parsed, ValueError> {
    use dstack_values::{entity_ref, enums, env, files, names, repos, schedule, user, volume};
    let owned;
    let s: &str = match *input {
        Input::Str(s) => s,
        Input::Int(i) => {
            owned = i.to_string();
            &owned
        }
        Input::Float(f) => {
            owned = dstack_values::py::py_float_repr(f);
            &owned
        }
        _ => return Ok(Parsed::Valid),
    };
    let text = Input::Str(s);
    match syntax {
        "volume-mount" => volume::parse(&text).map(Parsed::Mount),
        "env" => env::parse_item(&text).map(Parsed::Env),
        "entity-ref" => entity_ref::parse(&text).map(Parsed::Reference),
        "user" => user::parse(&text).map(Parsed::User),
        "cron" => schedule::check_cron(s).map(|()| Parsed::Cron(s.to_string())),
        "repo" => repos::parse(&text).map(Parsed::Repo),
        "file-mapping" => files::parse(&text).map(Parsed::File),
        "group-name" => names::check_group_name(s).map(|()| Parsed::Valid),
        "shell" => enums::check_shell(&text).map(|()| Parsed::Valid),
        _ => crate::diagnostics::check_local_syntax(syntax, s).map(|()| Parsed::Valid),
    }
}

/// What dstack will understand from a valid value, in words, for hovers (`None` when invalid, when
/// there is nothing to add, or for `entity-ref`, whose wording depends on what is referenced).
pub fn describe(syntax: &str, node: &Node, parse: &Parse) -> Option<String> {
    use dstack_values::{compute_capability, cpu, duration, gpu, memory, range};
    Some(match check_syntax(syntax, node, parse).ok()? {
        Parsed::Gpu(spec) => gpu::describe(&spec),
        Parsed::Cpu(spec) => cpu::describe(&spec),
        Parsed::Memory(gb) => memory::describe(gb),
        Parsed::MemoryRange(r) => range::describe_memory(&r),
        Parsed::IntRange(r) => range::describe_int(&r),
        Parsed::Seconds(s) => duration::describe(s),
        Parsed::Duration(s) => duration::describe_setting(s),
        Parsed::ComputeCapability(cc) => compute_capability::describe(cc),
        Parsed::Port(p) => dstack_values::ports::describe(&p),
        Parsed::ServicePort(p) => dstack_values::ports::describe_service(&p),
        Parsed::Mount(m) => dstack_values::volume::describe(&m),
        Parsed::Env(e) => dstack_values::env::describe(&e),
        Parsed::User(u) => dstack_values::user::describe(&u),
        Parsed::Repo(r) => dstack_values::repos::describe(&r),
        Parsed::File(f) => dstack_values::files::describe(&f),
        // A reference reads "gateway `x`" or "fleet `x`": the caller knows which.
        Parsed::Reference(_) => return None,
        Parsed::FleetNodes(n) => dstack_values::nodes::describe(&n),
        Parsed::Cron(c) => dstack_values::schedule::describe(&c),
        Parsed::Valid => return None,
    })
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
