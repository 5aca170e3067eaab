//! dstack value syntaxes: one module per syntax, each with its parser, hover text and completions side by side.
//!
//! Every parser is pure and mirrors what dstack 0.22.5 accepts, quirks included. Parsers take an [`Input`]
//! (a resolved YAML scalar) or a [`Value`] tree (for mapping/list forms) and return a typed value or a
//! [`ValueError`] whose range, when present, is a byte sub-range of the scalar's string.
//!
//! Module map:
//! - resources: [`gpu`] (+ [`gpu_names`], the accelerator table and vendor inference), [`cpu`], [`memory`],
//!   [`range`] (int and size ranges, service `replicas`), [`disk`], [`compute_capability`];
//! - time: [`duration`] (plain, off-able, inactivity, idle) and [`schedule`] (cron as APScheduler checks it);
//! - run wiring: [`volume`], [`ports`], [`env`](mod@env), [`interpolation`] (`${{ }}` and its contexts), [`repos`], [`files`],
//!   [`user`], [`python`];
//! - references and names: [`entity_ref`] (fleets, `gateway`), [`instances`], [`names`], [`tags`], [`nodes`] (fleet);
//! - small sets: [`enums`], [`backends`], [`policies`] (`retry`, `utilization_policy`, `scaling`, `backend_options`, `ide`);
//! - small string grammars: [`grammars`] (tags, absolute and URL paths, IP addresses and networks);
//! - [`syntax`]: the one table of dstack-model's named syntaxes (parser, hover, completions per syntax);
//!   [`py`]: Python/pydantic conversions.
//!
//! Conventions: `describe` returns markdown; `complete(partial)` takes the scalar's text up to the cursor and
//! returns proposals whose `insert` replaces that whole text; `ValueError::fix`, when set, replaces the error's range.

#[cfg(feature = "oracle")]
pub mod backends;
pub mod compute_capability;
pub mod cpu;
pub mod disk;
pub mod duration;
pub mod entity_ref;
pub mod enums;
pub mod env;
pub mod files;
pub mod gpu;
pub mod gpu_names;
pub mod grammars;
#[cfg(feature = "oracle")]
pub mod instances;
pub mod interpolation;
pub mod memory;
pub mod names;
pub mod nodes;
#[cfg(feature = "oracle")]
pub mod policies;
pub mod ports;
pub mod py;
#[cfg(feature = "oracle")]
pub mod python;
pub mod range;
pub mod repos;
pub mod schedule;
pub mod syntax;
pub mod tags;
pub mod user;
pub mod volume;

pub use dstack_syntax::ScalarValue;

/// A resolved YAML scalar, borrowed. Mirrors what PyYAML hands to dstack.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input<'a> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(&'a str),
    /// A YAML 1.1 date/timestamp: string fields reject it.
    Timestamp(&'a str),
}

impl<'a> Input<'a> {
    pub fn from_scalar(value: &'a ScalarValue) -> Input<'a> {
        match value {
            ScalarValue::Null => Input::Null,
            ScalarValue::Bool(b) => Input::Bool(*b),
            ScalarValue::Int(i) => Input::Int(*i),
            ScalarValue::Float(f) => Input::Float(*f),
            ScalarValue::Str(s) => Input::Str(s),
            ScalarValue::Timestamp(s) => Input::Timestamp(s),
        }
    }

    /// Name of the YAML type, as used in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Input::Null => "null",
            Input::Bool(_) => "boolean",
            Input::Int(_) => "integer",
            Input::Float(_) => "number",
            Input::Str(_) => "string",
            Input::Timestamp(_) => "date",
        }
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Input::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl<'a> From<&'a ScalarValue> for Input<'a> {
    fn from(value: &'a ScalarValue) -> Self {
        Input::from_scalar(value)
    }
}

/// An owned YAML value tree, for the mapping and list forms of a syntax.
/// Mapping keys are the keys' source text (PyYAML would resolve `1:` to an int; dstack's maps want strings anyway).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(ScalarValue),
    Map(Vec<(String, Value)>),
    Seq(Vec<Value>),
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Scalar(ScalarValue::Str(s.to_string()))
    }
    pub fn int(i: i128) -> Value {
        Value::Scalar(ScalarValue::Int(i))
    }
    pub fn null() -> Value {
        Value::Scalar(ScalarValue::Null)
    }
    pub fn bool(b: bool) -> Value {
        Value::Scalar(ScalarValue::Bool(b))
    }

    /// The scalar as an [`Input`], or `None` for maps and lists.
    pub fn as_input(&self) -> Option<Input<'_>> {
        match self {
            Value::Scalar(s) => Some(Input::from_scalar(s)),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Last value for `key` (PyYAML keeps the last of duplicate keys).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Scalar(s) => Input::from_scalar(s).type_name(),
            Value::Map(_) => "mapping",
            Value::Seq(_) => "list",
        }
    }
}

