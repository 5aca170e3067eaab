//! The in-memory catalog: rows of gpuhunt's per-provider CSV files, kept compact (strings
//! interned once, one 64-byte row per offer) and loaded with gpuhunt's rules, including its
//! back-fills for older catalogs and its habit of skipping a malformed row instead of failing.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::backends::{self, Kind};
use crate::csv;
use crate::{CpuArch, Vendor};

/// Per-load memo tables: most rows repeat a handful of flag sets, provider-data blobs and
/// instance types.
#[derive(Default)]
struct LoadCaches {
    flags: FxMap<Sym, bool>,
    pdata: FxMap<Sym, Option<u8>>,
    supported: FxMap<(Sym, u16), bool>,
    /// The previous row's symbol per string column: consecutive rows often repeat a value.
    last: [Option<Sym>; 6],
}

impl Interner {
    /// `intern`, trying the column's previous value first (one comparison, no hashing).
    fn intern_col(&mut self, last: &mut Option<Sym>, s: &str) -> Sym {
        if let Some(sym) = *last
            && self.get(sym) == s
        {
            return sym;
        }
        let sym = self.intern(s);
        *last = Some(sym);
        sym
    }
}

/// Flags dstack 0.22.5 asks gpuhunt for; a row with any other flag is hidden from it.
pub const SUPPORTED_FLAGS: &[&str] = &[
    "oci-spot",
    "lambda-arm",
    "gcp-a4",
    "gcp-g4",
    "gcp-dws-calendar-mode",
    "runpod-cpu",
    "runpod-cluster",
    "hotaisle-bm",
];

/// An interned string: an index into the catalog's string table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// FxHash-style hasher: interning hashes short keys only, SipHash's DoS resistance buys nothing.
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[derive(Clone, Debug, Default)]
pub(crate) struct Interner {
    map: FxMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> Sym {
        if let Some(&i) = self.map.get(s) {
            return Sym(i);
        }
        let i = u32::try_from(self.strings.len()).unwrap_or(u32::MAX);
        self.strings.push(s.into());
        self.map.insert(s.into(), i);
        Sym(i)
    }
    pub(crate) fn get(&self, s: Sym) -> &str {
        self.strings.get(s.0 as usize).map(|b| &**b).unwrap_or("")
    }
    pub(crate) fn lookup(&self, s: &str) -> Option<Sym> {
        self.map.get(s).map(|&i| Sym(i))
    }
    fn heap_bytes(&self) -> usize {
        self.strings
            .iter()
            .map(|s| 2 * s.len() + 2 * 16 + 8)
            .sum::<usize>()
    }
}

/// A small table of distinct strings addressed by `u16` (regions, GPU names, flag sets), so a
/// query can answer "is this one allowed" with a `Vec<bool>` lookup instead of hashing.
#[derive(Clone, Debug, Default)]
pub(crate) struct Table {
    pub(crate) syms: Vec<Sym>,
    ids: FxMap<Sym, u16>,
}

impl Table {
    fn id(&mut self, sym: Sym) -> u16 {
        if let Some(&i) = self.ids.get(&sym) {
            return i;
        }
        let i = u16::try_from(self.syms.len()).unwrap_or(u16::MAX);
        if i < u16::MAX {
            self.syms.push(sym);
            self.ids.insert(sym, i);
        }
        i
    }
}

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

/// One catalog row, 64 bytes. Optional numbers use NaN for "absent".
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
    pub(crate) region: u16,
    /// Index into `Catalog::gpus`; 0 = no GPU name.
    pub(crate) gpu: u16,
    /// Index into `Catalog::flag_sets`.
    pub(crate) flags: u16,
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
    /// Free-form description of where the data comes from (a date, a directory).
    pub(crate) source: Option<String>,
}

/// One row as plain data, for callers that want to look at the catalog itself.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemView<'c> {
    pub provider: &'c str,
    pub instance_name: &'c str,
    pub location: &'c str,
    pub price: f64,
    pub cpu: i32,
    pub memory: f64,
    pub gpu_count: i32,
    pub gpu_name: Option<&'c str>,
    pub gpu_memory: Option<f64>,
    pub spot: bool,
    pub disk_size: Option<f64>,
    pub gpu_vendor: Option<Vendor>,
    pub flags: &'c str,
    pub cpu_arch: CpuArch,
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

