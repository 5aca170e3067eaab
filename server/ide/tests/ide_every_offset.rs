//! Completion, hover and navigation at every offset of awkward documents: nothing panics, and
//! every range handed back lies inside the text on character boundaries.

use dstack_ide::{AnalysisConfig, Document, TextRange};

const DOCS: &[&str] = &[
    "",
    "# only a comment\n",
    "type: task\nresources:\n  gpu: A100:80GB:2\n  memory: 24GB..\n",
    "type: task\nname: \"unterminated\n\nresources:\n  gp\n",
    "type: service\r\nport: 8000\r\nmodel:\r\n  format: tgi\r\n  name: x\r\n",
    "name: 模型😀\nenv:\n  - 名前=値\nvolumes:\n  - データ:/data\n",
    "type: task\nresources: {gpu: {name: [A100, H1\n",
    "type: task\n---\nresources:\n  gpu: \n",
    "type: task\n\tcommands:\n\t- x\n  - : :\n- - -\n? complex\n: key\n",
    "x: &a {k: v}\ny: *a\n<<: *a\nz: [*a, *b]\n",
    "type: volume\nbackend: aws\nname: v\nregion: \nsize: 10GB\n",
    "type: service\ngateway: team/gw\nfleets: [a, b/c]\ninstances:\n  - fleet: f\n    instance: 0\nvolumes:\n  - name: [a, b]\n    path: /x\n  - v:/d\n",
    "commands:\n  - |\n    echo hi\n    pip in\n  - >-\n    folded\n",
    "- a\n- b\n",
    "just a scalar",
    "type: task\nresources:\n  gpu:\n    name: \n    vendor: \n",
];

fn check_range(text: &str, r: TextRange, what: &str) {
    assert!(
        r.start <= r.end && (r.end as usize) <= text.len(),
        "{what}: {r:?} outside {text:?}"
    );
    assert!(
        text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize),
        "{what}: {r:?} splits a character in {text:?}"
    );
}

#[test]
fn every_offset_of_awkward_documents() {
    let config = AnalysisConfig::default();
    let mut answered = 0;
    for text in DOCS {
        let doc = Document::new(text.to_string());
        for r in dstack_ide::folding_ranges(&doc) {
            check_range(text, r, "folding");
        }
        let mut stack = dstack_ide::document_symbols(&doc);
        while let Some(s) = stack.pop() {
            check_range(text, s.range, "symbol");
            check_range(text, s.selection_range, "symbol selection");
            stack.extend(s.children);
        }
        for d in dstack_ide::definitions_in(&doc) {
            check_range(text, d.range, "definition");
        }
        for offset in 0..=text.len() {
            if !text.is_char_boundary(offset) {
                continue;
            }
            let offset = offset as u32;
            for item in dstack_ide::completions(&doc, offset, &config) {
                check_range(text, item.replace, "completion");
                assert!(
                    !item.label.is_empty(),
                    "empty label at {offset} in {text:?}"
                );
                answered += 1;
            }
            if let Some(h) = dstack_ide::hover(&doc, offset, &config) {
                check_range(text, h.range, "hover");
                assert!(!h.markdown.trim().is_empty());
                answered += 1;
            }
            for r in dstack_ide::selection_ranges(&doc, offset) {
                check_range(text, r, "selection");
            }
            if let Some(d) = dstack_ide::reference_at(&doc, offset) {
                check_range(text, d.range, "reference");
                assert!(!d.name.is_empty());
            }
        }
    }
    assert!(answered > 1000, "only {answered} answers");
}
