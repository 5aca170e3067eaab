//! The hostile corpus (`tests/tools/hostile.py`, generated into a temporary directory): alias
//! and merge-key bombs at every value position of the model, huge and odd files, workspaces with
//! FIFOs and symlink loops, catalogs that are zip bombs or endless files, settings pointing at
//! devices, and broken frames. Each case runs `check` (or `offers`) and a full LSP session with
//! live mode on against a loopback mock server, and must stay inside a budget:
//!
//! - a watchdog of [`WATCHDOG`] per answer or process (it only detects hangs);
//! - the process's peak RSS (VmHWM, or `wait4`'s maxrss for the CLI, which is only seen when it
//!   is above the test process's own peak) under [`MAX_RSS_KIB`];
//! - what the server writes (CLI output, JSON-RPC messages per case, live request bodies) under
//!   [`MAX_OUTPUT`].
//!
//! Failures are collected per case and reported together, so one run lists every case that fails.

mod common;
#[path = "../src/live/mock.rs"]
mod mock;

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::time::Duration;

use common::Client;
use mock::{Answer, Mock, Mode};
use serde_json::{Value, json};

/// A hang detector, not a speed limit: generous for a debug build on a loaded machine
/// (`HOSTILE_WATCHDOG_SECS` overrides the 60 s, e.g. for a quick survey of a branch).
static WATCHDOG: std::sync::LazyLock<Duration> = std::sync::LazyLock::new(|| {
    let secs = std::env::var("HOSTILE_WATCHDOG_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    Duration::from_secs(secs)
});
/// Peak resident memory of one process.
const MAX_RSS_KIB: u64 = 100 * 1024;

/// The peak-RSS budget of a case: [`MAX_RSS_KIB`], except two files far above `dstack.maxFileSize`
/// (so only their syntax is checked) whose text alone is held several times on the LSP path —
/// tower-lsp-server's read buffer, the frame guard, the JSON decoder, the document, the rope — and
/// whose syntax tree is still built. Measured after the memory work: 200k keys (2.4 MB) 196 MB in
/// the server and 97 MB in `check`; one 20 MB line 276–295 MB in the server. Holding the text once
/// is open work; these budgets catch any regression beyond it.
fn rss_budget_kib(case: &str) -> u64 {
    if case.contains("unknown-keys-200k") {
        if case.starts_with("check") {
            128 * 1024
        } else {
            256 * 1024
        }
    } else if case.contains("line-20mb") {
        384 * 1024
    } else {
        MAX_RSS_KIB
    }
}
/// Bytes written per case (CLI stdout, JSON-RPC messages of one document, one live request).
const MAX_OUTPUT: usize = 8 << 20;
/// Address-space cap put on every process we start (with `prlimit`), so a blow-up fails its case
/// instead of taking the machine's memory; far above [`MAX_RSS_KIB`].
const AS_CAP: &str = "--as=3221225472";

/// Caps the memory of process `pid` (best effort: `prlimit` is part of util-linux).
fn cap_memory(pid: u32) {
    let _ = Command::new("prlimit")
        .arg(format!("--pid={pid}"))
        .arg(AS_CAP)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Cases of one batch (a bomb kind in one type) share their cause: after the first hang the
/// rest of the batch is skipped, so a branch where bombs hang still finishes in minutes.
#[derive(Default)]
struct Hung(std::collections::HashMap<String, usize>);

impl Hung {
    /// True (and counted) when `batch` already hung.
    fn skip(&mut self, batch: &str) -> bool {
        match self.0.get_mut(batch) {
            Some(n) if !batch.is_empty() => {
                *n += 1;
                true
            }
            _ => false,
        }
    }
    fn hung(&mut self, batch: &str) {
        self.0.entry(batch.to_string()).or_insert(0);
    }
    fn report(self, f: &mut Failures) {
        for (batch, n) in self.0 {
            if n > 0 {
                f.add(
                    &batch,
                    format!("{n} more cases of this batch skipped after a hang"),
                );
            }
        }
    }
}

struct Corpus {
    dir: PathBuf,
    manifest: Value,
}

/// The corpus, generated once per test process.
fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    quiet_panics();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        // One directory per test process (~60 MB on disk, the big files sparse); those of
        // processes that have ended are removed.
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for entry in std::fs::read_dir(tmp).into_iter().flatten().flatten() {
            let file = entry.file_name().to_string_lossy().to_string();
            if let Some(pid) = file.strip_prefix("hostile-")
                && !Path::new("/proc").join(pid).exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = tmp.join(format!("hostile-{}", std::process::id()));
        let out = Command::new("python3")
            .arg(root.join("tests/tools/hostile.py"))
            .arg(&dir)
            .arg(&root)
            .output()
            .expect("run python3 tests/tools/hostile.py");
        assert!(
            out.status.success(),
            "hostile.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap_or_default();
        let manifest = serde_json::from_str(&manifest).expect("manifest.json");
        Corpus { dir, manifest }
    })
}

impl Corpus {
    fn cases(&self, section: &str) -> Vec<Value> {
        self.manifest[section]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
    fn path(&self, case: &Value) -> PathBuf {
        self.dir.join(case["path"].as_str().unwrap_or_default())
    }
}

fn name(case: &Value) -> String {
    case["name"].as_str().unwrap_or_default().to_string()
}

/// Collected failures: `case: what went wrong`.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn add(&mut self, case: &str, what: impl std::fmt::Display) {
        let what = what.to_string();
        let what: String = what.chars().take(400).collect();
        self.0.push(format!("{case}: {what}"));
    }
    fn assert_none(self, what: &str, total: usize) {
        assert!(
            self.0.is_empty(),
            "{} of {total} {what} cases fail:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

thread_local! {
    /// What the session was doing, for the failure message.
    static STEP: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn step(what: impl Into<String>) {
    STEP.with(|s| *s.borrow_mut() = what.into());
}

/// The step and the first line of a caught panic (a timeout's backlog dump is dropped).
fn panic_text(e: Box<dyn std::any::Any + Send>) -> String {
    let text = e
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".to_string());
    let first = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches("; backlog: [");
    let first = first.replace("timed out; backlog: []", "timed out");
    let first = if first.starts_with("timed out") {
        format!("no answer within {:?} (hang)", *WATCHDOG)
    } else {
        first
    };
    STEP.with(|s| format!("{}: {first}", s.borrow()))
}

/// Caught panics are reported per case; keep their default printing (with a backtrace) out of
/// the test output. Other panics keep a one-line message.
fn quiet_panics() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        std::panic::set_hook(Box::new(|info| {
            let msg = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            if !msg.starts_with("timed out") && !msg.starts_with("server closed") {
                eprintln!(
                    "panicked at {}: {msg}",
                    info.location().map_or(String::new(), |l| l.to_string())
                );
            }
        }));
    });
}

// --- The command line --------------------------------------------------------------------------

struct Run {
    code: Option<i32>,
    stdout_bytes: usize,
    maxrss_kib: u64,
}

/// Exit status and peak RSS of a child, from `wait4` (the child is gone afterwards, so its
/// `/proc` entry cannot be read then).
fn wait4(pid: u32) -> (Option<i32>, u64) {
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    #[allow(unsafe_code)]
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are to live locals of the right types; `pid` is our own child, which
    // nothing else waits for.
    #[allow(unsafe_code)]
    let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if r < 0 {
        return (None, 0);
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    (code, usage.ru_maxrss.max(0) as u64)
}

/// Runs `dstack-lsp args…` under the watchdog; stdout is counted, not kept.
fn run_cli(args: &[&str], cwd: &Path) -> Result<Run, String> {
    let mut child = Command::new(common::bin())
        .args(args)
        .current_dir(cwd)
        .env("HOME", cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    let pid = child.id();
    cap_memory(pid);
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let counter = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0usize;
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n;
        }
        total
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(wait4(pid));
    });
    match rx.recv_timeout(*WATCHDOG) {
        Ok((code, maxrss_kib)) => {
            // Linux carries the high-water mark of the mm a child was spawned from into its
            // maxrss, so a child's peak below our own is hidden behind ours; only a peak above it
            // is the child's. Read ours after the child is gone: other test threads may have
            // grown it between a reading before the spawn and the spawn itself.
            let own_peak = peak_kib_of(std::process::id());
            let stdout_bytes = counter.join().unwrap_or(0);
            // Reaped by wait4 already; keep std from waiting on it again.
            std::mem::forget(child);
            Ok(Run {
                code,
                stdout_bytes,
                maxrss_kib: if maxrss_kib > own_peak { maxrss_kib } else { 0 },
            })
        }
        Err(_) => {
            let _ = child.kill();
            Err(format!("no exit within {:?} (hang)", *WATCHDOG))
        }
    }
}

