//! Files that are not what they seem: FIFOs, devices, huge or unreadable files and ignore files,
//! for `check` and for the server's workspace index. Every run has a watchdog, so a blocking read
//! fails the test instead of hanging CI.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Client;
use serde_json::{Value, json};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dstack-lsp-files-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}

fn drain<R: std::io::Read + Send + 'static>(s: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut s) = s {
            let _ = s.read_to_end(&mut buf);
        }
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Run `cmd`, killing it when it outlives the watchdog; returns (status, stdout, stderr).
fn run_cmd(mut cmd: Command) -> (i32, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let deadline = Instant::now() + common::TIMEOUT;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("check did not finish within {:?}", common::TIMEOUT);
        }
        // Not a timing assertion: only how often the watchdog looks.
        std::thread::park_timeout(Duration::from_millis(20));
    };
    (
        status.code().unwrap_or(-1),
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    )
}

fn check(args: &[&Path]) -> (i32, String, String) {
    let mut cmd = Command::new(common::bin());
    cmd.args(["check", "--color", "never"]).args(args);
    run_cmd(cmd)
}

const OK: &str = "type: task\ncommands: [echo hi]\n";

#[test]
fn check_refuses_an_explicit_fifo_instead_of_blocking() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe.dstack.yml");
    mkfifo(&fifo);
    let (code, _, err) = check(&[&fifo]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("pipe.dstack.yml: not a regular file (a FIFO)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_refuses_a_link_to_dev_zero() {
    let dir = temp_dir("zero");
    let link = dir.join("zero.dstack.yml");
    std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
    let (code, _, err) = check(&[&link]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a regular file (a device)"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_does_not_read_a_huge_file_and_says_so() {
    let dir = temp_dir("big");
    std::fs::write(dir.join("ok.dstack.yml"), OK).expect("write");
    let big = std::fs::File::create(dir.join("big.dstack.yml")).expect("create");
    big.set_len(1 << 30).expect("sparse 1 GiB");
    let (code, out, err) = check(&[&dir]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("big.dstack.yml: 1073741824 bytes, over the 16777216-byte limit, not read"),
        "{err}"
    );
    assert!(out.contains("Checked 1 file: 0 error(s)"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_prints_an_excerpt_of_a_huge_line() {
    let dir = temp_dir("long");
    let pairs: Vec<String> = (0..50_000).map(|i| format!("K{i}: v")).collect();
    let text = format!("{OK}env: {{{}, BAD: [1]}}\n", pairs.join(", "));
    let file = dir.join("long.dstack.yml");
    std::fs::write(&file, &text).expect("write");
    let (code, out, err) = check(&[&file]);
    assert_eq!(code, 1, "{err}");
    assert!(out.len() < 2_000, "{} bytes of output", out.len());
    let excerpt = out.lines().nth(2).unwrap_or_default();
    assert!(
        excerpt.starts_with("3 | …") && excerpt.ends_with("BAD: [1]}"),
        "{out}"
    );
    let carets = out.lines().nth(3).unwrap_or_default();
    let at = |s: &str, pat: char| s.chars().position(|c| c == pat);
    // The carets sit under `[1]` on the excerpt.
    assert_eq!(at(carets, '^'), at(excerpt, '['), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_skips_ignore_files_that_are_fifos_or_devices() {
    let dir = temp_dir("ignore-fifo");
    mkfifo(&dir.join(".gitignore"));
    std::os::unix::fs::symlink("/dev/zero", dir.join(".ignore")).expect("symlink");
    std::fs::write(dir.join("a.dstack.yml"), OK).expect("write");
    let (code, out, err) = check(&[&dir]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Checked 1 file"), "{out}");
    assert!(
        err.contains(".gitignore: ignore file skipped: not a regular file (a FIFO)"),
        "{err}"
    );
    assert!(err.contains(".ignore: ignore file skipped"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// As root every directory is readable, so run `check` as nobody to see an unreadable one.
#[test]
fn check_fails_when_a_subdirectory_cannot_be_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("locked");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::create_dir_all(dir.join("locked")).expect("mkdir");
    std::fs::write(dir.join("locked/bad.dstack.yml"), "type: task\n").expect("write");
    std::fs::write(dir.join("ok.dstack.yml"), OK).expect("write");
    std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o000))
        .expect("chmod");
    let root = is_root();
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            common::bin(),
        ]);
        c
    } else {
        Command::new(common::bin())
    };
    cmd.args(["check", "--color", "never"]).arg(&dir);
    let (code, out, err) = run_cmd(cmd);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("locked: directory not read: Permission denied"),
        "{err}"
    );
    assert!(out.contains("Checked 1 file"), "{out}");
    let _ = std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o755));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether this test runs as root, read from `/proc` (no libc call needed).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("Uid:"))?.to_string();
            line.split_whitespace().nth(2).map(|u| u == "0")
        })
        .unwrap_or(false)
}

const VOLUME: &str = "type: volume\nname: my-vol\nbackend: aws\nregion: us-east-1\nsize: 100GB\n";
const TASK: &str = "type: task\ncommands: [ls /data]\nvolumes:\n  - my-vol:/data\n";

fn start(dir: &Path, watch: bool) -> Client {
    let root = format!("file://{}", dir.display());
    let mut c = Client::spawn();
    let caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": watch}}});
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": caps,
               "workspaceFolders": [{"uri": root, "name": "w"}]}),
    );
    assert!(init.get("error").is_none(), "{init}");
    c.notify("initialized", json!({}));
    c
}