pub(crate) fn opt(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// dstack stores sizes as whole MiB (`round(gb * 1024)`, Python's half-to-even) and compares
/// them back in GB.
pub(crate) fn mib_round(gb: f64) -> f64 {
    (gb * 1024.0).round_ties_even() / 1024.0
}

const FIELDS: [&str; 14] = [
    "instance_name",
    "location",
    "price",
    "cpu",
    "memory",
    "gpu_count",
    "gpu_name",
    "gpu_memory",
    "spot",
    "disk_size",
    "gpu_vendor",
    "flags",
    "cpu_arch",
    "provider_data",
];

/// Python's `float()`: surrounding whitespace allowed, `inf`/`nan` accepted, `_` between
/// digits allowed. The plain form parses directly; the rest takes a slower path.
fn py_float(s: &str) -> Option<f64> {
    if let Ok(v) = s.parse() {
        return Some(v);
    }
    let cleaned: String = s.trim().chars().filter(|&c| c != '_').collect();
    cleaned.parse().ok()
}

/// Python's `int()` on a string, limited to what fits a row.
fn py_int(s: &str) -> Option<i32> {
    if let Ok(v) = s.parse::<i32>() {
        return Some(v);
    }
    let cleaned: String = s.trim().chars().filter(|&c| c != '_').collect();
    cleaned
        .parse::<i64>()
        .ok()
        .and_then(|v| i32::try_from(v).ok())
}

/// What the matcher needs from `provider_data`, or `None` when it is not valid JSON
/// (gpuhunt skips such rows).
fn provider_data_bits(raw: &str) -> Option<u8> {
    let raw = raw.trim();
    if raw.is_empty() || raw == "{}" {
        return Some(0);
    }
    let value: serde_json::Value = serde_json::from_str(raw).ok()?;
    let mut out = 0;
    if let Some(obj) = value.as_object() {
        if obj.get("is_dws_calendar_mode").and_then(|v| v.as_bool()) == Some(true) {
            out |= bits::DWS_CALENDAR;
        }
        if obj
            .get("is_preemptible_flat_rate")
            .and_then(|v| v.as_bool())
            == Some(true)
        {
            out |= bits::FLAT_RATE;
        }
        let counts = obj.get("pod_counts").and_then(|v| v.as_array());
        if counts.is_some_and(|c| c.iter().any(|c| c.as_f64() != Some(1.0))) {
            out |= bits::CLUSTER;
        }
    }
    Some(out)
}

/// The region dstack shows for a row: GCP rows are per zone (`us-central1-a` → `us-central1`).
fn region_of(kind: Kind, location: &str) -> &str {
    if kind != Kind::Gcp {
        return location;
    }
    match location.char_indices().rev().nth(1) {
        Some((i, _)) => location.get(..i).unwrap_or(""),
        None => "",
    }
}

struct Columns([Option<usize>; 14]);

impl Columns {
    fn from_header(rec: &csv::Record<'_>) -> Columns {
        let mut cols = [None; 14];
        for i in 0..rec.len() {
            let name = rec.get(i).unwrap_or("");
            if let Some(f) = FIELDS.iter().position(|&f| f == name) {
                // Python's DictReader keeps the last column of a repeated name.
                cols[f] = Some(i);
            }
        }
        Columns(cols)
    }
    /// `row.get(field)`: `None` when the column or the value is missing.
    fn get<'r>(&self, rec: &csv::Record<'r>, field: usize) -> Option<&'r str> {
        self.0
            .get(field)
            .copied()
            .flatten()
            .and_then(|i| rec.get(i))
    }
}

impl Catalog {
    pub fn new() -> Catalog {
        let mut c = Catalog::default();
        let empty = c.strings.intern("");
        c.gpus.id(empty);
        c
    }

    /// Parses one provider's CSV (gpuhunt's layout; the provider is the file's name without
    /// `.csv`). Malformed rows are skipped and reported in [`Catalog::warnings`]. Rows of a
    /// provider already in the catalog are replaced.
    pub fn from_csv(provider: &str, text: &str) -> Catalog {
        let mut catalog = Catalog::new();
        catalog.add_csv(provider, text);
        catalog
    }

