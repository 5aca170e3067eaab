//! Values at the cursor: enums, dstack's own syntaxes, references, GPU names, regions, `type:`.

use dstack_model::{Shape, model};
use dstack_syntax::{CursorContext, PathSeg, TextRange};
use dstack_values::ValueCompletion;
use dstack_values::syntax::{Proposals, Syntax};

use super::catalog_hints::Hints;
use super::item::{CompletionItem, CompletionKind, short_doc, value_span};
use crate::docs::type_markdown_for;
use crate::document::Document;
use crate::interpolation;
use crate::walk::{self};

pub(super) fn value_completions(
    doc: &Document,
    ctx: &CursorContext,
    hints: &Hints,
) -> Vec<CompletionItem> {
    if let Some(items) = reference_values(doc, ctx) {
        return items;
    }
    if ctx.path.len() == 1 && ctx.path.first() == Some(&PathSeg::Key("type".to_string())) {
        return type_values(ctx);
    }
    let w = walk::walk(doc, &ctx.path);
    if is_gpu_name_field(&ctx.path) {
        return gpu_name_values(ctx, hints);
    }
    let is_item = matches!(ctx.path.last(), Some(PathSeg::Index(_)));
    if let Some(items) = region_values(doc, ctx, &w, is_item, hints) {
        return items;
    }
    if w.shapes.is_empty()
        && let Some(items) = item_read_as_mapping(doc, ctx, hints)
    {
        return items;
    }
    let mut items = values_for_shapes(&w.shapes, ctx, 0, hints);
    if let Some(allowed) = value_rule(&ctx.path) {
        items.retain(|i| allowed(&i.label));
    }
    items
}

/// dstack's extra limits on some values (rules beyond the grammar): proposals outside them are
/// dropped. `scaling.window` takes 30s, 60s or 300s; `utilization_policy.time_window` at least
/// 5 minutes; a probe `timeout` at most 300s (the server's limit); a `replicas` range needs a
/// maximum.
pub(super) fn value_rule(path: &[PathSeg]) -> Option<fn(&str) -> bool> {
    let keys = walk::key_names(path);
    match keys.as_slice() {
        [.., "scaling", "window"] => {
            Some(|v| seconds(v).is_none_or(|s| matches!(s, 30 | 60 | 300)))
        }
        [.., "utilization_policy", "time_window"] => Some(|v| seconds(v).is_none_or(|s| s >= 300)),
        [.., "probes", "timeout"] => Some(|v| seconds(v).is_none_or(|s| (1..=300).contains(&s))),
        [.., "replicas"] => Some(|v| !v.ends_with("..")),
        _ => None,
    }
}

pub(super) fn seconds(value: &str) -> Option<i128> {
    dstack_values::duration::parse(&dstack_values::Input::Str(value)).ok()
}

/// Inside an unclosed `${{`: the references the place accepts (`secrets.`, `run.args`, `env.NAME`…).
pub(super) fn reference_values(doc: &Document, ctx: &CursorContext) -> Option<Vec<CompletionItem>> {
    let cursor = ctx.replace.start + ctx.partial.len() as u32;
    let (start, typed) = interpolation::open_reference(&doc.text, cursor)?;
    let context = interpolation::context_for(doc, &ctx.path)?;
    let rest = doc.text.get(cursor as usize..).unwrap_or("");
    let closed = rest.trim_start().starts_with("}}");
    let items = dstack_values::interpolation::complete(typed, &context)
        .into_iter()
        .map(|c| {
            // `secrets.` wants a name after it; anything else is complete and gets closed.
            let insert = if closed || c.insert.ends_with('.') {
                c.insert.clone()
            } else {
                format!("{} }}}}", c.insert)
            };
            CompletionItem {
                label: c.label,
                kind: CompletionKind::Value,
                detail: Some(c.detail),
                documentation: None,
                insert_text: insert,
                is_snippet: false,
                replace: TextRange::new(start, cursor),
                sort_text: Some(format!("{:05}", c.sort)),
                deprecated: false,
                retrigger: false,
                filter_text: None,
            }
        })
        .collect();
    Some(items)
}

