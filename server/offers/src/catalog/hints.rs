//! Questions about the catalog itself rather than an offer query: its rows as plain data, GPU
//! popularity for ranking completions, and the regions each backend offers.

use super::intern::FxMap;
use super::store::{Catalog, Item, bits, opt};
use crate::backends;
use crate::matcher::OfferView;
use dstack_values::gpu_names::Vendor;

/// One row as plain data: the offer it makes as it stands (the very view the matcher gives, at
/// the row's own price and disk), plus what only the file says.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemView<'c> {
    pub offer: OfferView<'c>,
    /// The provider as the catalog names it (the file stem, `lambdalabs`).
    pub provider: &'c str,
    /// The location as written (for GCP the zone; `offer.region` is its region).
    pub location: &'c str,
    /// The file's RAM and per-GPU memory, GB (the offer's are rounded to whole MiB).
    pub memory: f64,
    pub gpu_memory: Option<f64>,
    pub disk_size: Option<f64>,
    pub flags: &'c str,
    pub provider_data: &'c str,
}

/// GPU name popularity, for ranking completions: how many rows offer it, its vendor,
/// and the per-GPU memory sizes seen.
#[derive(Clone, Debug, PartialEq)]
pub struct GpuCount {
    pub name: String,
    pub vendor: Option<Vendor>,
    pub rows: usize,
    pub memory_gb: Vec<f64>,
    pub min_price: f64,
}

impl Catalog {
    /// Distinct `(backend, region)` pairs, sorted: dstack backend names (`lambda`) and the
    /// regions offers are shown in (GCP zones folded into their region). For completing
    /// `regions:`.
    pub fn backend_regions(&self) -> Vec<(&str, &str)> {
        // Sorting ids keeps this linear in rows whatever the number of regions.
        let mut pairs: Vec<(u16, u32)> =
            self.items.iter().map(|i| (i.provider, i.region)).collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut out: Vec<(&str, &str)> = pairs
            .into_iter()
            .map(|(p, r)| {
                let backend = backends::backend_of_provider(self.provider_name(p));
                (backend, self.regions.get(r).map_or("", |s| self.str(s)))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The rows as plain data, in load order.
    pub fn iter(&self) -> impl Iterator<Item = ItemView<'_>> + '_ {
        self.items
            .iter()
            .zip(&self.raw)
            .map(|(i, raw)| self.view(i, *raw))
    }

    fn view<'c>(&'c self, i: &Item, raw: [f64; 2]) -> ItemView<'c> {
        ItemView {
            offer: self.offer_view(i, i.price, opt(i.disk_size).unwrap_or(0.0), None),
            provider: self.provider_name(i.provider),
            location: self.str(i.location),
            memory: raw[0],
            gpu_memory: opt(raw[1]),
            disk_size: opt(i.disk_size),
            flags: self.flag_sets.get(i.flags).map_or("", |f| self.str(f)),
            provider_data: self.str(i.provider_data),
        }
    }
}

/// How many rows offer each GPU name (most offered first; ties by name), with its vendor,
/// memory sizes and cheapest price. Rows hidden from dstack by flags are not counted.
pub fn gpu_offer_counts(catalog: &Catalog) -> Vec<GpuCount> {
    let mut by_name: FxMap<u32, GpuCount> = FxMap::default();
    for (item, raw) in catalog.items.iter().zip(&catalog.raw) {
        let Some(name) = catalog.gpu_name(item) else {
            continue;
        };
        if item.gpu_count <= 0 || !item.has(bits::FLAGS_OK) {
            continue;
        }
        let entry = by_name.entry(item.gpu).or_insert_with(|| GpuCount {
            name: name.to_string(),
            vendor: item.vendor,
            rows: 0,
            memory_gb: Vec::new(),
            min_price: f64::INFINITY,
        });
        entry.rows += 1;
        if let Some(m) = opt(raw[1]).filter(|m| !entry.memory_gb.contains(m)) {
            entry.memory_gb.push(m);
        }
        entry.min_price = entry.min_price.min(item.price);
    }
    let mut out: Vec<GpuCount> = by_name.into_values().collect();
    for g in &mut out {
        g.memory_gb.sort_by(f64::total_cmp);
    }
    out.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.name.cmp(&b.name)));
    out
}