impl From<Input<'_>> for Value {
    fn from(input: Input<'_>) -> Value {
        Value::Scalar(match input {
            Input::Null => ScalarValue::Null,
            Input::Bool(b) => ScalarValue::Bool(b),
            Input::Int(i) => ScalarValue::Int(i),
            Input::Float(f) => ScalarValue::Float(f),
            Input::Str(s) => ScalarValue::Str(s.to_string()),
            Input::Timestamp(s) => ScalarValue::Timestamp(s.to_string()),
        })
    }
}

/// Why a value is not what dstack accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// Stable diagnostic code, e.g. `gpu-spec`, `range`, `duration`.
    pub code: &'static str,
    pub message: String,
    /// Byte range relative to the start of the scalar's string; `None` means the whole value.
    pub range: Option<(u32, u32)>,
    /// A correct value of the same syntax, to show next to the message.
    pub example: Option<&'static str>,
    /// A corrected text for a quick fix: it replaces `range` (the whole scalar when `range` is `None`).
    pub fix: Option<String>,
    /// Where inside a mapping/list value the error is (`["count"]`, `[Index(1)]`); empty = the value itself.
    /// `range` is then relative to the scalar at that path.
    pub path: Vec<PathPart>,
}

/// One step into a mapping (by key) or a list (by index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Key(String),
    Index(usize),
}

impl ValueError {
    pub fn new(code: &'static str, message: impl Into<String>) -> ValueError {
        ValueError {
            code,
            message: message.into(),
            range: None,
            example: None,
            fix: None,
            path: Vec::new(),
        }
    }
    /// Marks the error as being under mapping key `key` (outermost key last to be added).
    pub fn in_key(mut self, key: &str) -> ValueError {
        self.path.insert(0, PathPart::Key(key.to_string()));
        self
    }
    /// Marks the error as being in list item `index`.
    pub fn in_item(mut self, index: usize) -> ValueError {
        self.path.insert(0, PathPart::Index(index));
        self
    }
    pub fn with_fix(mut self, fix: impl Into<String>) -> ValueError {
        self.fix = Some(fix.into());
        self
    }
    pub fn at(mut self, start: usize, end: usize) -> ValueError {
        self.range = Some((start as u32, end as u32));
        self
    }
    pub fn at_opt(mut self, range: Option<(u32, u32)>) -> ValueError {
        if range.is_some() {
            self.range = range;
        }
        self
    }
    pub fn example(mut self, example: &'static str) -> ValueError {
        self.example = Some(example);
        self
    }
    /// Moves the range by `offset` bytes (used when a sub-parser saw only a token of the scalar).
    pub fn shifted(mut self, offset: usize) -> ValueError {
        if let Some((s, e)) = self.range {
            self.range = Some((s + offset as u32, e + offset as u32));
        }
        self
    }
    /// Sets the range only if the error has none yet.
    pub fn within(mut self, start: usize, end: usize) -> ValueError {
        if self.range.is_none() {
            self.range = Some((start as u32, end as u32));
        }
        self
    }
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(example) = self.example {
            write!(f, " (example: `{example}`)")?;
        }
        Ok(())
    }
}

/// One completion proposal for a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueCompletion {
    pub label: String,
    /// Text to insert in place of the partial value.
    pub insert: String,
    pub detail: String,
    /// Sort key; lower comes first.
    pub sort: u32,
}

impl ValueCompletion {
    pub fn new(label: impl Into<String>, detail: impl Into<String>, sort: u32) -> ValueCompletion {
        let label = label.into();
        ValueCompletion {
            insert: label.clone(),
            label,
            detail: detail.into(),
            sort,
        }
    }
    pub fn with_insert(mut self, insert: impl Into<String>) -> ValueCompletion {
        self.insert = insert.into();
        self
    }
}

