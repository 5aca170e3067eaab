//! Offer previews: what a configuration would be offered, from the catalog in
//! [`AnalysisConfig`] (the embedded one by default) and the server's backend settings.
//!
//! * [`requirements`] reads `resources` and the profile fields of a run or fleet through the same
//!   `dstack-values` parsers diagnostics use, and resolves them with `dstack-offers`;
//! * [`offers_for`] runs the matcher, [`code_lenses`] puts "N offers · from $X/h" on `resources:`,
//!   and [`hover_section`] adds the cheapest offers to hovers on `resources`, `gpu`, `cpu`,
//!   `memory` and `disk`.
//!
//! A configuration dstack would reject (any error diagnostic) gets no offers: the lens says so
//! and hover adds nothing (the diagnostic already explains).

use dstack_offers::{
    Blocks, Catalog, FleetContext, OfferList, OfferView, Profile, Requirements, ResourcesSpec,
    RunContext, SpotPolicy, format_price, match_offers,
};
use dstack_syntax::{Node, Parse, PathSeg, ScalarValue};
use dstack_values::{Input, Value};

use crate::bridge;
use crate::config::AnalysisConfig;
use crate::config_type::ConfigType;
use crate::diagnostic::Severity;
use crate::document::Document;
use crate::expansion::Expansion;
use crate::offer_query::OfferQuery;
use crate::walk;
use crate::walk::HoverTarget;
use dstack_syntax::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct CodeLens {
    pub range: TextRange,
    pub title: String,
}

/// Rows shown in a hover table.
const HOVER_ROWS: usize = 5;

/// The catalog previews use.
pub fn catalog(config: &AnalysisConfig) -> &Catalog {
    config
        .catalog
        .as_deref()
        .unwrap_or_else(|| Catalog::embedded_shared())
}

/// The offer query of a run (dev-environment, task, service) or fleet. `Err` says why there is
/// none: another configuration type, or an error dstack would reject the file for.
///
/// Hover and lens ask for the same version many times, and the rejection check runs every
/// diagnostic (milliseconds on a 50,000-line file), so the answer is kept on the document, with
/// the diagnostics settings it depends on (the catalog and backends only matter later, when
/// offers are matched).
pub fn requirements(doc: &Document, config: &AnalysisConfig) -> Result<OfferQuery, String> {
    if let Some(q) = doc.cached_requirements(config.diagnostics) {
        return q;
    }
    let diags = crate::diagnostics::diagnostics(doc, config);
    let q = compute_requirements(doc, config, &diags);
    doc.remember_requirements(config.diagnostics, &q);
    q
}

/// Fills the query cache from diagnostics the caller already computed for this document under
/// `config` (the server does so after publishing them), so the next hover or lens does not run
/// them again.
pub fn prime(
    doc: &Document,
    config: &AnalysisConfig,
    diagnostics: &[crate::diagnostic::Diagnostic],
) {
    let q = compute_requirements(doc, config, diagnostics);
    doc.remember_requirements(config.diagnostics, &q);
}

