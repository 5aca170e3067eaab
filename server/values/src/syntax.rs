//! One entry point per feature for the named syntaxes of dstack-model (`gpu`, `memory-range`, `off-duration`…):
//! [`check`] for diagnostics, [`describe`] for hovers and [`complete`] for completion.
//! Syntaxes this crate does not know return `None` / nothing, so callers can fall back.

use crate::py::py_float_repr;
use crate::{
    Input, Value, ValueCompletion, ValueError, code, compute_capability, cpu, disk, duration,
    entity_ref, enums, env, files, gpu, interpolation, memory, names, nodes, ports, python, range,
    repos, schedule, tags, user, volume,
};

/// Every syntax name [`check`] knows (most also [`describe`] and [`complete`]), for callers that
/// exercise them all (tests, fuzzing).
pub const NAMES: &[&str] = &[
    "gpu",
    "cpu",
    "memory",
    "memory-range",
    "disk",
    "int-range",
    "fleet-nodes",
    "replicas",
    "duration",
    "off-duration",
    "idle-duration",
    "volume-mount",
    "port-mapping",
    "service-port",
    "env",
    "python",
    "entity-ref",
    "user",
    "cron",
    "repo",
    "file-mapping",
    "compute-capability",
    "resource-name",
    "group-name",
    "shell",
    "tags",
];

/// Numbers reach string fields as their text (pydantic's `coerce_numbers_to_str`).
fn as_text(value: &Value) -> Option<String> {
    match value.as_input()? {
        Input::Str(s) => Some(s.to_string()),
        Input::Int(i) => Some(i.to_string()),
        Input::Float(f) => Some(py_float_repr(f)),
        _ => None,
    }
}

/// Parses `value` with the syntax `name` and returns hover markdown, or the error.
/// `None` when the syntax is unknown here or the value's type is left to the schema (e.g. `null`).
pub fn describe(name: &str, value: &Value) -> Option<Result<String, ValueError>> {
    let input = value.as_input();
    let text = as_text(value);
    let text_input = text.as_deref().map(Input::Str);
    let res = match name {
        "gpu" => gpu::parse_value(value).map(|s| gpu::describe(&s)),
        "cpu" => cpu::parse_value(value).map(|s| cpu::describe(&s)),
        "memory" => memory::parse(&input?).map(memory::describe),
        "memory-range" => range::parse_memory_value(value).map(|r| range::describe_memory(&r)),
        "disk" => disk::parse_value(value).map(|r| disk::describe(&r)),
        "int-range" => range::parse_int_value(value).map(|r| range::describe_int(&r)),
        "fleet-nodes" => nodes::parse_value(value).map(|n| nodes::describe(&n)),
        "replicas" => range::parse_replicas(value).map(|r| range::describe_replicas(&r)),
        "duration" => duration::parse(&input?).map(duration::describe),
        "off-duration" => duration::parse_offable(&input?).map(duration::describe_setting),
        "idle-duration" => duration::parse_idle(&input?).map(duration::describe_setting),
        "volume-mount" => volume::parse_value(value).map(|m| volume::describe(&m)),
        "port-mapping" => ports::parse_value(value).map(|m| ports::describe(&m)),
        "service-port" => ports::parse_service_port(value).map(|m| ports::describe_service(&m)),
        "env" => env::parse_item(&text_input?).map(|e| env::describe(&e)),
        "python" => {
            let was_float = matches!(input, Some(Input::Float(_)));
            python::parse(&input?).map(|v| python::describe(v, was_float))
        }
        "entity-ref" => entity_ref::parse_value(value).map(|r| entity_ref::describe(&r, "entity")),
        "user" => user::parse(&text_input?).map(|u| user::describe(&u)),
        "cron" => schedule::check_cron(text.as_deref()?)
            .map(|()| schedule::describe(text.as_deref().unwrap_or(""))),
        "repo" => repos::parse_value(value).map(|r| repos::describe(&r)),
        "file-mapping" => files::parse_value(value).map(|m| files::describe(&m)),
        "compute-capability" => {
            compute_capability::parse_value(value).map(compute_capability::describe)
        }
        "resource-name" => names::check_resource_name(text.as_deref()?)
            .map(|()| format!("name {}", code(text.as_deref().unwrap_or("")))),
        "group-name" => names::check_group_name(text.as_deref()?)
            .map(|()| format!("group {}", code(text.as_deref().unwrap_or("")))),
        "shell" => enums::check_shell(&text_input?)
            .map(|()| format!("commands run with {}", code(text.as_deref().unwrap_or("")))),
        "command" => interpolation::check(text.as_deref()?, &interpolation::Context::Commands)
            .map(|r| describe_refs(&r)),
        _ => return None,
    };
    Some(res)
}