/// `resources.gpu.name` (or an item of its list) in the mapping form of `gpu`.
pub(super) fn is_gpu_name_field(path: &[PathSeg]) -> bool {
    let keys = walk::key_names(path);
    keys.ends_with(&["gpu", "name"])
}

/// GPU names only (no counts or sizes), ranked like the shorthand's.
pub(super) fn gpu_name_values(ctx: &CursorContext, hints: &Hints) -> Vec<CompletionItem> {
    // The shorthand's shape, taken from the model rather than spelled out here.
    let shorthand: Vec<&Shape> = model()
        .object("resources")
        .and_then(|o| o.property("gpu"))
        .map(|p| {
            p.shapes
                .iter()
                .filter(|s| s.syntax().and_then(Syntax::from_name) == Some(Syntax::Gpu))
                .collect()
        })
        .unwrap_or_default();
    let mut items = values_for_shapes(&shorthand, ctx, 0, hints);
    items.retain(|i| i.kind == CompletionKind::Gpu);
    items
}

/// `regions` items and `region` values: the regions the catalog knows for the document's
/// backends (`backends:` of a run or fleet, `backend:` of a volume or gateway).
pub(super) fn region_values(
    doc: &Document,
    ctx: &CursorContext,
    w: &walk::Walk<'_>,
    is_item: bool,
    hints: &Hints,
) -> Option<Vec<CompletionItem>> {
    let name = w.nearest_property?.name.as_str();
    if !(name == "regions" && is_item || name == "region" && !is_item) {
        return None;
    }
    let root = doc.parse.root.as_ref()?;
    let mut backends: Vec<&str> = Vec::new();
    if let Some(b) = walk::scalar_of_key(&doc.parse, root, "backend") {
        backends.push(b);
    }
    if let Some(list) = walk::child(&doc.parse, root, &PathSeg::Key("backends".to_string())) {
        for item in list.as_sequence().unwrap_or_default() {
            if let Some(s) = item.as_scalar() {
                backends.push(s.text.as_str());
            }
        }
    }
    let (replace, _) = value_span(ctx);
    let items = hints
        .regions(&backends)
        .into_iter()
        .enumerate()
        .map(|(i, (region, bs))| CompletionItem {
            label: region.clone(),
            kind: CompletionKind::Value,
            detail: Some(format!("{} region", bs.join(", "))),
            documentation: None,
            insert_text: region,
            is_snippet: false,
            replace,
            sort_text: Some(format!("{i:05}")),
            deprecated: false,
            retrigger: false,
            filter_text: None,
        })
        .collect();
    Some(items)
}

/// `- my-vol:` reads as a one-key mapping `{my-vol: null}` while the user is typing the string
/// `my-vol:/data`: complete the item's text as a value of the list instead.
pub(super) fn item_read_as_mapping(
    doc: &Document,
    ctx: &CursorContext,
    hints: &Hints,
) -> Option<Vec<CompletionItem>> {
    let [.., PathSeg::Index(_), PathSeg::Key(_)] = ctx.path.as_slice() else {
        return None;
    };
    let item_path = ctx.path.get(..ctx.path.len() - 1)?;
    let item = doc.parse.node_at_path(item_path)?;
    if item.as_mapping()?.len() != 1 {
        return None;
    }
    let start = item.range.start;
    let typed = doc.text.get(start as usize..ctx.replace.start as usize)?;
    if typed.contains('\n') {
        return None;
    }
    let item_ctx = CursorContext {
        partial: format!("{typed}{}", ctx.partial),
        replace: TextRange::new(start, ctx.replace.end),
        ..ctx.clone()
    };
    let w = walk::walk(doc, item_path);
    Some(values_for_shapes(&w.shapes, &item_ctx, 0, hints))
}

pub(super) fn type_values(ctx: &CursorContext) -> Vec<CompletionItem> {
    let (replace, _) = value_span(ctx);
    model()
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| CompletionItem {
            label: t.name.clone(),
            kind: CompletionKind::Enum,
            detail: Some(short_doc(&t.doc)),
            documentation: type_markdown_for(&t.name),
            insert_text: t.name.clone(),
            is_snippet: false,
            replace,
            sort_text: Some(format!("{i:04}")),
            deprecated: false,
            retrigger: false,
            filter_text: None,
        })
        .collect()
}