fn definition(c: &mut Client, uri: &str) -> Vec<Value> {
    let resp = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 6}}),
    );
    match &resp["result"] {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    }
}

fn uris(locations: &[Value]) -> Vec<String> {
    locations
        .iter()
        .filter_map(|l| l["uri"].as_str().map(String::from))
        .collect()
}

#[test]
fn definition_answers_with_a_fifo_gitignore_and_a_dev_zero_ignore() {
    let dir = temp_dir("lsp-fifo");
    mkfifo(&dir.join(".gitignore"));
    std::os::unix::fs::symlink("/dev/zero", dir.join(".ignore")).expect("symlink");
    std::fs::write(dir.join("vol.dstack.yml"), VOLUME).expect("write");
    let task = format!("file://{}/.dstack.yml", dir.display());
    let mut c = start(&dir, false);
    let summary = c.index_built();
    assert!(
        summary.contains(".gitignore: ignore file skipped"),
        "{summary}"
    );
    c.open(&task, 1, TASK);
    let found = uris(&definition(&mut c, &task));
    assert_eq!(found, [format!("file://{}/vol.dstack.yml", dir.display())]);
    // The server still answers everything else.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": task}, "position": {"line": 0, "character": 1}}),
    );
    assert!(hover["result"]["contents"].is_object(), "{hover}");
    assert_eq!(c.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn definition_sees_every_file_of_a_large_workspace() {
    let dir = temp_dir("lsp-many");
    for d in 0..21 {
        let sub = dir.join(format!("d{d:02}"));
        std::fs::create_dir_all(&sub).expect("mkdir");
        for f in 0..100 {
            std::fs::write(sub.join(format!("v{f:03}.dstack.yml")), VOLUME).expect("write");
        }
    }
    std::fs::write(dir.join("last.dstack.yml"), VOLUME).expect("write");
    let task = format!("file://{}/.dstack.yml", dir.display());
    let mut c = start(&dir, false);
    let summary = c.index_built();
    assert!(
        summary.starts_with("workspace index: 2101 dstack files"),
        "{summary}"
    );
    c.open(&task, 1, TASK);
    // Every file defines `my-vol`: a silent cap would drop some of them.
    assert_eq!(definition(&mut c, &task).len(), 2101);
    assert_eq!(c.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn index_skips_loops_fifos_directories_and_big_files() {
    let dir = temp_dir("lsp-odd");
    std::fs::write(dir.join("vol.dstack.yml"), VOLUME).expect("write");
    std::os::unix::fs::symlink(&dir, dir.join("loop")).expect("symlink");
    mkfifo(&dir.join("pipe.dstack.yml"));
    std::fs::create_dir_all(dir.join("dir.dstack.yml")).expect("mkdir");
    let big = format!("{VOLUME}#{}\n", "x".repeat(1 << 20));
    std::fs::write(dir.join("big.dstack.yml"), big).expect("write");
    let task = format!("file://{}/.dstack.yml", dir.display());
    let mut c = start(&dir, false);
    let summary = c.index_built();
    assert!(
        summary.contains("pipe.dstack.yml: skipped: not a regular file (a FIFO)"),
        "{summary}"
    );
    assert!(
        summary.contains("big.dstack.yml: 1048647 bytes, over the 1048576-byte limit"),
        "{summary}"
    );
    c.open(&task, 1, TASK);
    let found = uris(&definition(&mut c, &task));
    assert_eq!(found, [format!("file://{}/vol.dstack.yml", dir.display())]);
    assert_eq!(c.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn watched_files_keep_the_index_current() {
    let dir = temp_dir("lsp-watch");
    let task = format!("file://{}/.dstack.yml", dir.display());
    let mut c = start(&dir, true);
    let reg = c.wait_for(|m| m.get("method") == Some(&json!("client/registerCapability")));
    let r = &reg["params"]["registrations"][0];
    assert_eq!(
        r["method"],
        json!("workspace/didChangeWatchedFiles"),
        "{reg}"
    );
    let globs: Vec<&Value> = r["registerOptions"]["watchers"]
        .as_array()
        .map(|w| w.iter().map(|w| &w["globPattern"]).collect())
        .unwrap_or_default();
    assert_eq!(
        globs,
        [
            &json!("**/*.dstack.{yml,yaml}"),
            &json!("**/.dstack.{yml,yaml}")
        ]
    );
    c.send(&json!({"jsonrpc": "2.0", "id": reg["id"], "result": null}));
    assert_eq!(c.index_built(), "workspace index: 0 dstack files");
    c.open(&task, 1, TASK);
    assert!(definition(&mut c, &task).is_empty());

    let vol = dir.join("vol.dstack.yml");
    std::fs::write(&vol, VOLUME).expect("write");
    let vol_uri = format!("file://{}", vol.display());
    let changed = |kind: u32| json!({"changes": [{"uri": vol_uri, "type": kind}]});
    c.notify("workspace/didChangeWatchedFiles", changed(1));
    c.wait_for(|m| m["params"]["message"] == json!("workspace index updated: 1 file"));
    assert_eq!(
        uris(&definition(&mut c, &task)),
        std::slice::from_ref(&vol_uri)
    );

    std::fs::remove_file(&vol).expect("rm");
    c.notify("workspace/didChangeWatchedFiles", changed(3));
    c.wait_for(|m| m["params"]["message"] == json!("workspace index updated: 1 file"));
    assert!(definition(&mut c, &task).is_empty());
    assert_eq!(c.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
