//! Property-style tests on many generated and mutated inputs (deterministic xorshift, no extra crates):
//! nothing panics, `reparse` equals `parse`, the fast path builds the same tree as saphyr, and
//! every range lies on character boundaries inside the text.

use crate::cursor::cursor_context;
use crate::events;
use crate::fast;
use crate::parse::{Parse, parse};
use crate::split;
use crate::tree::{Node, NodeKind};

/// Rounds and seed can be raised for a long local run, e.g.
/// `DSTACK_SYNTAX_FUZZ_ROUNDS=20000 DSTACK_SYNTAX_FUZZ_SEED=7 cargo test --release -p dstack-syntax fuzz`;
/// by default the test is short and always the same.
fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rounds(default: u64) -> usize {
    setting("DSTACK_SYNTAX_FUZZ_ROUNDS", default) as usize
}

fn seed(default: u64) -> u64 {
    setting("DSTACK_SYNTAX_FUZZ_SEED", default).max(1)
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    "type: service\nname: llama-serve\n\nimage: vllm/vllm-openai:latest\nenv:\n  - HF_TOKEN\n  - MODEL_ID=meta-llama/Llama-3.1-8B-Instruct\ncommands:\n  - pip install -U \"vllm>=0.6\"\n  - vllm serve $MODEL_ID --port 8000\nport: 8000\nreplicas: 1..4\nscaling:\n  metric: rps\n  target: 10\n\nvolumes:\n  - name: llama-cache\n    path: /root/.cache/huggingface\n  - /mnt/data:/data\n\nresources:\n  gpu: A100:80GB:2\n  cpu: 8..\n  memory: 64GB..  # at least\n  disk: 200GB..\n\nspot_policy: auto\nmax_price: 2.5\n",
    "type: task\nname: 'train'\npython: \"3.11\"\nnodes: 2\ncommands:\n- |\n  pip install -r requirements.txt\n  python train.py\n- echo done\nresources:\n  gpu: {name: [A100, H100], count: 2}\n  shm_size: 8GB\n",
    "x-base: &base\n  image: ubuntu\n  env: [A=1, B=2]\ntype: dev-environment\n<<: *base\nide: vscode\ninit:\n  - >-\n    folded\n    text\n",
    "# comment\n---\ntype: fleet\nnodes: 1..2\nplacement: cluster\nssh_config:\n  user: ubuntu\n  hosts:\n    - 10.0.0.1\n    - hostname: 10.0.0.2\n      port: 22\n...\n",
    "resources:\r\n  gpu: 24GB..\r\n  disk: 100GB\r\nenv:\r\n  - 名前=値\r\n  - EMOJI=😀\r\n",
    "a: b\n  c\nd:\n  - e\n   - f\ng: \"unterminated\nh: [1, 2\ni: {x\n\tj: tab\nk: *nope\n",
];

const SNIPPETS: &[&str] = &[
    " ", "  ", "-", "- ", ":", ": ", "#", " #", "\n", "\r\n", "\r", "'", "\"", "[", "]", "{", "}",
    ",", "&a ", "*a", "!!str ", "|", ">", "\t", "x", "key: ", "\n  - ", "\n- ", "---\n", "...\n",
    "é", "😀", "\u{0}", "\u{feff}", "<<: *a\n", "? ",
];

fn mutate(rng: &mut XorShift, text: &str) -> String {
    let mut s = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(4) {
            0 => {
                let mut end = (at + 1 + rng.below(6)).min(s.len());
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                s.replace_range(at..end, "");
            }
            1 | 2 => s.insert_str(at, SNIPPETS[rng.below(SNIPPETS.len())]),
            _ => {
                // Duplicate a line: common while editing lists.
                let ls = s[..at].rfind('\n').map_or(0, |p| p + 1);
                let le = s[at..].find('\n').map_or(s.len(), |p| at + p + 1);
                let line = s[ls..le].to_string();
                s.insert_str(ls, &line);
            }
        }
    }
    s
}

fn check_ranges(text: &str, node: &Node, depth: usize) {
    let ok = |o: u32| (o as usize) <= text.len() && text.is_char_boundary(o as usize);
    assert!(
        ok(node.range.start) && ok(node.range.end),
        "bad range {:?} in {text:?}",
        node.range
    );
    assert!(depth < 200, "tree too deep");
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                check_ranges(text, &e.key, depth + 1);
                check_ranges(text, &e.value, depth + 1);
            }
        }
        NodeKind::Sequence(items) => items.iter().for_each(|n| check_ranges(text, n, depth + 1)),
        NodeKind::Scalar(s) => {
            assert!(ok(s.content_start), "bad content_start in {text:?}");
            if s.verbatim {
                let at = s.content_start as usize;
                assert_eq!(
                    text.get(at..at + s.text.len()),
                    Some(s.text.as_str()),
                    "verbatim lies in {text:?}"
                );
            }
        }
        _ => {}
    }
}