    /// Adds (or replaces) one provider from CSV text.
    pub fn add_csv(&mut self, provider: &str, text: &str) {
        let provider = provider.trim().to_ascii_lowercase();
        self.remove_provider(&provider);
        let pidx = self.provider_index(&provider);
        let mut reader = csv::Reader::new(text);
        let mut header: Option<Columns> = None;
        let caches = &mut LoadCaches::default();
        let kind = backends::kind_of_provider(&provider);
        let first = self.items.len();
        while let Some(rec) = reader.next_record() {
            if rec.is_empty() {
                continue; // DictReader skips blank lines
            }
            let Some(cols) = &header else {
                header = Some(Columns::from_header(&rec));
                continue;
            };
            match self.parse_row(kind, pidx, cols, &rec, caches) {
                Ok((item, raw)) => {
                    self.items.push(item);
                    self.raw.push(raw);
                }
                Err(message) => self.warnings.push(LoadWarning {
                    provider: provider.clone(),
                    line: rec.line,
                    message,
                }),
            }
        }
        if kind == Kind::Gcp {
            self.mark_zone_duplicates(first);
        }
    }

    fn parse_row(
        &mut self,
        kind: Kind,
        pidx: u16,
        cols: &Columns,
        rec: &csv::Record<'_>,
        caches: &mut LoadCaches,
    ) -> Result<(Item, [f64; 2]), String> {
        let required = |field: usize| -> Result<&str, String> {
            match cols.get(rec, field) {
                None => Err(format!("Required field {:?} is missing", FIELDS[field])),
                Some("") => Err(format!("Required field {:?} is empty", FIELDS[field])),
                Some(v) => Ok(v),
            }
        };
        let optional = |field: usize| cols.get(rec, field).filter(|v| !v.is_empty());
        let bad = |field: usize, v: &str| format!("Cannot parse field {:?}: {v:?}", FIELDS[field]);
        let float = |field: usize, v: &str| py_float(v).ok_or_else(|| bad(field, v));
        let int = |field: usize, v: &str| py_int(v).ok_or_else(|| bad(field, v));

        let gpu_count = int(5, required(5)?)?;
        let mut gpu_name = optional(6);
        let mut vendor = match optional(10) {
            None => None,
            Some(v) => Some(crate::parse_vendor(v).ok_or_else(|| bad(10, v))?),
        };
        if let Some(tpu) = gpu_name.and_then(|n| n.strip_prefix("tpu-")) {
            // Older catalogs marked TPUs by a `tpu-` prefix and had no vendor column.
            gpu_name = Some(tpu);
            vendor = vendor.or(Some(Vendor::Google));
        } else if vendor.is_none() && gpu_count != 0 {
            vendor = Some(Vendor::Nvidia);
        }
        let arch = match optional(12) {
            None => CpuArch::X86,
            Some(v) => crate::parse_cpu_arch(v).ok_or_else(|| bad(12, v))?,
        };
        let instance = required(0)?;
        let location = required(1)?;
        let price = float(2, required(2)?)?;
        let cpu = int(3, required(3)?)?;
        let memory = float(4, required(4)?)?;
        let gpu_memory = match optional(7) {
            None => f64::NAN,
            Some(v) => float(7, v)?,
        };
        let spot_text = required(8)?;
        let spot = if spot_text.eq_ignore_ascii_case("true") {
            true
        } else if spot_text.eq_ignore_ascii_case("false") {
            false
        } else {
            return Err(format!("Not a boolean: {spot_text:?}"));
        };
        let disk_size = match optional(9) {
            None => f64::NAN,
            Some(v) => float(9, v)?,
        };
        let raw_pdata = cols.get(rec, 13).filter(|v| !v.is_empty()).unwrap_or("{}");
        let pdata_sym = self.strings.intern_col(&mut caches.last[0], raw_pdata);
        let pdata_bits = *caches
            .pdata
            .entry(pdata_sym)
            .or_insert_with(|| provider_data_bits(raw_pdata));
        let Some(pdata_bits) = pdata_bits else {
            return Err("Cannot parse field \"provider_data\": not JSON".to_string());
        };
        let flags_text = cols.get(rec, 11).unwrap_or("");
        let flags_sym = self.strings.intern_col(&mut caches.last[1], flags_text);
        let flags = self.flag_sets.id(flags_sym);
        let flags_ok = *caches.flags.entry(flags_sym).or_insert_with(|| {
            flags_text
                .split_whitespace()
                .all(|f| SUPPORTED_FLAGS.contains(&f))
        });
        let mut bits = pdata_bits;
        if spot {
            bits |= bits::SPOT;
        }
        if flags_ok {
            bits |= bits::FLAGS_OK;
        }
        if kind == Kind::Runpod && !location.contains('-') {
            bits |= bits::COMMUNITY;
        }
        let instance_sym = self.strings.intern_col(&mut caches.last[2], instance);
        let location_sym = self.strings.intern_col(&mut caches.last[3], location);
        let region_sym = self
            .strings
            .intern_col(&mut caches.last[4], region_of(kind, location));
        let region = self.regions.id(region_sym);
        let gpu = match gpu_name {
            Some(n) => {
                let sym = self.strings.intern_col(&mut caches.last[5], n);
                self.gpus.id(sym)
            }
            None => 0,
        };
        let supported =
            *caches
                .supported
                .entry((instance_sym, gpu))
                .or_insert_with(|| match kind {
                    Kind::Gcp => backends::gcp_supported(instance, gpu_name),
                    k => backends::instance_supported(k, instance, &[]),
                });
        if supported {
            bits |= bits::SUPPORTED;
        }
        let item = Item {
            price,
            memory: mib_round(memory),
            gpu_memory: mib_round(gpu_memory),
            disk_size,
            instance: instance_sym,
            location: location_sym,
            provider_data: pdata_sym,
            cpu,
            gpu_count,
            provider: pidx,
            region,
            gpu,
            flags,
            vendor,
            arch,
            bits,
        };
        Ok((item, [memory, gpu_memory]))
    }

