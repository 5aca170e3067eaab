//! Snapshots of the outline, folding and selection ranges, and `$0` fixtures for references.

use expect_test::{Expect, expect};

use super::*;
use crate::test_util::{extract_offset, fixture};

const SERVICE: &str = "\
type: service
name: llama
env:
  - HF_TOKEN
commands:
  - |
    pip install vllm
    vllm serve x
port: 8000
volumes:
  - my-vol:/data
  - name: [cache-a, cache-b]
    path: /cache
resources:
  gpu: A100:80GB:2
";

fn slice(text: &str, r: TextRange) -> String {
    text.get(r.start as usize..r.end as usize)
        .unwrap_or("?")
        .replace('\n', "⏎")
}

fn render_symbols(text: &str, symbols: &[Symbol], depth: usize, out: &mut String) {
    for s in symbols {
        out.push_str(&format!(
            "{}{:?} {}{} [{}]\n",
            "  ".repeat(depth),
            s.kind,
            s.name,
            s.detail
                .as_ref()
                .map(|d| format!(" = {d}"))
                .unwrap_or_default(),
            slice(text, s.selection_range),
        ));
        render_symbols(text, &s.children, depth + 1, out);
    }
}

#[test]
fn outline() {
    let doc = Document::new(SERVICE.to_string());
    let mut out = String::new();
    render_symbols(SERVICE, &document_symbols(&doc), 0, &mut out);
    expect![[r#"
        Property type = service [type]
        Property name = llama [name]
        Array env [env]
          Property HF_TOKEN [HF_TOKEN]
        Array commands [commands]
          Property pip install vllm… [|⏎    pip install vllm⏎    vllm serve x]
        Property port = 8000 [port]
        Array volumes [volumes]
          Property my-vol:/data [my-vol:/data]
          Object cache-a, cache-b [[cache-a, cache-b]]
            Array name [name]
              Property cache-a [cache-a]
              Property cache-b [cache-b]
            Property path = /cache [path]
        Object resources [resources]
          Property gpu = A100:80GB:2 [gpu]
    "#]]
    .assert_eq(&out);
}

#[test]
fn folding() {
    let doc = Document::new(SERVICE.to_string());
    let out: Vec<String> = folding_ranges(&doc)
        .into_iter()
        .map(|r| slice(SERVICE, r))
        .collect();
    expect![[r#"
        env:⏎  - HF_TOKEN
        commands:⏎  - |⏎    pip install vllm⏎    vllm serve x
        volumes:⏎  - my-vol:/data⏎  - name: [cache-a, cache-b]⏎    path: /cache
        name: [cache-a, cache-b]⏎    path: /cache
        resources:⏎  gpu: A100:80GB:2"#]]
    .assert_eq(&out.join("\n"));
}

#[test]
fn selection_from_a_scalar_outwards() {
    let (text, offset) = extract_offset(&SERVICE.replace("A100:80GB:2", "A100:8$00GB:2"));
    let doc = Document::new(text.clone());
    let out: Vec<String> = selection_ranges(&doc, offset)
        .into_iter()
        .map(|r| slice(&text, r))
        .collect();
    expect![[r#"
        A100:80GB:2
        gpu: A100:80GB:2
        resources:⏎  gpu: A100:80GB:2
        type: service⏎name: llama⏎env:⏎  - HF_TOKEN⏎commands:⏎  - |⏎    pip install vllm⏎    vllm serve x⏎port: 8000⏎volumes:⏎  - my-vol:/data⏎  - name: [cache-a, cache-b]⏎    path: /cache⏎resources:⏎  gpu: A100:80GB:2
        type: service⏎name: llama⏎env:⏎  - HF_TOKEN⏎commands:⏎  - |⏎    pip install vllm⏎    vllm serve x⏎port: 8000⏎volumes:⏎  - my-vol:/data⏎  - name: [cache-a, cache-b]⏎    path: /cache⏎resources:⏎  gpu: A100:80GB:2⏎"#]].assert_eq(&out.join("\n"));
}

fn check_reference(fixture_text: &str, expect: Expect) {
    let (doc, offset) = fixture(fixture_text);
    let out = match reference_at(&doc, offset) {
        Some(d) => format!(
            "{:?} {} [{}]{}",
            d.kind,
            d.name,
            slice(&doc.text, d.range),
            d.project
                .map(|p| format!(" in project {p}"))
                .unwrap_or_default()
        ),
        None => "none".to_string(),
    };
    expect.assert_eq(&out);
}

#[test]
fn volume_references() {
    check_reference(
        "type: task\nvolumes:\n  - my-v$0ol:/data\n",
        expect![[r#"Volume my-vol [my-vol]"#]],
    );
    check_reference(
        "type: task\nvolumes:\n  - my-vol:/da$0ta\n",
        expect![[r#"Volume my-vol [my-vol]"#]],
    );
    check_reference(
        "type: task\nvolumes:\n  - /mnt/x$0:/x\n",
        expect![[r#"none"#]],
    );
    check_reference(
        "type: task\nvolumes:\n  - name: v$0ol\n    path: /data\n",
        expect![[r#"Volume vol [vol]"#]],
    );
    check_reference(
        "type: task\nvolumes:\n  - name: [a, b$0b]\n    path: /data\n",
        expect![[r#"Volume bb [bb]"#]],
    );
    check_reference(
        "type: task\ngroups:\n  - name: g\n    volumes:\n      - v$0:/data\n",
        expect![[r#"Volume v [v]"#]],
    );
}

#[test]
fn fleet_references() {
    check_reference(
        "type: task\nfleets:\n  - gpu-$0fleet\n",
        expect![[r#"Fleet gpu-fleet [gpu-fleet]"#]],
    );
    check_reference(
        "type: task\nfleets: [main/gpu-$0fleet]\n",
        expect![[r#"Fleet gpu-fleet [gpu-fleet] in project main"#]],
    );
    check_reference(
        "type: task\nfleets:\n  - name: f$0\n    project: other\n",
        expect![[r#"Fleet f [f] in project other"#]],
    );
    check_reference(
        "type: task\ninstances:\n  - fleet: my-$0fleet\n    instance: 0\n",
        expect![[r#"Fleet my-fleet [my-fleet]"#]],
    );
}

#[test]
fn gateway_references() {
    check_reference(
        "type: service\ngateway: my-$0gw\n",
        expect![[r#"Gateway my-gw [my-gw]"#]],
    );
    check_reference(
        "type: service\ngateway: team/my-$0gw\n",
        expect![[r#"Gateway my-gw [my-gw] in project team"#]],
    );
    check_reference(
        "type: service\ngateway:\n  name: g$0w\n",
        expect![[r#"Gateway gw [gw]"#]],
    );
    check_reference("type: service\ngateway: tr$0ue\n", expect![[r#"none"#]]);
    check_reference("type: service\nname: my-$0gw\n", expect![[r#"none"#]]);
}

#[test]
fn definitions() {
    let defs = |text: &str| {
        let doc = Document::new(text.to_string());
        definitions_in(&doc)
            .into_iter()
            .map(|d| format!("{:?} {} [{}]", d.kind, d.name, slice(text, d.range)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    expect![[r#"Volume my-vol [my-vol]"#]]
        .assert_eq(&defs("type: volume\nname: my-vol\nbackend: aws\n"));
    expect![[r#"Fleet gpu-fleet [gpu-fleet]"#]]
        .assert_eq(&defs("type: fleet\nname: gpu-fleet\nnodes: 2\n"));
    expect![[r#"Gateway gw [gw]"#]].assert_eq(&defs("name: gw\ntype: gateway\n"));
    expect![[""]].assert_eq(&defs("type: task\nname: t\n"));
    expect![[""]].assert_eq(&defs("type: volume\nbackend: aws\n"));
}

#[test]
fn outline_of_a_huge_list_keeps_every_top_level_key() {
    let mut text = String::from("type: task\nenv:\n");
    for i in 0..20_000 {
        text.push_str(&format!("  - VAR_{i}=x\n"));
    }
    text.push_str("commands:\n  - echo hi\nresources:\n  gpu: 1\n");
    let doc = Document::new(text.clone());
    let symbols = document_symbols(&doc);
    let top: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(top, ["type", "env", "commands", "resources"]);
    let env = &symbols[1].children;
    assert_eq!(env.len(), 101);
    expect![[r#"VAR_0=x | … 19900 more [VAR_100=x]"#]].assert_eq(&format!(
        "{} | {} [{}]",
        env[0].name,
        env[100].name,
        slice(&text, env[100].selection_range)
    ));
    assert_eq!(symbols[3].children.len(), 1, "resources keeps its children");
}

#[test]
fn outline_of_200k_top_level_keys_is_capped() {
    let mut text = String::from("type: task\n");
    for i in 0..200_000 {
        text.push_str(&format!("k{i}: v\n"));
    }
    let doc = Document::new(text.clone());
    let symbols = document_symbols(&doc);
    assert_eq!(symbols.len(), 5001);
    let last = &symbols[5000];
    assert_eq!(last.name, "… 195001 more");
    assert_eq!(slice(&text, last.selection_range), "k4999");
}
