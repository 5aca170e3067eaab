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

/// Applying any quick fix offered on a conformance case never introduces a YAML syntax error, and
/// removes the diagnostic it was offered for.
#[test]
fn quick_fixes_keep_the_yaml_valid_and_fix_their_diagnostic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    let verdicts = std::fs::read_to_string(dir.join("verdicts.jsonl")).unwrap_or_default();
    let config = AnalysisConfig::default();
    let mut applied = 0;
    let mut problems = Vec::new();
    for line in verdicts.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let file = v["file"].as_str().unwrap_or_default();
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        let doc = Document::new(text.clone());
        let before = dstack_ide::diagnostics(&doc, &config);
        if before.iter().any(|d| d.code == "yaml-syntax") {
            continue;
        }
        for d in &before {
            for fix in &d.fixes {
                let mut edited = text.clone();
                let mut edits = fix.edits.clone();
                edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
                for e in edits {
                    edited.replace_range(e.range.start as usize..e.range.end as usize, &e.new_text);
                }
                applied += 1;
                let after = dstack_ide::diagnostics(&Document::new(edited.clone()), &config);
                let broken = after.iter().any(|a| a.code == "yaml-syntax");
                let same = after
                    .iter()
                    .any(|a| a.code == d.code && a.message == d.message);
                if broken || same {
                    problems.push(format!(
                        "{file}: `{}` for `{}` gives:\n{edited}",
                        fix.title, d.message
                    ));
                }
            }
        }
    }
    assert!(applied > 50, "only {applied} fixes were tried");
    assert!(
        problems.is_empty(),
        "{} fixes misbehave:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
