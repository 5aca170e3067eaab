//! The offer query: dstack's per-backend pipeline (catalog rows → backend filters → resource
//! filter on the offer → disk fitting → post filters) followed by the run-level filters
//! (backends, regions, instance types, blocks), sorted by price.

use crate::backends::{self, Disk, Kind};
use crate::catalog::intern::{FxMap, Sym, Table};
use crate::catalog::store::{Catalog, Item, bits, opt};
use crate::gpus;
use crate::requirements::{Blocks, Range, RangeExt, Requirements, between, intersect};
use crate::settings::BackendSettings;
use dstack_values::cpu::CpuArch;
use dstack_values::gpu_names::Vendor;

/// One matching offer. Accessors read the catalog it came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Offer {
    item: u32,
    /// Price the backend shows (Nebius spot prices are rounded up).
    pub price: f64,
    /// Disk the offer would be provisioned with, GB.
    pub disk_gb: f64,
    /// Blocks the instance splits into, when a fleet asks for `blocks`.
    pub total_blocks: Option<u32>,
}

/// An offer as plain data.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferView<'c> {
    /// dstack backend name (`lambda`, not the catalog's `lambdalabs`).
    pub backend: &'c str,
    /// Region (for GCP the region of the zone row).
    pub region: &'c str,
    pub instance: &'c str,
    pub price: f64,
    pub spot: bool,
    pub cpu_arch: CpuArch,
    pub cpus: i32,
    /// RAM as dstack reports it (rounded to whole MiB), GB.
    pub memory_gb: f64,
    pub gpu_count: i32,
    pub gpu_vendor: Option<Vendor>,
    pub gpu_name: Option<&'c str>,
    /// Per-GPU memory (rounded to whole MiB), GB.
    pub gpu_memory_gb: Option<f64>,
    pub disk_gb: f64,
    pub total_blocks: Option<u32>,
}

/// The result of a query, cheapest first.
#[derive(Clone, Debug)]
pub struct OfferList<'c> {
    catalog: &'c Catalog,
    pub offers: Vec<Offer>,
}

/// What hover and code lens show: "N offers · from $X/h".
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriceSummary {
    pub count: usize,
    pub min_price: Option<f64>,
    pub max_price: Option<f64>,
}

/// `$0.0052`, `$0.35`, `$12.47`: two decimals, more for sub-dime prices so they do not read 0.
/// gpuhunt and dstack pass a negative catalog price through (neither checks), so it is shown as
/// written, sign first: `-$5.00`.
pub fn format_price(p: f64) -> String {
    if p < 0.0 {
        return format!("-{}", format_price(-p));
    }
    if p >= 0.1 || p == 0.0 || !p.is_finite() {
        format!("${p:.2}")
    } else {
        let s = format!("{p:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("${s}")
    }
}

impl std::fmt::Display for PriceSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.count, self.min_price) {
            (0, _) | (_, None) => write!(f, "no offers"),
            (1, Some(p)) => write!(f, "1 offer · {}/h", format_price(p)),
            (n, Some(p)) => write!(f, "{n} offers · from {}/h", format_price(p)),
        }
    }
}

impl<'c> OfferList<'c> {
    pub fn count(&self) -> usize {
        self.offers.len()
    }
    pub fn is_empty(&self) -> bool {
        self.offers.is_empty()
    }
    pub fn min_price(&self) -> Option<f64> {
        self.offers.iter().map(|o| o.price).reduce(f64::min)
    }
    pub fn max_price(&self) -> Option<f64> {
        self.offers.iter().map(|o| o.price).reduce(f64::max)
    }
    pub fn summary(&self) -> PriceSummary {
        PriceSummary {
            count: self.count(),
            min_price: self.min_price(),
            max_price: self.max_price(),
        }
    }
    pub fn catalog(&self) -> &'c Catalog {
        self.catalog
    }
    pub fn iter(&self) -> impl Iterator<Item = OfferView<'c>> + '_ {
        self.offers.iter().map(|o| self.view(o))
    }
    pub fn view(&self, o: &Offer) -> OfferView<'c> {
        let c = self.catalog;
        match c.items.get(o.item as usize) {
            Some(i) => c.offer_view(i, o.price, o.disk_gb, o.total_blocks),
            // Offers only come from this catalog; an empty view keeps this total anyway.
            None => OfferView {
                backend: "",
                region: "",
                instance: "",
                price: o.price,
                spot: false,
                cpu_arch: CpuArch::X86,
                cpus: 0,
                memory_gb: 0.0,
                gpu_count: 0,
                gpu_vendor: None,
                gpu_name: None,
                gpu_memory_gb: None,
                disk_gb: o.disk_gb,
                total_blocks: o.total_blocks,
            },
        }
    }
}

