//! Completion: keys valid at the cursor, values for enums and dstack's own syntaxes, skeletons.
//!
//! Everything starts from the syntax crate's cursor context (key or value, the key path, the
//! partial token) and the model walk along that path ([`crate::walk`]); nothing else in the
//! document is visited, so the cost does not grow with the file.

use dstack_model::{Object, Property, Shape, ValueKind, model};
use dstack_syntax::{
    CursorContext, CursorKind, Node, NodeKind, PathSeg, TextRange, cursor_context,
};
use dstack_values::ValueCompletion;
use dstack_values::syntax::{Proposals, Syntax};
use std::collections::HashSet;

mod catalog_hints;
pub(crate) mod interpolation;

use catalog_hints::Hints;

use crate::config::AnalysisConfig;
use crate::docs::{property_markdown, type_markdown_for};
use crate::document::Document;
use crate::walk::{self, objects_for};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Property,
    Value,
    Enum,
    Snippet,
    Gpu,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// Text that replaces `replace`; a snippet with `$1`/`$0` tab stops when `is_snippet`.
    /// Continuation lines carry their full indentation: send the item with `insertTextMode: asIs`.
    pub insert_text: String,
    pub is_snippet: bool,
    pub replace: TextRange,
    pub sort_text: Option<String>,
    /// Shown struck through (deprecated keys and values).
    pub deprecated: bool,
    /// What the editor matches the typed text against, when it is not the label: a GPU count
    /// labelled `2` replaces the whole `A100:` token, so it must be filtered as `A100:2`.
    pub filter_text: Option<String>,
    /// After inserting, ask the editor to open completion again (a key whose values we offer:
    /// `type: `, enums, booleans, GPU specs…). LSP: `command: editor.action.triggerSuggest`.
    pub retrigger: bool,
}

pub(crate) fn warm_up(config: &AnalysisConfig) {
    catalog_hints::hints(config);
    dstack_values::gpu::complete("");
}

pub fn completions(doc: &Document, offset: u32, config: &AnalysisConfig) -> Vec<CompletionItem> {
    let hints = catalog_hints::hints(config);
    let offset = clamp_offset(&doc.text, offset);
    if in_second_document(doc, offset) {
        return Vec::new();
    }
    let ctx = cursor_context(&doc.text, &doc.parse, offset);
    let mut items = match ctx.kind {
        CursorKind::Comment => return Vec::new(),
        _ if is_blank(doc) => skeletons(&ctx),
        CursorKind::Key => key_completions(doc, &ctx, offset, &hints),
        CursorKind::Value => value_completions(doc, &ctx, &hints),
        CursorKind::Unknown => Vec::new(),
    };
    let mut seen = HashSet::new();
    items.retain(|i| seen.insert(i.label.clone()));
    // `key:` with no space yet: `key:A100` would be one plain scalar, so insert the space too.
    if ctx.kind == CursorKind::Value {
        for item in &mut items {
            let start = item.replace.start as usize;
            if start > 0 && doc.text.as_bytes().get(start - 1) == Some(&b':') {
                item.insert_text.insert(0, ' ');
            }
        }
    }
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    items
}

/// A file with nothing but comments and blank lines gets one skeleton per type.
fn is_blank(doc: &Document) -> bool {
    match &doc.parse.root {
        None => true,
        Some(n) => matches!(&n.kind, NodeKind::Scalar(s) if s.text.trim().is_empty()),
    }
}

/// dstack reads only the first YAML document: nothing is offered in a second one.
fn in_second_document(doc: &Document, offset: u32) -> bool {
    doc.parse
        .second_document()
        .is_some_and(|second| second.start <= offset)
}

fn skeletons(ctx: &CursorContext) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for (i, t) in model().types.iter().enumerate() {
        out.push(CompletionItem {
            label: format!("type: {}", t.name),
            kind: CompletionKind::Snippet,
            detail: Some(format!("new {} configuration", t.name)),
            documentation: type_markdown_for(&t.name)
                .map(|md| format!("{md}\n\n```yaml\n{}\n```", expand_snippet(&t.skeleton, ""))),
            insert_text: t.skeleton.clone(),
            is_snippet: true,
            replace: ctx.replace,
            sort_text: Some(format!("{i:04}")),
            deprecated: false,
            retrigger: false,
            filter_text: None,
        });
    }
    out
}

