//! The catalog itself: its rows (one compact [`Item`] each), the providers and regions they name,
//! and merging catalogs. Loading is in `load`, questions about the rows in `hints`.

use super::intern::{Interner, Sym, Table};
use dstack_values::cpu::CpuArch;
use dstack_values::gpu_names::Vendor;

/// Bits of [`Item::bits`].
pub(crate) mod bits {
    pub const SPOT: u8 = 1;
    /// Every flag of the row is one dstack asks for.
    pub const FLAGS_OK: u8 = 2;
    /// GCP `is_dws_calendar_mode: true` (reservation-only rows).
    pub const DWS_CALENDAR: u8 = 4;
    /// Nebius `is_preemptible_flat_rate: true`.
    pub const FLAT_RATE: u8 = 8;
    /// Runpod `pod_counts` with a count other than 1 (an instant-cluster offer).
    pub const CLUSTER: u8 = 16;
    /// Not the first row of its (instance, spot, gpu, region) group: GCP shows one offer per
    /// region, the first zone row in file order.
    pub const ZONE_DUPLICATE: u8 = 32;
    /// The backend's instance-type filter accepts the row (before `experimental_instance_types`).
    pub const SUPPORTED: u8 = 64;
    /// Runpod community-cloud location (a country code, no dash).
    pub const COMMUNITY: u8 = 128;
}

/// One catalog row, 72 bytes. Optional numbers use NaN for "absent".
#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub(crate) price: f64,
    /// RAM and per-GPU memory, GB, as dstack sees them: rounded to whole MiB (the file's values
    /// are kept in `Catalog::raw`).
    pub(crate) memory: f64,
    pub(crate) gpu_memory: f64,
    pub(crate) disk_size: f64,
    pub(crate) instance: Sym,
    pub(crate) location: Sym,
    pub(crate) provider_data: Sym,
    pub(crate) cpu: i32,
    pub(crate) gpu_count: i32,
    pub(crate) provider: u16,
    /// Index into `Catalog::regions`: the region the offer is shown in (the location, or for
    /// GCP the zone without its suffix).
    pub(crate) region: u32,
    /// Index into `Catalog::gpus`; 0 = no GPU name.
    pub(crate) gpu: u32,
    /// Index into `Catalog::flag_sets`.
    pub(crate) flags: u32,
    pub(crate) vendor: Option<Vendor>,
    pub(crate) arch: CpuArch,
    pub(crate) bits: u8,
}

impl Item {
    pub(crate) fn spot(&self) -> bool {
        self.bits & bits::SPOT != 0
    }
    pub(crate) fn has(&self, bit: u8) -> bool {
        self.bits & bit != 0
    }
}

/// A row that gpuhunt would skip, with the reason (like gpuhunt's warning).
#[derive(Clone, Debug, PartialEq)]
pub struct LoadWarning {
    pub provider: String,
    pub line: usize,
    pub message: String,
}

/// A loaded catalog: any number of providers, each from one gpuhunt CSV file.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub(crate) strings: Interner,
    /// Provider names (file stems), indexed by `Item::provider`.
    pub(crate) providers: Vec<Sym>,
    pub(crate) items: Vec<Item>,
    /// The file's memory and GPU memory per row (parallel to `items`).
    pub(crate) raw: Vec<[f64; 2]>,
    pub(crate) regions: Table,
    /// Entry 0 is the empty string (rows without a GPU name).
    pub(crate) gpus: Table,
    pub(crate) flag_sets: Table,
    pub(crate) warnings: Vec<LoadWarning>,
    /// Warnings past [`MAX_WARNINGS`], counted only.
    pub(crate) warnings_dropped: usize,
    /// Free-form description of where the data comes from (a date, a directory).
    pub(crate) source: Option<String>,
}

