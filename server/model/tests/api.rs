//! The lookup API: walking key paths through lists and unions, merged key lists, "only valid in".

use dstack_model::{PathSeg, ValueKind, model};
use expect_test::expect;

fn ids(type_name: &str, path: &[PathSeg]) -> String {
    model()
        .objects_at_path(type_name, path)
        .iter()
        .map(|o| o.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn objects_at_path_walks_lists_and_unions() {
    use PathSeg::{Index, Key};
    expect!["task"].assert_eq(&ids("task", &[]));
    expect![
        "volume-aws, volume-gcp, volume-runpod, volume-kubernetes, volume-daytona, volume-lium"
    ]
    .assert_eq(&ids("volume", &[]));
    expect!["gpu"].assert_eq(&ids("task", &[Key("resources"), Key("gpu")]));
    expect!["volume-mount-network, volume-mount-instance"]
        .assert_eq(&ids("task", &[Key("volumes"), Index(0)]));
    expect!["model-openai, model-tgi"].assert_eq(&ids("service", &[Key("model")]));
    expect!["rate-limit-key-ip, rate-limit-key-header"]
        .assert_eq(&ids("service", &[Key("rate_limits"), Index(3), Key("key")]));
    expect!["service-replica-group"].assert_eq(&ids("service", &[Key("replicas"), Index(0)]));
    expect!["router"].assert_eq(&ids("service", &[Key("groups"), Index(0), Key("router")]));
    expect!["ssh-proxy"].assert_eq(&ids(
        "fleet",
        &[Key("ssh_config"), Key("hosts"), Index(1), Key("proxy_jump")],
    ));
    // A key the type does not have, a list step on a mapping, an unknown type: nothing.
    expect![""].assert_eq(&ids("task", &[Key("port")]));
    expect![""].assert_eq(&ids("task", &[Index(0)]));
    expect![""].assert_eq(&ids("job", &[]));
    assert_eq!(
        model()
            .object_at_path("task", &[Key("resources")])
            .map(|o| o.id.as_str()),
        Some("resources")
    );
}

#[test]
fn property_lookups() {
    use PathSeg::{Index, Key};
    let m = model();
    let p = m.property_at_path("service", &[Key("probes"), Index(0), Key("timeout")]);
    assert_eq!(p.and_then(|p| p.default.as_deref()), Some("10s"));
    assert_eq!(p.map(|p| p.syntaxes()), Some(vec!["duration"]));
    // `count` is an alias of a replica group's `replicas`.
    let p = m.property_at_path("service", &[Key("replicas"), Index(0), Key("count")]);
    assert_eq!(p.map(|p| p.name.as_str()), Some("replicas"));
    // The merged key list of a union keeps doc order and shows each key once.
    let keys: Vec<&str> = m
        .properties_at_path("service", &[Key("model")])
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    expect![[r#"["type", "name", "format", "prefix", "chat_template", "eos_token"]"#]]
        .assert_eq(&format!("{keys:?}"));
    // Hidden keys are accepted but not offered.
    let ssh: Vec<&str> = m
        .properties_at_path("fleet", &[Key("ssh_config")])
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert!(!ssh.contains(&"ssh_key"));
    assert!(
        m.object("ssh-config")
            .and_then(|o| o.property("ssh_key"))
            .is_some()
    );
}

#[test]
fn docs_links_fall_back_to_the_enclosing_object_then_the_type() {
    use PathSeg::{Index, Key};
    let m = model();
    expect!["https://dstack.ai/docs/reference/dstack.yml/task/#resources-gpu"].assert_eq(
        m.docs_url_at_path("task", &[Key("resources"), Key("gpu"), Key("count")])
            .unwrap_or_default(),
    );
    expect!["https://dstack.ai/docs/reference/dstack.yml/service/#probes"].assert_eq(
        m.docs_url_at_path("service", &[Key("probes"), Index(0), Key("url")])
            .unwrap_or_default(),
    );
    expect!["https://dstack.ai/docs/reference/dstack.yml/fleet/"].assert_eq(
        m.docs_url_at_path("fleet", &[Key("placement")])
            .unwrap_or_default(),
    );
    assert_eq!(m.docs_url_at_path("job", &[]), None);
}

#[test]
fn value_kinds_for_insert_text() {
    let m = model();
    let kind = |obj: &str, key: &str| {
        m.object(obj)
            .and_then(|o| o.property(key))
            .map(|p| p.value_kind())
    };
    assert_eq!(kind("task", "commands"), Some(ValueKind::List));
    assert_eq!(kind("task", "resources"), Some(ValueKind::Mapping));
    assert_eq!(kind("resources", "gpu"), Some(ValueKind::Scalar));
    assert_eq!(kind("task", "env"), Some(ValueKind::List));
    assert_eq!(kind("task", "python"), Some(ValueKind::Scalar));
    assert_eq!(kind("service", "scaling"), Some(ValueKind::Mapping));
}

#[test]
fn only_valid_in_other_types() {
    let names = |key: &str| -> Vec<String> {
        model()
            .other_types_with_property(key)
            .iter()
            .map(|t| t.name.clone())
            .collect()
    };
    expect![[r#"["service"]"#]].assert_eq(&format!("{:?}", names("port")));
    expect![[r#"["service", "preset"]"#]].assert_eq(&format!("{:?}", names("model")));
    expect![[r#"["task", "fleet"]"#]].assert_eq(&format!("{:?}", names("nodes")));
    expect![[r#"["volume"]"#]].assert_eq(&format!("{:?}", names("claim_name")));
    expect!["[]"].assert_eq(&format!("{:?}", names("gpus")));
}

#[test]
fn removed_and_deprecated() {
    let m = model();
    let r = m.removed_property("service", "router");
    expect![[r#"Some(("0.21.0", Some("groups[].router")))"#]].assert_eq(&format!(
        "{:?}",
        r.map(|r| (r.removed_in.as_str(), r.replacement.as_deref()))
    ));
    assert!(m.removed_property("task", "router").is_none());
    let r = m.removed_property("preset", "max_trials");
    assert_eq!(r.and_then(|r| r.replacement.as_deref()), Some("trials"));
    let home = m.object("task").and_then(|o| o.property("home_dir"));
    assert_eq!(
        home.and_then(|p| p.deprecated.as_ref())
            .map(|d| d.since.as_str()),
        Some("0.18.31")
    );
    let python = m.object("task").and_then(|o| o.property("python"));
    assert_eq!(
        python
            .and_then(|p| p.removed_value("3.8"))
            .map(|v| v.removed_in.as_str()),
        Some("0.18.43")
    );
}

#[test]
fn volume_variants_by_backend() {
    let t = model().config_type("volume");
    let aws = t.and_then(|t| t.variant("aws"));
    assert!(aws.is_some_and(|o| o.property("region").is_some_and(|p| p.required)));
    let k8s = t.and_then(|t| t.variant("kubernetes"));
    assert!(k8s.is_some_and(|o| o.property("region").is_some_and(|p| !p.required)));
    assert!(t.and_then(|t| t.variant("azure")).is_none());
}

#[test]
fn shape_descriptions() {
    let m = model();
    let d = |obj: &str, key: &str| -> String {
        let p = m.object(obj).and_then(|o| o.property(key));
        p.map(|p| {
            p.shapes
                .iter()
                .map(|s| s.describe())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default()
    };
    expect!["integer ≥ 0, ≤ 100 | null"].assert_eq(&d("task", "priority"));
    expect!["`gpu` string | integer | `resources.gpu` mapping | null"]
        .assert_eq(&d("resources", "gpu"));
    expect!["number ≥ 0.016666666666666666, ≤ 153722867280912930"]
        .assert_eq(&d("rate-limit", "rps"));
}
