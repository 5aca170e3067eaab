//! End-to-end tests of the command line: `--version`, `--help`, and `check`'s formats and exit codes.

use std::path::PathBuf;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dstack-lsp"))
        .args(args)
        .output()
        .expect("run dstack-lsp");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dstack-lsp-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

#[test]
fn version_and_help() {
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("dstack-lsp "), "{out}");
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("dstack-lsp check"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["frobnicate"]).0, 2);
    assert_eq!(run(&["check", "--format", "xml"]).0, 2);
    assert_eq!(run(&["check", "/definitely/not/here.dstack.yml"]).0, 2);
}

#[test]
fn check_json_contract_and_exit_codes() {
    let dir = temp_dir("json");
    std::fs::write(
        dir.join("ok.dstack.yml"),
        "type: task\ncommands:\n  - echo hi\n",
    )
    .expect("write");
    let (code, out, err) = run(&[
        "check",
        "--format",
        "json",
        dir.join("ok.dstack.yml").to_str().unwrap_or_default(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).ok(),
        Some(serde_json::json!([]))
    );

    std::fs::write(
        dir.join(".dstack.yml"),
        "type: task\nname: \"oops\ncommands: [x]\n",
    )
    .expect("write");
    std::fs::write(dir.join("ignored.yml"), "not: [a dstack file\n").expect("write");
    let (code, out, _) = run(&[
        "check",
        "--format",
        "json",
        dir.to_str().unwrap_or_default(),
    ]);
    assert_eq!(code, 1, "{out}");
    let arr: Vec<serde_json::Value> = serde_json::from_str(&out).expect("json array");
    assert!(!arr.is_empty());
    for d in &arr {
        assert!(
            d["file"]
                .as_str()
                .is_some_and(|f| f.ends_with(".dstack.yml")),
            "{d}"
        );
        for k in ["start", "end"] {
            assert!(
                d["range"][k]["line"].is_u64() && d["range"][k]["character"].is_u64(),
                "{d}"
            );
        }
        assert!(
            ["error", "warning", "information", "hint"]
                .contains(&d["severity"].as_str().unwrap_or(""))
        );
        assert!(d["code"].is_string() && d["message"].is_string(), "{d}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_human_output_has_location_code_and_carets() {
    let dir = temp_dir("human");
    let f = dir.join("bad.dstack.yml");
    std::fs::write(&f, "type: task\ncommands: [x\n").expect("write");
    let (code, out, _) = run(&["check", "--color", "never", f.to_str().unwrap_or_default()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("bad.dstack.yml:"), "{out}");
    assert!(out.contains("error["), "{out}");
    assert!(out.contains('^'), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_human_output_shows_control_characters_instead_of_sending_them() {
    let dir = temp_dir("control");
    let f = dir.join("esc.dstack.yml");
    // An ESC sequence (red text, clear screen) inside a value dstack rejects.
    std::fs::write(
        &f,
        "type: task\ncommands: [x]\nport: \"\x1b[31m\x1b[2J8\u{9b}0\"\n",
    )
    .expect("write");
    let (code, out, _) = run(&["check", "--color", "never", f.to_str().unwrap_or_default()]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    assert!(out.contains("\"␛[31m␛[2J8\u{FFFD}0\""), "{out}");
    // The caret stays under the ESC: one shown character for one in the file.
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("yaml-syntax"))
        .unwrap_or(0);
    let source = lines.get(at + 2).copied().unwrap_or_default();
    let carets = lines.get(at + 3).copied().unwrap_or_default();
    let col = |s: &str, p: usize| s[..p].chars().count();
    let value_col = source.find('␛').map(|p| col(source, p));
    let caret_col = carets.find('^').map(|p| col(carets, p));
    assert_eq!(value_col, caret_col, "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