fn compute_requirements(
    doc: &Document,
    config: &AnalysisConfig,
    diagnostics: &[crate::diagnostic::Diagnostic],
) -> Result<OfferQuery, String> {
    if doc.text.len() > config.diagnostics.max_file_size {
        return Err(format!(
            "the file is larger than {} bytes (`dstack.maxFileSize`), so it is not analysed",
            config.diagnostics.max_file_size
        ));
    }
    let Some(ty) = crate::document::config_type(doc) else {
        return Err("offers need a `type:` (dev-environment, task, service or fleet)".into());
    };
    if !matches!(
        ty,
        ConfigType::DevEnvironment | ConfigType::Task | ConfigType::Service | ConfigType::Fleet
    ) {
        return Err(format!(
            "a {} configuration has no offers (only runs and fleets do)",
            ty.name()
        ));
    }
    if let Some(d) = diagnostics.iter().find(|d| d.severity == Severity::Error) {
        let line = line_of(&doc.text, d.range.start);
        return Err(format!(
            "dstack would reject this configuration (line {line}): {}",
            d.message
        ));
    }
    if !doc.expansion().is_complete() {
        return Err(
            "an alias in this file expands to more values than dstack-lsp follows, so its requirements are not known"
                .into(),
        );
    }
    let parse = &doc.parse;
    let plan = doc.expansion();
    let Some(root) = parse.root.as_ref() else {
        return Err("the file is empty".into());
    };
    let profile = profile_of(parse, plan, root, None);
    if ty == ConfigType::Fleet {
        if child(parse, root, "ssh_config").is_some_and(|n| !is_null(n)) {
            return Err("an SSH fleet runs on your own hosts; it has no cloud offers".into());
        }
        let resources = child(parse, root, "resources").filter(|n| !is_null(n));
        let res = resources.map(|n| resources_of(parse, plan, n));
        let nodes = child(parse, root, "nodes")
            .filter(|n| !is_null(n))
            .and_then(|n| bridge::value_of(parse, plan, n))
            .and_then(|v| dstack_values::nodes::parse_value(&v).ok());
        let blocks = match child(parse, root, "blocks").and_then(bridge::input) {
            Some(i) => match dstack_values::enums::parse_blocks(&i) {
                Ok(None) => Blocks::Auto,
                Ok(Some(n)) => Blocks::Count(u32::try_from(n).unwrap_or(u32::MAX)),
                Err(_) => Blocks::Count(1),
            },
            None => Blocks::Count(1),
        };
        let fleet = FleetContext {
            cluster: scalar_text(child(parse, root, "placement")) == Some("cluster"),
            zero_nodes: nodes.is_some_and(|n| n.target == 0),
            blocks,
        };
        return Ok(OfferQuery {
            requirements: Requirements::for_fleet(res.as_ref(), &profile, &fleet),
            resources_key: key_range(parse, Some(root), "resources"),
            group: None,
        });
    }
    // Runs: with `groups` (or a list under `replicas`), the first group's settings win.
    let groups = child(parse, root, "groups")
        .or_else(|| child(parse, root, "replicas"))
        .and_then(Node::as_sequence)
        .filter(|g| !g.is_empty());
    let group = groups.and_then(|g| g.first()).map(|g| parse.resolve(g));
    let pick = |key: &str| -> Option<&Node> {
        group
            .and_then(|g| child(parse, g, key))
            .filter(|n| !is_null(n))
            .or_else(|| child(parse, root, key).filter(|n| !is_null(n)))
    };
    let res_node = match group {
        Some(g) => child(parse, g, "resources").filter(|n| !is_null(n)),
        None => child(parse, root, "resources").filter(|n| !is_null(n)),
    };
    let res = res_node
        .map(|n| resources_of(parse, plan, n))
        .unwrap_or_default();
    let profile = profile_of(parse, plan, root, group);
    let mut run = RunContext {
        image: scalar_text(pick("image")).map(str::to_string),
        docker: scalar_bool(pick("docker")),
        privileged: scalar_bool(pick("privileged")),
        nodes: 1,
        ..RunContext::default()
    };
    if ty == ConfigType::Task {
        let nodes = pick("nodes").and_then(bridge::input).and_then(|i| match i {
            Input::Int(n) => Some(n),
            Input::Str(s) => s.trim().parse().ok(),
            _ => None,
        });
        run.nodes = nodes.map_or(1, |n| u32::try_from(n.max(1)).unwrap_or(u32::MAX));
    }
    run.instance_mounts = pick("volumes")
        .and_then(Node::as_sequence)
        .unwrap_or(&[])
        .iter()
        .filter(|v| !doc.expansion().is_blocked(v))
        .filter_map(|v| bridge::value_of(parse, plan, v))
        .filter_map(|v| dstack_values::volume::parse_value(&v).ok())
        .any(|m| {
            matches!(
                m,
                dstack_values::volume::MountPoint::Instance {
                    optional: false,
                    ..
                }
            )
        });
    let requirements = Requirements::for_run(&res, &profile, &run).map_err(|e| e.message)?;
    let group_name = group.map(|g| {
        scalar_text(child(parse, g, "name"))
            .map(|n| format!("`{n}`"))
            .unwrap_or_else(|| "0".to_string())
    });
    Ok(OfferQuery {
        requirements,
        resources_key: match group {
            Some(g) => key_range(parse, Some(g), "resources"),
            None => key_range(parse, Some(root), "resources"),
        },
        group: group_name,
    })
}

