//! Measures how often our verdict agrees with dstack's on the shared corpora (a dev tool, not a test).
//!
//! ```text
//! cargo run -p dstack-lsp-tests --example agreement -- \
//!     --unit-cases /work/shared/corpus/unit-cases.jsonl --doc-snippets /work/shared/corpus/doc-snippets \
//!     [--conformance tests/conformance] [--verdicts DIR] [-v] [--show FILE…]
//! ```
//!
//! Unit cases: the whole-configuration kinds (`configuration`, `preset`, `run_spec`, `apply_args`,
//! `dev_env_ide`, `server_validation`); the input is written out as YAML. A client-side case agrees when
//! we raise an error exactly when dstack fails; a `server_validation` case agrees when we raise an
//! error or a warning exactly when the server fails. Doc snippets: `ORACLE.jsonl` for errors and
//! `ORACLE.server-checks.jsonl` for warnings. With `--conformance`, it also counts warnings on files
//! the server accepts (false alarms).

use std::path::Path;

use dstack_lsp_tests::{Verdict, json_to_yaml};
use serde_json::{Value, json};

#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
    misses: Vec<String>,
}

impl Tally {
    fn add(&mut self, agree: bool, what: impl FnOnce() -> String) {
        self.total += 1;
        if agree {
            self.agree += 1;
        } else {
            self.misses.push(what());
        }
    }
    fn report(&self, name: &str, verbose: bool) {
        let pct = if self.total == 0 {
            100.0
        } else {
            100.0 * self.agree as f64 / self.total as f64
        };
        println!("{name}: {}/{} agree ({pct:.1}%)", self.agree, self.total);
        for m in self
            .misses
            .iter()
            .take(if verbose { usize::MAX } else { 20 })
        {
            println!("  - {m}");
        }
    }
}

/// The unit-case kinds that are whole configurations.
const WHOLE: [&str; 6] = [
    "configuration",
    "preset",
    "run_spec",
    "apply_args",
    "dev_env_ide",
    "server_validation",
];

/// dstack 0.22.5's verdict: the transcribed `ok` when verified, else the recorded actual result.
fn truth(case: &Value) -> bool {
    if case["verified"].as_bool() == Some(true) {
        return case["ok"].as_bool().unwrap_or(false);
    }
    !case["actual"]
        .as_object()
        .is_some_and(|o| o.contains_key("error"))
}

/// The configuration a unit case stands for, as a JSON value.
fn configuration(case: &Value) -> Option<Value> {
    let input = &case["input"];
    let mut conf = match case["kind"].as_str()? {
        "configuration" | "apply_args" | "server_validation" => input.clone(),
        "preset" => {
            let mut c = input.clone();
            c.as_object_mut()?.insert("type".into(), json!("preset"));
            // `model_validate` does not ask for the settings `dstack apply` insists on.
            for (k, v) in [
                ("trials", 1),
                ("max_ttft", 1),
                ("min_context_length", 1),
                ("concurrency", 1),
            ] {
                c.as_object_mut()?.entry(k).or_insert(json!(v));
            }
            c
        }
        "dev_env_ide" => {
            let mut c = input.clone();
            c.as_object_mut()?
                .insert("type".into(), json!("dev-environment"));
            c
        }
        "run_spec" => {
            let mut c = input["configuration"].clone();
            if let Some(retry) = input.get("profile_retry") {
                c.as_object_mut()?.entry("retry").or_insert(retry.clone());
            }
            c
        }
        // Value syntaxes, placed where a configuration uses them.
        kind => {
            let task = |key: &str, v: Value| json!({"type": "task", "commands": ["x"], key: v});
            let resources = |key: &str, v: Value| json!({"type": "task", "commands": ["x"], "resources": {key: v}});
            let v = input.clone();
            match kind {
                "gpu" => resources("gpu", v),
                "cpu" => resources("cpu", v),
                "disk" => resources("disk", v),
                "memory" => resources("shm_size", v),
                "range_memory" => resources("memory", v),
                "range_int" => resources("gpu", json!({"count": v})),
                "compute_capability" => resources("gpu", json!({"compute_capability": v})),
                "duration" => task("retry", json!({"duration": v})),
                "offable_duration" => task("max_duration", v),
                "idle_duration" => task("idle_duration", v),
                "mount_point" | "volume_mount_point" | "instance_mount_point" | "volume_field" => {
                    task("volumes", json!([v]))
                }
                "file_mapping" => task("files", json!([v])),
                "repo_spec" => task("repos", json!([v])),
                "unix_user" => task("user", v),
                "entity_ref" => task("fleets", json!([v])),
                "port_mapping" | "ports_field" => task("ports", json!([v])),
                "service_port" => json!({"type": "service", "commands": ["x"], "port": v}),
                "env" => task("env", v),
                "spot_policy" => task("spot_policy", v),
                "retry" => task("retry", v),
                "python" => task("python", v),
                "utilization_policy" => task("utilization_policy", v),
                "schedule" => task("schedule", v),
                "tags" => task("tags", v),
                "tag_key" => task("tags", json!({ v.as_str()?: "x" })),
                "tag_value" => task("tags", json!({"k": v})),
                "instance_selector" => task("instances", v),
                "backend_options" => task("backend_options", v),
                "fleet_nodes" => json!({"type": "fleet", "nodes": v}),
                "scaling" => {
                    json!({"type": "service", "commands": ["x"], "port": 80, "replicas": "1..2", "scaling": v})
                }
                "interpolation_commands" => task("commands", json!([v])),
                _ => return None,
            }
        }
    };
    if conf.is_object() {
        Some(std::mem::take(&mut conf))
    } else {
        None
    }
}

