//! Fixture tests: each renders the diagnostics under the source lines they point at, as
//! `line:col-line:col severity code message`, with carets under the range.

use expect_test::{Expect, expect};

use crate::config::AnalysisConfig;
use crate::diagnostics::diagnostics;
use crate::document::Document;

fn line_col(text: &str, offset: u32) -> (usize, usize) {
    let before = text.get(..offset as usize).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

fn render(text: &str) -> String {
    let doc = Document::new(text.to_string());
    let diags = diagnostics(&doc, &AnalysisConfig::default());
    let mut out = String::new();
    let mut line_start = 0usize;
    for line in text.split('\n') {
        if !text.is_empty() {
            out.push_str(line);
            out.push('\n');
        }
        let line_end = line_start + line.len();
        for d in diags.iter().filter(|d| {
            let s = d.range.start as usize;
            s >= line_start
                && (s < line_end
                    || (s == line_end && d.range.is_empty())
                    || (s == line_end && line.is_empty()))
        }) {
            let (l1, c1) = line_col(text, d.range.start);
            let (l2, c2) = line_col(text, d.range.end);
            let width = (d.range.end as usize)
                .min(line_end)
                .saturating_sub(d.range.start as usize)
                .max(1);
            out.push_str(&format!(
                "{}{} {l1}:{c1}-{l2}:{c2} {} {} {}\n",
                " ".repeat(c1 - 1),
                "^".repeat(width),
                d.severity.as_str(),
                d.code,
                d.message
            ));
        }
        line_start = line_end + 1;
    }
    out
}

pub(super) fn check(fixture: &str, expect: Expect) {
    expect.assert_eq(&render(fixture));
}

#[test]
fn unknown_key_with_did_you_mean() {
    check(
        "type: task\ncommands: [echo]\nresources:\n  gpuu: A100\n",
        expect![[r#"
            type: task
            commands: [echo]
            resources:
              gpuu: A100
              ^^^^ 4:3-4:7 error unknown-key unknown property `gpuu` in `resources`; did you mean `gpu`?

        "#]],
    );
}

#[test]
fn key_of_another_type() {
    check(
        "type: task\ncommands: [echo]\nport: 8000\n",
        expect![[r#"
            type: task
            commands: [echo]
            port: 8000
            ^^^^ 3:1-3:5 error unknown-key `port` is only valid in a `service`, not in a `task`

        "#]],
    );
}

#[test]
fn removed_and_deprecated_keys() {
    check(
        "type: task\ncommands: [echo]\npool_name: my-pool\nretry_policy:\n  retry: true\nhome_dir: /root\n",
        expect![[r#"
            type: task
            commands: [echo]
            pool_name: my-pool
            ^^^^^^^^^ 3:1-3:10 error removed-key `pool_name` was removed in dstack 0.20.0; use `fleets` instead. Pools were replaced by fleets. Use `fleets: [name]` to pick a fleet.
            retry_policy:
            ^^^^^^^^^^^^ 4:1-4:13 error removed-key `retry_policy` was removed in dstack 0.20.0; use `retry` instead. Use `retry: true` or `retry: {on_events: [...], duration: 1h}`.
              retry: true
            home_dir: /root
            ^^^^^^^^ 6:1-6:9 warning deprecated-key `home_dir` is deprecated since dstack 0.18.31. Accepted but has no effect.

        "#]],
    );
}

#[test]
fn missing_type_suggests_one() {
    check(
        "port: 8000\ncommands: [serve]\n",
        expect![[r#"
            port: 8000
            ^^^^^^^^^^ 1:1-1:11 error missing-type `type` is missing: dstack needs it to know what this configuration is (`task`, `service`, `dev-environment`, `fleet`, `gateway`, `volume` or `preset`)
            commands: [serve]

        "#]],
    );
}

#[test]
fn wrong_case_type() {
    check(
        "type: Task\ncommands: [echo]\n",
        expect![[r#"
            type: Task
                  ^^^^ 1:7-1:11 error unknown-type `Task` is not a configuration type; did you mean `task`?
            commands: [echo]

        "#]],
    );
}

#[test]
fn missing_required_key_is_reported_at_its_parent() {
    check(
        "type: service\ncommands: [serve]\nregistry_auth:\n  username: me\n",
        expect![[r#"
            type: service
            ^^^^^^^^^^^^^ 1:1-1:14 error missing-key `port` is required in a `service`, for example `port: 8000`
            commands: [serve]
            registry_auth:
            ^^^^^^^^^^^^^ 3:1-3:14 error missing-key `password` is required in `registry_auth`, for example `password: ${{ secrets.REGISTRY_TOKEN }}`
              username: me

        "#]],
    );
}

#[test]
fn wrong_types_and_enums() {
    check(
        "type: task\ncommands: echo hi\nspot_policy: spto\nnodes: 0\npriority: 1.5\n",
        expect![[r#"
            type: task
            commands: echo hi
                      ^^^^^^^ 2:11-2:18 error wrong-type `commands` expects a list, got the string `echo hi`; write a list, for example `[echo hi]`
            spot_policy: spto
                         ^^^^ 3:14-3:18 error invalid-value `spto` is not a valid `spot_policy`; did you mean `spot`?
            nodes: 0
                   ^ 4:8-4:9 error invalid-value `nodes` must be at least 1, got 0
            priority: 1.5
                      ^^^ 5:11-5:14 error wrong-type `1.5` is not a whole number

        "#]],
    );
}

#[test]
fn value_syntax_errors_point_inside_the_value() {
    check(
        "type: task\ncommands: [echo]\nresources:\n  gpu: A100:24GB:xx:2\n  memory: 16GB..8GB\n  cpu: amd64\nmax_duration: 2hours\n",
        expect![[r#"
            type: task
            commands: [echo]
            resources:
              gpu: A100:24GB:xx:2
                             ^^ 4:18-4:20 error gpu-spec GPU spec name conflict: the name is given twice; for example `A100:80GB:2`
              memory: 16GB..8GB
                      ^^^^^^^^^ 5:11-5:20 error range invalid range order: 16GB..8GB (min > max); for example `24GB..80GB`
              cpu: amd64
                   ^^^^^ 6:8-6:13 error cpu-spec invalid CPU architecture `amd64`: use `x86` or `arm`; for example `arm:4..`
            max_duration: 2hours
                          ^^^^^^ 7:15-7:21 error duration cannot parse the duration `2hours`: write a whole number and one unit: s, m, h, d or w; did you mean `2h`? (or `off`)

        "#]],
    );
}

#[test]
fn mounts_ports_and_env() {
    check(
        "type: task\ncommands: [echo]\nvolumes:\n  - my-vol:data\nports:\n  - \"8080:\"\nenv:\n  - A=1\n  - A=2\n  - 1BAD=x\n",
        expect![[r#"
            type: task
            commands: [echo]
            volumes:
              - my-vol:data
                       ^^^^ 4:12-4:16 error volume-mount path must be absolute: `data` (`~` and relative paths are not expanded); for example `my-vol:/data`
            ports:
              - "8080:"
                ^^^^^^^ 6:5-6:12 error port the container port is missing; for example `8080:80`
            env:
              - A=1
              - A=2
                ^^^ 9:5-9:8 error env environment variable `A` is set twice
              - 1BAD=x
                ^^^^ 10:5-10:9 error env an environment variable name starts with a letter or `_` and has only letters, digits and `_`; for example `HF_TOKEN=${{ secrets.hf_token }}`

        "#]],
    );
}

#[test]
fn interpolation_contexts() {
    check(
        "type: task\nenv:\n  - MODEL=llama\ncommands:\n  - echo ${{ env.MODEL }} ${{ run.args }} ${{ secrets.HF }}\n  - echo ${{ secrets.a-b }}\nimage: x\nregistry_auth:\n  username: ${{ env.USER }}\n  password: ${{ env.MODEL }}\n",
        expect![[r#"
            type: task
            env:
              - MODEL=llama
            commands:
              - echo ${{ env.MODEL }} ${{ run.args }} ${{ secrets.HF }}
                     ^^^^^^^^^^^^^^^^ 5:10-5:26 error interpolation `${{ env.MODEL }}` is not available in `commands`: use the shell variable `$MODEL` (env is set in the container), or `${{ secrets.MODEL }}`
              - echo ${{ secrets.a-b }}
                     ^^^^^^^^^^^^^^^^^^ 6:10-6:28 error interpolation illegal reference name `secrets.a-b`: a reference is `namespace.name`, each part starting with a letter or `_` and using only letters, digits and `_`; for example `${{ secrets.HF_TOKEN }}`
            image: x
            registry_auth:
              username: ${{ env.USER }}
                        ^^^^^^^^^^^^^^^ 9:13-9:28 error interpolation `USER` is not defined in `env`: add it, for example `env: [USER]`
              password: ${{ env.MODEL }}

        "#]],
    );
}

#[test]
fn image_sources_conflict() {
    check(
        "type: task\ncommands: [echo]\nimage: ubuntu\npython: \"3.12\"\ndocker: true\nnvcc: true\n",
        expect![[r#"
            type: task
            commands: [echo]
            image: ubuntu
            python: "3.12"
            ^^^^^^ 4:1-4:7 error conflict `image` and `python` are mutually exclusive: `python` picks dstack's default image, so set Python inside your own image instead
            docker: true
            ^^^^^^ 5:1-5:7 error conflict `docker: true` cannot be combined with `image`: dstack uses its own Docker-in-Docker image
            ^^^^^^ 5:1-5:7 error conflict `docker: true` cannot be combined with `python`: dstack uses its own Docker-in-Docker image
            ^^^^^^ 5:1-5:7 error conflict `docker: true` cannot be combined with `nvcc`
            nvcc: true

        "#]],
    );
}

#[test]
fn commands_or_image_and_working_dir() {
    check(
        "type: task\nworking_dir: src\n",
        expect![[r#"
            type: task
            ^^^^ 1:1-1:5 error missing-key either `commands` or `image` must be set, for example `commands: [python train.py]`
            working_dir: src
                         ^^^ 2:14-2:17 error invalid-value `src` must be an absolute path (start with `/`); for example `/workflow`

        "#]],
    );
}

#[test]
fn replicas_and_scaling() {
    check(
        "type: service\nport: 8000\ncommands: [serve]\nreplicas: 0..4\n",
        expect![[r#"
            type: service
            port: 8000
            commands: [serve]
            replicas: 0..4
            ^^^^^^^^ 4:1-4:9 error conflict a range of replicas needs `scaling`, for example `scaling: {metric: rps, target: 10}`

        "#]],
    );
    check(
        "type: service\nport: 8000\ncommands: [serve]\nreplicas: 2\nscaling:\n  metric: rps\n  target: 10\n",
        expect![[r#"
            type: service
            port: 8000
            commands: [serve]
            replicas: 2
            scaling:
            ^^^^^^^ 5:1-5:8 error conflict `scaling` needs a range of replicas, for example `replicas: 1..4`
              metric: rps
              target: 10

        "#]],
    );
}

#[test]
fn service_groups() {
    check(
        "type: service\nport: 8000\nimage: x\ncommands: [serve]\ngroups:\n  - name: a\n    replicas: 1..2\n    image: y\n    router:\n      type: dynamo\n  - name: a\n    replicas: 1\nretry: true\n",
        expect![[r#"
            type: service
            port: 8000
            image: x
            commands: [serve]
            ^^^^^^^^ 4:1-4:9 error conflict with `groups` as a list of groups, `commands` goes inside each group
            groups:
              - name: a
                replicas: 1..2
                ^^^^^^^^ 7:5-7:13 error conflict a range of replicas needs `scaling`, for example `scaling: {metric: rps, target: 10}`
                image: y
                ^^^^^ 8:5-8:10 error conflict `image` is set both on the service and in this group: set it in one place
                router:
                ^^^^^^ 9:5-9:11 error conflict the group with a `router` must have `replicas: 1`
                  type: dynamo
              - name: a
                ^^^^ 11:5-11:9 error conflict group name `a` is used twice: group names must be unique
                replicas: 1
            retry: true
            ^^^^^ 13:1-13:6 error conflict `retry` is not supported for a service with a Dynamo router

        "#]],
    );
}

#[test]
fn task_groups() {
    check(
        "type: task\nnodes: 2\nports: [8080]\ngroups:\n  - name: Head\n    nodes: 1\n  - commands: [work]\n",
        expect![[r#"
            type: task
            nodes: 2
            ^^^^^ 2:1-2:6 error conflict `nodes` and `groups` are mutually exclusive: set `nodes` inside each group
            ports: [8080]
            ^^^^^ 3:1-3:6 error conflict with `groups`, `ports` goes inside each group, not at the top level
            groups:
              - name: Head
                ^^^^^^^^^^ 5:5-5:15 error missing-key this group needs `commands` (or set `image` on the task)
                      ^^^^ 5:11-5:15 error name invalid group name `Head`: 1–40 lowercase letters, digits and `-`, starting with a letter or digit; for example `prefill`
                nodes: 1
              - commands: [work]

        "#]],
    );
}

#[test]
fn dev_environment_rules() {
    check(
        "type: dev-environment\nentrypoint: bash\nversion: 1.2.3\ndstack: true\ninactivity_duration: 1h\n",
        expect![[r#"
            type: dev-environment
            entrypoint: bash
            ^^^^^^^^^^ 2:1-2:11 error unknown-key `entrypoint` is not supported in a `dev-environment`: use `init` for commands to run first
            version: 1.2.3
            ^^^^^^^ 3:1-3:8 error conflict `version` needs `ide`: say which IDE the version is for, for example `ide: vscode`
            dstack: true
            inactivity_duration: 1h
            ^^^^^^^^^^^^^^^^^^^ 5:1-5:20 error conflict `inactivity_duration` cannot be combined with `dstack: true`

        "#]],
    );
    check(
        "type: dev-environment\nide: windsurf\nversion: 1.106.0\n",
        expect![[r#"
            type: dev-environment
            ide: windsurf
            version: 1.106.0
                     ^^^^^^^ 3:10-3:17 error invalid-value a Windsurf `version` is `VERSION@COMMIT`, for example `1.106.0@8951cd3ad688e789573d7f51750d67ae4a0bea7d`

        "#]],
    );
}

#[test]
fn fleet_server_rules() {
    check(
        "type: fleet\nname: My_Fleet\n",
        expect![[r#"
            type: fleet
            ^^^^ 1:1-1:5 warning server-rule a fleet needs `nodes` (cloud instances) or `ssh_config` (your own hosts); the dstack server will reject this
            name: My_Fleet
                  ^^^^^^^^ 2:7-2:15 warning server-rule `My_Fleet` is not a valid name: use 2 to 41 lowercase letters, digits and `-`, starting with a letter; the dstack server will reject this

        "#]],
    );
    check(
        "type: fleet\nssh_config:\n  hosts:\n    - 10.0.0.1\nresources:\n  gpu: 1\n",
        expect![[r#"
            type: fleet
            ssh_config:
              hosts:
                - 10.0.0.1
                  ^^^^^^^^ 4:7-4:15 warning server-rule this host needs a `user` and an `identity_file` (here or in `ssh_config`); the dstack server will reject this
            resources:
            ^^^^^^^^^ 5:1-5:10 warning server-rule `resources` is not allowed in an SSH fleet; the dstack server will reject this
              gpu: 1

        "#]],
    );
}

#[test]
fn accelerators_need_an_image() {
    check(
        "type: task\ncommands: [echo]\nresources:\n  gpu: MI300X:8\n  cpu: arm:4..\n",
        expect![[r#"
            type: task
            commands: [echo]
            resources:
              gpu: MI300X:8
              ^^^ 4:3-4:6 warning server-rule AMD accelerators need `image`: dstack's default image supports only NVIDIA GPUs and TPUs; the dstack server will reject this
              cpu: arm:4..
              ^^^ 5:3-5:6 warning server-rule `arm` CPUs need `image`: dstack's default image is x86-only; the dstack server will reject this

        "#]],
    );
}

#[test]
fn gateway_and_volume_server_rules() {
    check(
        "type: gateway\nbackend: runpod\nregion: us\nreplicas: 12\ncertificate:\n  type: acm\n  arn: x\n",
        expect![[r#"
            type: gateway
            backend: runpod
            ^^^^^^^ 2:1-2:8 warning server-rule the `runpod` backend does not support gateways (aws, azure, gcp and kubernetes do); the dstack server will reject this
            region: us
            replicas: 12
            ^^^^^^^^ 4:1-4:9 warning server-rule a gateway can have at most 9 replicas; the dstack server will reject this
            certificate:
            ^^^^^^^^^^^ 5:1-5:12 warning server-rule an `acm` certificate works only on aws; the dstack server will reject this
              type: acm
              arn: x

        "#]],
    );
    check(
        "type: volume\nbackend: aws\nregion: eu-west-1\n",
        expect![[r#"
            type: volume
            backend: aws
            ^^^^^^^ 2:1-2:8 warning server-rule a new volume needs `size` (or `volume_id` to use an existing one); the dstack server will reject this
            region: eu-west-1

        "#]],
    );
    check(
        "type: volume\nbackend: awss\nregion: eu-west-1\n",
        expect![[r#"
            type: volume
            backend: awss
                     ^^^^ 2:10-2:14 error invalid-value `backend` must be one of `aws`, `gcp`, `runpod`, `kubernetes`, `daytona`, `lium`, got `awss`; did you mean `aws`?
            region: eu-west-1

        "#]],
    );
}

#[test]
fn yaml_errors_and_empty_files() {
    check(
        "",
        expect![[r#"
        ^ 1:1-1:1 error missing-type the configuration is empty: dstack needs at least `type:` (for example `type: task`)
    "#]],
    );
    check(
        "type: task\ncommands: [echo\n",
        expect![[r#"
            type: task
            commands: [echo
                      ^^^^^ 2:11-2:16 error yaml-syntax this `[...]` list is not closed: add `]` (items are separated by commas, e.g. `[a, b]`) (dstack cannot load this file: it stops with a YAML error)

        "#]],
    );
    check(
        "type: task\ncommands: [a]\n---\ntype: task\ncommands: [b]\n",
        expect![[r#"
            type: task
            commands: [a]
            ---
            ^^^ 3:1-3:4 error yaml-syntax expected a single document in the file, but a second one starts here: dstack reads one YAML document per file, so remove this part or move it to its own file (dstack cannot load this file: it stops with a YAML error)
            type: task
            commands: [b]

        "#]],
    );
}

#[test]
fn preset_rules() {
    check(
        "type: preset\nbase: Qwen/Qwen3-8B\nrepo: x/y\ndataset: random\ninput_tokens: 10\n",
        expect![[r#"
            type: preset
            ^^^^ 1:1-1:5 error missing-key `dstack apply` needs `trials`, `max_ttft`, `min_context_length`, `concurrency` for a preset
            base: Qwen/Qwen3-8B
            repo: x/y
            ^^^^ 3:1-3:5 error conflict `base` and `repo` are mutually exclusive
            dataset: random
                     ^^^^^^ 4:10-4:16 error invalid-value `random` is not a dataset: leave `dataset` out and set `input_tokens`/`output_tokens` instead
            input_tokens: 10
            ^^^^^^^^^^^^ 5:1-5:13 error conflict `input_tokens` cannot be combined with `dataset`

        "#]],
    );
}

#[test]
fn valid_files_are_clean() {
    check(
        "type: service\nname: llama\npython: \"3.12\"\ncommands:\n  - vllm serve $MODEL\nport: 8000\nmodel: meta-llama/Llama-3.1-8B\nresources:\n  gpu: 24GB..:1\n  disk: 100GB..\nreplicas: 1..2\nscaling:\n  metric: rps\n  target: 10\nenv:\n  - MODEL=meta-llama/Llama-3.1-8B\n  - HF_TOKEN\nvolumes:\n  - my-vol:/data\n  - /mnt/cache:/root/.cache\nmax_duration: off\n",
        expect![[r#"
            type: service
            name: llama
            python: "3.12"
            commands:
              - vllm serve $MODEL
            port: 8000
            model: meta-llama/Llama-3.1-8B
            resources:
              gpu: 24GB..:1
              disk: 100GB..
            replicas: 1..2
            scaling:
              metric: rps
              target: 10
            env:
              - MODEL=meta-llama/Llama-3.1-8B
              - HF_TOKEN
            volumes:
              - my-vol:/data
              - /mnt/cache:/root/.cache
            max_duration: off

        "#]],
    );
}

/// Cases where a first version disagreed with dstack on generated files (checked with the oracle).
#[test]
fn edge_cases_from_differential_runs() {
    check(
        "type: task\ncommands: [x]\nfiles: [5]\nports: [\" 8080\"]\nenv:\n  A: {key: B}\n  C: {}\n",
        expect![[r#"
            type: task
            commands: [x]
            files: [5]
                    ^ 3:9-3:10 error wrong-type `files` expects a `file-mapping` string or a `files[]` mapping, got the integer `5`
            ports: [" 8080"]
                    ^^^^^^^ 4:9-4:16 error port invalid port mapping ` 8080`: use `PORT`, `LOCAL:CONTAINER` or `*:CONTAINER`; for example `8080:80`
            env:
              A: {key: B}
              C: {}
                 ^^ 7:6-7:8 error wrong-type `env` expects a string, got a mapping

        "#]],
    );
    check(
        "type: service\nport: 80\ngroups:\n  - replicas: {}\n    commands: [x]\n",
        expect![[r#"
            type: service
            port: 80
            groups:
              - replicas: {}
                          ^^ 4:15-4:17 error range invalid empty range: give at least one side of `..`; for example `1..4`
                commands: [x]

        "#]],
    );
}

#[test]
fn keys_of_other_union_variants() {
    check(
        "type: volume\nbackend: daytona\nsize: 100GB\n",
        expect![[r#"
            type: volume
            backend: daytona
            size: 100GB
            ^^^^ 3:1-3:5 error unknown-key `size` does not apply to `backend: daytona`; it is used with `backend:` `aws`, `gcp`, `runpod` or `kubernetes`

        "#]],
    );
    check(
        "type: gateway\nbackend: aws\nregion: us-east-1\ncertificate:\n  type: lets-encrypt\n  arn: x\n",
        expect![[r#"
            type: gateway
            backend: aws
            region: us-east-1
            certificate:
              type: lets-encrypt
              arn: x
              ^^^ 6:3-6:6 error unknown-key `arn` does not apply to `type: lets-encrypt`; it is used with `type:` `acm`

        "#]],
    );
}

#[test]
fn references_nothing_interpolates() {
    check(
        "type: dev-environment\nimage: ${{ env.IMAGE }}\nenv:\n  - A=${{ env.B }}\n  - T=${{ secrets.T }}\ninit:\n  - echo ${{ run.args }}\n",
        expect![[r#"
            type: dev-environment
            image: ${{ env.IMAGE }}
                   ^^^^^^^^^^^^^^^^ 2:8-2:24 warning interpolation `${{ env.IMAGE }}` is not interpolated in `image`: the text is passed as it is
            env:
              - A=${{ env.B }}
                  ^^^^^^^^^^^^ 4:7-4:19 warning interpolation `${{ env.B }}` is not interpolated in `env`: the text is passed as it is
              - T=${{ secrets.T }}
            init:
              - echo ${{ run.args }}
                     ^^^^^^^^^^^^^^^ 7:10-7:25 warning interpolation `${{ run.args }}` is not interpolated in `init`: the text is passed as it is

        "#]],
    );
}

/// Anchors, merge keys and duplicate keys mean what PyYAML makes of them.
#[test]
fn anchors_merges_and_duplicates() {
    check(
        "type: service\nport: 80\ngroups:\n  - &g\n    name: a\n    replicas: 1\n    commands: [x]\n  - <<: *g\n    name: b\n",
        expect![[r#"
            type: service
            port: 80
            groups:
              - &g
                name: a
                replicas: 1
                commands: [x]
              - <<: *g
                name: b

        "#]],
    );
    check(
        "type: task\ntype: service\nport: 80\ncommands: [x]\nresources:\n  <<: {gpu: A100}\n  gpu: H100:xx\n",
        expect![[r#"
            type: task
            ^^^^ 1:1-1:5 warning duplicate-key `type` is set again on line 2; YAML keeps the last value, so this one is ignored
            type: service
            port: 80
            commands: [x]
            resources:
              <<: {gpu: A100}
              gpu: H100:xx
                        ^^ 7:13-7:15 error gpu-spec GPU spec name conflict: the name is given twice; for example `A100:80GB:2`

        "#]],
    );
    check(
        "type: service\nport: 80\ncommands: [x]\nreplicas: 0..2\nscaling: {metric: rps, target: 1}\nprobes:\n  - {type: http, <<: {url: /x}}\n  - {type: http, url: /x}\n",
        expect![[r#"
            type: service
            port: 80
            commands: [x]
            replicas: 0..2
            scaling: {metric: rps, target: 1}
            probes:
              - {type: http, <<: {url: /x}}
              - {type: http, url: /x}
                ^^^^^^^^^^^^^^^^^^^^^ 8:5-8:26 error conflict this probe repeats an earlier one: probes must be unique

        "#]],
    );
}

/// Errors inside the mapping form of a value sit on the sub-value they are about.
#[test]
fn errors_inside_mapping_forms() {
    check(
        "type: task\ncommands: [x]\nresources:\n  gpu:\n    name: A100\n    count: 4..1\n  cpu: {min: 8, max: 2}\n",
        expect![[r#"
            type: task
            commands: [x]
            resources:
              gpu:
                name: A100
                count: 4..1
                       ^^^^ 6:12-6:16 error range invalid range order: 4..1 (min > max); for example `1..4`
              cpu: {min: 8, max: 2}
                   ^^^^^^^^^^^^^^^^ 7:8-7:24 error range invalid range order: 8..2 (min > max); for example `1..4`

        "#]],
    );
}

#[test]
fn rate_limit_prefix_and_header_syntaxes() {
    check(
        "type: service\ncommands: [x]\nport: 80\nrate_limits:\n  - prefix: v1 chat\n    rps: 2\n    key: {type: header, header: X API}\n",
        expect![[r#"
            type: service
            commands: [x]
            port: 80
            rate_limits:
              - prefix: v1 chat
                        ^^^^^^^ 5:13-5:20 error invalid-value `v1 chat` must be a URL path starting with `/`, without spaces, `\`, `{` or `}`; for example `/v1/chat`
                rps: 2
                key: {type: header, header: X API}
                                            ^^^^^ 7:33-7:38 error invalid-value `X API` is not a header name: use letters, digits, `-` and `_`; for example `X-API-Key`

        "#]],
    );
}

/// dstack turns only integers and strings into port mappings: `ports: [80.0]` is rejected
/// (verified with dstack 0.22.5), while a service's `port: 80.0` is read as 80.
#[test]
fn a_float_is_not_a_port_mapping() {
    check(
        "type: task\ncommands: [x]\nports: [80.0]\n",
        expect![[r#"
            type: task
            commands: [x]
            ports: [80.0]
                    ^^^^ 3:9-3:13 error wrong-type `ports` takes whole numbers, `PORT:PORT` strings or mappings, got the number `80.0`; write `80`

        "#]],
    );
    check(
        "type: service\ncommands: [x]\nport: 80.0\n",
        expect![[r#"
            type: service
            commands: [x]
            port: 80.0

        "#]],
    );
}

/// Ten levels of ten aliases (10^10 values) under each place the issue found slow: every
/// feature answers at once (the watchdog only catches a hang), with one warning at the alias
/// and the rest of the file still analysed.
#[test]
fn alias_bombs_are_not_expanded() {
    use crate::test_util::fixture;
    let places = [
        "resources:\n  gpu: *l9\n",
        "resources:\n  gpu:\n    name: *l9\n",
        "resources:\n  gpu:\n    count: *l9\n",
        "resources:\n  cpu: *l9\n",
        "probes:\n  - *l9\nport: 80\n",
        "resources:\n  gpu: {<<: *m9}\n",
    ];
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        for place in places {
            let mut text = String::from("type: service\ncommands: [echo]\nport: 80\nx-l:\n");
            text.push_str("  l0: &l0 [a, b, c, d, e, f, g, h, i, j]\n");
            text.push_str("  m0: &m0 {a: 1, b: 2}\n");
            for i in 1..10 {
                let items = vec![format!("*l{}", i - 1); 10].join(", ");
                text.push_str(&format!("  l{i}: &l{i} [{items}]\n"));
                text.push_str(&format!("  m{i}: &m{i} {{k: *l{i}, <<: *m{}}}\n", i - 1));
            }
            let full = format!("{text}{place}max_price: -1\n");
            let doc = Document::new(full.clone());
            let diags = diagnostics(&doc, &AnalysisConfig::default());
            let warnings: Vec<&str> = diags
                .iter()
                .filter(|d| d.code == "alias-expansion")
                .map(|d| &full[d.range.start as usize..d.range.end as usize])
                .collect();
            assert!(!warnings.is_empty(), "{place}: {diags:#?}");
            // The rest of the file is still checked.
            assert!(
                diags.iter().any(|d| d.code == "invalid-value"),
                "{place}: {diags:#?}"
            );
            assert!(crate::configuration_value(&doc).is_none());
            assert!(crate::offers::requirements(&doc, &AnalysisConfig::default()).is_err());
            let _ = crate::code_lenses(&doc, &AnalysisConfig::default());
            let at = full.rfind('*').unwrap_or(0);
            let (hdoc, offset) = fixture(&format!("{}$0{}", &full[..at], &full[at..]));
            let _ = crate::hover::hover(&hdoc, offset, &AnalysisConfig::default());
            let _ = crate::completion::completions(&hdoc, offset, &AnalysisConfig::default());
        }
        let _ = done.send(());
    });
    // A generous watchdog: before the budget, one of these ran for minutes.
    let ok = finished
        .recv_timeout(std::time::Duration::from_secs(120))
        .is_ok();
    assert!(ok, "analysing alias bombs did not finish");
    assert!(worker.join().is_ok());
}

#[test]
fn aliases_within_the_budget_are_checked_as_before() {
    let text =
        "type: task\ncommands: [echo]\nx: &g {name: A100, count: 0.5}\nresources:\n  gpu: *g\n";
    let doc = Document::new(text.to_string());
    let diags = diagnostics(&doc, &AnalysisConfig::default());
    assert!(diags.iter().any(|d| d.code == "range"), "{diags:#?}");
    assert!(crate::configuration_value(&doc).is_some());
}

#[test]
fn editors_get_the_most_severe_diagnostics_and_a_count() {
    // A warning early in the file (a duplicate key) loses its place to errors further down.
    let mut text = String::from("type: task\ncommands: [echo]\ndup: 1\ndup: 2\n");
    for i in 0..400 {
        text.push_str(&format!("k{i}: 1\n"));
    }
    let doc = Document::new(text.clone());
    let all = diagnostics(&doc, &AnalysisConfig::default());
    assert!(all.iter().any(|d| d.code == "duplicate-key"));
    let n = all.len();
    let shown = crate::diagnostics::for_editor(all, 300);
    assert_eq!(shown.len(), 301);
    assert_eq!(shown[0].code, "more-diagnostics");
    let more = format!("{} more problems", n - 300);
    assert!(shown[0].message.starts_with(&more), "{}", shown[0].message);
    assert!(
        shown[1..]
            .iter()
            .all(|d| d.severity == crate::diagnostic::Severity::Error)
    );
    let few = diagnostics(
        &Document::new("type: task\nk: 1\n".into()),
        &AnalysisConfig::default(),
    );
    assert_eq!(crate::diagnostics::for_editor(few.clone(), 300), few);
}

#[test]
fn files_above_the_size_limit_get_only_syntax_checks() {
    let mut config = AnalysisConfig::default();
    config.diagnostics.max_file_size = 40;
    let text = "type: task\nunknown: 1\nbad: [\nmore: text to pass forty bytes\n";
    let doc = Document::new(text.to_string());
    let diags = diagnostics(&doc, &config);
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"file-too-large"), "{codes:?}");
    assert!(codes.contains(&"yaml-syntax"), "{codes:?}");
    assert!(!codes.contains(&"unknown-key"), "{codes:?}");
    // The offer query depends on the setting: not the answer cached under another one.
    assert!(crate::offers::requirements(&doc, &config).is_err());
    let small =
        Document::new("type: task\ncommands: [echo]\n# padding to pass forty bytes\n".into());
    assert!(crate::offers::requirements(&small, &AnalysisConfig::default()).is_ok());
    assert!(crate::offers::requirements(&small, &config).is_err());
    assert!(crate::offers::requirements(&small, &AnalysisConfig::default()).is_ok());
}