fn judge_cli(f: &mut Failures, case: &str, run: Result<Run, String>) {
    match run {
        Err(e) => f.add(case, e),
        Ok(r) => {
            if !matches!(r.code, Some(0..=2)) {
                f.add(case, format!("exit status {:?} (crash)", r.code));
            }
            if r.maxrss_kib > rss_budget_kib(case) {
                f.add(case, format!("peak RSS {} KiB", r.maxrss_kib));
            }
            if r.stdout_bytes > MAX_OUTPUT {
                f.add(case, format!("{} bytes of output", r.stdout_bytes));
            }
        }
    }
}

#[test]
fn check_every_hostile_file() {
    let c = corpus();
    let files = c.cases("files");
    let mut f = Failures::default();
    let mut hung = Hung::default();
    for case in &files {
        let batch = case["batch"].as_str().unwrap_or_default();
        let path = c.path(case);
        let path = path.to_string_lossy();
        for format in ["human", "json"] {
            if hung.skip(batch) {
                continue;
            }
            let run = run_cli(&["check", "--format", format, &path], &c.dir);
            if run.is_err() {
                hung.hung(batch);
            }
            judge_cli(&mut f, &format!("check {format} {}", name(case)), run);
        }
    }
    hung.report(&mut f);
    f.assert_none("file", files.len());
}