fn unit_cases(path: &Path, verbose: bool) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut client = Tally::default();
    let mut server = Tally::default();
    let mut values = Tally::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(case) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let Some(conf) = configuration(&case) else {
            continue;
        };
        let yaml = json_to_yaml(&conf);
        let ours = Verdict::of(&yaml);
        let ok = truth(&case);
        let kind = case["kind"].as_str().unwrap_or_default().to_string();
        let describe = || {
            format!(
                "[{kind}] dstack ok={ok}; input {}\n      ours: {}",
                serde_json::to_string(&case["input"]).unwrap_or_default(),
                ours.render().trim_end().replace('\n', "\n            ")
            )
        };
        let tally = if WHOLE.contains(&kind.as_str()) {
            &mut client
        } else {
            &mut values
        };
        if kind == "server_validation" {
            server.add(ok != (ours.has_error() || ours.has_warning()), describe);
        } else {
            tally.add(ok != ours.has_error(), describe);
        }
    }
    client.report("unit cases (client verdict)", verbose);
    server.report("unit cases (server_validation: error or warning)", verbose);
    values.report(
        "unit cases (value syntaxes, each placed in a configuration)",
        verbose,
    );
}

fn oracle(dir: &Path, file: &str) -> Vec<Value> {
    std::fs::read_to_string(dir.join(file))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn doc_snippets(dir: &Path, verbose: bool) {
    let mut client = Tally::default();
    let mut server = Tally::default();
    let server_checks = oracle(dir, "ORACLE.server-checks.jsonl");
    for case in oracle(dir, "ORACLE.jsonl") {
        let file = case["file"].as_str().unwrap_or_default();
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        let ours = Verdict::of(&text);
        let ok = case["ok"].as_bool().unwrap_or(false);
        let describe = || {
            format!(
                "{file}: dstack ok={ok} {}\n      ours: {}",
                case["error"]
                    .as_str()
                    .unwrap_or("")
                    .lines()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" | "),
                ours.render().trim_end().replace('\n', "\n            ")
            )
        };
        client.add(ok != ours.has_error(), describe);
        if let Some(s) = server_checks.iter().find(|s| s["file"] == case["file"])
            && ok
        {
            let server_ok = s["ok"].as_bool().unwrap_or(false);
            server.add(server_ok != ours.has_warning(), || {
                format!(
                    "{file}: server ok={server_ok}\n      ours: {}",
                    ours.render().trim_end()
                )
            });
        }
    }
    client.report("doc snippets (errors vs ORACLE.jsonl)", verbose);
    server.report(
        "doc snippets (warnings vs ORACLE.server-checks.jsonl, client-valid only)",
        verbose,
    );
}

fn conformance(dir: &Path, verbose: bool) {
    let mut alarms = Tally::default();
    for case in oracle(dir, "verdicts.jsonl") {
        if case["ok"] != json!(true) || case["server_ok"] != json!(true) {
            continue;
        }
        let file = case["file"].as_str().unwrap_or_default();
        let ours = Verdict::of(&std::fs::read_to_string(dir.join(file)).unwrap_or_default());
        alarms.add(!ours.has_warning(), || {
            format!("{file}\n      ours: {}", ours.render().trim_end())
        });
    }
    alarms.report(
        "conformance files dstack fully accepts, without any warning from us",
        verbose,
    );
}

/// Any directory laid out like `tests/conformance` (`verdicts.jsonl` + the files it names), e.g. the
/// output of `tests/tools/conformance_verdicts.py` on generated files.
fn verdicts(dir: &Path, verbose: bool) {
    let mut client = Tally::default();
    let mut server = Tally::default();
    for case in oracle(dir, "verdicts.jsonl") {
        let file = case["file"].as_str().unwrap_or_default();
        let ours = Verdict::of(&std::fs::read_to_string(dir.join(file)).unwrap_or_default());
        let ok = case["ok"].as_bool().unwrap_or(false);
        let describe = |theirs: &str| {
            format!(
                "{file}: dstack {}\n      ours: {}",
                theirs.lines().take(3).collect::<Vec<_>>().join(" | "),
                ours.render().trim_end().replace('\n', "\n            ")
            )
        };
        client.add(ok != ours.has_error(), || {
            describe(case["error"].as_str().unwrap_or("ok"))
        });
        if ok && case["server_ok"] == json!(false) {
            let flagged = ours.diagnostics.iter().any(|d| d.code == "server-rule");
            server.add(flagged, || {
                describe(case["server_error"].as_str().unwrap_or(""))
            });
        }
    }
    client.report("verdicts (errors)", verbose);
    server.report("verdicts (server-only failures with a warning)", verbose);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    if let Some(p) = value("--unit-cases") {
        unit_cases(Path::new(p), verbose);
    }
    if let Some(p) = value("--doc-snippets") {
        doc_snippets(Path::new(p), verbose);
    }
    if let Some(p) = value("--verdicts") {
        verdicts(Path::new(p), verbose);
    }
    if let Some(p) = value("--conformance") {
        conformance(Path::new(p), verbose);
    }
    // `--show FILE…`: print our diagnostics for each file (for reviewing messages and ranges).
    if let Some(i) = args.iter().position(|a| a == "--show") {
        for file in &args[i + 1..] {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            println!("== {file}\n{}", Verdict::of(&text).render());
        }
    }
}
