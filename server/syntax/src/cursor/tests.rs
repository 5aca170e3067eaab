//! `$0` fixtures for the cursor model: one per half-typed situation the editor meets.

use expect_test::{Expect, expect};

use super::*;
use crate::parse::parse;

/// For shapes only the tree can see (a flow collection spread over lines): no text-only comparison.
fn check_with_tree(fixture: &str, expect: Expect) {
    let offset = fixture.find("$0").expect("fixture has a $0 marker");
    let text = fixture.replacen("$0", "", 1);
    expect.assert_eq(&cursor_context(&text, &parse(&text), offset as u32).render());
}

fn check(fixture: &str, expect: Expect) {
    let offset = fixture.find("$0").expect("fixture has a $0 marker");
    let text = fixture.replacen("$0", "", 1);
    let parse = parse(&text);
    let ctx = cursor_context(&text, &parse, offset as u32);
    // The same answer without a usable tree: the text scan alone must agree on the path.
    let bare = cursor_context(&text, &Parse::default(), offset as u32);
    assert_eq!(
        bare.path, ctx.path,
        "text-only scan disagrees for {fixture:?}"
    );
    expect.assert_eq(&ctx.render());
}

#[test]
fn value_after_key() {
    check(
        "type: task\nresources:\n  gpu: A1$0\n",
        expect![[r#"Value resources.gpu partial="A1" replace=29..31 indent=4"#]],
    );
}

#[test]
fn empty_value() {
    check(
        "resources:\n  gpu: $0\ncommands:\n  - x\n",
        expect![[r#"Value resources.gpu partial="" replace=18..18 indent=4"#]],
    );
}

#[test]
fn empty_value_at_eof() {
    check(
        "resources:\n  gpu: $0",
        expect![[r#"Value resources.gpu partial="" replace=18..18 indent=4"#]],
    );
}

#[test]
fn key_without_colon() {
    check(
        "resources:\n  gp$0\ncommands:\n  - x\n",
        expect![[r#"Key resources partial="gp" replace=13..15 indent=2"#]],
    );
}

#[test]
fn key_in_the_middle_of_a_word() {
    check(
        "resources:\n  gp$0u: A100\n",
        expect![[r#"Key resources partial="gp" replace=13..16 indent=2"#]],
    );
}

#[test]
fn unterminated_quote_above() {
    check(
        "type: task\nname: \"my-run\n\nresources:\n  gpu: A1$0\n",
        expect![[r#"Value resources.gpu partial="A1" replace=44..46 indent=4"#]],
    );
}

#[test]
fn tab_indentation() {
    check(
        "resources:\n\tgpu: $0\n",
        expect![[r#"Value resources.gpu partial="" replace=17..17 indent=3"#]],
    );
}

#[test]
fn over_indented() {
    check(
        "resources:\n  gpu: A100\n   memory: 16G$0B\n",
        expect![[r#"Value resources.memory partial="16G" replace=34..38 indent=5"#]],
    );
}

#[test]
fn under_indented() {
    check(
        "resources:\n    gpu: A100\n  disk: $0\n",
        expect![[r#"Value resources.disk partial="" replace=33..33 indent=4"#]],
    );
}

#[test]
fn unclosed_flow_mapping() {
    check(
        "resources:\n  gpu: {name: A100, count: $0\ncommands:\n",
        expect![[r#"Value resources.gpu.count partial="" replace=38..38 indent=4"#]],
    );
}

#[test]
fn flow_mapping_key() {
    check(
        "resources:\n  gpu: {name: A100, co$0}\n",
        expect![[r#"Key resources.gpu partial="co" replace=31..33 indent=4"#]],
    );
}

#[test]
fn flow_sequence_item() {
    check(
        "ports: [8000, 80$0]\n",
        expect![[r#"Value ports[1] partial="80" replace=14..16 indent=2"#]],
    );
}

#[test]
fn after_dash() {
    check(
        "volumes:\n  - $0\n",
        expect![[r#"Key volumes[0] partial="" replace=13..13 indent=4 after_dash"#]],
    );
}

#[test]
fn second_item_key() {
    check(
        "volumes:\n  - name: my-vol\n    path: /data\n  - na$0\n",
        expect![[r#"Key volumes[1] partial="na" replace=46..48 indent=4 after_dash"#]],
    );
}

#[test]
fn key_in_item_mapping() {
    check(
        "volumes:\n  - name: my-vol\n    path: $0\n  - /x:/y\n",
        expect![[r#"Value volumes[0].path partial="" replace=36..36 indent=6"#]],
    );
}

#[test]
fn zero_indented_list() {
    check(
        "env:\n- A=1\n- B$0\n",
        expect![[r#"Key env[1] partial="B" replace=13..14 indent=2 after_dash"#]],
    );
}

#[test]
fn empty_line_in_mapping() {
    check(
        "resources:\n  gpu: A100\n  $0\n  disk: 100GB\n",
        expect![[r#"Key resources partial="" replace=25..25 indent=2"#]],
    );
}

#[test]
fn empty_line_at_top() {
    check(
        "resources:\n  gpu: A100\n$0\nname: x\n",
        expect![[r#"Key (root) partial="" replace=23..23 indent=0"#]],
    );
}

#[test]
fn empty_line_after_key_with_nested_mapping() {
    check(
        "resources:\n  gpu:\n    $0\n",
        expect![[r#"Key resources.gpu partial="" replace=22..22 indent=4"#]],
    );
}

#[test]
fn second_document() {
    check(
        "type: task\n---\nresources:\n  gpu: $0\n",
        expect![[r#"Value resources.gpu partial="" replace=33..33 indent=4"#]],
    );
}

#[test]
fn at_eof_after_newline() {
    check(
        "type: task\n$0",
        expect![[r#"Key (root) partial="" replace=11..11 indent=0"#]],
    );
}

#[test]
fn in_comment() {
    check(
        "resources:\n  # pick a gp$0u\n  gpu: A100\n",
        expect![[r#"Comment resources partial="" replace=24..24 indent=2"#]],
    );
}

#[test]
fn crlf() {
    check(
        "type: task\r\nresources:\r\n  gpu: A1$0\r\n",
        expect![[r#"Value resources.gpu partial="A1" replace=31..33 indent=4"#]],
    );
}

#[test]
fn multibyte_before_cursor() {
    check(
        "name: 模型😀\nenv:\n  - 名前=値$0\n",
        expect![[r#"Key env[0] partial="名前=値" replace=26..36 indent=4 after_dash"#]],
    );
}

#[test]
fn inside_block_scalar() {
    check(
        "commands:\n  - |\n    echo hi\n    pip in$0\n",
        expect![[r#"Value commands[0] partial="pip in" replace=32..38 indent=0"#]],
    );
}

#[test]
fn quoted_value() {
    check(
        "python: \"3.1$0\"\n",
        expect![[r#"Value python partial="3.1" replace=9..12 indent=2"#]],
    );
}

#[test]
fn deep_list_uses_the_tree() {
    let mut text = String::from("env:\n");
    for i in 0..2000 {
        text.push_str(&format!("  - VAR_{i}=x\n"));
    }
    text.push_str("  - NEW$0\n");
    check(
        &text,
        expect![[r#"Key env[2000] partial="NEW" replace=28899..28902 indent=4 after_dash"#]],
    );
}

#[test]
fn top_level_line_after_a_long_file() {
    let mut text = String::from("type: task\nenv:\n");
    for i in 0..3000 {
        text.push_str(&format!("  - VAR_{i}=x\n"));
    }
    text.push_str("na$0\n");
    check(
        &text,
        expect![[r#"Key (root) partial="na" replace=43906..43908 indent=0"#]],
    );
}

#[test]
fn key_deep_in_a_long_mapping() {
    let mut text = String::from("x-vars:\n");
    for i in 0..3000 {
        text.push_str(&format!("  key_{i}: {i}\n"));
    }
    text.push_str("  new_$0\n");
    check(
        &text,
        expect![[r#"Key x-vars partial="new_" replace=48790..48794 indent=2"#]],
    );
}

#[test]
fn value_on_a_dash_line() {
    check(
        "volumes:\n  - name: my-v$0\n",
        expect![[r#"Value volumes[0].name partial="my-v" replace=19..23 indent=6"#]],
    );
}

#[test]
fn colon_right_before_cursor() {
    check(
        "resources:\n  gpu:$0\n",
        expect![[r#"Value resources.gpu partial="" replace=17..17 indent=4"#]],
    );
}

#[test]
fn after_a_value_and_its_comment() {
    check(
        "resources:\n  gpu: A100  # big$0\n",
        expect![[r#"Comment resources partial="" replace=29..29 indent=2"#]],
    );
}

#[test]
fn empty_document() {
    check(
        "$0",
        expect![[r#"Key (root) partial="" replace=0..0 indent=0"#]],
    );
}

#[test]
fn nested_list_in_an_item() {
    check(
        "fleets:\n  - name: a\n    hosts:\n      - 10.0.0.1\n      - $0\n",
        expect![[r#"Key fleets[0].hosts[1] partial="" replace=56..56 indent=8 after_dash"#]],
    );
}

#[test]
fn second_key_of_a_mapping_in_a_list_item() {
    check(
        "env:\n  - A=1\nvolumes:\n  - name: v\n    $0\n",
        expect![[r#"Key volumes[0] partial="" replace=38..38 indent=4"#]],
    );
}

#[test]
fn flow_list_over_several_lines() {
    check_with_tree(
        "ports:\n  [8000,\n   80$0]\n",
        expect![[r#"Value ports[1] partial="80" replace=19..21 indent=4"#]],
    );
}

#[test]
fn flow_mapping_over_several_lines() {
    check_with_tree(
        "resources:\n  gpu: {name: A100,\n        cou$0}\n",
        expect![[r#"Key resources.gpu partial="cou" replace=39..42 indent=4"#]],
    );
}