fn key_completions(
    doc: &Document,
    ctx: &CursorContext,
    offset: u32,
    hints: &Hints,
) -> Vec<CompletionItem> {
    let mut path = ctx.path.clone();
    let mut w = walk::walk(doc, &path);
    // Right after `- ` under a list key the item is not in the path yet: step into it.
    if ctx.after_dash
        && !matches!(path.last(), Some(PathSeg::Index(_)))
        && w.shapes.iter().any(|s| matches!(s, Shape::List { .. }))
    {
        let n = w.node.and_then(|n| n.as_sequence()).map_or(0, |s| s.len());
        path.push(PathSeg::Index(n));
        w = walk::walk(doc, &path);
    }
    let mapping = w.node.filter(|n| matches!(n.kind, NodeKind::Mapping(_)));
    let objects = objects_for(&doc.parse, &w.shapes, mapping, None);
    // Only mappings with known keys need this (a 15,000-key `env` mapping has none to offer).
    let present: HashSet<&str> = match mapping {
        Some(n) if !objects.is_empty() => present_keys(doc, n, offset),
        _ => HashSet::new(),
    };
    let after = doc.text.get(ctx.replace.end as usize..).unwrap_or("");
    let has_colon = after.trim_start_matches([' ', '\t']).starts_with(':');
    let in_flow = in_flow_collection(&doc.text, ctx.replace.start);
    let indent = " ".repeat(ctx.indent as usize + 2);
    let newline = line_ending(&doc.text, offset);

    let mut props: Vec<&'static Property> = Vec::new();
    for o in &objects {
        for p in &o.properties {
            if !p.hidden && !props.iter().any(|x| x.name == p.name) {
                props.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for (i, p) in props.iter().enumerate() {
        if present.contains(&p.name.as_str()) {
            continue;
        }
        let insert_text = if has_colon {
            p.name.clone()
        } else if in_flow {
            format!("{}: $0", p.name)
        } else {
            match p.value_kind() {
                ValueKind::Scalar => format!("{}: $0", p.name),
                ValueKind::Mapping => format!("{}:{newline}{indent}$0", p.name),
                ValueKind::List => format!("{}:{newline}{indent}- $0", p.name),
            }
        };
        // `type` first wherever it exists (top level, discriminated objects), then documented order.
        let rank = if p.name == "type" {
            0
        } else if p.deprecated.is_some() {
            9000 + i
        } else {
            i + 1
        };
        let mut key_path = path.clone();
        key_path.push(PathSeg::Key(p.name.clone()));
        out.push(CompletionItem {
            label: p.name.clone(),
            kind: CompletionKind::Property,
            detail: Some(if p.name == "type" && path.is_empty() {
                "configuration type".to_string()
            } else if let Some(tags) = tag_values(&objects, &p.name) {
                // A union's tag: the values of every variant, not only the first one's.
                format!("{}{tags}", if p.required { "required · " } else { "" })
            } else {
                short_forms(p)
            }),
            documentation: Some(property_markdown(doc, &key_path, p)),
            insert_text,
            is_snippet: !has_colon,
            replace: ctx.replace,
            sort_text: Some(format!("{rank:04}")),
            deprecated: p.deprecated.is_some(),
            retrigger: !has_colon && (p.name == "type" || offers_values(p)),
            filter_text: None,
        });
    }
    // A list item may also be a scalar (`- aws`, `- my-vol:/data`): offer those values too.
    if matches!(path.last(), Some(PathSeg::Index(_))) && present.is_empty() {
        if let Some(items) = reference_values(doc, ctx) {
            return items;
        }
        match region_values(doc, ctx, &w, true, hints) {
            Some(regions) => out.extend(regions),
            None => out.extend(values_for_shapes(&w.shapes, ctx, 5000, hints)),
        }
    }
    out
}

/// `openai|tgi` when `key` is the discriminator of the candidate objects (several variants).
fn tag_values(objects: &[&Object], key: &str) -> Option<String> {
    let values: Vec<&str> = objects
        .iter()
        .filter_map(|o| o.tag.as_ref())
        .filter(|t| t.key == key)
        .map(|t| t.value.as_str())
        .collect();
    (values.len() > 1).then(|| values.join("|"))
}

/// True when values for the key are offered right after `key: ` (enums, booleans, syntaxes).
fn offers_values(p: &Property) -> bool {
    p.value_kind() == ValueKind::Scalar
        && p.non_null_shapes().any(|s| match s {
            Shape::Enum { .. } | Shape::Boolean => true,
            Shape::String {
                syntax: Some(syn), ..
            } => Syntax::from_name(syn).is_some_and(|s| !matches!(s.proposals(), Proposals::None)),
            _ => false,
        })
}

/// The cursor's line has an unclosed `{` or `[` before `offset`: keys go inline there.
fn in_flow_collection(text: &str, offset: u32) -> bool {
    let before = text.get(..offset as usize).unwrap_or("");
    let line = before.rsplit(['\n', '\r']).next().unwrap_or("");
    let mut depth = 0i32;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth -= 1,
            (None, '#') => break,
            _ => {}
        }
    }
    depth > 0
}

/// Keys already written in the mapping (merged ones included), except the one being typed at the cursor.
fn present_keys<'d>(doc: &'d Document, mapping: &'d Node, offset: u32) -> HashSet<&'d str> {
    doc.parse
        .entries(mapping)
        .into_iter()
        .map(|(k, _)| k)
        .chain(
            mapping
                .as_mapping()
                .unwrap_or_default()
                .iter()
                .map(|e| &e.key),
        )
        .filter(|k| !k.range.contains_inclusive(offset))
        .filter_map(Node::key_text)
        .collect()
}

fn value_completions(doc: &Document, ctx: &CursorContext, hints: &Hints) -> Vec<CompletionItem> {
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
fn value_rule(path: &[PathSeg]) -> Option<fn(&str) -> bool> {
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

fn seconds(value: &str) -> Option<i128> {
    dstack_values::duration::parse(&dstack_values::Input::Str(value)).ok()
}

/// Inside an unclosed `${{`: the references the place accepts (`secrets.`, `run.args`, `env.NAME`…).
fn reference_values(doc: &Document, ctx: &CursorContext) -> Option<Vec<CompletionItem>> {
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
fn is_gpu_name_field(path: &[PathSeg]) -> bool {
    let keys = walk::key_names(path);
    keys.ends_with(&["gpu", "name"])
}

/// GPU names only (no counts or sizes), ranked like the shorthand's.
fn gpu_name_values(ctx: &CursorContext, hints: &Hints) -> Vec<CompletionItem> {
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
fn region_values(
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
fn item_read_as_mapping(
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

fn type_values(ctx: &CursorContext) -> Vec<CompletionItem> {
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
fn values_for_shapes(
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
fn syntax_values(syntax: Syntax, partial: &str) -> Vec<ValueCompletion> {
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

fn examples(syntax: &str, partial: &str) -> Vec<ValueCompletion> {
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

fn is_gpu_name(label: &str) -> bool {
    label.chars().next().is_some_and(char::is_alphabetic)
        && dstack_values::gpu_names::Vendor::from_token(label).is_none()
}

/// The replace range and the partial text of a value, without an opening quote.
fn value_span(ctx: &CursorContext) -> (TextRange, String) {
    let mut replace = ctx.replace;
    let mut partial = ctx.partial.clone();
    if let Some(rest) = partial
        .strip_prefix('"')
        .or_else(|| partial.strip_prefix('\''))
    {
        partial = rest.to_string();
        replace = TextRange::new(replace.start + 1, replace.end);
    }
    (replace, partial)
}

/// `gpu string | integer | mapping`: the accepted forms in a few words.
fn short_forms(p: &Property) -> String {
    let mut parts: Vec<String> = Vec::new();
    for s in p.non_null_shapes() {
        let word = match s {
            Shape::String {
                syntax: Some(syn), ..
            } => syn.clone(),
            Shape::String { .. } => "string".to_string(),
            Shape::Integer { .. } => "integer".to_string(),
            Shape::Number { .. } => "number".to_string(),
            Shape::Boolean => "boolean".to_string(),
            Shape::Null => continue,
            Shape::Enum { values, .. } => {
                let v: Vec<&str> = values.iter().take(4).map(|v| v.value.as_str()).collect();
                let more = if values.len() > 4 { "|…" } else { "" };
                format!("{}{more}", v.join("|"))
            }
            Shape::Object { .. } | Shape::Union { .. } | Shape::Map { .. } => "mapping".to_string(),
            Shape::List { .. } => "list".to_string(),
        };
        if !parts.contains(&word) {
            parts.push(word);
        }
    }
    let mut out = parts.join(" | ");
    if p.deprecated.is_some() {
        out = format!("deprecated · {out}");
    }
    if p.required {
        out = format!("required · {out}");
    }
    out
}

/// The start of a doc paragraph, up to the first clause, for a one-line detail.
fn short_doc(doc: &str) -> String {
    let end = doc.find([',', ':', '.', ';']).unwrap_or(doc.len());
    let clause = doc.get(..end).unwrap_or(doc).trim();
    if clause.chars().count() > 60 {
        let cut: String = clause.chars().take(59).collect();
        format!("{}…", cut.trim_end())
    } else {
        clause.to_string()
    }
}

/// A snippet as plain text: `${1:x}` → `x`, `${1|a,b|}` → `a`, `$1` → nothing, `$0` → `cursor`.
pub(crate) fn expand_snippet(s: &str, cursor: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        if let Some(body) = tail.strip_prefix('{') {
            let close = body.find('}').unwrap_or(body.len());
            let inner = &body[..close];
            let value = if let Some((_, v)) = inner.split_once(':') {
                v.to_string()
            } else if let Some((_, v)) = inner.split_once('|') {
                v.split([',', '|']).next().unwrap_or("").to_string()
            } else {
                String::new()
            };
            out.push_str(&value);
            rest = body.get(close + 1..).unwrap_or("");
        } else {
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            match &tail[..digits] {
                "" => out.push('$'),
                "0" => out.push_str(cursor),
                _ => {}
            }
            rest = &tail[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// The line break the document uses around `offset` (`\r\n` or `\n`), from the nearest line end.
fn line_ending(text: &str, offset: u32) -> &'static str {
    let at = offset as usize;
    let after = text.get(at..).and_then(|t| t.find('\n').map(|i| at + i));
    let before = text.get(..at).and_then(|t| t.rfind('\n'));
    match after.or(before) {
        Some(i) if i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
        _ => "\n",
    }
}

/// The offset clamped into the text and moved back to a character boundary.
fn clamp_offset(text: &str, offset: u32) -> u32 {
    let mut o = (offset as usize).min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    o as u32
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod exhaustive;
