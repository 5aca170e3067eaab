//! The whole analysis under edit sequences, the way the server drives it: start from the input's
//! document, apply edits one at a time through `Document::updated` (incremental reparse), and ask
//! for diagnostics, completion, hover, code actions and the navigation features at the positions
//! the operations name. Checks: no panic; `updated` equals a fresh `Document::new`; every range the
//! analysis returns lies inside the text on character boundaries; applying a quick fix's edits
//! yields a document that analyses without panicking.

#![no_main]

use arbitrary::Arbitrary;
use dstack_fuzz::{Case, Edit, assert_range, offset, render};
use dstack_ide::{
    AnalysisConfig, Document, Symbol, code_actions, code_lenses, completions, definitions_in,
    diagnostics, document_symbols, folding_ranges, hover, reference_at, selection_ranges,
};
use dstack_syntax::TextRange;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Op {
    Edit(Edit),
    Diagnostics,
    Completion {
        at: u16,
    },
    Hover {
        at: u16,
    },
    CodeActions {
        at: u16,
        len: u8,
    },
    /// Applies the first code action whose range overlaps the span (a quick fix being accepted).
    ApplyFix {
        at: u16,
        len: u8,
    },
    Navigation {
        at: u16,
    },
}

fn check_symbols(text: &str, symbols: &[Symbol]) {
    for s in symbols {
        assert_range(text, s.range, "symbol");
        assert_range(text, s.selection_range, "symbol selection");
        check_symbols(text, &s.children);
    }
}

fn span(doc: &Document, at: u16, len: u8) -> TextRange {
    let start = offset(&doc.text, at);
    let mut end = (start + usize::from(len)).min(doc.text.len());
    while !doc.text.is_char_boundary(end) {
        end += 1;
    }
    TextRange {
        start: start as u32,
        end: end as u32,
    }
}

/// The text with non-overlapping `edits` applied (last first); `None` if they overlap or
/// point outside the text.
fn apply_edits(text: &str, edits: &[dstack_ide::TextEdit]) -> Option<String> {
    let mut edits: Vec<_> = edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    for w in edits.windows(2) {
        if w[0].range.end > w[1].range.start {
            return None;
        }
    }
    let mut out = text.to_string();
    for e in edits.iter().rev() {
        let (s, t) = (e.range.start as usize, e.range.end as usize);
        out.get(s..t)?;
        out.replace_range(s..t, &e.new_text);
    }
    Some(out)
}

fn actions(
    doc: &Document,
    range: TextRange,
    config: &AnalysisConfig,
) -> Vec<dstack_ide::CodeAction> {
    let acts = code_actions(doc, range, config);
    for a in &acts {
        for e in &a.edits {
            assert_range(&doc.text, e.range, "code action edit");
        }
    }
    acts
}

fuzz_target!(|case: Case<Op>| {
    let config = AnalysisConfig::default();
    let mut doc = Document::new(case.text);
    for op in &case.ops {
        match op {
            Op::Edit(edit) => {
                let (text, _) = edit.apply(&doc.text);
                let next = doc.updated(text);
                let fresh = Document::new(next.text.clone());
                assert_eq!(
                    render(&next.parse),
                    render(&fresh.parse),
                    "updated differs after {edit:?}"
                );
                doc = next;
            }
            Op::Diagnostics => {
                for d in diagnostics(&doc, &config) {
                    assert_range(&doc.text, d.range, d.code);
                }
            }
            Op::Completion { at } => {
                let at = offset(&doc.text, *at) as u32;
                for item in completions(&doc, at, &config) {
                    assert_range(&doc.text, item.replace, "completion replace");
                }
            }
            Op::Hover { at } => {
                let at = offset(&doc.text, *at) as u32;
                if let Some(h) = hover(&doc, at, &config) {
                    assert_range(&doc.text, h.range, "hover");
                }
            }
            Op::CodeActions { at, len } => {
                actions(&doc, span(&doc, *at, *len), &config);
            }
            Op::ApplyFix { at, len } => {
                let acts = actions(&doc, span(&doc, *at, *len), &config);
                if let Some(text) = acts.first().and_then(|a| apply_edits(&doc.text, &a.edits)) {
                    doc = doc.updated(text);
                    let _ = diagnostics(&doc, &config);
                }
            }
            Op::Navigation { at } => {
                let at = offset(&doc.text, *at) as u32;
                check_symbols(&doc.text, &document_symbols(&doc));
                for r in folding_ranges(&doc) {
                    assert_range(&doc.text, r, "folding");
                }
                for r in selection_ranges(&doc, at) {
                    assert_range(&doc.text, r, "selection");
                }
                for d in definitions_in(&doc) {
                    assert_range(&doc.text, d.range, "definition");
                }
                if let Some(d) = reference_at(&doc, at) {
                    assert_range(&doc.text, d.range, "reference");
                }
                let _ = code_lenses(&doc, &config);
            }
        }
    }
    // Every input ends with the full picture of its final state.
    for d in diagnostics(&doc, &config) {
        assert_range(&doc.text, d.range, d.code);
    }
});
