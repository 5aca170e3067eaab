//! `resources.gpu`: the GPU shorthand (`A100:80GB:2`, `24GB..:2`, `amd:MI300X:8`, `tpu:v5litepod-8`) and its mapping form.
//!
//! dstack removes spaces and splits on `:`. Each token, in any order, is a vendor (`nvidia`, `amd`, `google`/`tpu`,
//! `intel`, `tenstorrent`/`tt`, any case), else names if it starts with a letter (comma-separated), else a memory
//! range if it contains a letter, else a count range. Names are not checked against any list.

use std::sync::OnceLock;

use crate::gpu_names::{self, Vendor};
use crate::py::{Stripped, py_float_repr};
use crate::range::{self, IntRange, MemoryRange};
use crate::{Input, Value, ValueCompletion, ValueError, code, compute_capability, type_error};

const EXAMPLE: &str = "A100:80GB:2";

/// What a GPU spec asks for, after dstack's parsing.
#[derive(Debug, Clone, PartialEq)]
pub struct GpuSpec {
    pub vendor: Option<Vendor>,
    pub names: Option<Vec<String>>,
    /// `1..` unless given.
    pub count: IntRange,
    /// Per GPU.
    pub memory: Option<MemoryRange>,
    /// Across all GPUs.
    pub total_memory: Option<MemoryRange>,
    /// A minimum.
    pub compute_capability: Option<(i128, i128)>,
    /// A name had the deprecated `tpu-` prefix (dstack strips it and warns).
    pub deprecated_tpu_prefix: bool,
    /// Shorthand tokens with their byte ranges in the scalar (empty for the mapping form).
    pub tokens: Vec<GpuToken>,
}

/// One `:`-separated token of the shorthand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpuToken {
    pub kind: TokenKind,
    pub range: (u32, u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Vendor,
    Names,
    Memory,
    Count,
}

impl Default for GpuSpec {
    fn default() -> Self {
        GpuSpec {
            vendor: None,
            names: None,
            count: IntRange::at_least(1),
            memory: None,
            total_memory: None,
            compute_capability: None,
            deprecated_tpu_prefix: false,
            tokens: Vec::new(),
        }
    }
}

impl GpuSpec {
    /// The vendor dstack's server settles on: explicit, else the common vendor of known names, else NVIDIA
    /// when no names are given and the default image is used. `None` when no GPU is requested or it can't tell.
    #[cfg(feature = "oracle")]
    pub fn effective_vendor(&self, default_image: bool) -> Option<Vendor> {
        if self.vendor.is_some() {
            return self.vendor;
        }
        if self.count.max == Some(0) {
            return None;
        }
        match &self.names {
            Some(names) if !names.is_empty() => gpu_names::common_vendor(names),
            _ if default_image => Some(Vendor::Nvidia),
            _ => None,
        }
    }

    /// Vendors whose accelerators dstack's default image cannot run (the server then asks for `image`): the explicit
    /// vendor, or else the vendor of every known name (unknown names are ignored), minus NVIDIA and Google. Sorted.
    pub fn vendors_needing_image(&self) -> Vec<Vendor> {
        if self.count.max == Some(0) {
            return Vec::new();
        }
        let mut vendors: Vec<Vendor> = match self.vendor {
            Some(v) => vec![v],
            None => self
                .names
                .iter()
                .flatten()
                .filter_map(|n| gpu_names::vendor_of(n))
                .collect(),
        };
        vendors.retain(|v| !v.default_image_supports());
        vendors.sort();
        vendors.dedup();
        vendors
    }

    /// The first of [`GpuSpec::vendors_needing_image`].
    pub fn needs_custom_image(&self) -> Option<Vendor> {
        self.vendors_needing_image().first().copied()
    }
}

/// Parses a scalar GPU spec (shorthand string or a count).
pub fn parse(input: &Input) -> Result<GpuSpec, ValueError> {
    match *input {
        Input::Str(s) => parse_shorthand(s),
        Input::Int(i) => parse_shorthand(&i.to_string()),
        // Python's `str(True)`: `gpu: true` asks for a GPU named "True".
        Input::Bool(b) => parse_shorthand(if b { "True" } else { "False" }),
        _ => Err(type_error(
            "gpu-spec",
            "a GPU spec such as `A100:80GB:2`",
            input.type_name(),
            EXAMPLE,
        )),
    }
}