/// Proposals from a fixed `(label, detail)` table whose label starts with the typed text, in table order.
pub(crate) fn complete_from(items: &[(&str, &str)], partial: &str) -> Vec<ValueCompletion> {
    let p = partial.trim();
    items
        .iter()
        .enumerate()
        .filter(|(_, (label, _))| label.starts_with(p))
        .map(|(i, (label, detail))| ValueCompletion::new(*label, *detail, i as u32))
        .collect()
}

#[cfg(feature = "oracle")]
/// The candidate closest to `typed` (ignoring case; at most a third of its letters off), for "did you mean".
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed = typed.to_lowercase();
    let limit = (typed.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&typed, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(feature = "oracle")]
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// "expected X, got a Y" for a value of the wrong YAML type.
pub(crate) fn type_error(
    code: &'static str,
    expected: &str,
    got: &str,
    example: &'static str,
) -> ValueError {
    ValueError::new(code, format!("expected {expected}, got {}", article(got))).example(example)
}

fn article(type_name: &str) -> String {
    match type_name {
        "integer" => format!("an {type_name}"),
        "null" => "null".to_string(),
        _ => format!("a {type_name}"),
    }
}

/// Renders `s` as an inline code span, tolerating backticks inside.
pub fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

/// A parser's verdict as the module tests print it: the description, or the error with its range.
#[cfg(test)]
pub(crate) fn show<T>(parsed: Result<T, ValueError>, describe: impl Fn(&T) -> String) -> String {
    match parsed {
        Ok(v) => describe(&v),
        Err(e) => format!("error {:?}: {e}", e.range),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_and_closest() {
        assert_eq!(
            closest("ondemand", ["spot", "on-demand", "auto"]),
            Some("on-demand")
        );
        assert_eq!(closest("vscod", ["vscode", "cursor"]), Some("vscode"));
        assert_eq!(closest("banana", ["vscode", "cursor"]), None);
        let e = duration::parse(&Input::Str("1h30m")).unwrap_err();
        assert_eq!((e.range, e.fix.as_deref()), (None, Some("90m")));
        let e = range::parse_memory(&Input::Str("1 ..8 G")).unwrap_err();
        assert_eq!((e.range, e.fix.as_deref()), (Some((4, 7)), Some("8GB")));
        let e = enums::SPOT_POLICY
            .check(&Input::Str("ondemand"))
            .unwrap_err();
        assert_eq!(e.fix.as_deref(), Some("on-demand"));
        assert_eq!(
            backends::check("lamda").unwrap_err().fix.as_deref(),
            Some("lambda")
        );
        assert_eq!(
            e.to_string(),
            "`ondemand` is not a valid `spot_policy`: use one of `spot`, `on-demand`, `auto`; did you mean `on-demand`? (example: `spot`)"
        );
    }

    #[test]
    fn paths_into_mappings_and_lists() {
        let map = |pairs: Vec<(&str, Value)>| {
            Value::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
        };
        let e = gpu::parse_value(&map(vec![("memory", map(vec![("min", Value::str("8G"))]))]))
            .unwrap_err();
        assert_eq!(
            e.path,
            [PathPart::Key("memory".into()), PathPart::Key("min".into())]
        );
        assert_eq!(e.fix.as_deref(), Some("8GB"));
        let e =
            env::parse_value(&Value::Seq(vec![Value::str("A=1"), Value::str("1B")])).unwrap_err();
        assert_eq!((e.path, e.range), (vec![PathPart::Index(1)], Some((0, 2))));
        let e = volume::parse_value(&map(vec![
            ("name", Value::Seq(vec![Value::str("a"), Value::bool(true)])),
            ("path", Value::str("/d")),
        ]))
        .unwrap_err();
        assert_eq!(e.path, [PathPart::Key("name".into()), PathPart::Index(1)]);
        let e = schedule::parse_cron_value(&Value::Seq(vec![
            Value::str("0 0 * * *"),
            Value::str("0 0 * * 7"),
        ]))
        .unwrap_err();
        assert_eq!((e.path, e.range), (vec![PathPart::Index(1)], Some((8, 9))));
        let e = volume::parse_value(&map(vec![
            ("instance_path", Value::str("rel")),
            ("path", Value::str("/d")),
        ]))
        .unwrap_err();
        assert_eq!(e.path, [PathPart::Key("instance_path".into())]);
        assert!(
            duration::parse(&Input::Str("x"))
                .unwrap_err()
                .path
                .is_empty()
        );
    }
}
