//! `$0` fixtures for hover: keys, values of every dstack syntax, enum values, `type:` values.

use expect_test::{Expect, expect};

use crate::test_util::render_hover;

fn check(fixture: &str, expect: Expect) {
    expect.assert_eq(&render_hover(fixture));
}

/// Only the first line of the markdown (after the covered-text line).
fn check_headline(fixture: &str, expect: Expect) {
    let all = render_hover(fixture);
    let mut lines = all.lines();
    let covered = lines.next().unwrap_or("");
    let first = lines.next().unwrap_or("");
    expect.assert_eq(&format!("{covered} {first}"));
}

#[test]
fn key_gpu() {
    check(
        "type: task\nresources:\n  g$0pu: A100:80GB:2\n",
        expect![[r#"
            [gpu]
            **`resources.gpu`**

            Here: 2 × NVIDIA A100 with exactly 80 GB each

            The GPUs the run needs. The shorthand combines vendor, name(s), memory per GPU and count in any order, e.g. `A100:80GB:2`, `H100,H200:8`, `24GB..:1..2`. Without `gpu`, no GPU is required.

            Accepts: `gpu` string (e.g. `A100`, `H100:8`, `24GB..`); integer; `resources.gpu` mapping; or empty  
            Default: `0 (none)`

            ```yaml
            gpu: A100:80GB:2
            ```

            [dstack reference](https://dstack.ai/docs/reference/dstack.yml/task/#resources-gpu)
        "#]],
    );
}

#[test]
fn key_with_default_and_values() {
    check(
        "type: task\nspot_pol$0icy: auto\n",
        expect![[r#"
            [spot_policy]
            **`spot_policy`**

            Whether to use spot instances, on-demand instances, or either.

            Accepts: one of the values below; or empty  
            Default: `on-demand`  
            Values: `spot`, `on-demand`, `auto`

            ```yaml
            spot_policy: auto
            ```

            [dstack reference](https://dstack.ai/docs/reference/dstack.yml/task/)
        "#]],
    );
}

#[test]
fn key_deprecated() {
    check(
        "type: task\nhome_d$0ir: /root\n",
        expect![[r#"
        [home_dir]
        **`home_dir`**

        Deprecated and ignored: dstack no longer uses it.

        Accepts: string  
        Default: `/root`  
        Deprecated since 0.18.31: Accepted but has no effect.

        ```yaml
        home_dir: /root
        ```

        [dstack reference](https://dstack.ai/docs/reference/dstack.yml/task/)
    "#]],
    );
}

#[test]
fn key_removed() {
    check(
        "type: task\npool_n$0ame: x\n",
        expect![[r#"
        [pool_name]
        **`pool_name`** — removed in dstack 0.20.0; 0.22.5 rejects it

        Pools were replaced by fleets. Use `fleets: [name]` to pick a fleet.

        Use `fleets` instead.
    "#]],
    );
}

#[test]
fn key_in_a_list_item() {
    check_headline(
        "type: task\nvolumes:\n  - name: v\n    pa$0th: /data\n",
        expect![[r#"[path] **`volumes[].path`** (required)"#]],
    );
}

#[test]
fn key_in_a_union_variant() {
    check_headline(
        "type: service\nmodel:\n  format: tgi\n  chat_tem$0plate: x\n",
        expect![[r#"[chat_template] **`model.chat_template`**"#]],
    );
    check_headline(
        "type: volume\nbackend: gcp\nsi$0ze: 10GB\n",
        expect![[r#"[size] **`size`**"#]],
    );
}

#[test]
fn gpu_values() {
    check(
        "type: task\nresources:\n  gpu: A10$00:80GB:2\n",
        expect![[r#"
        [A100:80GB:2]
        2 × NVIDIA A100 with exactly 80 GB each

        - `A100`: NVIDIA A100, 40 GB or 80 GB

        - a single size is exact; write e.g. `24GB..` for "at least"
    "#]],
    );
    check_headline(
        "type: task\nresources:\n  gpu: 24GB..40GB:2$0\n",
        expect![[r#"[24GB..40GB:2] 2 × any GPU with 24 GB to 40 GB each"#]],
    );
    check_headline(
        "type: task\nresources:\n  gpu: amd:MI300X:8$0\n",
        expect![[r#"[amd:MI300X:8] 8 × AMD MI300X"#]],
    );
}

#[test]
fn size_values() {
    check_headline(
        "type: task\nresources:\n  memory: 8GB..$0\n",
        expect![[r#"[8GB..] at least 8 GB"#]],
    );
    check_headline(
        "type: task\nresources:\n  disk: 100GB..1TB$0\n",
        expect![[r#"[100GB..1TB] 100 GB to 1 TB"#]],
    );
    check_headline(
        "type: task\nresources:\n  shm_size: 16GB$0\n",
        expect![[r#"[16GB] exactly 16 GB"#]],
    );
    check_headline(
        "type: task\nresources:\n  cpu: arm:8..$0\n",
        expect![[
            r#"[arm:8..] at least 8 CPU cores, ARM (aarch64); dstack's server requires `image` for ARM"#
        ]],
    );
}

#[test]
fn duration_values() {
    check_headline(
        "type: task\nmax_duration: 2h$0\n",
        expect![[r#"[2h] 2 hours"#]],
    );
    check_headline(
        "type: task\nidle_duration: off$0\n",
        expect![[r#"[off] off (no limit)"#]],
    );
    check_headline(
        "type: task\nretry:\n  duration: 1d$0\n",
        expect![[r#"[1d] 1 day"#]],
    );
}

#[test]
fn volume_values() {
    check(
        "type: task\nvolumes:\n  - my-vol:/da$0ta\n",
        expect![[r#"
        [my-vol:/data]
        network volume `my-vol` mounted at `/data`
    "#]],
    );
    check_headline(
        "type: task\nvolumes:\n  - /mnt/x:/x$0\n",
        expect![[r#"[/mnt/x:/x] instance path `/mnt/x` mounted at `/x`"#]],
    );
}

#[test]
fn ports_and_env_values() {
    check_headline(
        "type: task\nports:\n  - 8000:80$0\n",
        expect![[r#"[8000:80] container port 80 forwarded to local port 8000"#]],
    );
    check_headline(
        "type: task\nenv:\n  - HF_TOKEN$0\n",
        expect![[
            r#"[HF_TOKEN] `HF_TOKEN` is taken from the environment where `dstack apply` runs; it must be set there"#
        ]],
    );
}

#[test]
fn invalid_value_says_why() {
    check_headline(
        "type: task\nresources:\n  gpu: A100:$0\n",
        expect![[r#"(none) "#]],
    );
    check_headline(
        "type: task\nmax_duration: 2H$0\n",
        expect![[
            r#"[2H] dstack cannot read this value: cannot parse the duration `2H`: the unit must be lowercase; did you mean `2h`? (or `off`)"#
        ]],
    );
}

#[test]
fn enum_values() {
    check(
        "type: task\nspot_policy: au$0to\n",
        expect![[r#"
        [auto]
        **`auto`** — Spot when available, otherwise on-demand
    "#]],
    );
    check_headline(
        "type: service\ngroups:\n  - replicas: 1\n    router:\n      type: sglang$0\n",
        expect![[
            r#"[sglang] **`smg`** — Shepherd Model Gateway; dstack keeps its list of workers up to date"#
        ]],
    );
}

#[test]
fn type_values() {
    check(
        "type: ta$0sk\n",
        expect![[r#"
        [task]
        **`type: task`**

        A task runs commands to completion, on one node or on a cluster: training, fine-tuning, batch inference, data processing.

        [dstack reference](https://dstack.ai/docs/reference/dstack.yml/task/) · [concepts](https://dstack.ai/docs/concepts/tasks/)
    "#]],
    );
    check_headline(
        "type: job$0\n",
        expect![[
            r#"[job] `job` is not a configuration type. Use one of `dev-environment`, `task`, `service`, `fleet`, `gateway`, `volume`, `preset`"#
        ]],
    );
}

#[test]
fn nothing_on_whitespace_or_unknown_keys() {
    check(
        "type: task\nfoo$0: 1\n",
        expect![[r#"
        (none)
    "#]],
    );
    check(
        "type: task\n\n$0\n",
        expect![[r#"
        (none)
    "#]],
    );
}

#[test]
fn more_syntax_values() {
    check_headline(
        "type: fleet\nnodes: 0..$02\n",
        expect![[r#"[0..2] 0 to 2 instances; 0 provisioned when the fleet is applied"#]],
    );
    check_headline(
        "type: service\nport: 80\ngateway: team/g$0w\n",
        expect![[r#"[team/gw] gateway `gw` of project `team`"#]],
    );
    check_headline(
        "type: task\nfleets: [my-$0fleet]\n",
        expect![[r#"[my-fleet] fleet `my-fleet` of the current project"#]],
    );
    check_headline(
        "type: task\nuser: 1000:10$000\n",
        expect![[r#"[1000:1000] runs as user id 1000 with group id 1000"#]],
    );
    check_headline(
        "type: task\nfiles:\n  - config.yaml:/app/c$0.yaml\n",
        expect![[
            r#"[config.yaml:/app/c.yaml] local `config.yaml` is uploaded to `/app/c.yaml` in the container (relative local paths start at the configuration's folder)"#
        ]],
    );
    check_headline(
        "type: service\nport: 80\nschedule:\n  cron: \"0 8 * * $0*\"\n",
        expect![[
            r#"["0 8 * * *"] cron (UTC): minute `0`, hour `8`, day `*`, month `*`, weekday `*` (0 = Monday)"#
        ]],
    );
}

#[test]
fn key_with_many_values_lists_them_once() {
    check(
        "type: task\nback$0ends: [aws]\n",
        expect![[r#"
            [backends]
            **`backends`**

            Limits provisioning to these backends. Leave it out to consider every backend configured in the project.

            Accepts: a list of the values below; or empty  
            Values: `amddevcloud`, `aws`, `azure`, `cloudrift`, `crusoe`, `cudo`, `datacrunch` (deprecated), `daytona`, `digitalocean`, `dstack`, `gcp`, `hotaisle`, `jarvislabs`, `kubernetes`, `lambda`, `lium`, `remote`, `nebius`, `oci`, `runpod`, `seeweb`, `tensordock`, `vastai`, `verda`, `vultr`, `slurm`

            ```yaml
            backends: [aws, gcp]
            ```

            [dstack reference](https://dstack.ai/docs/concepts/backends/)
        "#]],
    );
    check(
        "ty$0pe: task\n",
        expect![[r#"
            [type]
            **`type`** (required)

            The configuration type. It selects which other keys are allowed.

            Accepts: one of the values below  
            Types: `dev-environment`, `task`, `service`, `fleet`, `gateway`, `volume`, `preset`

            ```yaml
            type: task
            ```

            [dstack reference](https://dstack.ai/docs/reference/dstack.yml/task/)
        "#]],
    );
}

#[test]
fn interpolation_references() {
    check(
        "type: task\ncommands:\n  - python train.py ${{ run.a$0rgs }}\n",
        expect![[r#"
            [${{ run.args }}]
            `${{ run.args }}` — the extra arguments given to `dstack apply` after the configuration, shell-quoted
        "#]],
    );
    check(
        "type: task\nenv:\n  - TOKEN=${{ secrets.hf$0 }}\n",
        expect![[r#"
            [${{ secrets.hf }}]
            `${{ secrets.hf }}` — the project secret `hf`, resolved by the dstack server (`dstack secret set hf …`)
        "#]],
    );
}

#[test]
fn key_says_what_its_value_means() {
    check_headline_and_next(
        "type: task\nresources:\n  g$0pu:\n    name: [A100, H100]\n    count: 2..\n",
        expect![[r#"
            [gpu]
            **`resources.gpu`**

            Here: at least 2 × NVIDIA A100 or H100"#]],
    );
}

fn check_headline_and_next(fixture: &str, expect: Expect) {
    let all = render_hover(fixture);
    let lines: Vec<&str> = all.lines().take(4).collect();
    expect.assert_eq(&lines.join("\n"));
}

#[test]
fn a_value_another_form_accepts_is_not_an_error() {
    check_headline(
        "type: service\nport: 80\ngateway: tr$0ue\n",
        expect![[r#"[true] the project's default gateway (one must exist)"#]],
    );
    check_headline(
        "type: task\nresources:\n  gpu: 2$0\n",
        expect![[r#"[2] 2 × any GPU"#]],
    );
}