/// The offers a configuration would get, cheapest first.
pub fn offers_for<'c>(doc: &Document, config: &'c AnalysisConfig) -> Result<OfferList<'c>, String> {
    let query = requirements(doc, config)?;
    Ok(match_offers(
        catalog(config),
        &query.requirements,
        &config.backends,
    ))
}

/// One lens on `resources:` (or `type:` when there is none): the offer count and lowest price.
pub fn code_lenses(doc: &Document, config: &AnalysisConfig) -> Vec<CodeLens> {
    if !config.offers_enabled {
        return Vec::new();
    }
    let Some(type_key) = key_range(&doc.parse, doc.parse.root.as_ref(), "type") else {
        return Vec::new();
    };
    let (range, title) = match requirements(doc, config) {
        Ok(q) => {
            let offers = match_offers(catalog(config), &q.requirements, &config.backends);
            let mut title = summary_title(&offers);
            if let Some(g) = &q.group {
                title = format!("group {g}: {title}");
            }
            (q.resources_key.unwrap_or(type_key), title)
        }
        // Only runs and fleets get a lens; for them, say why there are no offers.
        Err(e) if is_run_or_fleet(doc) => {
            let short = if e.starts_with("dstack would reject") {
                "No offers: dstack would reject this configuration".to_string()
            } else {
                format!("No offers: {e}")
            };
            let at =
                key_range(&doc.parse, doc.parse.root.as_ref(), "resources").unwrap_or(type_key);
            (at, short)
        }
        Err(_) => return Vec::new(),
    };
    vec![CodeLens { range, title }]
}

/// "N offers · from $X/h", or "No offers match".
pub fn summary_title(offers: &OfferList<'_>) -> String {
    let s = offers.summary();
    match (s.count, s.min_price) {
        (0, _) | (_, None) => "No offers match".to_string(),
        (1, Some(p)) => format!("1 offer · {}/h", format_price(p)),
        (n, Some(p)) => format!("{n} offers · from {}/h", format_price(p)),
    }
}

/// Markdown for a hover on `resources` or one of its `gpu`, `cpu`, `memory`, `disk` keys or
/// values: the count, price range and cheapest offers. `None` elsewhere, when offers are off, or
/// when dstack would reject the file.
pub fn offers_hover_section(
    doc: &Document,
    offset: u32,
    config: &AnalysisConfig,
) -> Option<String> {
    let target = walk::hover_target(doc, offset)?;
    hover_section(doc, &target, config)
}

/// [`offers_hover_section`] for an already located hover target (what `hover()` calls).
pub fn hover_section(
    doc: &Document,
    target: &HoverTarget,
    config: &AnalysisConfig,
) -> Option<String> {
    if !config.offers_enabled || !on_resources(&target.path) {
        return None;
    }
    let query = requirements(doc, config).ok()?;
    let offers = match_offers(catalog(config), &query.requirements, &config.backends);
    Some(render_hover(&offers, &query, catalog(config)))
}

fn render_hover(offers: &OfferList<'_>, query: &OfferQuery, catalog: &Catalog) -> String {
    let s = offers.summary();
    let source = catalog.source().unwrap_or("catalog");
    let title = match &query.group {
        Some(g) => format!("**Offers** (group {g})"),
        None => "**Offers**".to_string(),
    };
    render_table(
        &title,
        (s.count, s.min_price, s.max_price),
        &format!("in the {source}"),
        source,
        offers.iter(),
    )
}

