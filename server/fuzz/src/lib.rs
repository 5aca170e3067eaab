//! Shared pieces of the fuzz targets: the input layout, random edits, and the invariants every
//! layer must keep on any input (ranges inside the text and on character boundaries, `reparse`
//! equal to `parse`).
//!
//! Input layout of the `syntax` and `analysis` targets: byte 0 = length `n` of a header, the next
//! `n` bytes are decoded with `arbitrary` into the operations, and the rest is the document text
//! (lossy UTF-8). A seed file is `\0` + a dstack file, so plain examples make a useful corpus and
//! the fuzzer grows operations by mutating the header.

use arbitrary::{Arbitrary, Result, Unstructured};
use dstack_syntax::{Node, NodeKind, Parse, TextRange};

/// Upper bound on operations per input, so one input stays fast.
pub const MAX_OPS: usize = 24;

/// Edits that would grow the text past this are skipped: repeated `DuplicateLine` on a text without
/// newlines doubles it each time, and megabyte documents only make the fuzzer slow.
pub const MAX_TEXT: usize = 32 * 1024;

/// A document plus a sequence of operations on it.
#[derive(Debug)]
pub struct Case<Op> {
    pub ops: Vec<Op>,
    pub text: String,
}

impl<'a, Op: Arbitrary<'a>> Arbitrary<'a> for Case<Op> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let n = usize::from(u.arbitrary::<u8>()?).min(u.len());
        let mut header = Unstructured::new(u.bytes(n)?);
        let mut ops = Vec::new();
        while ops.len() < MAX_OPS && !header.is_empty() {
            match Op::arbitrary(&mut header) {
                Ok(op) => ops.push(op),
                Err(_) => break,
            }
        }
        let text = String::from_utf8_lossy(u.bytes(u.len())?).into_owned();
        Ok(Case { ops, text })
    }
}

/// Tokens that matter to YAML and to dstack's value syntaxes.
const TOKENS: &[&str] = &[
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "-",
    "- ",
    ":",
    ": ",
    "#",
    " # c",
    "'",
    "\"",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!str ",
    "|",
    "|-\n  ",
    ">",
    "? ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "\n  - ",
    "\n- ",
    "\n  ",
    "key: ",
    "type: ",
    "task",
    "service",
    "fleet",
    "resources:\n  gpu: ",
    "A100",
    ":80GB",
    "..",
    "24GB..",
    "1h30m",
    "${{ secrets.X }}",
    "${{ run.args }}",
    "$",
    "~",
    "null",
    "yes",
    "0x1F",
    "1e3",
    "3.10",
    "é",
    "😀",
    "\u{0}",
    "\u{feff}",
    "\u{2028}",
    "\\",
];

/// Characters that editors, terminals and YAML treat specially: C0/C1 controls, DEL, NEL, the
/// BOM, non-characters, line and paragraph separators, and a lone CR.
const CONTROLS: &[char] = &[
    '\u{0}',
    '\u{1}',
    '\u{7}',
    '\u{8}',
    '\u{b}',
    '\u{c}',
    '\r',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{9b}',
    '\u{a0}',
    '\u{200b}',
    '\u{2028}',
    '\u{2029}',
    '\u{feff}',
    '\u{fffe}',
    '\u{ffff}',
    '\u{10ffff}',
];

/// Text to insert: a known token, one character, arbitrary text, or a generated YAML structure
/// aimed at the anchor/alias/merge machinery.
#[derive(Arbitrary, Debug, Clone)]
pub enum Snippet {
    Token(u8),
    Char(char),
    Text(String),
    /// `&aN ` before a value.
    Anchor(u8),
    /// `*aN` (often naming an anchor that a nearby `Anchor` defined, or one that does not exist).
    Alias(u8),
    /// `<<: *aN` on its own line, or `<<: [*aN, *aM]`.
    Merge {
        first: u8,
        second: Option<u8>,
    },
    /// One control or special character from [`CONTROLS`].
    Control(u8),
    /// A self-contained alias bomb: `levels` nested flow lists, each the level below plus
    /// `width - 1` aliases to it (an exponential tree if anything expands aliases).
    AliasBomb {
        levels: u8,
        width: u8,
        merge: bool,
    },
}

/// Anchor names are drawn from a small set so that aliases often hit a defined anchor.
fn anchor_name(i: u8) -> String {
    format!("a{}", i % 8)
}

/// `levels` (at most 12) nested lists of `width` (at most 12): `[&b0 [x, x], *b0]` and so on;
/// with `merge`, flow mappings that merge the level below `width` times.
pub fn alias_bomb(levels: u8, width: u8, merge: bool) -> String {
    let (levels, width) = (usize::from(levels % 12) + 1, usize::from(width % 12) + 1);
    let mut s = if merge {
        "{k: x}".to_string()
    } else {
        format!("[{}]", vec!["x"; width].join(", "))
    };
    for l in 0..levels {
        let more = vec![format!("*b{l}"); width.saturating_sub(1)].join(", ");
        let sep = if more.is_empty() { "" } else { ", " };
        s = if merge {
            format!("{{<<: [&b{l} {s}{sep}{more}], k{l}: x}}")
        } else {
            format!("[&b{l} {s}{sep}{more}]")
        };
    }
    s
}