#[test]
fn check_every_hostile_workspace() {
    let c = corpus();
    let spaces = c.cases("workspaces");
    let mut f = Failures::default();
    for case in &spaces {
        let dir = c.path(case);
        judge_cli(&mut f, &name(case), run_cli(&["check", "."], &dir));
        // Files given explicitly are always read: the special files by name.
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            let file = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            if file.ends_with(".dstack.yml") && !file.starts_with("ok") {
                let run = run_cli(&["check", &file], &dir);
                judge_cli(&mut f, &format!("{} explicit {file}", name(case)), run);
            }
        }
    }
    f.assert_none("workspace", spaces.len());
}

#[test]
fn offers_with_every_hostile_catalog() {
    let c = corpus();
    let catalogs = c.cases("catalogs");
    let doc = c.dir.join("offers.dstack.yml");
    let _ = std::fs::write(&doc, GPU_DOC);
    let doc = doc.to_string_lossy().to_string();
    let mut f = Failures::default();
    for case in &catalogs {
        let cat = c.path(case).to_string_lossy().to_string();
        let run = run_cli(&["offers", "--catalog", &cat, "--json", &doc], &c.dir);
        judge_cli(&mut f, &name(case), run);
    }
    f.assert_none("catalog", catalogs.len());
}

// --- The language server -----------------------------------------------------------------------

const GPU_DOC: &str = "type: task\ncommands: [python train.py]\nresources:\n  gpu: A100:80GB:2\n";
const PLAN: &str = r#"{"project_name":"main","user":"admin","run_spec":{},"action":"create","job_plans":[{"job_spec":{},"total_offers":0,"offers":[]}]}"#;

/// A loopback dstack server that answers every plan with no offers and records the size of the
/// largest request it read.
fn live_mock() -> (Mock, Arc<AtomicUsize>) {
    let largest = Arc::new(AtomicUsize::new(0));
    let seen = largest.clone();
    let mock = Mock::start(Mode::Http, move |req: &str| {
        seen.fetch_max(req.len(), Ordering::Relaxed);
        Answer::Reply("200 OK", PLAN.to_string())
    });
    (mock, largest)
}

/// A server with live mode on against `url`, rooted at `root`, after `initialize`.
fn start(url: &str, root: Option<&Path>, options: Value) -> Client {
    let home = corpus().dir.join("home");
    let _ = std::fs::create_dir_all(&home);
    let home = home.to_string_lossy().to_string();
    let env = [
        ("HOME", home.as_str()),
        ("DSTACK_SERVER_URL", url),
        ("DSTACK_PROJECT", "main"),
        ("DSTACK_TOKEN", "hostile-token"),
    ];
    step("initialize");
    let mut c = Client::spawn_with_env(&env);
    cap_memory(c.pid());
    c.timeout = *WATCHDOG;
    let mut options = options;
    if options.get("dstack").is_none() {
        options = json!({"dstack": {"live": {"enabled": true}}});
    }
    let root_uri = root.map(|r| format!("file://{}", r.display()));
    let resp = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": root_uri,
            "initializationOptions": options,
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": {"codeLens": {"refreshSupport": true}},
            },
        }),
    );
    assert!(resp.get("error").is_none(), "initialize: {resp}");
    c.notify("initialized", json!({}));
    c
}