fn describe_refs(r: &interpolation::Interpolated) -> String {
    if r.references.is_empty() {
        return "a shell command".to_string();
    }
    let lines: Vec<String> = r
        .references
        .iter()
        .map(|x| {
            format!(
                "- {}: {}",
                code(&format!("${{{{ {} }}}}", x.name)),
                interpolation::describe_reference(&x.name)
            )
        })
        .collect();
    format!("a shell command with references:\n\n{}", lines.join("\n"))
}

/// Checks `value` against the syntax `name`; `None` when the syntax is unknown here.
/// `null` is left to the caller (whether a property may be null is the model's business).
pub fn check(name: &str, value: &Value) -> Option<Result<(), ValueError>> {
    if matches!(value.as_input(), Some(Input::Null)) {
        return Some(Ok(()));
    }
    match name {
        "tags" => Some(tags::parse_value(value).map(drop)),
        _ => describe(name, value).map(|r| r.map(drop)),
    }
}

/// Proposals for the text typed so far (`partial` is the scalar's text up to the cursor, without quotes).
pub fn complete(name: &str, partial: &str) -> Vec<ValueCompletion> {
    match name {
        "gpu" => gpu::complete(partial),
        "cpu" => cpu::complete(partial),
        "memory" => memory::complete(partial),
        "memory-range" => range::complete_memory(partial),
        "disk" => disk::complete(partial),
        "int-range" => range::complete_int(partial),
        "fleet-nodes" => nodes::complete(partial),
        "duration" => duration::complete(partial, false),
        "off-duration" | "idle-duration" => duration::complete(partial, true),
        "volume-mount" => volume::complete(partial),
        "port-mapping" | "service-port" => ports::complete(partial),
        "env" => env::complete(partial),
        "python" => python::complete(partial),
        "cron" => schedule::complete(partial),
        "compute-capability" => compute_capability::complete(partial),
        "shell" => enums::complete_shell(partial),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn hover(name: &str, value: Value) -> String {
        match describe(name, &value) {
            Some(Ok(s)) => s,
            Some(Err(e)) => format!("error: {e}"),
            None => "none".into(),
        }
    }

    #[test]
    fn describes_each_syntax() {
        let cases = [
            ("gpu", Value::str("A100:80GB:2")),
            ("cpu", Value::str("4..")),
            ("memory", Value::str("512MB")),
            ("memory-range", Value::str("8GB..")),
            ("disk", Value::str("200GB..1TB")),
            ("int-range", Value::str("1..4")),
            ("fleet-nodes", Value::str("0..2")),
            ("duration", Value::str("1h30")),
            ("duration", Value::str("90m")),
            ("off-duration", Value::bool(false)),
            ("idle-duration", Value::int(-1)),
            ("volume-mount", Value::str("my-vol:/data")),
            ("volume-mount", Value::str("/mnt/x:/x")),
            ("port-mapping", Value::str("*:8888")),
            ("service-port", Value::int(8000)),
            ("env", Value::str("HF_TOKEN")),
            ("python", Value::Scalar(crate::ScalarValue::Float(3.1))),
            ("entity-ref", Value::str("main/gw")),
            ("user", Value::int(1000)),
            ("cron", Value::str("0 9 * * mon-fri")),
            ("repo", Value::str("https://github.com/org/repo:/repo")),
            ("file-mapping", Value::str("config.yaml:/app/config.yaml")),
            ("compute-capability", Value::str("8.0")),
            ("resource-name", Value::str("My-run")),
            ("group-name", Value::str("prefill")),
            ("shell", Value::str("zsh")),
            ("command", Value::str("python train.py ${{ run.args }}")),
            ("command", Value::str("echo ${{ env.HOME }}")),
            ("absolute-path", Value::str("/x")),
        ];
        let out: Vec<String> = cases
            .into_iter()
            .map(|(n, v)| format!("{n}: {}", hover(n, v).lines().next().unwrap_or("")))
            .collect();
        expect![[r#"
            gpu: 2 × NVIDIA A100 with exactly 80 GB each
            cpu: at least 4 CPU cores, any architecture
            memory: exactly 512 MB
            memory-range: at least 8 GB
            disk: disk of 200 GB to 1 TB
            int-range: 1 to 4
            fleet-nodes: 0 to 2 instances; 0 provisioned when the fleet is applied
            duration: error: cannot parse the duration `1h30`: write a whole number and one unit: s, m, h, d or w (example: `2h`)
            duration: 1 hour 30 minutes
            off-duration: off (no limit)
            idle-duration: off (no limit)
            volume-mount: network volume `my-vol` mounted at `/data`
            volume-mount: instance path `/mnt/x` mounted at `/x`
            port-mapping: container port 8888 forwarded to any free local port
            service-port: the service listens on container port 8000
            env: `HF_TOKEN` is taken from the environment where `dstack apply` runs; it must be set there
            python: Python 3.10; unquoted, YAML reads this as a number — quote it, e.g. `"3.10"`
            entity-ref: entity `gw` of project `main`
            user: runs as user id 1000
            cron: cron (UTC): minute `0`, hour `9`, day `*`, month `*`, weekday `mon-fri` (0 = Monday)
            repo: Git repo `https://github.com/org/repo` checked out to `/repo`
            file-mapping: local `config.yaml` is uploaded to `/app/config.yaml` in the container (relative local paths start at the configuration's folder)
            compute-capability: compute capability 8.0 or newer (NVIDIA GPUs only)
            resource-name: error: invalid name `My-run`: 2–41 characters, lowercase letters, digits and `-`, starting with a letter (example: `my-run-1`)
            group-name: group `prefill`
            shell: error: `zsh` is not a valid shell: use `sh`, `bash` or an absolute path such as `/bin/zsh` (example: `bash`)
            command: a shell command with references:
            command: error: `env.HOME` cannot be resolved here: only `${{ run.args }}`, `${{ secrets.NAME }}` and `${{ groups[i].nodes[j].IP_ADDRESS }}` are allowed; the shell's `$NAME` works in commands (write `$${{` for a literal `${{`) (example: `${{ secrets.HF_TOKEN }}`)
            absolute-path: none"#]]
        .assert_eq(&out.join("\n"));
    }

    #[test]
    fn checks_and_completes() {
        assert_eq!(check("gpu", &Value::null()), Some(Ok(())));
        assert!(
            check(
                "tags",
                &Value::Map(vec![("bad key".into(), Value::str("x"))])
            )
            .is_some_and(|r| r.is_err())
        );
        assert!(check("unknown", &Value::str("x")).is_none());
        let labels = |n: &str, p: &str| {
            complete(n, p)
                .into_iter()
                .map(|c| c.label)
                .collect::<Vec<_>>()
                .join(" ")
        };
        expect![[r#"off 30s 5m 10m 30m 1h 2h 6h 12h 1d 3d 1w"#]]
            .assert_eq(&labels("off-duration", ""));
        expect![[r#"bash sh /bin/bash /bin/sh /usr/bin/zsh"#]].assert_eq(&labels("shell", ""));
        expect!["6.0 7.0 7.5 8.0 8.6 8.9 9.0 10.0 12.0"]
            .assert_eq(&labels("compute-capability", ""));
    }
}

#[cfg(test)]
mod names_tests {
    use super::*;

    /// [`NAMES`] lists exactly the syntaxes `check` answers for.
    #[test]
    fn names_are_the_known_syntaxes() {
        let probes = [
            Value::str("x"),
            Value::int(1),
            Value::Seq(vec![Value::str("x")]),
            Value::Map(vec![("k".to_string(), Value::str("v"))]),
        ];
        let known = |name: &str| probes.iter().any(|v| check(name, v).is_some());
        let unknown: Vec<&str> = NAMES.iter().copied().filter(|n| !known(n)).collect();
        assert!(unknown.is_empty(), "not known to check: {unknown:?}");
        assert!(!known("no-such-syntax"));
    }
}
