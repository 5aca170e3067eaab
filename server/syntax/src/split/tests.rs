//! Splitter tests: chunk boundaries, documents, list groups, common ends.

mod chunks {
    use crate::split::*;

    fn show(text: &str) -> String {
        let s = split(text);
        let mut out = String::new();
        for c in &s.chunks {
            out.push_str(&format!(
                "{:?}\n",
                &text[c.range.start as usize..c.range.end as usize]
            ));
        }
        if let Some(d) = s.second_doc {
            out.push_str(&format!(
                "second document at {:?}\n",
                &text[d.start as usize..d.end as usize]
            ));
        }
        if s.single {
            out.push_str("single\n");
        }
        out
    }

    #[test]
    fn top_level_entries() {
        expect_test::expect![[r##"
            "# head\ntype: task\n"
            "env:\n- A=1\n# c\n\n- B\n"
            "commands:\n  - |\n    x\n"
            "name: \"a\nb\"\n"
            "next: [1,\n2]\n"
            "last: \"open\n"
            "port: 8\n"
        "##]]
        .assert_eq(&show(
            "# head\ntype: task\nenv:\n- A=1\n# c\n\n- B\ncommands:\n  - |\n    x\nname: \"a\nb\"\nnext: [1,\n2]\nlast: \"open\nport: 8\n",
        ));
    }

    #[test]
    fn documents() {
        expect_test::expect![[r#"
            "---\na: 1\n"
            second document at "---"
        "#]]
        .assert_eq(&show("---\na: 1\n---\nb: 2\n"));
        expect_test::expect![[r#"
            "a: 1\n...\n# fine\n"
            second document at "b: 2"
        "#]]
        .assert_eq(&show("a: 1\n...\n# fine\nb: 2\n"));
        expect_test::expect![[r#"
            "- a\n- b\nc: 1\n"
            single
        "#]]
        .assert_eq(&show("- a\n- b\nc: 1\n"));
        expect_test::expect![[""]].assert_eq(&show(""));
        expect_test::expect![[""]].assert_eq(&show("# only\n\n"));
    }
}

mod list_tests {
    use crate::split::*;

    #[test]
    fn long_lists_split_into_stable_groups() {
        let mut text = String::from("type: task\nenv:\n");
        for i in 0..300 {
            text.push_str(&format!("  - VAR_{i}=x\n"));
        }
        text.push_str("volumes:\n");
        for i in 0..100 {
            text.push_str(&format!(
                "  - name: v{i}\n    path: |\n      - not an item\n"
            ));
        }
        let s = split(&text);
        let kinds: Vec<ChunkKind> = s.chunks.iter().map(|c| c.kind).collect();
        assert_eq!(kinds[0], ChunkKind::Entries);
        assert_eq!(kinds[1], ChunkKind::ListHeader);
        assert!(
            kinds.iter().filter(|k| **k == ChunkKind::ListItems).count() > 4,
            "{kinds:?}"
        );
        // Every group starts at a real item, never inside a block scalar.
        for c in s.chunks.iter().filter(|c| c.kind == ChunkKind::ListItems) {
            let at = &text[c.range.start as usize..];
            assert!(
                at.starts_with("  - VAR_") || at.starts_with("  - name: "),
                "{at:.30}"
            );
        }
        // An edit inside one item changes one group; the others keep their text.
        let edited = text.replacen("VAR_150=x", "VAR_150=xy", 1);
        let s2 = split(&edited);
        let text_of =
            |t: &str, c: &Chunk| t[c.range.start as usize..c.range.end as usize].to_string();
        let a: Vec<String> = s.chunks.iter().map(|c| text_of(&text, c)).collect();
        let b: Vec<String> = s2.chunks.iter().map(|c| text_of(&edited, c)).collect();
        let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let suffix = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        assert!(
            prefix + suffix + 3 >= a.len(),
            "only {prefix} + {suffix} of {} groups kept",
            a.len()
        );
    }
}

mod common_ends_tests {
    use crate::split::common_ends;

    #[test]
    fn prefix_and_suffix_never_overlap() {
        let long = "ab".repeat(600);
        let cases = [
            ("", ""),
            ("abc", "abc"),
            ("abc", "abxc"),
            ("aaa", "aaaa"),
            ("xaaa", "aaa"),
            (long.as_str(), "ab"),
        ];
        let out: Vec<(usize, usize)> = cases
            .iter()
            .map(|(a, b)| common_ends(a.as_bytes(), b.as_bytes()))
            .collect();
        expect_test::expect!["[(0, 0), (3, 0), (2, 1), (3, 0), (0, 3), (2, 0)]"]
            .assert_eq(&format!("{out:?}"));
        let mut edited = long.clone();
        edited.insert(700, 'z');
        let (p, s) = common_ends(long.as_bytes(), edited.as_bytes());
        assert_eq!((p, s), (700, long.len() - 700));
    }
}