fn check_all(text: &str, old: &Parse, cursor_everywhere: bool) -> Parse {
    let p = parse(text);
    crate::parse::tests::assert_same_as_parse(old, text);
    let (resumed, fresh) = (
        crate::parse::resplit_for_test(old, text),
        split::split(text),
    );
    if resumed != fresh {
        let n = resumed
            .chunks
            .iter()
            .zip(&fresh.chunks)
            .take_while(|(a, b)| a == b)
            .count();
        panic!(
            "resumed split differs at chunk {n}: {:?} vs {:?} (doc_end {} vs {}, {} vs {} chunks)\nold: {:?}\nnew: {text:?}",
            resumed.chunks.get(n),
            fresh.chunks.get(n),
            resumed.doc_end,
            fresh.doc_end,
            resumed.chunks.len(),
            fresh.chunks.len(),
            old.source_text()
        );
    }
    if let Some(root) = &p.root {
        check_ranges(text, root, 0);
    }
    for e in &p.errors {
        assert!(
            text.is_char_boundary(e.range.start as usize)
                && text.is_char_boundary(e.range.end as usize)
        );
        assert!(
            e.range.end as usize <= text.len(),
            "error range out of text: {text:?}"
        );
    }
    if cursor_everywhere {
        for offset in 0..=text.len() + 1 {
            // A parse of another text (a stale one) must not break the cursor model either.
            let stale = cursor_context(text, old, offset as u32);
            assert!(
                stale.replace.end as usize <= text.len(),
                "replace out of text with a stale parse: {text:?}"
            );
            let c = cursor_context(text, &p, offset as u32);
            assert!(
                c.replace.end as usize <= text.len() && c.replace.start <= c.replace.end,
                "replace out of text: {text:?} at {offset}"
            );
        }
    }
    p
}

/// Fast path versus saphyr on every chunk the fast path accepts.
fn check_fast_path(text: &str) -> usize {
    let mut accepted = 0;
    for range in split::split(text).chunks.iter().map(|c| c.range) {
        let src = &text[range.start as usize..range.end as usize];
        if let Some(fast) = fast::parse_fast(src, range.start) {
            let slow = events::parse_chunk(src, range.start);
            assert_eq!(
                format!("{:?}{:?}", fast.root, fast.errors),
                format!("{:?}{:?}", slow.root, slow.errors),
                "fast path differs on {src:?}"
            );
            accepted += 1;
        }
    }
    accepted
}

#[test]
fn mutated_inputs_never_break_the_invariants() {
    let mut rng = XorShift(seed(0x9E37_79B9_7F4A_7C15));
    let mut old = Parse::default();
    let mut fast_accepted = 0;
    // A long list, so that lists split into item groups are mutated too.
    let mut long = String::from("type: task\nenv:\n");
    for i in 0..120 {
        long.push_str(&match i % 4 {
            0 => format!("  - VAR_{i}=x\n"),
            1 => format!("  - name: v{i}\n    path: /data/{i}\n"),
            2 => format!("  - |\n    echo {i}\n    - not an item\n"),
            _ => format!("  - \"quoted {i}\"  # note\n"),
        });
    }
    long.push_str("port: 80\n");
    let mut seeds: Vec<String> = SEEDS.iter().map(|s| s.to_string()).collect();
    seeds.push(long);
    for round in 0..rounds(400) {
        // A few successive edits of one document, each checked against the parse before it.
        let seed = &seeds[round % seeds.len()];
        let mut text = seed.clone();
        old = check_all(&text, &old, false);
        for _ in 0..1 + rng.below(4) {
            text = mutate(&mut rng, &text);
            old = check_all(&text, &old, text.len() < 400);
            fast_accepted += check_fast_path(&text);
        }
    }
    for seed in &seeds {
        old = check_all(seed, &old, seed.len() < 1000);
        fast_accepted += check_fast_path(seed);
    }
    // The fast path must actually be exercised by this test.
    assert!(
        fast_accepted > 300,
        "fast path accepted only {fast_accepted} chunks"
    );
}

#[test]
fn random_bytes_and_extremes() {
    let mut rng = XorShift(seed(42));
    let alphabet: Vec<char> = " \n\r\t-:#'\"[]{},&*!|>?%@`ab1.é😀\u{0}\u{feff}\u{2028}"
        .chars()
        .collect();
    for _ in 0..rounds(300) {
        let len = rng.below(60);
        let text: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        check_all(&text, &Parse::default(), true);
    }
    let deep_flow = "a: ".to_string() + &"[".repeat(50_000);
    check_all(&deep_flow, &Parse::default(), false);
    let deep_map = "a: ".to_string() + &"{b: ".repeat(5_000);
    check_all(&deep_map, &Parse::default(), false);
    let mut deep_block = String::new();
    for i in 0..500 {
        deep_block.push_str(&" ".repeat(i));
        deep_block.push_str("k:\n");
    }
    check_all(&deep_block, &Parse::default(), false);
    let deep_dashes = "- ".repeat(5_000) + "x\n";
    check_all(&deep_dashes, &Parse::default(), false);
    for odd in [
        "\u{feff}type: task\n",
        "\r",
        "\r\r\n\n",
        "\0",
        "a: 1\rb: 2\r",
        "---",
        "--- \n...",
        "%YAML 1.1\n---\na: 1\n",
        "? a\n: b\n",
        "a:\n-\n-\n",
    ] {
        check_all(odd, &Parse::default(), true);
    }
}

#[test]
fn large_input() {
    let line = "  - SOME_VARIABLE=some-value-that-is-long-enough\n";
    let mut text = String::from("env:\n");
    while text.len() < 10_000_000 {
        text.push_str(line);
    }
    let p = check_all(&text, &Parse::default(), false);
    assert!(p.errors.is_empty());
    let c = cursor_context(&text, &p, text.len() as u32 - 3);
    let items = (text.len() - 5) / line.len();
    let start = text.len() - line.len() + 4;
    let expected = format!(
        "Key env[{}] partial=\"SOME_VARIABLE=some-value-that-is-long-enou\" replace={start}..{} indent=4 after_dash",
        items - 1,
        text.len() - 1
    );
    assert_eq!(c.render(), expected);
}
