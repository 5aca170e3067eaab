//! The context every pass shares: the parse, the text, helpers to read the YAML tree, and the output.

use dstack_syntax::{Node, NodeKind, Parse, ScalarValue, TextRange};

use crate::diagnostic::{Diagnostic, Severity};
use crate::expansion::Expansion;

pub(crate) struct Cx<'a> {
    pub text: &'a str,
    pub parse: &'a Parse,
    /// Which aliases may be followed.
    pub expansion: &'a Expansion,
    pub out: Vec<Diagnostic>,
    /// Offsets where lines start, made on first use (for line numbers in messages).
    line_starts: std::cell::OnceCell<Vec<u32>>,
}

impl<'a> Cx<'a> {
    pub fn new(text: &'a str, parse: &'a Parse, expansion: &'a Expansion) -> Cx<'a> {
        Cx {
            text,
            parse,
            expansion,
            out: Vec::new(),
            line_starts: std::cell::OnceCell::new(),
        }
    }

    /// 1-based line of an offset: a binary search, so messages on many lines stay linear.
    pub fn line_number(&self, offset: u32) -> usize {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(
                    self.text
                        .bytes()
                        .enumerate()
                        .filter(|(_, b)| *b == b'\n')
                        .map(|(i, _)| i as u32 + 1),
                )
                .collect()
        });
        starts.partition_point(|s| *s <= offset).max(1)
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    pub fn error(&mut self, code: &'static str, range: TextRange, message: impl Into<String>) {
        self.out
            .push(Diagnostic::new(Severity::Error, code, range, message));
    }

    pub fn warning(&mut self, code: &'static str, range: TextRange, message: impl Into<String>) {
        self.out
            .push(Diagnostic::new(Severity::Warning, code, range, message));
    }