    /// GCP lists a row per zone; dstack keeps the first row of each (instance, spot, gpu,
    /// region) among the rows gpuhunt returns to it (flag-hidden rows never take the slot).
    fn mark_zone_duplicates(&mut self, first: usize) {
        let mut seen: FxMap<(Sym, bool, u16, u16), ()> = FxMap::default();
        for item in self.items.iter_mut().skip(first) {
            if !item.has(bits::FLAGS_OK) {
                continue;
            }
            let key = (item.instance, item.spot(), item.gpu, item.region);
            if seen.insert(key, ()).is_some() {
                item.bits |= bits::ZONE_DUPLICATE;
            }
        }
    }

    fn provider_index(&mut self, provider: &str) -> u16 {
        let sym = self.strings.intern(provider);
        if let Some(i) = self.providers.iter().position(|&p| p == sym) {
            return i as u16;
        }
        self.providers.push(sym);
        (self.providers.len() - 1) as u16
    }

    fn remove_provider(&mut self, provider: &str) {
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
        let table_map = |from: &Table, to: &mut Table, this: &mut Interner| -> Vec<u16> {
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
        self.warnings.extend(other.warnings.iter().cloned());
        if self.source.is_none() {
            self.source = other.source.clone();
        }
    }

    /// Rows gpuhunt would have skipped, with reasons.
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
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
        self.regions
            .syms
            .get(i.region as usize)
            .map(|&s| self.str(s))
            .unwrap_or("")
    }

    pub(crate) fn gpu_name(&self, i: &Item) -> Option<&str> {
        if i.gpu == 0 {
            return None;
        }
        self.gpus.syms.get(i.gpu as usize).map(|&s| self.str(s))
    }

    /// Distinct `(backend, region)` pairs, sorted: dstack backend names (`lambda`) and the
    /// regions offers are shown in (GCP zones folded into their region). For completing
    /// `regions:`.
    pub fn backend_regions(&self) -> Vec<(&str, &str)> {
        let mut seen = vec![Vec::<bool>::new(); self.providers.len()];
        let mut out = Vec::new();
        for item in &self.items {
            let Some(mask) = seen.get_mut(item.provider as usize) else {
                continue;
            };
            if mask.len() <= item.region as usize {
                mask.resize(item.region as usize + 1, false);
            }
            if let Some(slot) = mask.get_mut(item.region as usize).filter(|s| !**s) {
                *slot = true;
                let backend = backends::backend_of_provider(self.provider_name(item.provider));
                out.push((backend, self.region_name(item)));
            }
        }
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
            provider: self.provider_name(i.provider),
            instance_name: self.str(i.instance),
            location: self.str(i.location),
            price: i.price,
            cpu: i.cpu,
            memory: raw[0],
            gpu_count: i.gpu_count,
            gpu_name: self.gpu_name(i),
            gpu_memory: opt(raw[1]),
            spot: i.spot(),
            disk_size: opt(i.disk_size),
            gpu_vendor: i.vendor,
            flags: self
                .flag_sets
                .syms
                .get(i.flags as usize)
                .map(|&f| self.str(f))
                .unwrap_or(""),
            cpu_arch: i.arch,
            provider_data: self.str(i.provider_data),
        }
    }
}

