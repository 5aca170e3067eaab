//! `$0` fixtures for completion: every cursor situation, including half-typed and broken buffers.

use expect_test::{Expect, expect};

use crate::test_util::{apply_completion, completion_labels, render_completions};

fn check(fixture: &str, expect: Expect) {
    expect.assert_eq(&render_completions(fixture));
}

/// Only the first `n` items (long lists: keys of a type, GPU names).
fn check_first(fixture: &str, n: usize, expect: Expect) {
    let all = render_completions(fixture);
    let first: Vec<&str> = all.lines().take(n).collect();
    expect.assert_eq(&(first.join("\n") + "\n"));
}

/// Labels only, space-separated.
fn check_labels(fixture: &str, expect: Expect) {
    expect.assert_eq(&completion_labels(fixture).join(" "));
}

fn check_apply(fixture: &str, label: &str, expect: Expect) {
    expect.assert_eq(&apply_completion(fixture, label));
}

// ---- keys ----

#[test]
fn top_level_keys_of_a_task() {
    check_first(
        "type: task\n$0",
        6,
        expect![[r#"
            property nodes — integer
            property groups — list
            property ports — list
            property commands — list
            property name — resource-name
            property image — string
        "#]],
    );
}

#[test]
fn present_keys_are_left_out() {
    let all = render_completions("type: task\nname: x\ncommands:\n  - y\n$0\nimage: z\n");
    for key in ["name", "commands", "image", "type"] {
        assert!(
            !completion_labels("type: task\nname: x\ncommands:\n  - y\n$0\nimage: z\n")
                .iter()
                .any(|l| l == key),
            "{key} offered again:\n{all}"
        );
    }
    assert!(all.contains("property resources"), "{all}");
}

#[test]
fn without_type_offers_type_first_and_the_union_of_keys() {
    check_first(
        "name: x\n$0",
        3,
        expect![[r#"
        property type — configuration type
        property ide — vscode|cursor|windsurf|zed
        property version — string
    "#]],
    );
    let all = render_completions("name: x\n$0");
    // Keys of several types, each once.
    for key in ["ide", "port", "commands", "ssh_config", "domain", "backend"] {
        assert!(
            all.contains(&format!("property {key} ")),
            "{key} missing:\n{all}"
        );
    }
}

#[test]
fn keys_narrow_by_present_keys_without_type() {
    // `port` only exists on services, so the document is read as one.
    let all = render_completions("port: 8000\n$0");
    assert!(all.contains("property model "), "{all}");
    assert!(!all.contains("property ide "), "{all}");
}

#[test]
fn nested_keys_on_an_empty_line() {
    check(
        "type: task\nresources:\n  $0\n",
        expect![[r#"
            property cpu — cpu | integer | mapping
            property memory — memory-range | integer | number | mapping
            property shm_size — memory | integer | number
            property gpu — gpu | integer | mapping
            property disk — memory-range | integer | number | mapping
        "#]],
    );
}

#[test]
fn half_typed_key_without_colon() {
    check_labels(
        "type: task\nresources:\n  gpu: A100\n  me$0\n",
        expect![[r#"cpu memory shm_size disk"#]],
    );
}

#[test]
fn half_typed_key_before_existing_colon_inserts_the_name_only() {
    check_apply(
        "type: task\nresources:\n  gp$0: A100\n",
        "gpu",
        expect![[r#"
            type: task
            resources:
              gpu: A100
        "#]],
    );
}

#[test]
fn key_insertion_by_value_kind() {
    check_apply(
        "type: task\nimag$0",
        "image",
        expect![[r#"
        type: task
        image: $0"#]],
    );
    check_apply(
        "type: task\nresou$0",
        "resources",
        expect![[r#"
        type: task
        resources:
          $0"#]],
    );
    check_apply(
        "type: task\ncomm$0",
        "commands",
        expect![[r#"
        type: task
        commands:
          - $0"#]],
    );
    check_apply(
        "type: task\nresources:\n  gpu: 1\n  di$0",
        "disk",
        expect![[r#"
        type: task
        resources:
          gpu: 1
          disk: $0"#]],
    );
    check_apply(
        "type: service\nprobes:\n  - type: http\n    time$0",
        "timeout",
        expect![[r#"
            type: service
            probes:
              - type: http
                timeout: $0"#]],
    );
}

#[test]
fn keys_of_a_list_item_after_dash() {
    check(
        "type: task\nvolumes:\n  - $0\n",
        expect![[r#"
        property name — required · string | list
        property path — required · absolute-path
        property instance_path — required · absolute-path
        property optional — boolean
        value my-volume:/data — `volume-name:/container/path` (network volume) or `/instance/path:/container/path` (instance volume)
        value /mnt/cache:/root/.cache — `volume-name:/container/path` (network volume) or `/instance/path:/container/path` (instance volume)
    "#]],
    );
    check_labels(
        "type: service\nport: 80\nprobes:\n  - $0\n",
        expect![[r#"type url method headers body timeout interval ready_after until_ready"#]],
    );
    check_labels(
        "type: task\ngroups:\n  - name: a\n    commands: [x]\n  - $0\n",
        expect![[r#"name nodes resources commands ports"#]],
    );
}

#[test]
fn second_key_of_a_list_item() {
    check_labels(
        "type: task\nvolumes:\n  - name: v\n    $0\n",
        expect![[r#"path"#]],
    );
    check_labels(
        "type: task\nvolumes:\n  - instance_path: /mnt\n    $0\n",
        expect![[r#"path optional"#]],
    );
}

#[test]
fn union_keys_follow_the_discriminator() {
    check_labels(
        "type: volume\nbackend: gcp\n$0",
        expect![[r#"name auto_cleanup_duration tags size volume_id region availability_zone"#]],
    );
    check_labels(
        "type: service\nmodel:\n  format: tgi\n  $0\n",
        expect![[r#"type name chat_template eos_token"#]],
    );
    check_labels(
        "type: gateway\ncertificate:\n  type: acm\n  $0\n",
        expect![[r#"arn"#]],
    );
}

// ---- values ----

#[test]
fn type_values_list_all_seven() {
    check_labels(
        "type: $0",
        expect![[r#"dev-environment task service fleet gateway volume preset"#]],
    );
    check_labels(
        "type: se$0\n",
        expect![[r#"dev-environment task service fleet gateway volume preset"#]],
    );
}

#[test]
fn enum_values() {
    check(
        "type: task\nspot_policy: $0\n",
        expect![[r#"
        enum spot — Only spot (interruptible, cheaper) instances
        enum on-demand — Only on-demand instances
        enum auto — Spot when available, otherwise on-demand
    "#]],
    );
    check_labels(
        "type: task\ncreation_policy: $0\n",
        expect![[r#"reuse reuse-or-create"#]],
    );
    check_labels(
        "type: dev-environment\nide: $0\n",
        expect![[r#"vscode cursor windsurf zed"#]],
    );
    check_labels(
        "type: task\npython: $0\n",
        expect![[r#"3.9 3.10 3.11 3.12 3.13 3.14 3.15"#]],
    );
    check_labels(
        "type: task\nstartup_order: $0\n",
        expect![[r#"any master-first workers-first"#]],
    );
    check_labels(
        "type: service\nscaling:\n  metric: $0\n",
        expect![[r#"rps"#]],
    );
    check_labels(
        "type: service\nmodel:\n  format: $0\n",
        expect![[r#"openai tgi"#]],
    );
    check_labels(
        "type: gateway\ncertificate:\n  type: $0\n",
        expect![[r#"lets-encrypt acm gcp-cm"#]],
    );
    check_labels(
        "type: volume\nbackend: $0\n",
        expect![[r#"aws gcp runpod kubernetes daytona lium"#]],
    );
    check_labels(
        "type: service\ngroups:\n  - replicas: 1\n    router:\n      type: $0\n",
        expect![[r#"smg dynamo"#]],
    );
}

#[test]
fn list_item_enum_values() {
    check_labels(
        "type: task\nbackends:\n  - $0\n",
        expect![[
            r#"amddevcloud aws azure cloudrift crusoe cudo daytona digitalocean dstack gcp hotaisle jarvislabs kubernetes lambda lium remote nebius oci runpod seeweb tensordock vastai verda vultr slurm datacrunch"#
        ]],
    );
    check_labels(
        "type: task\nbackends: [aws, g$0]\n",
        expect![[
            r#"amddevcloud aws azure cloudrift crusoe cudo daytona digitalocean dstack gcp hotaisle jarvislabs kubernetes lambda lium remote nebius oci runpod seeweb tensordock vastai verda vultr slurm datacrunch"#
        ]],
    );
    check_labels(
        "type: task\nretry:\n  on_events:\n    - $0\n",
        expect![[r#"no-capacity interruption error"#]],
    );
}

#[test]
fn booleans() {
    check(
        "type: task\nprivileged: $0\n",
        expect![[r#"
        value true
        value false
    "#]],
    );
}

#[test]
fn gpu_names_and_vendors() {
    check_first(
        "type: task\nresources:\n  gpu: H$0\n",
        5,
        expect![[r#"
            gpu H100 — NVIDIA H100, 80 GB
            gpu H200 — NVIDIA H200, 141 GB
            gpu H100NVL — NVIDIA H100NVL, 94 GB
            gpu H200NVL — NVIDIA H200NVL, 141 GB
        "#]],
    );
    check_labels(
        "type: task\nresources:\n  gpu: amd:$0\n",
        expect![[
            r#"MI300X MI100 MI210 MI250 MI250X MI300A MI308X MI325X MI350X MI355X 1 2 4 8 1.. 2..8 16GB.. 24GB.. 40GB.. 80GB.."#
        ]],
    );
    check_labels(
        "type: task\nresources:\n  gpu: A100:$0\n",
        expect![[r#"1 2 4 8 1.. 2..8 40GB 80GB"#]],
    );
}

#[test]
fn gpu_completion_keeps_the_earlier_tokens() {
    check_apply(
        "type: task\nresources:\n  gpu: A100:8$0\n",
        "80GB",
        expect![[r#"
            type: task
            resources:
              gpu: A100:80GB
        "#]],
    );
}

#[test]
fn sizes_and_durations() {
    check_labels(
        "type: task\nresources:\n  memory: 24$0\n",
        expect![[r#"24GB.. 24GB"#]],
    );
    check_labels(
        "type: task\nresources:\n  shm_size: 1$0\n",
        expect![[r#"16GB 128GB 1TB"#]],
    );
    check_labels(
        "type: task\nmax_duration: $0\n",
        expect![[r#"off 30s 5m 10m 30m 1h 2h 6h 12h 1d 3d 1w true false"#]],
    );
    check_labels(
        "type: task\nretry:\n  duration: $0\n",
        expect![[r#"30s 5m 10m 30m 1h 2h 6h 12h 1d 3d 1w"#]],
    );
}

#[test]
fn volume_shorthand_paths() {
    check_labels(
        "type: task\nvolumes:\n  - my-vol:$0\n",
        expect![[r#"/data /workflow /root/.cache /models"#]],
    );
}

// ---- skeletons ----

#[test]
fn empty_file_offers_a_skeleton_per_type() {
    check(
        "$0",
        expect![[r#"
        snippet type: dev-environment — new dev-environment configuration
        snippet type: task — new task configuration
        snippet type: service — new service configuration
        snippet type: fleet — new fleet configuration
        snippet type: gateway — new gateway configuration
        snippet type: volume — new volume configuration
        snippet type: preset — new preset configuration
    "#]],
    );
    check_labels(
        "# my config\n\n$0",
        expect![[
            r#"type: dev-environment type: task type: service type: fleet type: gateway type: volume type: preset"#
        ]],
    );
    check_apply(
        "$0",
        "type: volume",
        expect![[r#"
        type: volume
        name: my-volume

        backend: aws
        region: eu-west-1
        size: 100GB
    "#]],
    );
}

// ---- broken buffers ----

#[test]
fn unterminated_quote_above() {
    check_labels(
        "type: task\nname: \"my-run\n\nresources:\n  gpu: 1\n  me$0\n",
        expect![[r#"cpu memory shm_size disk"#]],
    );
}

#[test]
fn tab_indentation() {
    check_labels(
        "type: task\nresources:\n\tgpu: 1\n\tdi$0\n",
        expect![[r#"cpu memory shm_size gpu disk"#]],
    );
}

#[test]
fn wrong_indentation() {
    check_labels(
        "type: task\nresources:\n    gpu: A100\n  disk: $0\n",
        expect![[
            r#"8GB.. 8GB 16GB.. 16GB 24GB.. 24GB 32GB.. 32GB 40GB.. 40GB 48GB.. 48GB 64GB.. 64GB 80GB.. 80GB 96GB.. 96GB 128GB.. 128GB 256GB.. 256GB 512GB.. 512GB 1TB.. 1TB"#
        ]],
    );
}

#[test]
fn unclosed_flow_mapping() {
    check_labels(
        "type: task\nresources:\n  gpu: {name: A100, co$0\n",
        expect![[r#"vendor count memory total_memory compute_capability"#]],
    );
}

#[test]
fn second_document_gets_nothing() {
    check("type: task\n---\nresources:\n  gpu: $0\n", expect![[""]]);
}

#[test]
fn crlf_line_endings() {
    check_labels(
        "type: task\r\nresources:\r\n  gpu: 1\r\n  di$0\r\n",
        expect![[r#"cpu memory shm_size disk"#]],
    );
    check_apply(
        "type: task\r\nresou$0",
        "resources",
        expect![[r#"
            type: task\r
            resources:\r
              $0"#]],
    );
}

#[test]
fn cjk_before_the_cursor() {
    check_labels(
        "type: task\nname: 模型😀\nspot_policy: a$0\n",
        expect![[r#"spot on-demand auto"#]],
    );
}

#[test]
fn nothing_in_comments() {
    check("type: task\n# resources: gp$0\n", expect![[""]]);
}

#[test]
fn no_duplicate_labels_anywhere() {
    for fixture in [
        "$0",
        "name: x\n$0",
        "type: task\n$0",
        "type: task\nresources:\n  gpu: $0\n",
        "type: task\nvolumes:\n  - $0\n",
        "type: volume\n$0",
    ] {
        let mut labels = completion_labels(fixture);
        let n = labels.len();
        labels.sort();
        labels.dedup();
        assert_eq!(n, labels.len(), "duplicates in {fixture:?}");
    }
}

#[test]
fn regions_of_the_chosen_backends() {
    check_first(
        "type: task\nbackends: [aws]\nregions:\n  - $0\n",
        3,
        expect![[r#"
            value ap-northeast-1 — aws region
            value ap-southeast-1 — aws region
            value ca-central-1 — aws region
        "#]],
    );
    check_first(
        "type: volume\nbackend: gcp\nregion: $0\n",
        3,
        expect![[r#"
            value asia-northeast1 — gcp region
            value asia-southeast1 — gcp region
            value europe-west1 — gcp region
        "#]],
    );
    check_first(
        "type: gateway\nregion: $0\n",
        2,
        expect![[r#"
        value ap-northeast-1 — aws region
        value ap-southeast-1 — aws region
    "#]],
    );
}

#[test]
fn gpu_names_ranked_by_offers() {
    check_first(
        "type: task\nresources:\n  gpu: $0\n",
        4,
        expect![[r#"
            gpu A100 — NVIDIA A100, 40 GB/80 GB
            gpu T4 — NVIDIA T4, 16 GB
            gpu L4 — NVIDIA L4, 24 GB
            gpu H100 — NVIDIA H100, 80 GB
        "#]],
    );
}

#[test]
fn keys_inside_a_flow_mapping_stay_inline() {
    check_apply(
        "type: task\nretry: {dur$0}\n",
        "on_events",
        expect![[r#"
        type: task
        retry: {on_events: $0}
    "#]],
    );
}

#[test]
fn keys_with_values_ask_for_completion_again() {
    let (doc, offset) = crate::test_util::fixture("name: x\nsp$0\n");
    let items =
        crate::completion::completions(&doc, offset, &crate::config::AnalysisConfig::default());
    let retrigger: Vec<&str> = items
        .iter()
        .filter(|i| i.retrigger)
        .map(|i| i.label.as_str())
        .filter(|l| ["type", "spot_policy", "name", "image", "resources"].contains(l))
        .collect();
    assert_eq!(retrigger, ["type", "spot_policy"]);
}

#[test]
fn gpu_names_in_the_mapping_form() {
    check_first(
        "type: task\nresources:\n  gpu:\n    name: [A100, $0]\n",
        2,
        expect![[r#"
            gpu A100 — NVIDIA A100, 40 GB/80 GB
            gpu T4 — NVIDIA T4, 16 GB
        "#]],
    );
}

#[test]
fn a_union_tag_lists_every_variant() {
    check_first(
        "type: service\nport: 8000\nmodel:\n  $0",
        3,
        expect![[r#"
        property type — chat
        property name — required · string
        property format — required · openai|tgi
    "#]],
    );
}

#[test]
fn a_value_right_after_the_colon_gets_a_space() {
    check_apply(
        "type: task\nspot_policy:$0\n",
        "auto",
        expect![[r#"
        type: task
        spot_policy: auto
    "#]],
    );
}

#[test]
fn syntaxes_with_proposals_are_listed() {
    use dstack_values::syntax::{Proposals, Syntax};
    for syntax in Syntax::ALL {
        assert_eq!(
            !matches!(syntax.proposals(), Proposals::None),
            !super::syntax_values(syntax, "").is_empty(),
            "{}",
            syntax.name()
        );
    }
}

#[test]
fn references_inside_interpolation() {
    check(
        "type: task\ncommands:\n  - python train.py ${{ $0\n",
        expect![[r#"
            value run.args — extra `dstack apply` arguments
            value secrets. — a project secret
            value groups[0].nodes[0].IP_ADDRESS — IP of a task group's node
            value groups[0].replicas[0].IP_ADDRESS — IP of a service group's replica
        "#]],
    );
    check_apply(
        "type: task\ncommands:\n  - python train.py ${{ run.a$0\n",
        "run.args",
        expect![[r#"
            type: task
            commands:
              - python train.py ${{ run.args }}
        "#]],
    );
    check(
        "type: task\nenv:\n  - TOKEN=${{ $0 }}\n",
        expect![[r#"
        value secrets. — a project secret
    "#]],
    );
    check_labels(
        "type: task\nenv:\n  - HF_TOKEN\nregistry_auth:\n  username: ${{ $0\n",
        expect![[r#"env.HF_TOKEN secrets."#]],
    );
}

#[test]
fn every_skeleton_is_a_valid_configuration() {
    // dstack 0.22.5 accepts all seven (checked with the oracle); our diagnostics must agree.
    for t in &dstack_model::model().types {
        let text = super::expand_snippet(&t.skeleton, "");
        let doc = crate::document::Document::new(text.clone());
        let found =
            crate::diagnostics::diagnostics(&doc, &crate::config::AnalysisConfig::default());
        assert!(found.is_empty(), "{}:\n{text}\n{found:?}", t.name);
    }
}

#[test]
fn tokens_after_a_colon_filter_on_the_whole_value() {
    let (doc, offset) = crate::test_util::fixture("type: task\nresources:\n  gpu: A100:$0\n");
    let items =
        crate::completion::completions(&doc, offset, &crate::config::AnalysisConfig::default());
    let two = items.iter().find(|i| i.label == "2");
    expect![[r#"Some("A100:2") Some("A100:2")"#]].assert_eq(&format!(
        "{:?} {:?}",
        two.map(|i| &i.insert_text),
        two.and_then(|i| i.filter_text.as_ref())
    ));
}

#[test]
fn a_configured_catalog_ranks_gpus_and_lists_regions() {
    let csv = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\n\
        x1,moon-1,1.0,8,32,1,L40S,48,False,,nvidia,,x86,\n\
        x2,moon-1,2.0,8,32,2,L40S,48,False,,nvidia,,x86,\n\
        x3,mars-2,3.0,8,32,1,T4,16,False,,nvidia,,x86,\n";
    let catalog = dstack_offers::Catalog::from_csv("runpod", csv);
    let config = crate::config::AnalysisConfig {
        catalog: Some(std::sync::Arc::new(catalog)),
        ..crate::config::AnalysisConfig::default()
    };
    let labels = |fixture: &str| {
        let (doc, offset) = crate::test_util::fixture(fixture);
        crate::completion::completions(&doc, offset, &config)
            .into_iter()
            .take(3)
            .map(|i| i.label)
            .collect::<Vec<_>>()
            .join(" ")
    };
    expect![[r#"L40S T4 A10"#]].assert_eq(&labels("type: task\nresources:\n  gpu: $0\n"));
    expect![[r#"mars-2 moon-1"#]]
        .assert_eq(&labels("type: task\nbackends: [runpod]\nregions: [$0]\n"));
}
