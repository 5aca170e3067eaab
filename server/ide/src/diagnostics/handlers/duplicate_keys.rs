//! Keys written twice in one mapping: YAML keeps the last, which is rarely what was meant.

use crate::diagnostic::{Diagnostic, Severity};
use crate::diagnostics::tree::Cx;

/// A key written twice in one mapping: PyYAML keeps the last value without a word. Linear: the
/// last occurrence of each key is found once, then every earlier one is reported.
pub(crate) fn duplicate_keys(cx: &mut Cx, entries: &[dstack_syntax::Entry]) {
    fn key(e: &dstack_syntax::Entry) -> Option<&str> {
        e.key.key_text().filter(|k| *k != "<<")
    }
    let last_of: Vec<Option<usize>> = if entries.len() <= 16 {
        // Small mappings: comparing pairs is cheaper than a hash map.
        entries
            .iter()
            .map(|e| {
                let k = key(e)?;
                entries.iter().rposition(|p| key(p) == Some(k))
            })
            .collect()
    } else {
        let mut last: std::collections::HashMap<&str, usize, _> =
            std::collections::HashMap::with_hasher(std::hash::BuildHasherDefault::<
                crate::diagnostics::tree::Fnv,
            >::default());
        for (i, e) in entries.iter().enumerate() {
            if let Some(k) = key(e) {
                last.insert(k, i);
            }
        }
        entries
            .iter()
            .map(|e| key(e).and_then(|k| last.get(k).copied()))
            .collect()
    };
    for (i, (e, last)) in entries.iter().zip(last_of).enumerate() {
        let (Some(k), Some(last)) = (key(e), last) else {
            continue;
        };
        let Some(last) = entries.get(last).filter(|_| last != i) else {
            continue;
        };
        let line = cx.line_number(last.key.range.start);
        let lines = cx.entry_lines(&e.key, &e.value);
        let d = Diagnostic::new(
            Severity::Warning,
            "duplicate-key",
            e.key.range,
            format!(
                "`{k}` is set again on line {line}; YAML keeps the last value, so this one is ignored"
            ),
        )
        .with_fix(format!("Remove this `{k}`"), lines, "");
        cx.push(d);
    }
}