/// Peak resident memory of the server so far (`VmHWM`).
fn peak_kib(c: &Client) -> u64 {
    peak_kib_of(c.pid())
}

fn peak_kib_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn size(v: &Value) -> usize {
    serde_json::to_string(v).map_or(0, |s| s.len())
}

/// Positions to probe in `text`: its start, and the start, value and end of the first, middle
/// and last lines (columns past the end are clamped by the server).
fn probes(text: &str) -> Vec<(u32, u32)> {
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len();
    let mut out = vec![(0, 0)];
    for i in [0, n / 2, n.saturating_sub(1)] {
        let line = lines.get(i).copied().unwrap_or("");
        let indent = line.len() - line.trim_start().len();
        let value = line.find(": ").map_or(indent, |p| p + 2);
        for ch in [indent, value, value + 3, line.chars().count()] {
            out.push((i as u32, ch as u32));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// One document's full session: open, diagnostics, every feature at the probe positions, the
/// offers command, close. Returns the bytes of JSON-RPC the server sent for it.
fn document_session(c: &mut Client, uri: &str, text: &str) -> usize {
    let mut bytes = 0;
    step("didOpen, waiting for diagnostics");
    c.open(uri, 1, text);
    let diags = c.diagnostics(uri, Some(1));
    bytes += size(&Value::Array(diags));
    let doc = json!({"uri": uri});
    for method in [
        "textDocument/codeLens",
        "textDocument/documentSymbol",
        "textDocument/foldingRange",
    ] {
        step(method);
        bytes += size(&c.request(method, json!({"textDocument": doc})));
    }
    for (line, character) in probes(text) {
        let at = json!({"textDocument": doc, "position": {"line": line, "character": character}});
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
        ] {
            step(format!("{method} at {line}:{character}"));
            bytes += size(&c.request(method, at.clone()));
        }
        let sel =
            json!({"textDocument": doc, "positions": [{"line": line, "character": character}]});
        step(format!("selectionRange at {line}:{character}"));
        bytes += size(&c.request("textDocument/selectionRange", sel));
    }
    step("dstack.offers");
    bytes += size(&c.request(
        "workspace/executeCommand",
        json!({"command": "dstack.offers", "arguments": [uri]}),
    ));
    // An edit at the end, then the whole text replaced by a small one.
    let lines = text.lines().count() as u32;
    c.change(
        uri,
        2,
        json!([{"range": {"start": {"line": lines, "character": 0}, "end": {"line": lines, "character": 0}}, "text": "# x\n"}]),
    );
    step("didChange, waiting for diagnostics");
    c.change(uri, 3, json!([{"text": "type: task\n"}]));
    let _ = c.diagnostics(uri, Some(3));
    step("didClose");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let _ = c.diagnostics(uri, None);
    bytes + c.backlog.drain(..).map(|m| size(&m)).sum::<usize>()
}

/// Runs `cases` (name, uri, text) through sessions of one server, restarting it after a failure
/// or a budget overrun (peak RSS only grows) so later cases are still judged.
fn sessions(f: &mut Failures, cases: &[FileCase]) {
    let (mock, largest) = live_mock();
    let mut client: Option<Client> = None;
    let mut hung = Hung::default();
    for (case, uri, text, batch) in cases {
        if hung.skip(batch) {
            continue;
        }
        let c = client.get_or_insert_with(|| start(&mock.url, None, Value::Null));
        let result = catch_unwind(AssertUnwindSafe(|| document_session(c, uri, text)));
        let mut restart = false;
        match result {
            Err(e) => {
                let text = panic_text(e);
                if text.contains("(hang)") {
                    hung.hung(batch);
                }
                f.add(case, text);
                restart = true;
            }
            Ok(bytes) if bytes > MAX_OUTPUT => f.add(case, format!("{bytes} bytes of JSON-RPC")),
            Ok(_) => {}
        }
        let peak = peak_kib(c);
        if peak > rss_budget_kib(case) {
            f.add(case, format!("server peak RSS {peak} KiB"));
            restart = true;
        }
        let live = largest.swap(0, Ordering::Relaxed);
        if live > MAX_OUTPUT {
            f.add(case, format!("live request of {live} bytes"));
        }
        if restart {
            client = None;
        }
    }
    hung.report(f);
    step("shutdown");
    if let Some(c) = client
        && let Err(e) = catch_unwind(AssertUnwindSafe(|| c.shutdown()))
    {
        f.add("shutdown", panic_text(e));
    }
}

/// Name, URI, text and batch of a file case.
type FileCase = (String, String, String, String);

fn file_cases(bombs: bool) -> Vec<FileCase> {
    let c = corpus();
    c.cases("files")
        .iter()
        .filter(|case| (case["group"] == "bomb") == bombs)
        .map(|case| {
            let bytes = std::fs::read(c.path(case)).unwrap_or_default();
            let n = name(case);
            let uri = format!("file:///hostile/{n}.dstack.yml");
            let batch = case["batch"].as_str().unwrap_or_default().to_string();
            (n, uri, String::from_utf8_lossy(&bytes).into_owned(), batch)
        })
        .collect()
}

#[test]
fn lsp_session_over_every_bomb_position() {
    let cases = file_cases(true);
    assert!(cases.len() > 500, "only {} bomb positions", cases.len());
    let mut f = Failures::default();
    sessions(&mut f, &cases);
    f.assert_none("bomb", cases.len());
}

#[test]
fn lsp_session_over_every_other_hostile_file() {
    let cases = file_cases(false);
    let mut f = Failures::default();
    // One server per file: these are the big ones.
    for case in &cases {
        sessions(&mut f, std::slice::from_ref(case));
    }
    f.assert_none("file", cases.len());
}

/// One server for one case: `session` drives it after `initialize` and returns the JSON-RPC
/// bytes it counted; then the peak RSS is read and the server shut down, and the budgets judged.
fn one_server(
    f: &mut Failures,
    case: &str,
    url: &str,
    root: Option<&Path>,
    session: impl FnOnce(&mut Client) -> usize,
) {
    let r = catch_unwind(AssertUnwindSafe(|| {
        let mut client = start(url, root, Value::Null);
        let bytes = session(&mut client);
        let peak = peak_kib(&client);
        step("shutdown");
        assert!(client.shutdown() == Some(0), "shutdown failed");
        (bytes, peak)
    }));
    match r {
        Err(e) => f.add(case, panic_text(e)),
        Ok((bytes, peak)) => {
            if bytes > MAX_OUTPUT {
                f.add(case, format!("{bytes} bytes of JSON-RPC"));
            }
            if peak > rss_budget_kib(case) {
                f.add(case, format!("server peak RSS {peak} KiB"));
            }
        }
    }
}

#[test]
fn lsp_session_in_every_hostile_workspace() {
    let c = corpus();
    let spaces = c.cases("workspaces");
    let (mock, _) = live_mock();
    let mut f = Failures::default();
    for case in &spaces {
        let dir = c.path(case);
        one_server(&mut f, &name(case), &mock.url, Some(&dir), |client| {
            let file = dir.join("ok.dstack.yml");
            let uri = format!("file://{}", file.display());
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            // `fleets: [my-fleet]`: go to definition scans the workspace.
            step("definition across the workspace");
            client.open(&uri, 1, &text);
            let def = client.request(
                "textDocument/definition",
                json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 11}}),
            );
            assert!(def.get("error").is_none(), "definition: {def}");
            document_session(client, &uri, &text)
        });
    }
    f.assert_none("workspace", spaces.len());
}