/// How many rows offer each GPU name (most offered first; ties by name), with its vendor,
/// memory sizes and cheapest price. Rows hidden from dstack by flags are not counted.
pub fn gpu_offer_counts(catalog: &Catalog) -> Vec<GpuCount> {
    let mut by_name: FxMap<u16, GpuCount> = FxMap::default();
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\n";

    #[test]
    fn loads_rows_and_skips_malformed_ones() {
        let text = format!(
            "{HEADER}a2-highgpu-1g,us-central1-a,3.67,12,85.0,1,A100,40.0,False,,nvidia,,x86,\"{{\"\"is_dws_calendar_mode\"\": false}}\"\n\
             a2-highgpu-1g,us-central1-b,3.67,12,85.0,1,A100,40.0,False,,nvidia,,x86,{{}}\n\
             bad,us-central1-a,notaprice,1,1,0,,,False,,,,x86,{{}}\n\
             v5litepod-8,us-west4-a,9.6,224,384,1,tpu-v5litepod-8,16,True,,,,,\n\
             old,us-east1-b,1,4,16,2,T4,16,true,,,gcp-g4-preview,,{{}}\n\
             cpu,us-east1-c,0.1,2,8,0,,,False,,,,arm,{{bad json\n\
             short,us-east1-d\n"
        );
        let c = Catalog::from_csv("gcp", &text);
        let rows: Vec<String> = c
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {:?} {:?} spot={} flags={:?}",
                    r.instance_name, r.location, r.price, r.gpu_name, r.gpu_vendor, r.spot, r.flags
                )
            })
            .collect();
        expect_test::expect![[r#"
            [
                "a2-highgpu-1g us-central1-a 3.67 Some(\"A100\") Some(Nvidia) spot=false flags=\"\"",
                "a2-highgpu-1g us-central1-b 3.67 Some(\"A100\") Some(Nvidia) spot=false flags=\"\"",
                "v5litepod-8 us-west4-a 9.6 Some(\"v5litepod-8\") Some(Google) spot=true flags=\"\"",
                "old us-east1-b 1 Some(\"T4\") Some(Nvidia) spot=true flags=\"gcp-g4-preview\"",
            ]
        "#]]
        .assert_debug_eq(&rows);
        let lines: Vec<usize> = c.warnings().iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![4, 7, 8]);
        // The second zone of the same region is a duplicate; flag-hidden rows are not counted.
        assert!(!c.items[0].has(bits::ZONE_DUPLICATE));
        assert!(c.items[1].has(bits::ZONE_DUPLICATE));
        assert!(!c.items[3].has(bits::FLAGS_OK));
        assert_eq!(c.region_name(&c.items[0]), "us-central1");
    }

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
        let names: Vec<(&str, &str)> = a.iter().map(|r| (r.provider, r.instance_name)).collect();
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

    #[test]
    fn python_number_forms() {
        assert_eq!(py_float(" 1_000.5 "), Some(1000.5));
        assert_eq!(py_float("inf"), Some(f64::INFINITY));
        assert_eq!(py_float("1e3"), Some(1000.0));
        assert_eq!(py_float("abc"), None);
        assert_eq!(py_int(" +7 "), Some(7));
        assert_eq!(py_int("1_0"), Some(10));
        assert_eq!(py_int("3.0"), None);
    }

    #[test]
    fn junk_never_panics() {
        // Deterministic pseudo-random texts over characters that matter to the reader.
        let alphabet: Vec<char> = "a1.,\"\n\r-_ {}[]:éTrueFalsenvidiatpu-x86arm"
            .chars()
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut loaded = 0;
        for round in 0..300 {
            let mut text = String::from(HEADER);
            for _ in 0..(round % 97) * 3 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let c = Catalog::from_csv("gcp", &text);
            loaded += c.len() + c.warnings().len();
            let _ = gpu_offer_counts(&c);
            let _ = c.backend_regions();
        }
        assert!(loaded > 0);
    }
}