/// Parses any form, including the mapping `{vendor, name, count, memory, total_memory, compute_capability}`.
pub fn parse_value(value: &Value) -> Result<GpuSpec, ValueError> {
    match value {
        Value::Scalar(s) => parse(&Input::from_scalar(s)),
        Value::Map(entries) => parse_mapping(entries),
        Value::Seq(_) => Err(type_error(
            "gpu-spec",
            "a GPU spec such as `A100:80GB:2`",
            "list",
            EXAMPLE,
        )),
    }
}

fn parse_shorthand(s: &str) -> Result<GpuSpec, ValueError> {
    let stripped = Stripped::new(s);
    let mut spec = GpuSpec::default();
    let (mut count, mut memory, mut names) = (None, None, None);
    for (start, token) in stripped.split(":") {
        let (os, oe) = stripped.orig_range(start, start + token.len());
        if token.is_empty() {
            // Point at the `:` that makes the empty token.
            let colon = if start > 0 {
                stripped.orig_range(start - 1, start)
            } else {
                stripped.orig_range(0, 1)
            };
            let e = ValueError::new(
                "gpu-spec",
                "GPU spec contains an empty token: remove the extra `:`",
            )
            .example(EXAMPLE);
            return Err(if stripped.text.is_empty() {
                e
            } else {
                e.at(colon.0, colon.1)
            });
        }
        let conflict = |what: &str| {
            ValueError::new(
                "gpu-spec",
                format!("GPU spec {what} conflict: the {what} is given twice"),
            )
            .example(EXAMPLE)
            .at(os, oe)
        };
        let kind = if let Some(vendor) = Vendor::from_token(token) {
            if spec.vendor.is_some() {
                return Err(conflict("vendor"));
            }
            spec.vendor = Some(vendor);
            TokenKind::Vendor
        } else if token.chars().next().is_some_and(char::is_alphabetic) {
            if names.is_some() {
                return Err(conflict("name"));
            }
            let mut list = Vec::new();
            for (nstart, name) in split_at(token, ',', start) {
                if name.is_empty() {
                    let (cs, ce) = stripped.orig_range(nstart.saturating_sub(1), nstart.max(1));
                    return Err(ValueError::new(
                        "gpu-spec",
                        "GPU name can not be empty: remove the extra `,`",
                    )
                    .example("A100,H100:2")
                    .at(cs, ce));
                }
                list.push(name.to_string());
            }
            names = Some(list);
            TokenKind::Names
        } else if token.chars().any(char::is_alphabetic) {
            if memory.is_some() {
                return Err(conflict("memory"));
            }
            memory = Some(
                range::parse_memory(&Input::Str(token))
                    .map_err(|e| remap(e, &stripped, start, os, oe))?,
            );
            TokenKind::Memory
        } else {
            if count.is_some() {
                return Err(conflict("count"));
            }
            count = Some(
                range::parse_int(&Input::Str(token))
                    .map_err(|e| remap(e, &stripped, start, os, oe))?,
            );
            TokenKind::Count
        };
        spec.tokens.push(GpuToken {
            kind,
            range: (os as u32, oe as u32),
        });
    }
    if let Some(c) = count {
        spec.count = c;
    }
    spec.memory = memory;
    if let Some(list) = names {
        let (list, deprecated) = strip_tpu_prefix(list);
        spec.names = Some(list);
        spec.deprecated_tpu_prefix = deprecated;
    }
    Ok(spec)
}

// Pieces of `token` split on `sep`, with offsets in the stripped text (`base` is the token's offset).
fn split_at(token: &str, sep: char, base: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = base;
    token.split(sep).map(move |piece| {
        let start = offset;
        offset += piece.len() + sep.len_utf8();
        (start, piece)
    })
}

// A token's sub-error has a range inside the token's stripped text; map it to the scalar.
fn remap(
    e: ValueError,
    stripped: &Stripped,
    token_start: usize,
    os: usize,
    oe: usize,
) -> ValueError {
    match e.range {
        Some((s, t)) => {
            let (a, b) = stripped.orig_range(token_start + s as usize, token_start + t as usize);
            ValueError {
                range: Some((a as u32, b as u32)),
                ..e
            }
        }
        None => e.at(os, oe),
    }
}

fn strip_tpu_prefix(names: Vec<String>) -> (Vec<String>, bool) {
    let mut deprecated = false;
    let names = names
        .into_iter()
        .map(|n| match n.strip_prefix("tpu-") {
            Some(rest) => {
                deprecated = true;
                rest.to_string()
            }
            None => n,
        })
        .collect();
    (names, deprecated)
}

