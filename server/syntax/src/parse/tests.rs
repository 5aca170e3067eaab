//! Parse fixtures: the tree is rendered one node per line with byte ranges, and `reparse`
//! is checked against `parse` on every fixture.

use expect_test::{Expect, expect};

use super::document::ANCHOR_WORK;
use super::*;
use crate::scalar::ScalarValue;
use crate::tree::PathSeg;

pub(crate) fn dump(text: &str, parse: &Parse) -> String {
    let mut out = String::new();
    if let Some(root) = &parse.root {
        dump_node(text, root, 0, &mut out);
    } else {
        out.push_str("(no root)\n");
    }
    for e in &parse.errors {
        let src = text
            .get(e.range.start as usize..e.range.end as usize)
            .unwrap_or("<bad range>");
        out.push_str(&format!(
            "error {}..{} {:?}: {}\n",
            e.range.start, e.range.end, src, e.message
        ));
    }
    out
}

fn props(node: &Node) -> String {
    let mut s = String::new();
    if let Some(a) = &node.anchor {
        s.push_str(&format!(" &{a}"));
    }
    if let Some(t) = &node.tag {
        s.push_str(&format!(" {t}"));
    }
    s
}

fn scalar_line(text: &str, node: &Node) -> String {
    let r = node.range;
    match &node.kind {
        NodeKind::Scalar(s) => {
            let value = match &s.value {
                ScalarValue::Str(_) => "str".to_string(),
                other => format!("{other:?}"),
            };
            let src = text
                .get(r.start as usize..r.end as usize)
                .unwrap_or("<bad range>");
            let shown = if src == s.text {
                String::new()
            } else {
                format!(" src={src:?}")
            };
            let v = if s.verbatim { " v" } else { "" };
            format!(
                "{:?} {:?} {}..{}{shown} {value}{v} @{}{}",
                s.style,
                s.text,
                r.start,
                r.end,
                s.content_start,
                props(node)
            )
        }
        NodeKind::Alias(a) => format!("*{a} {}..{}", r.start, r.end),
        NodeKind::Error => format!("ERROR {}..{}", r.start, r.end),
        NodeKind::Mapping(_) => format!("map {}..{}{}", r.start, r.end, props(node)),
        NodeKind::Sequence(_) => format!("seq {}..{}{}", r.start, r.end, props(node)),
    }
}

