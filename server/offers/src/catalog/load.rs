//! Loading gpuhunt CSV text into a [`Catalog`] with gpuhunt's rules: its back-fills for older
//! catalogs and its habit of skipping a malformed row (with a warning) instead of failing. Every
//! load is bounded: at most [`MAX_ROWS`] rows in a catalog and [`MAX_WARNINGS`] warnings listed.

use std::io::Read;

use super::intern::{FxMap, Sym};
use super::store::{Catalog, Item, LoadWarning, bits, mib_round};
use crate::backends::{self, Kind};
use crate::names::{parse_cpu_arch, parse_vendor};
use dstack_values::cpu::CpuArch;
use dstack_values::gpu_names::Vendor;

/// Rows a catalog holds at most (88 bytes each in memory). The 27k-row reference catalog in
/// gpuhunt's layout is about a seventh of this.
pub const MAX_ROWS: usize = 200_000;

/// Distinct strings (instance names, locations, provider data, …) a catalog holds at most, and
/// their bytes. Real catalogs repeat their values (the reference catalog has 1,308 distinct
/// strings, 17 KB); a file of all-unique values would cost ~600 bytes a row.
pub const MAX_DISTINCT_STRINGS: usize = 100_000;
pub const MAX_DISTINCT_TEXT: usize = 4 << 20;

/// Skipped-row warnings kept per catalog; past this only their number grows.
pub const MAX_WARNINGS: usize = 1_000;

/// Providers (CSV files) a catalog holds at most; gpuhunt has about twenty.
pub const MAX_PROVIDERS: usize = 1_024;

/// Per-load memo tables: most rows repeat a handful of flag sets, provider-data blobs and
/// instance types.
#[derive(Default)]
struct LoadCaches {
    flags: FxMap<Sym, bool>,
    pdata: FxMap<Sym, Option<u8>>,
    supported: FxMap<(Sym, u32), bool>,
    /// The previous row's symbol per string column: consecutive rows often repeat a value.
    last: [Option<Sym>; 6],
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
    fn from_header(rec: &csv::ByteRecord) -> Columns {
        let mut cols = [None; 14];
        for (i, name) in rec.iter().enumerate() {
            // A byte-order mark is not part of the first column's name.
            let name = name.strip_prefix("\u{feff}".as_bytes()).unwrap_or(name);
            if let Some(f) = FIELDS.iter().position(|&f| f.as_bytes() == name) {
                // Python's DictReader keeps the last column of a repeated name.
                cols[f] = Some(i);
            }
        }
        Columns(cols)
    }
    /// `row.get(field)`: `None` when the column or the value is missing.
    /// A field that is not UTF-8 text reads as missing (the row is then skipped).
    fn get<'r>(&self, rec: &'r csv::ByteRecord, field: usize) -> Option<&'r str> {
        self.0
            .get(field)
            .copied()
            .flatten()
            .and_then(|i| rec.get(i))
            .and_then(|b| std::str::from_utf8(b).ok())
    }
}

impl Catalog {
    /// Parses one provider's CSV (gpuhunt's layout; the provider is the file's name without
    /// `.csv`). Malformed rows are skipped and reported in [`Catalog::warnings`].
    pub fn from_csv(provider: &str, text: &str) -> Catalog {
        let mut catalog = Catalog::new();
        catalog.add_csv(provider, text);
        catalog
    }

    /// Adds (or replaces) one provider from CSV text. Past [`MAX_ROWS`] the rest is left out
    /// with a warning.
    pub fn add_csv(&mut self, provider: &str, text: &str) {
        if let Err(message) = self.add_csv_reader(provider, text.as_bytes()) {
            self.warn(provider, 0, message);
        }
    }