fn parse_mapping(entries: &[(String, Value)]) -> Result<GpuSpec, ValueError> {
    let mut spec = GpuSpec::default();
    for (key, value) in entries {
        let mut each = || -> Result<(), ValueError> {
            let is_null = matches!(value.as_input(), Some(Input::Null));
            match key.as_str() {
                "vendor" => {
                    spec.vendor = match value.as_input() {
                        Some(Input::Null) => None,
                        Some(Input::Str(s)) => Some(Vendor::from_token(s).ok_or_else(|| {
                            ValueError::new("gpu-spec", format!("`{s}` is not a GPU vendor: use nvidia, amd, google (tpu), intel or tenstorrent")).example("nvidia")
                        })?),
                        _ => return Err(type_error("gpu-spec", "a vendor name", value.type_name(), "nvidia")),
                    }
                }
                "name" => {
                    spec.names = match value {
                        _ if is_null => None,
                        Value::Seq(items) => Some(items.iter().enumerate().map(|(i, n)| name_item(n).map_err(|e| e.in_item(i))).collect::<Result<_, _>>()?),
                        other => Some(vec![name_item(other)?]),
                    };
                }
                "count" => spec.count = range::parse_int_value(value)?,
                "memory" => spec.memory = if is_null { None } else { Some(range::parse_memory_value(value)?) },
                "total_memory" => spec.total_memory = if is_null { None } else { Some(range::parse_memory_value(value)?) },
                "compute_capability" => spec.compute_capability = if is_null { None } else { Some(compute_capability::parse_value(value)?) },
                other => {
                    return Err(ValueError::new("gpu-spec", format!("unknown GPU property `{other}`: use vendor, name, count, memory, total_memory or compute_capability")).example("{name: A100, count: 2}"));
                }
            }
            Ok(())
        };
        each().map_err(|e| e.in_key(key))?;
    }
    if let Some(names) = spec.names.take() {
        let (names, deprecated) = strip_tpu_prefix(names);
        spec.names = Some(names);
        spec.deprecated_tpu_prefix = deprecated;
    }
    Ok(spec)
}

// A name in the mapping form: a string, or a number turned into one.
fn name_item(value: &Value) -> Result<String, ValueError> {
    match value.as_input() {
        Some(Input::Str(s)) => Ok(s.to_string()),
        Some(Input::Int(i)) => Ok(i.to_string()),
        Some(Input::Float(f)) => Ok(py_float_repr(f)),
        _ => Err(type_error(
            "gpu-spec",
            "a GPU name",
            value.type_name(),
            "A100",
        )),
    }
}

/// Markdown saying what dstack will look for, e.g. "2 × NVIDIA A100 with exactly 80 GB each".
pub fn describe(spec: &GpuSpec) -> String {
    if spec.count.max == Some(0) {
        return "no GPU".to_string();
    }
    let count = match (spec.count.min, spec.count.max) {
        (Some(a), Some(b)) if a == b => format!("{a} ×"),
        (Some(0), Some(b)) | (None, Some(b)) => format!("up to {b} ×"),
        (Some(0), None) => "0 or more ×".to_string(),
        (Some(a), Some(b)) => format!("{a} to {b} ×"),
        (Some(a), None) => format!("at least {a} ×"),
        (None, None) => "any number of".to_string(),
    };
    let vendor = spec
        .vendor
        .or_else(|| spec.names.as_deref().and_then(gpu_names::common_vendor));
    let what = match (&spec.names, vendor) {
        (Some(names), v) => {
            let list = names
                .iter()
                .map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join(" or ");
            match v {
                Some(v) => format!("{} {list}", v.display()),
                None => list,
            }
        }
        (None, Some(v)) => format!("any {} GPU", v.display()),
        (None, None) => "any GPU".to_string(),
    };
    let mut out = format!("{count} {what}");
    if let Some(m) = &spec.memory {
        out.push_str(&format!(" with {} each", range::describe_memory(m)));
    }
    let mut extras = Vec::new();
    if let Some(t) = &spec.total_memory {
        extras.push(format!("{} in total", range::describe_memory(t)));
    }
    if let Some(cc) = spec.compute_capability {
        extras.push(compute_capability::describe(cc));
    }
    if !extras.is_empty() {
        out.push_str(", ");
        out.push_str(&extras.join(", "));
    }
    let mut notes = Vec::new();
    for name in spec.names.iter().flatten() {
        if let Some((version, cores)) = gpu_names::tpu_parts(name) {
            notes.push(format!(
                "{}: TPU {version} slice with {cores} cores",
                code(name)
            ));
            continue;
        }
        let sizes = gpu_names::memory_sizes(name);
        if let Some(a) = gpu_names::lookup(name).next() {
            let sizes = sizes
                .iter()
                .map(|s| format!("{s} GB"))
                .collect::<Vec<_>>()
                .join(" or ");
            notes.push(format!(
                "{}: {} {}, {sizes}",
                code(name),
                a.vendor.display(),
                a.name
            ));
        } else {
            notes.push(format!(
                "{}: not a GPU name dstack knows; offers are matched by name, ignoring case",
                code(name)
            ));
        }
    }
    if spec.deprecated_tpu_prefix {
        notes.push(
            "the `tpu-` prefix is deprecated: write `tpu:v5litepod-8` or just the TPU name"
                .to_string(),
        );
    }
    if spec.memory.is_some_and(|m| m.is_exact()) {
        notes.push("a single size is exact; write e.g. `24GB..` for \"at least\"".to_string());
    }
    for note in notes {
        out.push_str("\n\n- ");
        out.push_str(&note);
    }
    out
}