/// The hover section for offers another source listed (a live dstack server): `count` in all,
/// of which `listed` were sent, in the order the source chose. `None` off `resources`.
pub fn listed_hover_section(
    doc: &Document,
    offset: u32,
    count: usize,
    listed: &[OfferView<'_>],
    source: &str,
) -> Option<String> {
    let target = walk::hover_target(doc, offset)?;
    if !on_resources(&target.path) {
        return None;
    }
    if listed.is_empty() && count > 0 {
        return Some(format!("**Offers**: {count} (none listed by the {source})"));
    }
    let prices = listed.iter().map(|o| o.price);
    let min = prices.clone().reduce(f64::min);
    // With offers left out, the dearest listed one is not the dearest there is.
    let max = prices.reduce(f64::max).filter(|_| listed.len() >= count);
    let mut sorted = listed.to_vec();
    sorted.sort_by(|a, b| a.price.total_cmp(&b.price));
    Some(render_table(
        "**Offers**",
        (count, min, max),
        &format!("from the {source}"),
        source,
        sorted.into_iter(),
    ))
}

/// `title: N offers, $lo–$hi/h (source)` and a table of the first [`HOVER_ROWS`] offers.
fn render_table<'c>(
    title: &str,
    (count, min_price, max_price): (usize, Option<f64>, Option<f64>),
    none_where: &str,
    source: &str,
    offers: impl Iterator<Item = OfferView<'c>>,
) -> String {
    let mut out = title.to_string();
    match (count, min_price, max_price) {
        (0, _, _) | (_, None, _) => {
            out.push_str(&format!(": none match {none_where}."));
            return out;
        }
        (1, Some(p), _) => out.push_str(&format!(": 1 offer, {}/h", format_price(p))),
        // Not every offer was listed: only the lowest price is known.
        (n, Some(lo), None) => out.push_str(&format!(": {n} offers, from {}/h", format_price(lo))),
        (n, Some(lo), Some(hi)) => out.push_str(&format!(
            ": {n} offers, {}–{}/h",
            format_price(lo),
            format_price(hi)
        )),
    }
    out.push_str(&format!(" ({source})\n\n"));
    out.push_str("| provider | region | instance | GPUs | $/h | spot |\n");
    out.push_str("|---|---|---|---|--:|---|\n");
    let mut shown = 0;
    for o in offers.take(HOVER_ROWS) {
        shown += 1;
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            cell(o.backend),
            cell(o.region),
            cell(o.instance),
            gpus_text(&o),
            format_price(o.price),
            if o.spot { "yes" } else { "no" }
        ));
    }
    if count > shown {
        out.push_str(&format!(
            "\n…and {} more (run **dstack: Show matching offers** or `dstack-lsp offers FILE`)",
            count - shown
        ));
    }
    out.trim_end().to_string()
}

/// `8×H100 (80GB)`, or `—` for a CPU-only offer.
pub fn gpus_text(o: &OfferView<'_>) -> String {
    match (o.gpu_count, o.gpu_name) {
        (0, _) => "—".to_string(),
        (n, name) => {
            let mem = o
                .gpu_memory_gb
                .filter(|m| *m > 0.0)
                .map(|m| format!(" ({})", dstack_values::memory::format_gb(m)))
                .unwrap_or_default();
            format!("{n}×{}{mem}", name.unwrap_or("GPU"))
        }
    }
}

/// A table cell: pipes and newlines would break the markdown row.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn on_resources(path: &[PathSeg]) -> bool {
    let keys = walk::key_names(path);
    let Some(i) = keys.iter().position(|k| *k == "resources") else {
        return false;
    };
    // Top-level resources, or a group's (`groups[0].resources`).
    if i > 1 || (i == 1 && keys.first() != Some(&"groups") && keys.first() != Some(&"replicas")) {
        return false;
    }
    match keys.get(i + 1) {
        None => true,
        Some(k) => matches!(*k, "gpu" | "cpu" | "memory" | "disk"),
    }
}

fn is_run_or_fleet(doc: &Document) -> bool {
    matches!(
        crate::document::config_type(doc),
        Some(
            ConfigType::DevEnvironment | ConfigType::Task | ConfigType::Service | ConfigType::Fleet
        )
    )
}