impl Snippet {
    fn text(&self) -> String {
        match self {
            Snippet::Token(i) => TOKENS[usize::from(*i) % TOKENS.len()].to_string(),
            Snippet::Char(c) => c.to_string(),
            Snippet::Text(s) => s.chars().take(64).collect(),
            Snippet::Anchor(i) => format!("&{} ", anchor_name(*i)),
            Snippet::Alias(i) => format!("*{}", anchor_name(*i)),
            Snippet::Merge {
                first,
                second: None,
            } => format!("<<: *{}\n", anchor_name(*first)),
            Snippet::Merge {
                first,
                second: Some(second),
            } => format!(
                "<<: [*{}, *{}]\n",
                anchor_name(*first),
                anchor_name(*second)
            ),
            Snippet::Control(i) => CONTROLS[usize::from(*i) % CONTROLS.len()].to_string(),
            Snippet::AliasBomb {
                levels,
                width,
                merge,
            } => alias_bomb(*levels, *width, *merge),
        }
    }
}

/// One edit, with positions taken modulo the text length.
#[derive(Arbitrary, Debug, Clone)]
pub enum Edit {
    Insert {
        at: u16,
        text: Snippet,
    },
    Delete {
        at: u16,
        len: u8,
    },
    Replace {
        at: u16,
        len: u8,
        text: Snippet,
    },
    /// Copy of the line under `at` inserted above it (common while editing lists).
    DuplicateLine {
        at: u16,
    },
    DeleteLine {
        at: u16,
    },
    /// Spaces put at the start of the line under `at` (re-indenting).
    Indent {
        at: u16,
        spaces: u8,
    },
}

/// `at` mapped into `0..=text.len()` and moved back to a character boundary.
pub fn offset(text: &str, at: u16) -> usize {
    let mut i = usize::from(at) % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The end of a `len`-byte span from `start`, moved forward to a character boundary.
fn span_end(text: &str, start: usize, len: u8) -> usize {
    let mut end = (start + usize::from(len)).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

fn line_bounds(text: &str, at: usize) -> (usize, usize) {
    let start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let end = text[at..].find('\n').map_or(text.len(), |p| at + p + 1);
    (start, end)
}

impl Edit {
    /// The text after this edit, and the offset where it happened (the text unchanged when the
    /// edit would make it longer than [`MAX_TEXT`]).
    pub fn apply(&self, text: &str) -> (String, usize) {
        let (s, at) = self.apply_unbounded(text);
        if s.len() > MAX_TEXT && s.len() > text.len() {
            return (text.to_string(), at.min(text.len()));
        }
        (s, at)
    }

    fn apply_unbounded(&self, text: &str) -> (String, usize) {
        let mut s = text.to_string();
        let at = match self {
            Edit::Insert { at, text: t } => {
                let at = offset(&s, *at);
                s.insert_str(at, &t.text());
                at
            }
            Edit::Delete { at, len } => {
                let at = offset(&s, *at);
                let end = span_end(&s, at, *len);
                s.replace_range(at..end, "");
                at
            }
            Edit::Replace { at, len, text: t } => {
                let at = offset(&s, *at);
                let end = span_end(&s, at, *len);
                s.replace_range(at..end, &t.text());
                at
            }
            Edit::DuplicateLine { at } => {
                let (ls, le) = line_bounds(&s, offset(&s, *at));
                let line = s[ls..le].to_string();
                s.insert_str(ls, &line);
                ls
            }
            Edit::DeleteLine { at } => {
                let (ls, le) = line_bounds(&s, offset(&s, *at));
                s.replace_range(ls..le, "");
                ls
            }
            Edit::Indent { at, spaces } => {
                let (ls, _) = line_bounds(&s, offset(&s, *at));
                s.insert_str(ls, &" ".repeat(usize::from(*spaces % 9)));
                ls
            }
        };
        (s, at)
    }
}

/// Panics unless `range` lies inside `text` on character boundaries.
pub fn assert_range(text: &str, range: TextRange, what: &str) {
    let (s, e) = (range.start as usize, range.end as usize);
    assert!(
        s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what}: range {s}..{e} is not a valid range of a {}-byte text",
        text.len()
    );
}

/// Every node and error of `parse` lies inside `text` on character boundaries.
pub fn check_parse(text: &str, parse: &Parse) {
    fn walk(text: &str, node: &Node, depth: usize) {
        assert_range(text, node.range, "node");
        if depth > 10_000 {
            return;
        }
        match &node.kind {
            NodeKind::Mapping(entries) => {
                for e in entries {
                    walk(text, &e.key, depth + 1);
                    walk(text, &e.value, depth + 1);
                }
            }
            NodeKind::Sequence(items) => items.iter().for_each(|n| walk(text, n, depth + 1)),
            _ => {}
        }
    }
    if let Some(root) = &parse.root {
        walk(text, root, 0);
    }
    for e in &parse.errors {
        assert_range(text, e.range, "syntax error");
    }
}

/// A comparable rendering of a parse (the tree and the errors).
pub fn render(parse: &Parse) -> String {
    format!("{:?}\n{:?}", parse.root, parse.errors)
}

/// Offsets to probe: every one for short texts, else an even spread plus `extra`.
pub fn probe_offsets(text: &str, extra: &[usize]) -> Vec<u32> {
    let len = text.len();
    let mut v: Vec<usize> = if len <= 300 {
        (0..=len + 1).collect()
    } else {
        (0..=64).map(|k| k * len / 64).collect()
    };
    v.extend_from_slice(extra);
    v.into_iter().map(|o| o as u32).collect()
}
