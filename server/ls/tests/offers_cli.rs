//! End-to-end tests of `dstack-lsp offers`: every fixture spec of `tests/offers` through the real
//! binary (document → diagnostics → requirements → matcher) against dstack's own answer in
//! `expected.jsonl`, the table and JSON output with the embedded catalog, and the exit codes.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A scratch directory used as HOME, so no real `~/.dstack` leaks in.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dstack-lsp-offers-{name}-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

fn run(home: &Path, args: &[&str]) -> Output {
    Command::new(common::bin())
        .args(args)
        .env("HOME", home)
        .env_remove("DSTACK_PROJECT")
        .output()
        .expect("run dstack-lsp")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// A server config listing every fixture provider as a backend, with the spec's overrides
/// (`expected.jsonl` was computed with exactly these backends).
fn server_config(overrides: &Value) -> String {
    let providers = [
        ("aws", "aws"),
        ("azure", "azure"),
        ("cloudrift", "cloudrift"),
        ("gcp", "gcp"),
        ("lambdalabs", "lambda"),
        ("nebius", "nebius"),
        ("oci", "oci"),
        ("runpod", "runpod"),
        ("verda", "verda"),
    ];
    let mut out = String::from("projects:\n- name: main\n  backends:\n");
    for (provider, backend) in providers {
        out.push_str(&format!("  - type: {backend}\n"));
        if let Some(o) = overrides.get(provider).and_then(Value::as_object) {
            for (k, v) in o {
                out.push_str(&format!("    {k}: {v}\n"));
            }
        }
    }
    out
}

#[test]
fn fixture_specs_match_dstack() {
    let home = scratch("specs");
    let dir = repo().join("tests/offers");
    let catalog = dir.join("catalog");
    let expected = std::fs::read_to_string(dir.join("expected.jsonl")).expect("expected.jsonl");
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("json line");
        let spec = case["spec"].as_str().unwrap_or("?");
        // `dstack offer` semantics and custom-image architectures are not what a file means.
        if case["kind"] == "offer" || case["image_arch"] != serde_json::json!(["x86"]) {
            continue;
        }
        let config = home.join("server-config.yml");
        let wrote = std::fs::write(&config, server_config(&case["backend_config"]));
        assert!(wrote.is_ok());
        let path = dir.join("specs").join(spec);
        let out = run(
            &home,
            &[
                "offers",
                &path.to_string_lossy(),
                "--catalog",
                &catalog.to_string_lossy(),
                "--server-config",
                &config.to_string_lossy(),
                "--json",
            ],
        );
        checked += 1;
        let code = out.status.code();
        if case["error"].is_string() {
            if code != Some(1) {
                failures.push(format!("{spec}: dstack rejects it, we exit {code:?}"));
            }
            continue;
        }
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
        let key = |o: &Value| {
            format!(
                "{} {} {} {}",
                o["backend"].as_str().unwrap_or(""),
                o["region"].as_str().unwrap_or(""),
                o["instance"].as_str().unwrap_or(""),
                o["price"]
            )
        };
        let ours: Vec<String> = v["offers"]
            .as_array()
            .map(|a| a.iter().map(key).collect())
            .unwrap_or_default();
        let theirs: Vec<String> = case["offers"]
            .as_array()
            .map(|a| a.iter().map(key).collect())
            .unwrap_or_default();
        let (mut a, mut b) = (ours.clone(), theirs.clone());
        a.sort();
        b.sort();
        if code != Some(0) || v["count"] != case["count"] || a != b {
            failures.push(format!(
                "{spec}: exit {code:?}, count {} vs dstack {}; stderr {}",
                v["count"],
                case["count"],
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        // dstack merges per-provider lists by price, so its order is not always sorted
        // (a provider file out of order stays so): the price sequence must be dstack's.
        let prices = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().map(|o| o["price"].to_string()).collect())
                .unwrap_or_default()
        };
        if prices(&v["offers"]) != prices(&case["offers"]) {
            failures.push(format!("{spec}: offers not in dstack's price order"));
        }
    }
    assert!(checked >= 40, "only {checked} specs");
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn table_and_json_with_the_embedded_catalog() {
    let home = scratch("embedded");
    let file = home.join("h100.dstack.yml");
    let wrote = std::fs::write(
        &file,
        "type: task\ncommands: [python train.py]\nresources:\n  gpu: H100:8\n",
    );
    assert!(wrote.is_ok());
    let f = file.to_string_lossy().to_string();
    let table = run(&home, &["offers", &f, "--max", "3"]);
    assert_eq!(table.status.code(), Some(0));
    expect_test::expect![[r#"
        BACKEND  REGION  INSTANCE        GPUS             $/H  SPOT
        verda    FIN-01  8H100.80S.176V  8xH100 (80GB)  17.52  on-demand
        verda    FIN-02  8H100.80S.176V  8xH100 (80GB)  17.52  on-demand
        verda    ICE-01  8H100.80S.176V  8xH100 (80GB)  17.52  on-demand
        … 27 more (use --max N or --json)
        30 offers · from $17.52/h (embedded catalog (2026-11-27))
    "#]]
    .assert_eq(&stdout(&table));
    let json = run(&home, &["offers", &f, "--json"]);
    let v: Value = serde_json::from_str(&stdout(&json)).unwrap_or(Value::Null);
    assert_eq!(v["count"], 30);
    let offers = v["offers"].as_array().cloned().unwrap_or_default();
    assert_eq!(offers.len(), 30);
    let mut keys: Vec<&str> = offers[0]
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "backend",
            "cpus",
            "disk_gib",
            "gpu_count",
            "gpu_memory_gib",
            "gpu_name",
            "instance",
            "memory_gib",
            "price",
            "region",
            "spot"
        ]
    );
    let top: Vec<&str> = v
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(top, ["count", "offers"]);
    let limited = run(&home, &["offers", &f, "--json", "--max", "2"]);
    let v: Value = serde_json::from_str(&stdout(&limited)).unwrap_or(Value::Null);
    assert_eq!(
        (v["count"].as_u64(), v["offers"].as_array().map(Vec::len)),
        (Some(30), Some(2))
    );
}

#[test]
fn rejected_files_and_usage_errors() {
    let home = scratch("errors");
    let bad = home.join("bad.dstack.yml");
    let wrote = std::fs::write(&bad, "type: task\nresources:\n  gpu: H100:8\n");
    assert!(wrote.is_ok());
    let out = run(&home, &["offers", &bad.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error[missing-key]") && err.contains("dstack would reject"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let vol = home.join("vol.dstack.yml");
    let wrote = std::fs::write(
        &vol,
        "type: volume\nname: v\nbackend: aws\nregion: us-east-1\nsize: 100GB\n",
    );
    assert!(wrote.is_ok());
    assert_eq!(
        run(&home, &["offers", &vol.to_string_lossy()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&home, &["offers"]).status.code(), Some(2));
    assert_eq!(
        run(&home, &["offers", "/nonexistent/x.dstack.yml"])
            .status
            .code(),
        Some(2)
    );
    let f = bad.to_string_lossy().to_string();
    assert_eq!(
        run(&home, &["offers", &f, "--max", "x"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&home, &["offers", &f, "--catalog", "/nonexistent"])
            .status
            .code(),
        Some(2)
    );
    let help = run(&home, &["--help"]);
    assert!(stdout(&help).contains("dstack-lsp offers"));
}

#[test]
fn server_config_in_home_narrows_backends() {
    let home = scratch("home-config");
    let _ = std::fs::create_dir_all(home.join(".dstack/server"));
    let wrote = std::fs::write(
        home.join(".dstack/server/config.yml"),
        "projects:\n- name: main\n  backends:\n  - type: aws\n    creds: {type: default}\n",
    );
    assert!(wrote.is_ok());
    let file = home.join("a.dstack.yml");
    let wrote = std::fs::write(
        &file,
        "type: dev-environment\nide: vscode\nresources:\n  gpu: 24GB\n",
    );
    assert!(wrote.is_ok());
    let out = run(&home, &["offers", &file.to_string_lossy(), "--json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
    let offers = v["offers"].as_array().cloned().unwrap_or_default();
    assert!(!offers.is_empty());
    assert!(offers.iter().all(|o| o["backend"] == "aws"), "{v}");
}

/// `offers --catalog DIR` whose `aws/version` (and a provider CSV) is a FIFO: opening one blocks
/// until a writer appears, so the load used to hang for good. Now they are skipped, once.
#[cfg(unix)]
#[test]
fn catalog_fifos_are_skipped_not_waited_on() {
    let home = scratch("fifo-catalog");
    let catalog = home.join("catalog");
    let _ = std::fs::remove_dir_all(&catalog);
    std::fs::create_dir_all(catalog.join("aws")).expect("mkdir");
    for fifo in [catalog.join("aws/version"), catalog.join("gcp.csv")] {
        let made = Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", fifo.display());
    }
    let row = "gpu_1x_a10,us-east-1,0.75,30,200,1,A10,24,False,512,nvidia,,x86,{}\n";
    let header = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\n";
    std::fs::write(catalog.join("lambdalabs.csv"), format!("{header}{row}")).expect("write");
    let spec = home.join("a.dstack.yml");
    std::fs::write(
        &spec,
        "type: task\nimage: ubuntu\ncommands: [nvidia-smi]\nresources:\n  gpu: A10\n",
    )
    .expect("write");
    let child = Command::new(common::bin())
        .args([
            "offers",
            &spec.to_string_lossy(),
            "--catalog",
            &catalog.to_string_lossy(),
        ])
        .env("HOME", &home)
        .env_remove("DSTACK_PROJECT")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run dstack-lsp");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    // A watchdog only: a hang fails the test instead of the suite.
    let Ok(Ok(out)) = rx.recv_timeout(std::time::Duration::from_secs(120)) else {
        let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        panic!("dstack-lsp offers hung on a FIFO in the catalog");
    };
    let _ = std::fs::remove_dir_all(&home);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("not regular files").count(), 1, "{err}");
    assert!(err.contains("skipped 2 entries"), "{err}");
    assert!(stdout(&out).contains("gpu_1x_a10"), "{}", stdout(&out));
}

#[test]
fn offers_refuses_files_over_the_read_cap_and_non_regular_files() {
    let dir = scratch("bounded");
    // Sparse: 17 MiB on paper, nothing on disk. Read whole, it would be analysed.
    let big = dir.join("big.dstack.yml");
    let file = std::fs::File::create(&big).expect("create");
    file.set_len(17 << 20).expect("set_len");
    let out = run(&dir, &["offers", big.to_str().unwrap_or_default()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("big.dstack.yml"), "{err}");
    // The same cap for --server-config; a directory is refused before it is opened.
    let ok = dir.join("ok.dstack.yml");
    std::fs::write(&ok, "type: task\ncommands: [ls]\n").expect("write");
    let ok = ok.to_str().unwrap_or_default();
    for config in [big.as_path(), dir.as_path()] {
        let config = config.to_str().unwrap_or_default();
        let out = run(&dir, &["offers", ok, "--server-config", config]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{config}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