    /// Adds (or replaces) one provider from a CSV stream. Rows are parsed as they are read, so
    /// memory follows the rows kept, not the text. An error (the reader failed, or the catalog
    /// reached [`MAX_ROWS`] or [`MAX_PROVIDERS`]) leaves the rows read so far in place.
    pub fn add_csv_reader(&mut self, provider: &str, reader: impl Read) -> Result<(), String> {
        let provider = provider.trim().to_ascii_lowercase();
        self.remove_provider(&provider);
        if self.providers.len() >= MAX_PROVIDERS && self.strings.lookup(&provider).is_none() {
            return Err(format!("more than {MAX_PROVIDERS} providers"));
        }
        let pidx = self.provider_index(&provider);
        // Python's `csv` module, `excel` dialect: `,`, `"` quoting with `""`, any line ending;
        // rows may have more or fewer fields than the header.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        let mut rec = csv::ByteRecord::new();
        let mut header: Option<Columns> = None;
        let caches = &mut LoadCaches::default();
        let kind = backends::kind_of_provider(&provider);
        let first = self.items.len();
        let mut result = Ok(());
        loop {
            match reader.read_byte_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    result = Err(format!("{provider}: {e}"));
                    break;
                }
            }
            if rec.is_empty() || (rec.len() == 1 && rec.get(0) == Some(b"")) {
                continue; // DictReader skips blank lines
            }
            let Some(cols) = &header else {
                header = Some(Columns::from_header(&rec));
                continue;
            };
            let line = rec.position().map_or(0, |p| p.line() as usize);
            if self.items.len() >= MAX_ROWS {
                result = Err(format!(
                    "{provider}: more than {MAX_ROWS} catalog rows; the rest is left out"
                ));
                break;
            }
            match self.parse_row(kind, pidx, cols, &rec, caches) {
                Ok((item, raw)) => {
                    self.items.push(item);
                    self.raw.push(raw);
                }
                Err(message) => self.warn(&provider, line, message),
            }
            if self.strings.text_bytes > MAX_DISTINCT_TEXT
                || self.strings.strings.len() > MAX_DISTINCT_STRINGS
            {
                result = Err(format!(
                    "{provider}: more than {MAX_DISTINCT_STRINGS} distinct values or {} MiB of \
                     distinct text; the rest is left out",
                    MAX_DISTINCT_TEXT >> 20
                ));
                break;
            }
        }
        if kind == Kind::Gcp {
            self.mark_zone_duplicates(first);
        }
        result
    }

    /// Records a skipped row; past [`MAX_WARNINGS`] only the count grows.
    pub fn warn(&mut self, provider: &str, line: usize, message: String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(LoadWarning {
                provider: provider.to_string(),
                line,
                message,
            });
        } else {
            self.warnings_dropped += 1;
        }
    }

    fn parse_row(
        &mut self,
        kind: Kind,
        pidx: u16,
        cols: &Columns,
        rec: &csv::ByteRecord,
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
            Some(v) => Some(parse_vendor(v).ok_or_else(|| bad(10, v))?),
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
            Some(v) => parse_cpu_arch(v).ok_or_else(|| bad(12, v))?,
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
        let mut seen: FxMap<(Sym, bool, u32, u32), ()> = FxMap::default();
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::hints::gpu_offer_counts;

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
                    r.offer.instance,
                    r.location,
                    r.offer.price,
                    r.offer.gpu_name,
                    r.offer.gpu_vendor,
                    r.offer.spot,
                    r.flags
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

    #[test]
    fn more_than_65535_regions_keep_their_own_region() {
        let mut text = String::from(HEADER);
        for i in 0..70_000 {
            text.push_str(&format!("t3.micro,r{i},0.01,2,1,0,,,False,,,,x86,{{}}\n"));
        }
        let c = Catalog::from_csv("aws", &text);
        assert_eq!(c.len(), 70_000);
        for i in [0, 65_534, 65_535, 65_536, 69_999] {
            assert_eq!(c.region_name(&c.items[i]), format!("r{i}"));
        }
        assert_eq!(c.backend_regions().len(), 70_000);
    }

    #[test]
    fn rows_and_warnings_are_capped() {
        let row = "t3.micro,us-east-1,0.01,2,1,0,,,False,,,,x86,{}\n";
        let mut text = String::from(HEADER);
        text.push_str(&row.repeat(MAX_ROWS + 10));
        text.push_str(&"bad\n".repeat(MAX_WARNINGS + 5));
        let c = Catalog::from_csv("aws", &text);
        assert_eq!(c.len(), MAX_ROWS);
        let last = c
            .warnings()
            .last()
            .map(|w| w.message.as_str())
            .unwrap_or("");
        assert!(last.contains("more than 200000 catalog rows"), "{last}");

        let c = Catalog::from_csv(
            "aws",
            &format!("{HEADER}{}", "bad\n".repeat(MAX_WARNINGS + 5)),
        );
        assert_eq!(c.warnings().len(), MAX_WARNINGS);
        assert_eq!(c.warnings_dropped(), 5);
    }
}
