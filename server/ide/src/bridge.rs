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
    /// Valid; nothing more specific to report.
    Valid,
}

/// The scalar under `node` as a parser input (`None` for mappings, lists and errors).
pub fn input(node: &Node) -> Option<Input<'_>> {
    node.as_scalar().map(|s| Input::from_scalar(&s.value))
}

/// The whole node as an owned value tree (aliases and merge keys resolved, depth-bounded).
pub fn to_value(parse: &Parse, node: &Node) -> Value {
    to_value_depth(parse, node, 0)
}

fn to_value_depth(parse: &Parse, node: &Node, depth: usize) -> Value {
    let node = parse.resolve(node);
    if depth > 64 {
        return Value::null();
    }
    match &node.kind {
        NodeKind::Scalar(s) => Value::Scalar(s.value.clone()),
        NodeKind::Sequence(items) => Value::Seq(
            items
                .iter()
                .map(|n| to_value_depth(parse, n, depth + 1))
                .collect(),
        ),
        NodeKind::Mapping(_) => Value::Map(
            parse
                .entries(node)
                .into_iter()
                .map(|(k, v)| {
                    (
                        k.key_text().unwrap_or_default().to_string(),
                        to_value_depth(parse, v, depth + 1),
                    )
                })
                .collect(),
        ),
        NodeKind::Alias(_) | NodeKind::Error => Value::null(),
    }
}

/// Checks `node` against the named syntax. Mapping forms are handled where dstack has them (`gpu`,
/// `cpu`, ranges, `compute-capability`); a syntax this build does not know is accepted.
pub fn check_syntax(syntax: &str, node: &Node, parse: &Parse) -> Result<Parsed, ValueError> {
    use dstack_values::{compute_capability, cpu, duration, gpu, memory, range};
    let node = parse.resolve(node);
    let scalar = input(node);
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
        (_, Some(i)) => crate::diagnostics::check_local_syntax(syntax, &i).map(|()| Parsed::Valid),
        (_, None) => Ok(Parsed::Valid),
    }
}

/// What dstack will understand from a valid value, in words, for hovers (`None` when invalid or
/// when there is nothing to add).
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
        Parsed::Valid => return None,
    })
}

/// The document range an error points at: its sub-range of the scalar when the scalar is verbatim
/// in the source, else the whole node (first line only for blocks).
pub fn error_range(node: &Node, err: &ValueError) -> TextRange {
    match err.range {
        Some((s, e)) if node.as_scalar().is_some_and(|sc| sc.verbatim) => {
            let r = node.sub_range(s, e.max(s));
            if r.is_empty() { node.range } else { r }
        }
        _ => node.range,
    }
}

/// The message of an error with its example appended, the way diagnostics show it.
pub fn error_message(err: &ValueError) -> String {
    match err.example {
        Some(ex) if !err.message.contains(ex) => format!("{}; for example `{ex}`", err.message),
        _ => err.message.clone(),
    }
}