pub(crate) fn opt(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// dstack stores sizes as whole MiB (`round(gb * 1024)`, Python's half-to-even) and compares
/// them back in GB.
pub(crate) fn mib_round(gb: f64) -> f64 {
    (gb * 1024.0).round_ties_even() / 1024.0
}

impl Catalog {
    pub fn new() -> Catalog {
        let mut c = Catalog::default();
        let empty = c.strings.intern("");
        c.gpus.id(empty);
        c
    }

    /// The index of `provider`, adding it when new. Loaders stop at [`MAX_PROVIDERS`], far
    /// below `u16::MAX`.
    pub(crate) fn provider_index(&mut self, provider: &str) -> u16 {
        let sym = self.strings.intern(provider);
        let at = match self.providers.iter().position(|&p| p == sym) {
            Some(i) => i,
            None => {
                self.providers.push(sym);
                self.providers.len() - 1
            }
        };
        u16::try_from(at).unwrap_or(u16::MAX)
    }

    pub(crate) fn remove_provider(&mut self, provider: &str) {
        let Some(sym) = self.strings.lookup(provider) else {
            return;
        };
        if let Some(idx) = self.providers.iter().position(|&p| p == sym) {
            let idx = idx as u16;
            let keep: Vec<bool> = self.items.iter().map(|i| i.provider != idx).collect();
            let mut k = keep.iter();
            self.items.retain(|_| k.next().copied().unwrap_or(true));
            let mut k = keep.iter();
            self.raw.retain(|_| k.next().copied().unwrap_or(true));
        }
    }

    /// Adds every provider of `other`; a provider present in both is taken from `other`
    /// (a newer file for the same provider replaces the older one).
    pub fn merge(&mut self, other: &Catalog) {
        for &p in &other.providers {
            self.remove_provider(other.strings.get(p));
        }
        let mut map: Vec<Option<Sym>> = vec![None; other.strings.strings.len()];
        let mut tr = |s: Sym, this: &mut Interner| -> Sym {
            if let Some(Some(t)) = map.get(s.0 as usize) {
                return *t;
            }
            let t = this.intern(other.strings.get(s));
            if let Some(slot) = map.get_mut(s.0 as usize) {
                *slot = Some(t);
            }
            t
        };
        let mut pmap = Vec::with_capacity(other.providers.len());
        for &p in &other.providers {
            pmap.push(self.provider_index(other.strings.get(p)));
        }
        let table_map = |from: &Table, to: &mut Table, this: &mut Interner| -> Vec<u32> {
            from.syms
                .iter()
                .map(|&s| to.id(this.intern(other.strings.get(s))))
                .collect()
        };
        let rmap = table_map(&other.regions, &mut self.regions, &mut self.strings);
        let gmap = table_map(&other.gpus, &mut self.gpus, &mut self.strings);
        let fmap = table_map(&other.flag_sets, &mut self.flag_sets, &mut self.strings);
        for (item, raw) in other.items.iter().zip(&other.raw) {
            let mut it = *item;
            it.instance = tr(item.instance, &mut self.strings);
            it.location = tr(item.location, &mut self.strings);
            it.provider_data = tr(item.provider_data, &mut self.strings);
            it.region = rmap.get(item.region as usize).copied().unwrap_or(0);
            it.gpu = gmap.get(item.gpu as usize).copied().unwrap_or(0);
            it.flags = fmap.get(item.flags as usize).copied().unwrap_or(0);
            it.provider = pmap.get(item.provider as usize).copied().unwrap_or(0);
            self.items.push(it);
            self.raw.push(*raw);
        }
        for w in &other.warnings {
            self.warn(&w.provider, w.line, w.message.clone());
        }
        self.warnings_dropped += other.warnings_dropped;
        if self.source.is_none() {
            self.source = other.source.clone();
        }
    }

    /// Rows gpuhunt would have skipped, with reasons (the first [`MAX_WARNINGS`]).
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }

    /// Skipped rows beyond those [`Catalog::warnings`] lists.
    pub fn warnings_dropped(&self) -> usize {
        self.warnings_dropped
    }

    /// Provider names present (file stems such as `aws`, `lambdalabs`).
    pub fn providers(&self) -> Vec<&str> {
        self.providers
            .iter()
            .map(|&p| self.strings.get(p))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Where the data comes from, when known (e.g. the embedded catalog's date).
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    pub fn set_source(&mut self, source: impl Into<String>) {
        self.source = Some(source.into());
    }

    /// Approximate heap bytes held (rows plus string table), for reporting.
    pub fn heap_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<Item>()
            + self.raw.capacity() * 16
            + self.strings.heap_bytes()
    }

    pub(crate) fn provider_name(&self, idx: u16) -> &str {
        self.providers
            .get(idx as usize)
            .map(|&s| self.strings.get(s))
            .unwrap_or("")
    }

    pub(crate) fn str(&self, s: Sym) -> &str {
        self.strings.get(s)
    }

    pub(crate) fn region_name(&self, i: &Item) -> &str {
        self.regions.get(i.region).map_or("", |s| self.str(s))
    }

    pub(crate) fn gpu_name(&self, i: &Item) -> Option<&str> {
        if i.gpu == 0 {
            return None;
        }
        self.gpus.get(i.gpu).map(|s| self.str(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::hints::gpu_offer_counts;

    const HEADER: &str = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\n";

    #[test]
    fn merge_replaces_a_provider() {
        let mut a = Catalog::from_csv(
            "aws",
            &format!("{HEADER}t3.micro,us-east-1,0.01,2,1,0,,,False,,,,x86,{{}}\n"),
        );
        let b = Catalog::from_csv(
            "aws",
            &format!("{HEADER}t3.small,us-east-1,0.02,2,2,0,,,False,,,,x86,{{}}\n"),
        );
        let c = Catalog::from_csv(
            "lambdalabs",
            &format!(
                "{HEADER}gpu_1x_a10,us-east-1,0.75,30,200,1,A10,24,False,512,nvidia,,x86,{{}}\n"
            ),
        );
        a.merge(&b);
        a.merge(&c);
        let names: Vec<(&str, &str)> = a.iter().map(|r| (r.provider, r.offer.instance)).collect();
        assert_eq!(
            names,
            vec![("aws", "t3.small"), ("lambdalabs", "gpu_1x_a10")]
        );
        assert_eq!(
            a.backend_regions(),
            vec![("aws", "us-east-1"), ("lambda", "us-east-1")]
        );
        let counts = gpu_offer_counts(&a);
        assert_eq!(counts.len(), 1);
        assert_eq!((counts[0].name.as_str(), counts[0].rows), ("A10", 1));
    }
}
