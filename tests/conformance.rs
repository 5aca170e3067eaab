//! Conformance: on every case of `tests/conformance`, our verdict must equal dstack 0.22.5's.
//!
//! "Error" means we raise at least one error-severity diagnostic; it must match dstack's `ok` on
//! every case. A case that loads but that the server rejects (`ok: true, server_ok: false`) must get
//! at least one `server-rule` warning. Disagreements are printed as a table: file, dstack's error, our diagnostics.

use std::path::Path;

use dstack_lsp_tests::Verdict;

fn first_lines(s: &str, n: usize) -> String {
    s.lines().take(n).collect::<Vec<_>>().join(" | ")
}

#[test]
fn conformance_matches_dstack() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    let verdicts =
        std::fs::read_to_string(dir.join("verdicts.jsonl")).expect("verdicts.jsonl is committed");
    let mut total = 0;
    let mut server_only = 0;
    let mut problems: Vec<String> = Vec::new();
    for line in verdicts.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let file = v["file"].as_str().unwrap_or_default();
        let ok = v["ok"].as_bool().unwrap_or(false);
        let server_ok = v["server_ok"].as_bool();
        let text =
            std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let ours = Verdict::of(&text);
        total += 1;
        let problem = if ours.has_error() == ok {
            Some(if ok {
                "we report an error, dstack accepts"
            } else {
                "dstack rejects, we report no error"
            })
        } else if ok && server_ok == Some(false) {
            server_only += 1;
            let server_warning = ours.diagnostics.iter().any(|d| d.code == "server-rule");
            (!server_warning).then_some("the server rejects it, we give no `server-rule` warning")
        } else {
            None
        };
        if let Some(p) = problem {
            let theirs = v["server_error"]
                .as_str()
                .filter(|_| ok)
                .or(v["error"].as_str())
                .unwrap_or("");
            problems.push(format!(
                "{file}\n    problem: {p}\n    dstack:  {}\n    ours:    {}",
                first_lines(theirs, 3),
                ours.render().trim_end().replace('\n', "\n             ")
            ));
        }
    }
    assert!(total >= 450, "expected at least 450 cases, found {total}");
    assert!(server_only > 0, "no server-only case was checked");
    assert!(
        problems.is_empty(),
        "{} of {total} cases disagree with dstack:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// Every code we emit on the conformance suite is a documented, stable code.
#[test]
fn every_code_is_documented() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    let verdicts = std::fs::read_to_string(dir.join("verdicts.jsonl")).unwrap_or_default();
    let known: Vec<&str> = dstack_ide::DIAGNOSTIC_CODES
        .iter()
        .map(|(c, _)| *c)
        .collect();
    let mut unknown = Vec::new();
    for line in verdicts.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let file = v["file"].as_str().unwrap_or_default();
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        for d in Verdict::of(&text).diagnostics {
            if !known.contains(&d.code) {
                unknown.push(format!("{file}: {}", d.code));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "undocumented codes:\n{}",
        unknown.join("\n")
    );
}