impl Catalog {
    /// A row as an offer at `price` with `disk_gb`: what both an offer list and the catalog's
    /// own row view show.
    pub(crate) fn offer_view(
        &self,
        i: &Item,
        price: f64,
        disk_gb: f64,
        total_blocks: Option<u32>,
    ) -> OfferView<'_> {
        let gpus = i.gpu_count.max(0);
        let has_gpu = gpus > 0;
        OfferView {
            backend: backends::backend_of_provider(self.provider_name(i.provider)),
            region: self.region_name(i),
            instance: self.str(i.instance),
            price,
            spot: i.spot(),
            cpu_arch: i.arch,
            cpus: i.cpu,
            memory_gb: i.memory,
            gpu_count: gpus,
            gpu_vendor: i.vendor.filter(|_| has_gpu),
            gpu_name: self.gpu_name(i).filter(|_| has_gpu),
            gpu_memory_gb: has_gpu.then(|| opt(i.gpu_memory).unwrap_or(0.0)),
            disk_gb,
            total_blocks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_summary_text() {
        let s = |count, min: Option<f64>| {
            PriceSummary {
                count,
                min_price: min,
                max_price: min,
            }
            .to_string()
        };
        assert_eq!(s(0, None), "no offers");
        assert_eq!(s(1, Some(12.4669)), "1 offer · $12.47/h");
        assert_eq!(s(713, Some(0.0052)), "713 offers · from $0.0052/h");
        assert_eq!(s(2, Some(0.35)), "2 offers · from $0.35/h");
        // Negative catalog prices (gpuhunt passes them through) keep their sign outside.
        assert_eq!(s(3, Some(-5.0)), "3 offers · from -$5.00/h");
        assert_eq!(s(3, Some(-0.05)), "3 offers · from -$0.05/h");
    }

    #[test]
    fn odd_requirements_do_not_panic() {
        let c = Catalog::embedded_shared();
        let settings = BackendSettings::default();
        let base = Requirements::unconstrained();
        let cases = [
            Requirements {
                blocks: Blocks::Count(0),
                ..base.clone()
            },
            Requirements {
                blocks: Blocks::Auto,
                gpu_count: Range::at_least(1),
                ..base.clone()
            },
            Requirements {
                cpu: between(8, 2),
                memory: Range::exact(f64::NAN),
                ..base.clone()
            },
            Requirements {
                disk: Some(Range {
                    min: None,
                    max: Some(-1.0),
                }),
                gpu_names: Some(Vec::new()),
                max_price: Some(f64::NAN),
                ..base.clone()
            },
            Requirements {
                compute_capability: Some((99, 0)),
                regions: Some(vec!["ÜS-EAST-1".into()]),
                instance_types: Some(vec![String::new()]),
                ..base.clone()
            },
        ];
        let counts: Vec<usize> = cases
            .iter()
            .map(|r| match_offers(c, r, &settings).count())
            .collect();
        assert_eq!(counts[0], 0);
        assert!(counts[1] > 0);
        assert_eq!(&counts[2..], &[0, 0, 0]);
    }

    #[test]
    fn embedded_catalog_preview() {
        let c = Catalog::embedded();
        let offers = match_offers(&c, &Requirements::default(), &BackendSettings::default());
        assert!(offers.count() > 100, "{}", offers.count());
        // Cheapest first, all on-demand x86, CPU or NVIDIA.
        let views: Vec<OfferView<'_>> = offers.iter().collect();
        assert!(views.windows(2).all(|w| w[0].price <= w[1].price));
        assert!(views.iter().all(|o| !o.spot && o.cpu_arch == CpuArch::X86));
        assert!(
            views
                .iter()
                .all(|o| o.gpu_vendor.is_none_or(|v| v == Vendor::Nvidia))
        );
        assert!(views.iter().all(|o| o.disk_gb >= 100.0));
        let summary = offers.summary();
        assert_eq!(Some(views[0].price), summary.min_price);
    }
}

/// Per-provider state resolved once per query.
struct Plan {
    enabled: bool,
    kind: Kind,
    /// Allowed regions by region id (GCP: the zone's region); `None` = all.
    locations: Option<Vec<bool>>,
    allow_tpu: bool,
    community_cloud: bool,
    experimental: Vec<String>,
    rank: usize,
}

fn plan_providers(catalog: &Catalog, req: &Requirements, settings: &BackendSettings) -> Vec<Plan> {
    // dstack narrows the backends for multinode / privileged / instance mounts / reservations.
    let backend_allowed = |b: &str| -> bool {
        if req
            .backends
            .as_ref()
            .is_some_and(|list| !list.iter().any(|x| x == b))
        {
            return false;
        }
        (!req.multinode || backends::supports_multinode(b))
            && (!req.privileged || backends::supports_privileged(b))
            && (!req.instance_mounts || backends::supports_privileged(b))
            && (req.reservation.is_none() || backends::supports_reservation(b))
            && (!req.create_instance_only || backends::can_create_instances(b))
    };
    let mut names: Vec<(usize, &str)> = catalog.providers().into_iter().enumerate().collect();
    names.sort_by(|a, b| a.1.cmp(b.1));
    let mut rank = vec![0; names.len()];
    for (r, (i, _)) in names.iter().enumerate() {
        if let Some(slot) = rank.get_mut(*i) {
            *slot = r;
        }
    }
    // Config region names compare exactly (dstack: `item.location in locations`).
    let region_mask = |list: &[&str]| -> Vec<bool> {
        catalog
            .regions
            .syms
            .iter()
            .map(|&s| list.contains(&catalog.str(s)))
            .collect()
    };
    catalog
        .providers()
        .into_iter()
        .enumerate()
        .map(|(i, provider)| {
            let kind = backends::kind_of_provider(provider);
            let backend = backends::backend_of_provider(provider).to_string();
            let config = settings.get(&backend).or_else(|| {
                // dstack still accepts the old name of Verda.
                (backend == "verda")
                    .then(|| settings.get("datacrunch"))
                    .flatten()
            });
            let enabled = config.is_some() && backend_allowed(&backend);
            let config = config.unwrap_or_default();
            let locations = match (&config.regions, kind) {
                (Some(list), Kind::Runpod | Kind::Lambda | Kind::CloudRift | Kind::Other)
                    if list.is_empty() =>
                {
                    None
                }
                (Some(list), _) => {
                    let refs: Vec<&str> = list.iter().map(|s| s.as_str()).collect();
                    Some(region_mask(&refs))
                }
                (None, _) => kind.default_regions().map(region_mask),
            };
            Plan {
                enabled,
                kind,
                locations,
                allow_tpu: config.tpu.unwrap_or(false),
                community_cloud: config.community_cloud.unwrap_or(false),
                experimental: config.experimental_instance_types.unwrap_or_default(),
                rank: rank.get(i).copied().unwrap_or(i),
            }
        })
        .collect()
}

/// Lazily filled per-query answers keyed by interned string.
#[derive(Default)]
struct Memo(FxMap<Sym, bool>);

impl Memo {
    fn check(&mut self, s: Sym, f: impl FnOnce() -> bool) -> bool {
        *self.0.entry(s).or_insert_with(f)
    }
}

fn contains_ci(list: &[String], s: &str) -> bool {
    list.iter()
        .any(|x| x.eq_ignore_ascii_case(s) || x.to_lowercase() == s.to_lowercase())
}

/// A per-query yes/no for each entry of one of the catalog's small tables.
fn table_mask(catalog: &Catalog, table: &Table, wanted: &[String]) -> Vec<bool> {
    table
        .syms
        .iter()
        .map(|&s| contains_ci(wanted, catalog.str(s)))
        .collect()
}

/// Whether the converted offer passes gpuhunt's filter (disk ignored, as dstack does here).
/// Memory values in the row are already rounded to whole MiB like dstack's offer.
fn resources_match(item: &Item, price: f64, req: &Requirements, names: Option<&[bool]>) -> bool {
    if req.max_price.is_some_and(|m| price > m) {
        return false;
    }
    if req.spot.is_some_and(|s| s != item.spot()) {
        return false;
    }
    if req.cpu_arch.is_some_and(|a| a != item.arch) {
        return false;
    }
    if !req.cpu.contains(i128::from(item.cpu)) || !req.memory.contains(item.memory) {
        return false;
    }
    let count = item.gpu_count.max(0);
    if req.gpu_count.min == Some(0) && count == 0 {
        return true;
    }
    let vendor = if count > 0 { item.vendor } else { None };
    if req.gpu_vendor.is_some() && req.gpu_vendor != vendor {
        return false;
    }
    if !req.gpu_count.contains(i128::from(count)) {
        return false;
    }
    let gpu = if count > 0 { item.gpu } else { 0 };
    if let Some(names) = names
        && (gpu == 0 || !names.get(gpu as usize).copied().unwrap_or(false))
    {
        return false;
    }
    let per_gpu = if count > 0 {
        opt(item.gpu_memory).unwrap_or(0.0)
    } else {
        0.0
    };
    if req.gpu_memory.is_some_and(|r| !r.contains(per_gpu)) {
        return false;
    }
    let total = f64::from(count) * per_gpu;
    req.gpu_total_memory.is_none_or(|r| r.contains(total))
}

fn compute_capability_ok(item: &Item, catalog: &Catalog, min_cc: (u32, u32)) -> bool {
    if item.gpu_count <= 0 || item.vendor != Some(Vendor::Nvidia) {
        return false;
    }
    let cc = catalog.gpu_name(item).and_then(gpus::compute_capability);
    cc.is_some_and(|cc| cc >= min_cc)
}

/// The disk the offer gets, or `None` when the request cannot be met.
fn fit_disk(item: &Item, kind: Kind, req: &Requirements) -> Option<f64> {
    // Before fitting, an offer without a catalog disk carries dstack's default 100GB.
    let catalog_disk = opt(item.disk_size).filter(|&d| d != 0.0);
    let base_mib = (catalog_disk.unwrap_or(100.0) * 1024.0).round_ties_even();
    let configurable = match kind.disk() {
        Disk::Fixed => None,
        Disk::Configurable(r) => Some(r),
        Disk::Runpod if item.gpu_count > 0 => Some(Range::at_least(1.0)),
        Disk::Runpod => Some(between(1.0, base_mib / 1024.0)),
    };
    match configurable {
        None => {
            let ok = match &req.disk {
                None => true,
                Some(_) if base_mib == 0.0 => true,
                Some(r) => r.contains(base_mib / 1024.0),
            };
            ok.then_some(base_mib / 1024.0)
        }
        Some(range) => {
            let target = req.disk.unwrap_or(crate::requirements::DEFAULT_DISK);
            let fitted = intersect(&target, &range)?;
            let min = fitted.min?;
            Some((min * 1024.0).round_ties_even() / 1024.0)
        }
    }
}

fn blocks_of(item: &Item, blocks: Blocks) -> Option<Option<u32>> {
    if blocks == Blocks::Count(1) {
        return Some(None);
    }
    let cpus = i64::from(item.cpu);
    let mut gpus = i64::from(item.gpu_count.max(0));
    if gpus > 0 && item.vendor == Some(Vendor::Google) {
        gpus = 1; // a TPU cannot be shared
    }
    let n = match blocks {
        Blocks::Auto if gpus == 0 => cpus,
        Blocks::Auto => cpus.min(gpus),
        Blocks::Count(n) => i64::from(n),
    };
    if n < 1 || cpus % n != 0 || gpus % n != 0 {
        return None;
    }
    Some(u32::try_from(n).ok())
}

/// All offers of `catalog` that dstack would show for `req`, cheapest first. Backends are
/// taken in provider-name order; equal prices keep that order, then catalog order.
pub fn match_offers<'c>(
    catalog: &'c Catalog,
    req: &Requirements,
    settings: &BackendSettings,
) -> OfferList<'c> {
    let plans = plan_providers(catalog, req, settings);
    let names = req
        .gpu_names
        .as_ref()
        .map(|w| table_mask(catalog, &catalog.gpus, w));
    let regions = req
        .regions
        .as_ref()
        .map(|w| table_mask(catalog, &catalog.regions, w));
    let mut types = Memo::default();
    let mut offers: Vec<(usize, Offer)> = Vec::new();
    for (idx, item) in catalog.items.iter().enumerate() {
        let Some(plan) = plans.get(item.provider as usize) else {
            continue;
        };
        if !plan.enabled || !item.has(bits::FLAGS_OK) {
            continue;
        }
        // Backend stage: locations, supported instances, opt-ins.
        let region = item.region as usize;
        if let Some(mask) = &plan.locations
            && !mask.get(region).copied().unwrap_or(false)
        {
            continue;
        }
        if !item.has(bits::SUPPORTED)
            && !plan
                .experimental
                .iter()
                .any(|e| e == catalog.str(item.instance))
        {
            continue;
        }
        match plan.kind {
            Kind::Gcp
                if item.has(bits::ZONE_DUPLICATE)
                    || (!plan.allow_tpu && item.vendor == Some(Vendor::Google)) =>
            {
                continue;
            }
            Kind::Runpod if !plan.community_cloud && item.has(bits::COMMUNITY) => continue,
            _ => {}
        }
        let price = if plan.kind == Kind::Nebius && item.spot() && !item.has(bits::FLAT_RATE) {
            backends::nebius_spot_price(item.price, item.gpu_count)
        } else {
            item.price
        };
        if !resources_match(item, price, req, names.as_deref()) {
            continue;
        }
        if let Some(min_cc) = req.compute_capability {
            let skip = req.gpu_count.min == Some(0) && item.gpu_count <= 0;
            if !skip && !compute_capability_ok(item, catalog, min_cc) {
                continue;
            }
        }
        let Some(disk_gb) = fit_disk(item, plan.kind, req) else {
            continue;
        };
        // Post filters.
        if plan.kind == Kind::Runpod && item.has(bits::CLUSTER) != req.multinode {
            continue;
        }
        if plan.kind == Kind::Gcp && req.reservation.is_none() && item.has(bits::DWS_CALENDAR) {
            continue;
        }
        // Run-level filters.
        if let Some(mask) = &regions
            && !mask.get(region).copied().unwrap_or(false)
        {
            continue;
        }
        if let Some(wanted) = &req.instance_types
            && !types.check(item.instance, || {
                contains_ci(wanted, catalog.str(item.instance))
            })
        {
            continue;
        }
        let Some(total_blocks) = blocks_of(item, req.blocks) else {
            continue;
        };
        offers.push((
            plan.rank,
            Offer {
                item: idx as u32,
                price,
                disk_gb,
                total_blocks,
            },
        ));
    }
    OfferList {
        catalog,
        offers: merge_by_price(offers),
    }
}