fn resources_of(parse: &Parse, plan: &Expansion, node: &Node) -> ResourcesSpec {
    use dstack_values::{cpu, disk, gpu, range};
    let get = |key: &str| walk::child(parse, node, &PathSeg::Key(key.into()));
    let value = |key: &str| {
        get(key)
            .filter(|n| !is_null(n))
            .and_then(|n| bridge::value_of(parse, plan, n))
    };
    let cpu = value("cpu").and_then(|v| cpu::parse_value(&v).ok());
    let memory = value("memory").and_then(|v| range::parse_memory_value(&v).ok());
    let gpu = value("gpu").and_then(|v| gpu::parse_value(&v).ok());
    // `disk: null` removes the disk constraint; an absent key keeps dstack's default.
    let disk = match get("disk") {
        None => None,
        Some(n) if is_null(n) => Some(None),
        Some(n) => bridge::value_of(parse, plan, n)
            .and_then(|v| disk::parse_value(&v).ok())
            .map(Some),
    };
    ResourcesSpec::from_values(
        cpu.as_ref(),
        memory.as_ref(),
        gpu.as_ref(),
        disk.as_ref().map(|d| d.as_ref()),
    )
}

/// Profile fields; a group's own `spot_policy` / `reservation` override the top level's.
fn profile_of(parse: &Parse, plan: &Expansion, root: &Node, group: Option<&Node>) -> Profile {
    let get = |key: &str| -> Option<&Node> {
        let k = PathSeg::Key(key.into());
        group
            .and_then(|g| walk::child(parse, g, &k))
            .filter(|n| !is_null(n))
            .or_else(|| walk::child(parse, root, &k).filter(|n| !is_null(n)))
    };
    let list = |key: &str| -> Option<Vec<String>> {
        let node = get(key)?;
        match bridge::value_of(parse, plan, node)? {
            Value::Seq(items) => Some(items.iter().filter_map(value_text).collect()),
            Value::Scalar(s) => value_text(&Value::Scalar(s)).map(|t| vec![t]),
            Value::Map(_) => None,
        }
    };
    let max_price = get("max_price")
        .and_then(bridge::input)
        .and_then(|i| match i {
            Input::Int(n) => Some(n as f64),
            Input::Float(f) => Some(f),
            Input::Str(s) => s.trim().parse().ok(),
            _ => None,
        });
    Profile {
        spot_policy: scalar_text(get("spot_policy")).and_then(SpotPolicy::parse),
        backends: list("backends"),
        regions: list("regions"),
        instance_types: list("instance_types"),
        max_price,
        reservation: scalar_text(get("reservation")).map(str::to_string),
    }
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Scalar(ScalarValue::Str(s)) => Some(s.clone()),
        Value::Scalar(ScalarValue::Int(i)) => Some(i.to_string()),
        _ => None,
    }
}

fn child<'d>(parse: &'d Parse, node: &'d Node, key: &str) -> Option<&'d Node> {
    walk::child(parse, node, &PathSeg::Key(key.into()))
}

fn is_null(node: &Node) -> bool {
    node.as_scalar()
        .is_some_and(|s| matches!(s.value, ScalarValue::Null))
}

fn scalar_text(node: Option<&Node>) -> Option<&str> {
    let s = node?.as_scalar()?;
    match s.value {
        ScalarValue::Null => None,
        _ => Some(s.text.as_str()),
    }
}

fn scalar_bool(node: Option<&Node>) -> bool {
    node.and_then(Node::as_scalar)
        .is_some_and(|s| matches!(s.value, ScalarValue::Bool(true)))
}

/// The range of `key`'s key node in a mapping (the last one, as PyYAML keeps).
fn key_range(parse: &Parse, map: Option<&Node>, key: &str) -> Option<TextRange> {
    let map = parse.resolve(map?);
    map.as_mapping()?
        .iter()
        .rev()
        .find(|e| e.key.key_text() == Some(key))
        .map(|e| e.key.range)
}

fn line_of(text: &str, offset: u32) -> usize {
    let end = (offset as usize).min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
        + 1
}

#[cfg(test)]
mod tests;