/// Proposals for the token being typed at the end of `partial` (the scalar's text up to the cursor).
/// `insert` is the whole new text from the start of the scalar.
/// Each known name of `vendor` with its completion detail (`NVIDIA A100, 40 GB/80 GB`), built
/// once: completion lists them all on every request.
fn name_details(vendor: Vendor) -> &'static [(&'static str, String)] {
    type Names = Vec<(&'static str, String)>;
    static TABLE: OnceLock<Vec<(Vendor, Names)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        Vendor::ALL
            .iter()
            .map(|&v| {
                let names = gpu_names::names_of(v)
                    .into_iter()
                    .map(|n| {
                        let sizes = gpu_names::memory_sizes(n)
                            .iter()
                            .map(|s| format!("{s} GB"))
                            .collect::<Vec<_>>()
                            .join("/");
                        (n, format!("{} {n}, {sizes}", v.display()))
                    })
                    .collect();
                (v, names)
            })
            .collect()
    });
    table
        .iter()
        .find(|(v, _)| *v == vendor)
        .map_or(&[], |(_, names)| names.as_slice())
}

pub fn complete(partial: &str) -> Vec<ValueCompletion> {
    let (head, current) = match partial.rfind(':') {
        Some(i) => (&partial[..=i], &partial[i + 1..]),
        None => ("", partial),
    };
    let earlier: Vec<String> = head
        .split(':')
        .map(|t| t.replace(' ', ""))
        .filter(|t| !t.is_empty())
        .collect();
    let vendor = earlier.iter().find_map(|t| Vendor::from_token(t));
    let name = earlier.iter().find(|t| {
        Vendor::from_token(t).is_none() && t.chars().next().is_some_and(char::is_alphabetic)
    });
    let has_count = earlier.iter().any(|t| !t.chars().any(char::is_alphabetic));
    let has_memory = earlier.iter().any(|t| {
        Vendor::from_token(t).is_none()
            && !t.chars().next().is_some_and(char::is_alphabetic)
            && t.chars().any(char::is_alphabetic)
    });
    let mut out = Vec::new();
    let mut push = |label: String, detail: String, sort: u32| {
        let insert = format!("{head}{label}");
        out.push(ValueCompletion::new(label, detail, sort).with_insert(insert));
    };
    if name.is_none() {
        let vendors: Vec<Vendor> = match vendor {
            Some(v) => vec![v],
            None => Vendor::ALL.to_vec(),
        };
        let mut sort = 0;
        for v in vendors {
            if v == Vendor::Google {
                for version in gpu_names::TPU_VERSIONS {
                    push(
                        format!("{version}-8"),
                        format!("Google TPU {version}, 8 cores"),
                        100 + sort,
                    );
                    sort += 1;
                }
                continue;
            }
            for (n, detail) in name_details(v) {
                push(n.to_string(), detail.clone(), 100 + sort);
                sort += 1;
            }
        }
    }
    if vendor.is_none() && name.is_none() {
        for (i, v) in ["nvidia", "amd", "tpu", "intel", "tt"].iter().enumerate() {
            push(v.to_string(), "GPU vendor".to_string(), 50 + i as u32);
        }
    }
    if let Some(n) = name
        && !has_memory
    {
        for (i, s) in n.split(',').flat_map(gpu_names::memory_sizes).enumerate() {
            push(
                format!("{s}GB"),
                format!("exactly {s} GB per GPU"),
                10 + i as u32,
            );
        }
    }
    if !has_count && (name.is_some() || has_memory || vendor.is_some()) {
        for (i, c) in ["1", "2", "4", "8", "1..", "2..8"].iter().enumerate() {
            push(
                c.to_string(),
                format!(
                    "{} GPUs",
                    range::describe_int(
                        &range::parse_int(&Input::Str(c)).unwrap_or(IntRange::exact(1))
                    )
                ),
                i as u32,
            );
        }
    }
    if !has_memory && name.is_none() {
        for (i, m) in ["16GB..", "24GB..", "40GB..", "80GB.."].iter().enumerate() {
            push(
                m.to_string(),
                format!("at least {} per GPU", &m[..m.len() - 2]),
                30 + i as u32,
            );
        }
    }
    let p = current.trim().to_lowercase();
    out.retain(|c| c.label.to_lowercase().starts_with(&p));
    out.sort_by_key(|c| c.sort);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn show(s: &str) -> String {
        crate::show(parse(&Input::Str(s)), |spec| {
            describe(spec).lines().next().unwrap_or("").to_string()
        })
    }

    #[test]
    fn shorthand_forms() {
        expect![[r#"2 × NVIDIA A100 with exactly 80 GB each"#]].assert_eq(&show("A100:80GB:2"));
        expect![[r#"2 × any GPU with 24 GB to 40 GB each"#]].assert_eq(&show("24GB..40GB:2"));
        expect![[r#"2 × NVIDIA A100"#]].assert_eq(&show("2:A100"));
        expect![[r#"8 × AMD MI300X"#]].assert_eq(&show("amd:MI300X:8"));
        expect![[r#"at least 1 × Google TPU v5litepod-8"#]].assert_eq(&show("tpu:v5litepod-8"));
        expect![[r#"1 to 2 × NVIDIA A100 or H100 with at least 40 GB each"#]]
            .assert_eq(&show("A100,H100:40GB..:1..2"));
        expect![[r#"at least 1 × any NVIDIA GPU with exactly 24 GB each"#]]
            .assert_eq(&show("nvidia:24GB"));
        expect![[r#"2 × NVIDIA A100"#]].assert_eq(&show("A100 : 2"));
        expect![[r#"no GPU"#]].assert_eq(&show("0"));
        expect![[r#"0 or more × any GPU"#]].assert_eq(&show("0.."));
        expect![[r#"up to 4 × NVIDIA H100"#]].assert_eq(&show("H100:..4"));
        expect![[r#"at least 1 × any GPU with 16 GB to 32 GB each"#]].assert_eq(&show("16GB..32"));
        expect![[r#"at least 1 × Tenstorrent n300"#]].assert_eq(&show("tt:n300"));
    }

    #[test]
    fn shorthand_errors() {
        expect![[r#"error Some((4, 5)): GPU spec contains an empty token: remove the extra `:` (example: `A100:80GB:2`)"#]].assert_eq(&show("A100:"));
        expect![[r#"error Some((0, 1)): GPU spec contains an empty token: remove the extra `:` (example: `A100:80GB:2`)"#]].assert_eq(&show(":2"));
        expect!["error Some((4, 5)): GPU spec contains an empty token: remove the extra `:` (example: `A100:80GB:2`)"].assert_eq(&show("A100::2"));
        expect![[r#"error Some((4, 5)): GPU name can not be empty: remove the extra `,` (example: `A100,H100:2`)"#]].assert_eq(&show("A100,:2"));
        expect![[r#"error Some((14, 17)): GPU spec vendor conflict: the vendor is given twice (example: `A100:80GB:2`)"#]].assert_eq(&show("Nvidia:A100:2:AMD"));
        expect![[r#"error Some((7, 8)): GPU spec count conflict: the count is given twice (example: `A100:80GB:2`)"#]].assert_eq(&show("A100:2:3"));
        expect![[r#"error Some((10, 14)): GPU spec memory conflict: the memory is given twice (example: `A100:80GB:2`)"#]].assert_eq(&show("A100:40GB:80GB"));
        expect![[r#"error Some((5, 8)): `0.5` is not a whole number (example: `1..4`)"#]]
            .assert_eq(&show("A100:0.5"));
        expect![[r#"error Some((5, 9)): invalid range order: 4..1 (min > max) (example: `1..4`)"#]]
            .assert_eq(&show("A100:4..1"));
        expect![[r#"error None: GPU spec contains an empty token: remove the extra `:` (example: `A100:80GB:2`)"#]].assert_eq(&show(""));
        assert!(parse(&Input::Float(1.5)).is_err());
    }

    #[test]
    fn quirks() {
        let t = parse(&Input::Bool(true)).unwrap();
        assert_eq!(t.names, Some(vec!["True".to_string()]));
        let tpu = parse(&Input::Str("tpu-v3-2048")).unwrap();
        assert_eq!(tpu.names, Some(vec!["v3-2048".to_string()]));
        assert!(tpu.deprecated_tpu_prefix);
        let spaced = parse(&Input::Str("A 100")).unwrap();
        assert_eq!(spaced.names, Some(vec!["A100".to_string()]));
        assert_eq!(parse(&Input::Int(8)).unwrap().count, IntRange::exact(8));
        assert_eq!(parse(&Input::Str("-1")).unwrap().count, IntRange::exact(-1));
    }

    #[test]
    fn mapping_form() {
        let v = Value::Map(vec![
            (
                "name".into(),
                Value::Seq(vec![Value::str("A100"), Value::str("tpu-H100")]),
            ),
            ("memory".into(), Value::str("40GB..")),
            ("total_memory".into(), Value::str("80GB..")),
            (
                "compute_capability".into(),
                Value::Scalar(crate::ScalarValue::Float(8.0)),
            ),
            ("count".into(), Value::str("1..2")),
        ]);
        let spec = parse_value(&v).unwrap();
        expect![[r#"
            1 to 2 × NVIDIA A100 or H100 with at least 40 GB each, at least 80 GB in total, compute capability 8.0 or newer (NVIDIA GPUs only)

            - `A100`: NVIDIA A100, 40 GB or 80 GB

            - `H100`: NVIDIA H100, 80 GB

            - the `tpu-` prefix is deprecated: write `tpu:v5litepod-8` or just the TPU name"#]]
        .assert_eq(&describe(&spec));
        let bad = Value::Map(vec![("vendor".into(), Value::str("foo"))]);
        expect![[r#"`foo` is not a GPU vendor: use nvidia, amd, google (tpu), intel or tenstorrent (example: `nvidia`)"#]].assert_eq(&parse_value(&bad).unwrap_err().to_string());
        assert!(parse_value(&Value::Map(vec![("bogus".into(), Value::int(1))])).is_err());
    }

    #[test]
    fn vendor_inference() {
        let spec = |s: &str| parse(&Input::Str(s)).unwrap();
        assert_eq!(spec("Mi300X").needs_custom_image(), Some(Vendor::Amd));
        assert_eq!(spec("A100").needs_custom_image(), None);
        assert_eq!(spec("1").effective_vendor(true), Some(Vendor::Nvidia));
        assert_eq!(spec("1").effective_vendor(false), None);
        assert_eq!(spec("0").effective_vendor(true), None);
        assert_eq!(spec("A100,MI300X").effective_vendor(true), None);
        assert_eq!(
            spec("A100,MI300X,X1").needs_custom_image(),
            Some(Vendor::Amd)
        );
        assert_eq!(
            spec("gaudi2,n300,mi300x").vendors_needing_image(),
            [Vendor::Amd, Vendor::Intel, Vendor::Tenstorrent]
        );
        assert_eq!(spec("nvidia:MI300X").needs_custom_image(), None);
        assert_eq!(spec("MI300X:0").needs_custom_image(), None);
    }

    #[test]
    fn completions() {
        let labels = |p: &str| {
            complete(p)
                .into_iter()
                .map(|c| c.label)
                .take(6)
                .collect::<Vec<_>>()
                .join(" ")
        };
        expect!["amd A10 A16 A40 A100 A10G"].assert_eq(&labels("A"));
        expect!["1 2 4 8 1.. 2..8"].assert_eq(&labels("amd:"));
        expect![[r#"1 2 4 8 1.. 2..8"#]].assert_eq(&labels("A100:80GB:"));
        expect![[r#"1 2 4 8 1.. 2..8"#]].assert_eq(&labels("A100:"));
        expect!["4 40GB"].assert_eq(&labels("A100:4"));
        assert_eq!(
            complete("A100:8")
                .iter()
                .find(|c| c.label == "80GB")
                .map(|c| c.insert.as_str()),
            Some("A100:80GB")
        );
    }
}