/// dstack merges the backends' offer lists by price the way Python's `heapq.merge` does: each
/// list keeps its own order (catalog order, normally already by price), the smallest head
/// goes first, and on equal prices the earlier backend wins.
fn merge_by_price(offers: Vec<(usize, Offer)>) -> Vec<Offer> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    #[derive(PartialEq)]
    struct Head(f64, usize, usize);
    impl Eq for Head {}
    impl PartialOrd for Head {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Head {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
        }
    }

    let lists = offers.iter().map(|(rank, _)| rank + 1).max().unwrap_or(0);
    let mut per: Vec<Vec<Offer>> = vec![Vec::new(); lists];
    for (rank, offer) in offers {
        if let Some(list) = per.get_mut(rank) {
            list.push(offer);
        }
    }
    let mut heap = BinaryHeap::new();
    for (rank, list) in per.iter().enumerate() {
        if let Some(first) = list.first() {
            heap.push(Reverse(Head(first.price, rank, 0)));
        }
    }
    let mut out = Vec::with_capacity(per.iter().map(Vec::len).sum());
    while let Some(Reverse(Head(_, rank, i))) = heap.pop() {
        let Some(list) = per.get(rank) else { continue };
        if let Some(o) = list.get(i) {
            out.push(*o);
        }
        if let Some(o) = list.get(i + 1) {
            heap.push(Reverse(Head(o.price, rank, i + 1)));
        }
    }
    out
}