#[test]
fn lsp_session_with_every_hostile_setting() {
    let c = corpus();
    let settings = c.cases("settings");
    let (mock, _) = live_mock();
    let mut f = Failures::default();
    for case in &settings {
        let steps = case["steps"].as_array().cloned().unwrap_or_default();
        one_server(&mut f, &name(case), &mock.url, None, |client| {
            let uri = "file:///hostile/settings.dstack.yml";
            client.open(uri, 1, GPU_DOC);
            for settings in &steps {
                client.notify(
                    "workspace/didChangeConfiguration",
                    json!({"settings": settings}),
                );
            }
            document_session(client, uri, GPU_DOC)
        });
    }
    f.assert_none("setting", settings.len());
}

#[test]
fn lsp_session_after_every_hostile_frame() {
    let c = corpus();
    let frames = c.cases("frames");
    let (mock, _) = live_mock();
    let mut f = Failures::default();
    for case in &frames {
        let bytes = std::fs::read(c.path(case)).unwrap_or_default();
        one_server(&mut f, &name(case), &mock.url, None, |client| {
            step("sending the frame");
            client.send_raw(&bytes);
            // The server keeps serving the next, well-formed messages.
            document_session(client, "file:///hostile/after-frame.dstack.yml", GPU_DOC)
        });
    }
    f.assert_none("frame", frames.len());
}
