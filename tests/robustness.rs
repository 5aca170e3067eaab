//! Diagnostics and quick fixes never panic and stay inside the text, on half-typed files: every
//! conformance case cut at several points, and with characters swapped in.

use std::path::Path;

use dstack_ide::{AnalysisConfig, Document, TextRange};

fn check_text(text: &str) -> usize {
    let doc = Document::new(text.to_string());
    let config = AnalysisConfig::default();
    let diags = dstack_ide::diagnostics(&doc, &config);
    for d in &diags {
        assert!(
            d.range.start <= d.range.end && d.range.end as usize <= text.len(),
            "range {:?} outside {text:?}",
            d.range
        );
        assert!(
            text.is_char_boundary(d.range.start as usize)
                && text.is_char_boundary(d.range.end as usize)
        );
    }
    let actions = dstack_ide::code_actions(&doc, TextRange::new(0, text.len() as u32), &config);
    for a in &actions {
        for e in &a.edits {
            assert!(
                e.range.end as usize <= text.len(),
                "edit {:?} outside {text:?}",
                e.range
            );
        }
    }
    diags.len()
}

#[test]
fn cut_and_mangled_cases_do_not_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/cases");
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(".yml") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() > 100, "conformance cases not found");
    let mut runs = 0;
    let mut total = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for k in 1..=4 {
            let mut cut = text.len() * k / 5;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            total += check_text(&text[..cut]);
            runs += 1;
        }
        for (from, to) in [
            (':', ' '),
            ('-', ':'),
            (' ', '\t'),
            ('\n', ' '),
            ('"', '\''),
        ] {
            total += check_text(&text.replacen(from, &to.to_string(), 2));
            runs += 1;
        }
    }
    assert!(runs > 1000 && total > 0, "{runs} runs, {total} diagnostics");
}
