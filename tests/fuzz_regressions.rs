//! Replays every input on which a fuzz target of `server/fuzz` found a bug
//! (`tests/fuzz-regressions/<target>/`, formats in its README): each must now pass the invariant
//! the fuzzer checked — no panic, and every range inside the text on UTF-8 boundaries.

use std::path::Path;

use dstack_ide::{AnalysisConfig, Document, TextRange};

/// `(file name, contents)` of the decoded cases of one target, sorted by name.
fn cases(target: &str, ext: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz-regressions")
        .join(target);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(ext))
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, text)
        })
        .collect();
    out.sort();
    out
}

fn assert_range(name: &str, text: &str, start: usize, end: usize, what: &str) {
    assert!(
        start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end),
        "{name}: {what} range {start}..{end} is not a valid range of {text:?}"
    );
}

fn check_document(name: &str, text: &str) {
    let config = AnalysisConfig::default();
    let doc = Document::new(text.to_string());
    let r = |range: TextRange| (range.start as usize, range.end as usize);
    for d in dstack_ide::diagnostics(&doc, &config) {
        let (s, e) = r(d.range);
        assert_range(name, text, s, e, d.code);
    }
    for offset in 0..=text.len() as u32 {
        for item in dstack_ide::completions(&doc, offset, &config) {
            let (s, e) = r(item.replace);
            assert_range(name, text, s, e, "completion");
        }
        if let Some(h) = dstack_ide::hover(&doc, offset, &config) {
            let (s, e) = r(h.range);
            assert_range(name, text, s, e, "hover");
        }
        let here = TextRange {
            start: offset,
            end: offset,
        };
        for a in dstack_ide::code_actions(&doc, here, &config) {
            for edit in a.edits {
                let (s, e) = r(edit.range);
                assert_range(name, text, s, e, "code action");
            }
        }
    }
}

#[test]
fn value_syntax_regressions() {
    let all = cases("values", ".txt");
    assert!(!all.is_empty(), "no value regression inputs found");
    for (name, body) in all {
        let (syntax, value) = body
            .split_once('\n')
            .unwrap_or_else(|| panic!("{name}: first line must name the syntax"));
        let syntax = dstack_values::syntax::Syntax::from_name(syntax)
            .unwrap_or_else(|| panic!("{name}: unknown syntax {syntax:?}"));
        if let Err(err) = syntax.parse(&dstack_values::Value::str(value))
            && let Some((s, e)) = err.range
        {
            assert_range(&name, value, s as usize, e as usize, err.code);
        }
    }
}

#[test]
fn analysis_regressions() {
    let all = cases("analysis", ".yml");
    assert!(!all.is_empty(), "no analysis regression inputs found");
    for (name, text) in all {
        check_document(&name, &text);
    }
}

#[test]
fn syntax_regressions() {
    // Documents that broke the YAML layer; reparse and the whole analysis are replayed on them too.
    let all = cases("syntax", ".yml");
    assert!(!all.is_empty(), "no syntax regression inputs found");
    for (name, text) in all {
        let parse = dstack_syntax::parse(&text);
        for e in &parse.errors {
            assert_range(
                &name,
                &text,
                e.range.start as usize,
                e.range.end as usize,
                "syntax error",
            );
        }
        for offset in 0..=text.len() as u32 + 1 {
            let c = dstack_syntax::cursor_context(&text, &parse, offset);
            assert_range(
                &name,
                &text,
                c.replace.start as usize,
                c.replace.end as usize,
                "cursor",
            );
        }
        check_reparse(&name, &text);
        check_document(&name, &text);
    }
}

/// `reparse` equals `parse` when the text is reached by adding any one line (or all of it).
fn check_reparse(name: &str, text: &str) {
    let render = |p: &dstack_syntax::Parse| format!("{:?}\n{:?}", p.root, p.errors);
    let full = render(&dstack_syntax::parse(text));
    let mut befores = vec![String::new()];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        befores.push(format!("{}{}", &text[..at], &text[at + line.len()..]));
        at += line.len();
    }
    for before in befores {
        let re = dstack_syntax::reparse(&dstack_syntax::parse(&before), text);
        assert_eq!(
            render(&re),
            full,
            "{name}: reparse from {before:?} differs from parse"
        );
    }
}