    /// Follows an alias, unless the document's expansion budget blocks it (then the alias itself,
    /// which every pass skips).
    pub fn resolve(&self, node: &'a Node) -> &'a Node {
        self.expansion.resolve(self.parse, node)
    }

    /// Entries of a mapping as PyYAML sees them (merge keys expanded, last duplicate wins).
    pub fn entries(&self, node: &'a Node) -> Vec<(&'a Node, &'a Node)> {
        let node = self.resolve(node);
        let Some(raw) = node.as_mapping() else {
            return Vec::new();
        };
        // Small mappings with distinct plain keys and no merge key (nearly all of them) are what
        // they look like; checking that is cheaper than the general path's hash map.
        let simple = raw.len() <= 16
            && raw.iter().enumerate().all(|(i, e)| match e.key.key_text() {
                Some(k) => k != "<<" && raw[..i].iter().all(|p| p.key.key_text() != Some(k)),
                None => false,
            });
        if simple {
            return raw.iter().map(|e| (&e.key, &e.value)).collect();
        }
        // A merge from a blocked alias is left out (its keys are not checked).
        let blocked_merge = raw.iter().any(|e| {
            e.key.key_text() == Some("<<")
                && (self.expansion.is_blocked(&e.value)
                    || e.value
                        .as_sequence()
                        .is_some_and(|items| items.iter().any(|i| self.expansion.is_blocked(i))))
        });
        if blocked_merge {
            let explicit: Vec<&'a dstack_syntax::Entry> = raw
                .iter()
                .filter(|e| e.key.key_text() != Some("<<"))
                .collect();
            return explicit.iter().map(|e| (&e.key, &e.value)).collect();
        }
        self.parse.entries(node)
    }

    /// The key and value of `key` in a mapping (the last one, as PyYAML keeps it).
    pub fn entry(&self, map: &'a Node, key: &str) -> Option<(&'a Node, &'a Node)> {
        let raw = self.resolve(map).as_mapping()?;
        // Without merge keys the last occurrence is the one PyYAML keeps: a reverse scan finds it
        // without building the whole entry list (this runs for every rule on every list item).
        if !raw.iter().any(|e| e.key.key_text() == Some("<<")) {
            return raw
                .iter()
                .rev()
                .find(|e| e.key.key_text() == Some(key))
                .map(|e| (&e.key, self.resolve(&e.value)));
        }
        self.entries(map)
            .into_iter()
            .rev()
            .find(|(k, _)| k.key_text() == Some(key))
            .map(|(k, v)| (k, self.resolve(v)))
    }

    /// The value of `key`, when present.
    pub fn get(&self, map: &'a Node, key: &str) -> Option<&'a Node> {
        self.entry(map, key).map(|(_, v)| v)
    }

    /// The value of `key` when present and not null (pydantic's "is set").
    pub fn get_set(&self, map: &'a Node, key: &str) -> Option<&'a Node> {
        self.get(map, key).filter(|v| !is_null(v))
    }

    /// The key node of `key` (for ranges), else the whole mapping.
    pub fn key_range(&self, map: &'a Node, key: &str) -> TextRange {
        self.entry(map, key)
            .map(|(k, _)| k.range)
            .unwrap_or_else(|| self.first_line(map.range))
    }

    /// The items of a sequence value (resolved), empty when it is not a sequence.
    pub fn items(&self, node: &'a Node) -> Vec<&'a Node> {
        match &self.resolve(node).kind {
            NodeKind::Sequence(items) => items.iter().map(|n| self.resolve(n)).collect(),
            _ => Vec::new(),
        }
    }

    /// The whole lines of a `key: value` entry, newline included (for removing it).
    pub fn entry_lines(&self, key: &Node, value: &Node) -> TextRange {
        let bytes = self.text.as_bytes();
        let mut start = key.range.start as usize;
        while start > 0
            && bytes
                .get(start - 1)
                .is_some_and(|b| *b == b' ' || *b == b'\t')
        {
            start -= 1;
        }
        // Only whole lines: a key after `- ` or `{` is removed by itself.
        if start > 0 && bytes.get(start - 1) != Some(&b'\n') {
            start = key.range.start as usize;
        }
        let mut end = value.range.end.max(key.range.end) as usize;
        while end < bytes.len() && bytes[end] != b'\n' {
            end += 1;
        }
        if end < bytes.len() {
            end += 1;
        }
        TextRange::new(start as u32, end.min(bytes.len()) as u32)
    }

    /// Where to add a key to a block mapping: after its last entry, with its entries' indentation.
    /// `None` for flow mappings (`{a: 1}`) and empty ones.
    pub fn block_insertion(&self, entries: &[(&'a Node, &'a Node)]) -> Option<(u32, String)> {
        let (first, _) = entries.first()?;
        let start = first.range.start as usize;
        let line_start = self.text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
        let prefix = self.text.get(line_start..start)?;
        // Only spaces, or the `- ` of a list item, may precede the first key of a block mapping.
        let indent = prefix.len();
        if !prefix.chars().all(|c| c == ' ' || c == '-') {
            return None;
        }
        let end = entries
            .iter()
            .map(|(k, v)| k.range.end.max(v.range.end))
            .max()?;
        // Insert at the end of the line holding the last value (after any comment).
        let rest = self.text.get(end as usize..)?;
        let at = end + rest.find('\n').unwrap_or(rest.len()) as u32;
        Some((at, " ".repeat(indent)))
    }

    /// A range cut at the end of its first line (a multi-line node would cover a whole block).
    pub fn first_line(&self, range: TextRange) -> TextRange {
        let start = range.start as usize;
        let end = (range.end as usize).min(self.text.len());
        let slice = self.text.get(start..end).unwrap_or("");
        match slice.find('\n') {
            Some(i) => TextRange::new(range.start, range.start + i as u32),
            None => range,
        }
    }
}

pub(crate) fn is_null(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar(s) if s.value == ScalarValue::Null)
}

/// The scalar's text when it is a YAML string.
pub(crate) fn str_value(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Scalar(s) => match &s.value {
            ScalarValue::Str(v) => Some(v.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// A scalar as text the way Python's `str()` would print it (strings as they are).
pub(crate) fn scalar_text(node: &Node) -> Option<String> {
    let s = node.as_scalar()?;
    Some(match &s.value {
        ScalarValue::Str(v) => v.clone(),
        ScalarValue::Int(i) => i.to_string(),
        ScalarValue::Float(f) => dstack_values::py::py_float_repr(*f),
        ScalarValue::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        ScalarValue::Null => return None,
        ScalarValue::Timestamp(t) => t.clone(),
    })
}

/// The scalar's boolean, following pydantic's lax rules (`true`, `"yes"`, `1`).
pub(crate) fn bool_value(node: &Node) -> Option<bool> {
    let s = node.as_scalar()?;
    match &s.value {
        ScalarValue::Bool(b) => Some(*b),
        ScalarValue::Int(0) => Some(false),
        ScalarValue::Int(1) => Some(true),
        ScalarValue::Float(f) if *f == 0.0 => Some(false),
        ScalarValue::Float(f) if *f == 1.0 => Some(true),
        ScalarValue::Str(v) => lax_bool_str(v),
        _ => None,
    }
}

pub(crate) fn lax_bool_str(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
        "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
        _ => None,
    }
}

/// The scalar's integer, following pydantic's lax rules (`2`, `2.0`, `"2"`, `true`).
pub(crate) fn int_value(node: &Node) -> Option<i128> {
    let s = node.as_scalar()?;
    match &s.value {
        ScalarValue::Int(i) => Some(*i),
        ScalarValue::Bool(b) => Some(*b as i128),
        ScalarValue::Float(f) => dstack_values::py::pydantic_int_float(*f),
        ScalarValue::Str(v) => dstack_values::py::pydantic_int_str(v),
        _ => None,
    }
}

/// The scalar's number (int or float, lax).
pub(crate) fn number_value(node: &Node) -> Option<f64> {
    let s = node.as_scalar()?;
    match &s.value {
        ScalarValue::Int(i) => Some(*i as f64),
        ScalarValue::Bool(b) => Some(*b as i32 as f64),
        ScalarValue::Float(f) => Some(*f),
        ScalarValue::Str(v) => dstack_values::py::py_float(v.trim()),
        _ => None,
    }
}

/// "did you mean `x`?" among candidates, ranked by edit distance; `None` when nothing is close.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = word.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c.to_ascii_lowercase() == lower {
            return Some(c);
        }
        let d = strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase());
        let limit = (c.len().max(word.len()) / 3).max(1);
        let prefix = c.len() >= 3
            && (lower.starts_with(c) || c.starts_with(lower.as_str()))
            && lower.len() >= 3;
        if d <= limit || prefix {
            // A prefix (`gpuu` → `gpu`, `3.1` → `3.10`) beats an equally close edit.
            let score = if prefix { 0 } else { d };
            if best.is_none_or(|(b, _)| score < b) {
                best = Some((score, c));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// A small, fast hasher (FNV-1a) for sets of short keys built on every keystroke; no DoS concern here.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub(crate) type FastSet<T> = std::collections::HashSet<T, std::hash::BuildHasherDefault<Fnv>>;