fn dump_node(text: &str, node: &Node, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    out.push_str(&format!("{pad}{}\n", scalar_line(text, node)));
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                out.push_str(&format!("{pad}  key {}\n", scalar_line(text, &e.key)));
                dump_node(text, &e.value, depth + 2, out);
            }
        }
        NodeKind::Sequence(items) => {
            for n in items {
                dump_node(text, n, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Parse, check `reparse` from an empty and from a slightly different document agrees, snapshot.
fn check(text: &str, expect: Expect) {
    let p = parse(text);
    let rendered = dump(text, &p);
    assert_same_as_parse(&parse("other: 1\n"), text);
    assert_same_as_parse(&p, text);
    expect.assert_eq(&rendered);
}

pub(crate) fn assert_same_as_parse(old: &Parse, text: &str) {
    let full = parse(text);
    let re = reparse(old, text);
    assert_eq!(
        format!("{:?}{:?}", re.root, re.errors),
        format!("{:?}{:?}", full.root, full.errors),
        "reparse differs for {text:?}"
    );
    let owned = reparse_owned(old.clone(), text);
    assert_eq!(
        format!("{:?}{:?}", owned.root, owned.errors),
        format!("{:?}{:?}", full.root, full.errors),
        "reparse_owned differs for {text:?}"
    );
}

#[test]
fn simple_service() {
    check(
        "type: service\nname: x\n\nresources:\n  gpu: A100:80GB:2  # comment\n  disk:\nport: 8000\npython: 3.10\nenv:\n- A=1\n-\n- 'q'\n",
        expect![[r#"
            map 0..114
              key Plain "type" 0..4 str v @0
                Plain "service" 6..13 str v @6
              key Plain "name" 14..18 str v @14
                Plain "x" 20..21 str v @20
              key Plain "resources" 23..32 str v @23
                map 36..71
                  key Plain "gpu" 36..39 str v @36
                    Plain "A100:80GB:2" 41..52 str v @41
                  key Plain "disk" 66..70 str v @66
                    Plain "" 71..71 Null v @71
              key Plain "port" 72..76 str v @72
                Plain "8000" 78..82 Int(8000) v @78
              key Plain "python" 83..89 str v @83
                Plain "3.10" 91..95 Float(3.1) v @91
              key Plain "env" 96..99 str v @96
                seq 101..114
                  Plain "A=1" 103..106 str v @103
                  Plain "" 108..108 Null v @108
                  SingleQuoted "q" 111..114 src="'q'" str v @112
        "#]],
    );
}

#[test]
fn crlf_and_multibyte() {
    check(
        "name: é😀\r\nenv:\r\n  - 名前: \"値\"\r\n  - x\r\n",
        expect![[r#"
            map 0..44
              key Plain "name" 0..4 str v @0
                Plain "é😀" 6..12 str v @6
              key Plain "env" 14..17 str v @14
                seq 22..44
                  map 24..37
                    key Plain "名前" 24..30 str v @24
                      DoubleQuoted "値" 32..37 src="\"値\"" str v @33
                  Plain "x" 43..44 str v @43
        "#]],
    );
}

#[test]
fn block_scalars_and_quotes() {
    check(
        "commands: |\n  echo 1\n  echo 2\n\nb: >-\n  folded\n  text\nc: |\nd: 'it''s'\ne: \"a\\tb\"\nf: \"plain\"\n",
        expect![[r#"
            map 0..89
              key Plain "commands" 0..8 str v @0
                Literal "echo 1\necho 2\n" 10..29 src="|\n  echo 1\n  echo 2" str @14
              key Plain "b" 31..32 str v @31
                Folded "folded text" 34..52 src=">-\n  folded\n  text" str @39
              key Plain "c" 53..54 str v @53
                Literal "" 56..57 src="|" str v @56
              key Plain "d" 58..59 str v @58
                SingleQuoted "it's" 61..68 src="'it''s'" str @62
              key Plain "e" 69..70 str v @69
                DoubleQuoted "a\tb" 72..78 src="\"a\\tb\"" str @73
              key Plain "f" 79..80 str v @79
                DoubleQuoted "plain" 82..89 src="\"plain\"" str v @83
        "#]],
    );
}

#[test]
fn error_in_one_entry_keeps_the_others() {
    check(
        "type: task\nname: \"my-run\nresources:\n  gpu: A100\ncommands:\n\t- x\nport: 80\n",
        expect![[r#"
            map 0..71
              key Plain "type" 0..4 str v @0
                Plain "task" 6..10 str v @6
              key Plain "name" 11..15 str v @11
                ERROR 17..24
              key Plain "resources" 25..34 str v @25
                map 38..47
                  key Plain "gpu" 38..41 str v @38
                    Plain "A100" 43..47 str v @43
              key Plain "commands" 48..56 str v @48
                ERROR 58..59
              key Plain "port" 63..67 str v @63
                Plain "80" 69..71 Int(80) v @69
            error 17..24 "\"my-run": this quoted value is never closed: add the closing " at the end of the value
            error 58..59 "\t": tab character in the indentation: YAML indents with spaces only
        "#]],
    );
}

#[test]
fn broken_flow_and_indentation() {
    check(
        "resources:\n  gpu: {name: A100, count: 2\nenv: [a, b\nx:\n  a: 1\n   b: 2\nok: 1\non: [error, > x, a? b, :c]\n",
        expect![[r#"
            map 0..101
              key Plain "resources" 0..9 str v @0
                map 13..39
                  key Plain "gpu" 13..16 str v @13
                    map 18..39
                      key Plain "name" 19..23 str v @19
                        Plain "A100" 25..29 str v @25
                      key Plain "count" 31..36 str v @31
                        Plain "2" 38..39 Int(2) v @38
              key Plain "env" 40..43 str v @40
                seq 45..50
                  Plain "a" 46..47 str v @46
                  Plain "b" 49..50 str v @49
              key Plain "x" 51..52 str v @51
                map 56..65
                  key Plain "a" 56..57 str v @56
                    Plain "1 b" 59..65 src="1\n   b" str @59
              key Plain "ok" 69..71 str v @69
                Plain "1" 73..74 Int(1) v @73
              key Plain "on" 75..77 Bool(true) v @75
                seq 79..101
                  Plain "error" 80..85 str v @80
                  Plain "> x" 87..90 str v @87
                  Plain "a? b" 92..96 str v @92
                  Plain ":c" 98..100 str v @98
            error 18..39 "{name: A100, count: 2": this `{...}` mapping is not closed: add `}` (entries are separated by commas, e.g. `{name: A100, count: 2}`)
            error 45..50 "[a, b": this `[...]` list is not closed: add `]` (items are separated by commas, e.g. `[a, b]`)
            error 65..66 ":": unexpected `:` here: a value cannot start another `key: value` on the same line or deeper; check the indentation, or quote the value if the colon belongs to it
            error 87..90 "> x": a value cannot start with `>` inside `[...]` or `{...}`: quote it
            error 92..96 "a? b": a `?` cannot appear in an unquoted value inside `[...]` or `{...}`: quote the value
            error 98..100 ":c": a value cannot start with `:` inside `[...]` or `{...}`: quote it
        "#]],
    );
}

#[test]
fn half_typed_key() {
    check(
        "resources:\n  gp\ntyp\nname: a\nimage:ubuntu\n",
        expect![[r#"
            map 0..27
              key Plain "resources" 0..9 str v @0
                Plain "gp" 13..15 str v @13
              key Plain "name" 20..24 str v @20
                Plain "a" 26..27 str v @26
            error 16..19 "typ": expected `key: value` here: add a colon after the key, e.g. `typ: ...`
            error 28..40 "image:ubuntu": expected `key: value` here: put a space after the colon, e.g. `image: ubuntu`
        "#]],
    );
}

#[test]
fn second_document() {
    check(
        "---\ntype: task\n---\nname: leaked\n",
        expect![[r#"
            map 4..14
              key Plain "type" 4..8 str v @4
                Plain "task" 10..14 str v @10
            error 15..18 "---": expected a single document in the file, but a second one starts here: dstack reads one YAML document per file, so remove this part or move it to its own file
        "#]],
    );
    assert_eq!(
        parse("a: 1\n---\nb: 2\n").second_document(),
        Some(TextRange::new(5, 8))
    );
    assert_eq!(parse("---\na: 1\n").second_document(), None);
    let directive = parse("%YAML 1.1\n---\ntype: task\n");
    assert_eq!(
        (directive.second_document(), directive.errors.len()),
        (None, 0)
    );
    check(
        "type: task\n...\nname: leaked\n",
        expect![[r#"
            map 0..10
              key Plain "type" 0..4 str v @0
                Plain "task" 6..10 str v @6
            error 15..27 "name: leaked": expected a single document in the file, but a second one starts here: dstack reads one YAML document per file, so remove this part or move it to its own file
        "#]],
    );
}

#[test]
fn anchors_across_entries() {
    let text = "x-defaults: &d\n  gpu: A100\n  disk: 100GB\nresources:\n  <<: *d\n  disk: 200GB\nother: *nope\nlist: [&one {a: 1}, &two {a: 2, b: 2}]\nm:\n  <<: [*one, *two]\nagain: &d x\n";
    let p = parse(text);
    let show = |path: &[PathSeg]| -> String {
        let Some(node) = p.node_at_path(path) else {
            return "none".into();
        };
        p.entries(node)
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    k.key_text().unwrap_or("?"),
                    p.resolve(v).key_text().unwrap_or("?")
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let out = format!(
        "{}\n{}\n{}",
        show(&[PathSeg::Key("resources".into())]),
        show(&[PathSeg::Key("m".into())]),
        dump(text, &p)
            .lines()
            .filter(|l| l.starts_with("error"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    expect![[r#"
        gpu=A100 disk=200GB
        a=1 b=2
        error 82..87 "*nope": unknown alias `*nope`: define the anchor `&nope` on a value above this line
        error 156..158 "&d": the anchor `&d` is defined twice; dstack's YAML reader refuses a repeated anchor name, so rename one"#]]
    .assert_eq(&out);
}

#[test]
fn duplicate_keys_last_wins() {
    let text = "a: 1\nb: 2\na: 3\nyes: x\ntrue: y\n";
    let p = parse(text);
    expect!["a=3 b=2 yes=y"].assert_eq(&root_entries(&p, |_| true));
    assert_eq!(
        p.root
            .as_ref()
            .and_then(Node::as_mapping)
            .map(<[Entry]>::len),
        Some(5)
    );
}

/// Small mappings are de-duplicated by a linear scan, large ones through a hash map: both agree.
#[test]
fn duplicate_keys_last_wins_in_large_mappings() {
    let mut text: String = (0..30).map(|i| format!("k{i}: {i}\n")).collect();
    text.push_str("k3: again\nyes: x\ntrue: y\n1: one\n'1': quoted\n");
    let p = parse(&text);
    let shown = root_entries(&p, |k| !k.starts_with('k') || k == "k3");
    // PyYAML: `yes`, `true` and `1` are one key (True == 1); the quoted `'1'` is another.
    expect!["k3=again yes=one 1=quoted"].assert_eq(&shown);
    let all = p.root.as_ref().map(|r| p.entries(r)).unwrap_or_default();
    assert_eq!(all.len(), 32);
}

/// `key=value` for the root's entries (as `entries` resolves them) whose key text `keep` accepts.
fn root_entries(p: &Parse, keep: impl Fn(&str) -> bool) -> String {
    let entries = p.root.as_ref().map(|r| p.entries(r)).unwrap_or_default();
    let shown: Vec<String> = entries
        .iter()
        .filter(|(k, _)| keep(k.key_text().unwrap_or("?")))
        .map(|(k, v)| {
            format!(
                "{}={}",
                k.key_text().unwrap_or("?"),
                v.key_text().unwrap_or("?")
            )
        })
        .collect();
    shown.join(" ")
}

#[test]
fn not_a_mapping() {
    check(
        "- a\n- b\n",
        expect![[r#"
        seq 0..7
          Plain "a" 2..3 str v @2
          Plain "b" 6..7 str v @6
    "#]],
    );
    check(
        "just text\n",
        expect![[r#"
            (no root)
            error 0..9 "just text": expected `key: value` here: add a colon after the key, e.g. `just: text`
        "#]],
    );
    check(
        "",
        expect![[r#"
        (no root)
    "#]],
    );
    check(
        "# only a comment\n",
        expect![[r#"
        (no root)
    "#]],
    );
}

#[test]
fn tags() {
    check(
        "a: !!str 10\nb: !!int \"7\"\nc: !custom x\nd: =\ne: &m !!str\n  k: v\nf: !!set {x}\n",
        expect![[r#"
            map 0..74
              key Plain "a" 0..1 str v @0
                Plain "10" 3..11 src="!!str 10" str v @9 !!str
              key Plain "b" 12..13 str v @12
                DoubleQuoted "7" 15..24 src="!!int \"7\"" Int(7) v @22 !!int
              key Plain "c" 25..26 str v @25
                Plain "x" 28..37 src="!custom x" str v @36 !custom
              key Plain "d" 38..39 str v @38
                Plain "=" 41..42 str v @41
              key Plain "e" 43..44 str v @43
                map 46..61 &m !!str
                  key Plain "k" 57..58 str v @57
                    Plain "v" 60..61 str v @60
              key Plain "f" 62..63 str v @62
                map 65..74 !!set
                  key Plain "x" 72..73 str v @72
                    Plain "" 73..73 Null v @73
            error 28..37 "!custom x": dstack cannot load a value with the tag `!custom`; remove the tag
            error 41..42 "=": a bare `=` cannot be loaded (YAML 1.1 gives it a special meaning); quote it: `"="`
            error 49..54 "!!str": the tag `!!str` cannot be used on a mapping; remove it
        "#]],
    );
}

#[test]
fn continuation_lines_pyyaml_accepts() {
    // PyYAML ignores the indentation of lines inside quotes and flow collections.
    check(
        "resources:\n  gpu: {name: A100,\n  count: 2}\na: \"x\ny\"\nb: [1,\n2]\nc:\n  - k: 'p\n  q'\n",
        expect![[r#"
            map 0..79
              key Plain "resources" 0..9 str v @0
                map 13..42
                  key Plain "gpu" 13..16 str v @13
                    map 18..42
                      key Plain "name" 19..23 str v @19
                        Plain "A100" 25..29 str v @25
                      key Plain "count" 33..38 str v @33
                        Plain "2" 40..41 Int(2) v @40
              key Plain "a" 43..44 str v @43
                DoubleQuoted "x y" 46..51 src="\"x\ny\"" str @47
              key Plain "b" 52..53 str v @52
                seq 55..61
                  Plain "1" 56..57 Int(1) v @56
                  Plain "2" 59..60 Int(2) v @59
              key Plain "c" 62..63 str v @62
                seq 67..79
                  map 69..79
                    key Plain "k" 69..70 str v @69
                      SingleQuoted "p q" 72..79 src="'p\n  q'" str @73
        "#]],
    );
}

#[test]
fn successive_edits_in_a_long_list() {
    let mut text = String::from("type: task\nenv:\n");
    for i in 0..400 {
        text.push_str(&format!("  - VAR_{i}=value-{i}\n"));
    }
    text.push_str("commands:\n");
    for i in 0..300 {
        text.push_str(&format!("  - echo \"step {i}\" && run '{i}'\n"));
    }
    text.push_str("port: 80\n");
    type Edit = Box<dyn Fn(&str) -> String>;
    let edits: Vec<Edit> = vec![
        Box::new(|t| t.replacen("VAR_200=", "VAR_200=x", 1)),
        Box::new(|t| t.replacen("  - VAR_201=value-201\n", "", 1)),
        Box::new(|t| t.replacen("  - VAR_5=value-5\n", "  - VAR_5=value-5\n  - NEW=1\n", 1)),
        // A top-level key in the middle of the list splits it in two, then goes away again.
        Box::new(|t| t.replacen("  - VAR_300=", "cut: 1\n  - VAR_300=", 1)),
        Box::new(|t| t.replacen("cut: 1\n", "", 1)),
        // A quote left open swallows items, then is closed.
        Box::new(|t| t.replacen("\"step 150\"", "\"step 150", 1)),
        Box::new(|t| t.replacen("\"step 150", "\"step 150\"", 1)),
        Box::new(|t| t.replacen("  - echo \"step 299\" && run '299'\n", "", 1)),
        Box::new(|t| t.replacen("port: 80\n", "", 1)),
    ];
    let mut old = parse(&text);
    for edit in &edits {
        let next = edit(&text);
        assert_ne!(next, text, "edit did nothing");
        assert_eq!(
            resplit_for_test(&old, &next),
            crate::split::split(&next),
            "resumed split differs"
        );
        assert_same_as_parse(&old, &next);
        old = reparse(&old, &next);
        text = next;
    }
    assert!(old.errors.is_empty(), "{:?}", old.errors);
}

#[test]
fn list_header_typed_twice() {
    // Found by the mutation test: the resumed split must keep the second header a list header.
    let mut text = String::from("type: task\nenv:\n");
    for i in 0..200 {
        text.push_str(&format!("  - VAR_{i}=x\n"));
    }
    let next = text.replacen("env:\n", "env:\nenv:\n", 1);
    let old = parse(&text);
    assert_eq!(resplit_for_test(&old, &next), crate::split::split(&next));
    assert_same_as_parse(&old, &next);
}

#[test]
fn dash_like_item_in_a_zero_indented_list() {
    // Found by the mutation test: the list starts at its `- `, not at an item that begins with `-`.
    check(
        "commands:\n- ---\n- -x\n",
        expect![[r#"
        map 0..20
          key Plain "commands" 0..8 str v @0
            seq 10..20
              Plain "---" 12..15 str v @12
              Plain "-x" 18..20 str v @18
    "#]],
    );
}

#[test]
fn empty_first_item_with_a_comment() {
    // Found by the mutation test: saphyr reports this list after the comment.
    check(
        "nodes:\n-  #2\n- # c\n  x\n",
        expect![[r#"
        map 0..22
          key Plain "nodes" 0..5 str v @0
            seq 7..22
              Plain "" 8..8 Null v @8
              Plain "x" 21..22 str v @21
    "#]],
    );
}

#[test]
fn tabs_pyyaml_rejects() {
    // PyYAML 6 rejects each of these tabs ("found character '\t' that cannot start any token").
    check(
        "a:\tb\nc: d\t# note\ne:\n  - \tx\nf: [x,\ty]\ng: 'in\tquotes'\nh: |\n  \tcontent\n# \tcomment\n",
        expect![[r#"
        map 5..67
          key Plain "c" 5..6 str v @5
            Plain "d" 8..9 str v @8
          key Plain "e" 17..18 str v @17
            seq 22..26
              Plain "x" 25..26 str v @25
          key Plain "f" 27..28 str v @27
            seq 30..36
              Plain "x" 31..32 str v @31
              Plain "y" 34..35 str v @34
          key Plain "g" 37..38 str v @37
            SingleQuoted "in\tquotes" 40..51 src="'in\tquotes'" str v @41
          key Plain "h" 52..53 str v @52
            Literal "\tcontent\n" 55..67 src="|\n  \tcontent" str v @59
        error 2..3 "\t": tab character where YAML expects a space: use spaces
        error 9..10 "\t": tab character here: dstack reads YAML with PyYAML, which accepts tabs only inside quotes and comments; use spaces
        error 24..25 "\t": tab character here: dstack reads YAML with PyYAML, which accepts tabs only inside quotes and comments; use spaces
        error 33..34 "\t": tab character here: dstack reads YAML with PyYAML, which accepts tabs only inside quotes and comments; use spaces
    "#]],
    );
}

#[test]
fn keys_pyyaml_cannot_load() {
    check(
        "a: 1\n: orphan\n? [x, y]\n: list key\n? explicit\n: fine\nb: {na\n  me: x}\n",
        expect![[r#"
            map 0..67
              key Plain "a" 0..1 str v @0
                Plain "1" 3..4 Int(1) v @3
              key Plain "" 6..6 Null v @6
                Plain "orphan" 7..13 str v @7
              key seq 16..22
                Plain "list key" 25..33 str v @25
              key Plain "explicit" 36..44 str v @36
                Plain "fine" 47..51 str v @47
              key Plain "b" 52..53 str v @52
                map 55..67
                  key Plain "na me" 56..63 src="na\n  me" str @56
                    Plain "x" 65..66 str v @65
            error 5..6 ":": a key is missing before this `:` (write `key: value`)
            error 16..22 "[x, y]": a key must be plain text, not a list or a mapping (remove the `?` or the brackets)
            error 56..63 "na\n  me": a key must fit on one line (or start it with `? ` to write a long key)
        "#]],
    );
}

#[test]
fn messages_for_common_slips() {
    let texts = [
        "env:\n  - A\n - B\nport: 1\n",
        "type task\nname: x\n",
        "image:ubuntu\n",
        "resources:\n  gpu: A100\n disk: 1\n",
    ];
    let out: Vec<String> = texts
        .iter()
        .flat_map(|t| parse(t).errors.into_iter().map(|e| e.message))
        .collect();
    expect![[r#"
        this list item does not line up with the items above it: check its indentation
        expected `key: value` here: add a colon after the key, e.g. `type: task`
        expected `key: value` here: put a space after the colon, e.g. `image: ubuntu`
        this line does not line up with the keys above it: check its indentation"#]]
    .assert_eq(&out.join("\n"));
}

/// 50,000 anchors used by 50,000 aliases and a merge each: the anchor work must grow linearly
/// (a binary search per alias), not as anchors × aliases.
#[test]
fn many_anchors_and_aliases_take_linear_work() {
    fn doc(n: usize) -> String {
        let mut t = String::from("type: task\ndefs:\n");
        for i in 0..n {
            t.push_str(&format!("  k{i}: &a{i} {{v: {i}}}\n"));
        }
        t.push_str("uses:\n");
        for i in 0..n {
            t.push_str(&format!("  - {{<<: *a{i}, w: 1}}\n"));
        }
        t.push_str("again:\n");
        for i in 0..n {
            t.push_str(&format!("  - *a{i}\n"));
        }
        t
    }
    let work = |n: usize| {
        ANCHOR_WORK.with(|w| w.set(0));
        let text = doc(n);
        let p = parse(&text);
        assert!(p.errors.is_empty(), "{:?}", p.errors.first());
        let root = p.root.as_ref().expect("a root mapping");
        let uses = p
            .node_at_path(&[PathSeg::Key("uses".into())])
            .expect("uses");
        for item in uses.as_sequence().unwrap_or(&[]) {
            assert_eq!(p.entries(item).len(), 2);
        }
        let again = p
            .node_at_path(&[PathSeg::Key("again".into())])
            .expect("again");
        let last = again.as_sequence().and_then(|s| s.last()).expect("an item");
        assert_eq!(
            p.resolve(last).range.start as usize,
            text.rfind("&a").unwrap_or(0)
        );
        assert!(root.as_mapping().is_some());
        ANCHOR_WORK.with(|w| w.get())
    };
    let small = work(500);
    let big = work(50_000);
    // 100 times the input: linear work grows ~100x (a log factor allowed), quadratic 10,000x.
    assert!(
        big <= small * 300,
        "anchor work {small} for 500 anchors, {big} for 50,000"
    );
}

fn entries_text(p: &Parse, key: &str) -> String {
    let Some(node) = p.node_at_path(&[PathSeg::Key(key.into())]) else {
        return "none".into();
    };
    p.entries(node)
        .iter()
        .map(|(k, v)| {
            let v = p.resolve(v);
            let v = v
                .key_text()
                .map_or(format!("{} entries", p.entries(v).len()), str::to_string);
            format!("{}={v}", k.key_text().unwrap_or("?"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A source merged twice: keys keep their first place, values come from the last merge
/// (PyYAML: z = {a: 1, b: 1, c: 2, d: 4}, w = {a: 2, b: 9, c: 2, d: 4}).
#[test]
fn repeated_merge_sources_follow_pyyaml() {
    let text = "x: &x {a: 1, b: 1}\ny: &y {a: 2, c: 2}\nz: &z {<<: [*x, *y, *x], d: 4}\nw: {<<: [*y, *z], b: 9}\n";
    let p = parse(text);
    expect![[r#"
        a=1 b=1 c=2 d=4
        a=2 b=9 c=2 d=4"#]]
    .assert_eq(&format!(
        "{}\n{}",
        entries_text(&p, "z"),
        entries_text(&p, "w")
    ));
}

/// Each level merges the previous one twice: expanding every merge would make 2^40 entries.
#[test]
fn doubling_merge_chain_stays_small() {
    let mut text = String::from("m0: &m0 {k0: 0}\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "m{i}: &m{i} {{<<: [*m{}, *m{}], k{i}: {i}}}\n",
            i - 1,
            i - 1
        ));
    }
    let p = parse(&text);
    assert!(p.errors.is_empty(), "{:?}", p.errors.first());
    expect!["k0=0 k1=1 k2=2 k3=3"].assert_eq(&entries_text(&p, "m3"));
    assert_eq!(
        p.entries(p.node_at_path(&[PathSeg::Key("m40".into())]).expect("m40"))
            .len(),
        41
    );
}

fn errors_of(text: &str) -> String {
    dump(text, &parse(text))
        .lines()
        .filter(|l| l.starts_with("error"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// PyYAML's reader refuses control characters anywhere (comments and quotes included): one
/// error per character, naming it; verdicts checked against PyYAML and dstack in
/// tests/conformance/cases/yaml/char-*.
#[test]
fn refused_characters_follow_pyyaml() {
    let out = [
        "type: task\ncommands:\n  - echo \x1b[31mred\x1b[0m\n",
        "type: task\n# ring\x07\nname: \"a\0b\"\n",
        "name: a\0b\nx: ab\u{9b}\u{7f}\u{fffe}\n",
        "x: [a\x01]\ny: |\n  z\x0b\n",
    ]
    .map(errors_of)
    .join("\n--\n");
    expect![[r#"
        error 30..31 "\u{1b}": the control character U+001B (escape) is not allowed in a YAML file; remove it — pasted terminal colour codes often bring it
        error 38..39 "\u{1b}": the control character U+001B (escape) is not allowed in a YAML file; remove it — pasted terminal colour codes often bring it
        --
        error 17..18 "\u{7}": the control character U+0007 (bell) is not allowed in a YAML file; remove it
        error 27..28 "\0": the NUL character (U+0000) is not allowed in a YAML file; remove it; the file may be binary or saved as UTF-16 instead of UTF-8
        --
        error 7..8 "\0": the NUL character (U+0000) is not allowed in a YAML file; remove it; the file may be binary or saved as UTF-16 instead of UTF-8
        error 15..17 "\u{9b}": the control character U+009B is not allowed in a YAML file; remove it — it often comes from text pasted out of a terminal or another encoding
        error 17..18 "\u{7f}": the control character U+007F (delete) is not allowed in a YAML file; remove it
        error 18..21 "\u{fffe}": the character U+FFFE is not allowed in a YAML file; remove it
        --
        error 5..6 "\u{1}": the control character U+0001 (start of heading) is not allowed in a YAML file; remove it
        error 16..17 "\u{b}": the control character U+000B (vertical tab) is not allowed in a YAML file; remove it"#]]
    .assert_eq(&out);
}

/// NEL, U+2028 and U+2029 are YAML 1.1 line breaks for PyYAML (a comment ends there); a
/// U+FEFF inside a value is an ordinary character.
#[test]
fn yaml_1_1_line_breaks_and_inner_bom_follow_pyyaml() {
    let text = "type: task\n# note\u{2028}name: foo\nx: a\u{feff}b\nc:\n  - echo\u{85}  - ls\n";
    let p = parse(text);
    expect![[r#"
        map 0..58
          key Plain "type" 0..4 str v @0
            Plain "task" 6..10 str v @6
          key Plain "name" 20..24 str v @20
            Plain "foo" 26..29 str v @26
          key Plain "x" 30..31 str v @30
            Plain "a\u{feff}b" 33..38 str v @33
          key Plain "c" 39..40 str v @39
            seq 44..58
              Plain "echo" 46..50 str v @46
              Plain "ls" 56..58 str v @56
    "#]]
    .assert_eq(&dump(text, &p));
    let out = [
        "# note\u{85}more\nx: 1\n",
        "name: a\u{2028}b\n",
        "name: a\nb\n",
    ]
    .map(errors_of)
    .join("\n--\n");
    expect![[r#"
        error 8..14 "more\nx": expected `key: value` here: add a colon after the key, e.g. `more: ...`
        error 14..15 ":": unexpected `:` here: a value cannot start another `key: value` on the same line or deeper; check the indentation, or quote the value if the colon belongs to it
        --
        error 12..12 "": expected `:` after this key (write `key: value`)
        --
        error 8..9 "b": expected `key: value` here: add a colon after the key, e.g. `b: ...`"#]].assert_eq(&out);
}

/// A binary file does not make one error per byte.
#[test]
fn refused_characters_in_bulk_are_summed_up() {
    let text = format!("type: task\nname: {}\n", "\u{1}".repeat(10_000));
    let p = parse(&text);
    assert_eq!(p.errors.len(), 201);
    expect![[r#"
        SyntaxError {
            range: TextRange {
                start: 217,
                end: 218,
            },
            message: "9800 more characters that are not allowed in a YAML file start here; is this a binary file?",
        }
    "#]]
    .assert_debug_eq(&p.errors[200]);
}

/// PyYAML drops a U+FEFF only at the very start of the stream; a line starting with one further
/// down is text (here a plain scalar, not a comment), whichever chunk the line lands in.
#[test]
fn bom_only_at_the_start_of_the_file_is_dropped() {
    // The fuzz case: a BOM comment line duplicated. The first parse is a list (`['y']`), the
    // second a plain scalar `'\ufeff# a - y'`, not a mapping.
    let list = "\u{feff}# a\n- y\n";
    let text = "\u{feff}# a\n\u{feff}# a\n- y\n";
    assert_same_as_parse(&parse(list), text);
    // A chunk whose text moves away from offset 0 is parsed again, not reused.
    let map = "\u{feff}x: 1\n";
    let twice = "\u{feff}x: 1\n\u{feff}x: 1\n";
    assert_same_as_parse(&parse(map), twice);
    assert_same_as_parse(&parse(twice), map);
    let after = "a: 0\n\u{feff}x: 1\n";
    assert_same_as_parse(&parse(map), after);
    assert_same_as_parse(&parse(after), map);
    let out = [list, text, twice].map(|t| dump(t, &parse(t))).join("--\n");
    expect![[r#"
        seq 7..10
          Plain "y" 9..10 str v @9
        --
        (no root)
        error 7..17 "\u{feff}# a\n- y": expected `key: value` here: add a colon after the key, e.g. `﻿#: a`
        --
        map 3..15
          key Plain "x" 3..4 str v @3
            Plain "1" 6..7 Int(1) v @6
          key Plain "\u{feff}x" 8..12 str v @8
            Plain "1" 14..15 Int(1) v @14
    "#]]
    .assert_eq(&out);
}