/// Enum values, booleans and values of dstack's syntaxes for the shapes a value may take.
pub(super) fn values_for_shapes(
    shapes: &[&Shape],
    ctx: &CursorContext,
    base: usize,
    hints: &Hints,
) -> Vec<CompletionItem> {
    let (replace, partial) = value_span(ctx);
    let mut out = Vec::new();
    let mut push = |label: String,
                    insert: String,
                    kind: CompletionKind,
                    detail: String,
                    sort: usize,
                    deprecated: bool| {
        out.push(CompletionItem {
            filter_text: (insert != label).then(|| insert.clone()),
            label,
            kind,
            detail: (!detail.is_empty()).then_some(detail),
            documentation: None,
            insert_text: insert,
            is_snippet: false,
            replace,
            sort_text: Some(format!("{sort:05}")),
            deprecated,
            retrigger: false,
        });
    };
    for (si, shape) in shapes.iter().enumerate() {
        let shape_base = base + si * 1000;
        match shape {
            Shape::Enum { values, .. } => {
                // No prefix filter: the editor filters (fuzzily) on the replaced text.
                for (i, v) in values.iter().enumerate() {
                    let sort = shape_base + if v.deprecated { 500 + i } else { i };
                    push(
                        v.value.clone(),
                        v.value.clone(),
                        CompletionKind::Enum,
                        v.doc.clone(),
                        sort,
                        v.deprecated,
                    );
                }
            }
            Shape::Boolean => {
                for (i, b) in ["true", "false"].iter().enumerate() {
                    push(
                        b.to_string(),
                        b.to_string(),
                        CompletionKind::Value,
                        String::new(),
                        shape_base + i,
                        false,
                    );
                }
            }
            Shape::String {
                syntax: Some(syntax),
                ..
            } => {
                let Some(syntax) = Syntax::from_name(syntax) else {
                    continue;
                };
                for c in syntax_values(syntax, &partial) {
                    let kind = if syntax == Syntax::Gpu && is_gpu_name(&c.label) {
                        CompletionKind::Gpu
                    } else {
                        CompletionKind::Value
                    };
                    // GPU names first, the ones with most offers in the catalog on top; then
                    // the other tokens (count, memory, vendor) in the values crate's order.
                    let rank = match (kind, hints.gpu_rank(&c.label)) {
                        (CompletionKind::Gpu, Some(r)) => r,
                        (CompletionKind::Gpu, None) => 300 + c.sort as usize,
                        _ => 600 + c.sort as usize,
                    };
                    push(c.label, c.insert, kind, c.detail, shape_base + rank, false);
                }
            }
            _ => {}
        }
    }
    out
}

/// Proposals for a syntax: its own completer's, or the model's examples (see the syntax table).
pub(crate) fn syntax_values(syntax: Syntax, partial: &str) -> Vec<ValueCompletion> {
    match syntax.proposals() {
        Proposals::None => Vec::new(),
        Proposals::Own(complete) => complete(partial),
        Proposals::Examples => examples(syntax.name(), partial),
        Proposals::OwnElseExamples(complete) => {
            let out = complete(partial);
            if out.is_empty() {
                examples(syntax.name(), partial)
            } else {
                out
            }
        }
    }
}

pub(super) fn examples(syntax: &str, partial: &str) -> Vec<ValueCompletion> {
    let Some(s) = model().syntax(syntax) else {
        return Vec::new();
    };
    s.examples
        .iter()
        .filter(|e| e.trim_matches('"').starts_with(partial))
        .enumerate()
        .map(|(i, e)| {
            let plain = e.trim_matches('"').to_string();
            ValueCompletion::new(plain, s.summary.clone(), 200 + i as u32)
        })
        .collect()
}

pub(super) fn is_gpu_name(label: &str) -> bool {
    label.chars().next().is_some_and(char::is_alphabetic)
        && dstack_values::gpu_names::Vendor::from_token(label).is_none()
}
