//! Differential test: dstack 0.22.5's verdicts on our own probe inputs (`tests/oracle/probes.txt`, answered by
//! `tests/oracle/gen_probes.py` into `probes.jsonl`) must match this crate's parsers.

mod support {
    pub mod oracle;
}

use expect_test::expect;

#[test]
fn probes_agree_with_dstack() {
    let text = include_str!("oracle/probes.jsonl");
    let report = support::oracle::compare(text);
    let (cases, verdicts, _, _) = report.totals();
    assert!(cases > 400, "probe file looks truncated: {cases} cases");
    assert_eq!(cases, verdicts, "{}", report.render());
    // The one known value difference: dstack keeps an empty `url` next to `local_path`; we drop it (same meaning).
    expect![[r#"
        line 386 [repo_spec] input {"url": "", "local_path": "."}: value differs: dstack {"local_path": ".", "url": "", "branch": null, "hash": null, "path": ".", "if_exists": "error"} vs ours {"local_path": ".", "url": null, "branch": null, "hash": null, "path": ".", "if_exists": "error"}"#]]
    .assert_eq(&report.disagreements.join("\n"));
}
