//! Problems in words: where a quote or flow collection ends, keys PyYAML cannot load, and
//! saphyr's scanner messages in our vocabulary.

use crate::text::TextRange;
use crate::tree::{Node, NodeKind, ScalarStyle};

/// The end of the quoted scalar or flow collection opening at `open` (inclusive), if it closes.
pub(super) fn construct_end(bytes: &[u8], open: usize) -> Option<usize> {
    let first = *bytes.get(open)?;
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = open;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                let escape = (q == b'"' && b == b'\\')
                    || (b == q && q == b'\'' && bytes.get(i + 1) == Some(&b'\''));
                if escape {
                    i += 1;
                } else if b == q {
                    quote = None;
                    if depth == 0 {
                        return Some(i);
                    }
                }
            }
            None => match b {
                b'"' | b'\''
                    if i == open
                        || matches!(bytes[i - 1], b' ' | b'[' | b'{' | b',' | b'\n' | b':') =>
                {
                    quote = Some(b)
                }
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && matches!(first, b'[' | b'{') {
                        return Some(i);
                    }
                }
                b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Keys PyYAML cannot load although YAML 1.2 allows them: a list or mapping as a key
/// (unhashable in Python), and an implicit empty key (a line starting with `: `).
pub(super) fn key_problem(src: &str, base: u32, key: &Node) -> Option<(TextRange, &'static str)> {
    match &key.kind {
        NodeKind::Mapping(_) | NodeKind::Sequence(_) => Some((
            key.range,
            "a key must be plain text, not a list or a mapping (remove the `?` or the brackets)",
        )),
        NodeKind::Scalar(_)
            if spans_lines(src, base, key) && !after_question_mark(src, base, key) =>
        {
            Some((
                key.range,
                "a key must fit on one line (or start it with `? ` to write a long key)",
            ))
        }
        NodeKind::Scalar(s)
            if s.text.is_empty()
                && s.style == ScalarStyle::Plain
                && key.anchor.is_none()
                && key.tag.is_none() =>
        {
            let at = (key.range.start - base) as usize;
            let before = at.checked_sub(1).and_then(|i| src.as_bytes().get(i));
            (before == Some(&b':')).then(|| {
                (
                    TextRange::new(key.range.start - 1, key.range.start),
                    "a key is missing before this `:` (write `key: value`)",
                )
            })
        }
        _ => None,
    }
}

fn spans_lines(src: &str, base: u32, node: &Node) -> bool {
    let (s, e) = (
        (node.range.start - base) as usize,
        (node.range.end - base) as usize,
    );
    src.as_bytes()
        .get(s..e)
        .is_some_and(|b| b.iter().any(|&c| c == b'\n' || c == b'\r'))
}

/// The node is an explicit key: `?` comes right before it (spaces and line breaks between).
fn after_question_mark(src: &str, base: u32, node: &Node) -> bool {
    let bytes = src.as_bytes();
    let mut p = ((node.range.start - base) as usize).min(bytes.len());
    while p > 0 && matches!(bytes[p - 1], b' ' | b'\t' | b'\n' | b'\r') {
        p -= 1;
    }
    p > 0 && bytes[p - 1] == b'?'
}

pub(super) fn skip_space_and_comments(bytes: &[u8], mut p: usize, limit: usize) -> usize {
    while p < limit {
        match bytes[p] {
            b' ' | b'\t' | b'\r' | b'\n' => p += 1,
            b'#' => {
                while p < limit && bytes[p] != b'\n' {
                    p += 1;
                }
            }
            _ => break,
        }
    }
    p
}

pub(super) fn line_bounds(src: &str, pos: usize) -> (usize, usize) {
    let bytes = src.as_bytes();
    let mut s = pos.min(bytes.len());
    while s > 0 && bytes[s - 1] != b'\n' && bytes[s - 1] != b'\r' {
        s -= 1;
    }
    let mut e = pos.min(bytes.len());
    while e < bytes.len() && bytes[e] != b'\n' && bytes[e] != b'\r' {
        e += 1;
    }
    (s, e)
}

/// The token at `pos` (up to the next space), at least one character when there is one.
fn token_end(src: &str, pos: usize) -> usize {
    let (_, line_end) = line_bounds(src, pos);
    let bytes = src.as_bytes();
    let mut e = pos;
    while e < line_end && !matches!(bytes[e], b' ' | b'\t') {
        e += 1;
    }
    if e == pos && pos < line_end {
        e = pos + src[pos..].chars().next().map_or(1, char::len_utf8);
    }
    e
}

/// saphyr's messages (matched by a fragment) in our words; the first match wins.
const MESSAGES: &[(&[&str], &str)] = &[
    (
        &["mapping values are not allowed"],
        "unexpected `:` here: a value cannot start another `key: value` on the same line or deeper; check the indentation, or quote the value if the colon belongs to it",
    ),
    (
        &["block mapping, did not find expected key"],
        "this line does not line up with the keys above it: check its indentation",
    ),
    (
        &["expected '-' indicator"],
        "expected another list item (`- ...`) at this indentation: check the indentation of this line",
    ),
    (
        &["flow sequence"],
        "this `[...]` list is not closed: add `]` (items are separated by commas, e.g. `[a, b]`)",
    ),
    (
        &["flow mapping"],
        "this `{...}` mapping is not closed: add `}` (entries are separated by commas, e.g. `{name: A100, count: 2}`)",
    ),
    (
        &["simple key", "expected ':'"],
        "expected `:` after this key (write `key: value`)",
    ),
    (
        &["did not find expected node content"],
        "a value is missing here",
    ),
    (
        &["block sequence entries are not allowed"],
        "a list item (`- ...`) cannot start here: put it on its own line, indented under its key",
    ),
    (
        &["recursion limit"],
        "this value is nested too deeply to be analysed",
    ),
    (
        &["unprintable", "byte order mark"],
        "this character is not allowed in a YAML file (a control character or binary data)",
    ),
    (
        &["trailing content after double-quoted"],
        "unexpected text after the closing quote: put the whole value inside the quotes",
    ),
    (
        &["block scalar"],
        "this block text (`|` or `>`) is badly indented: indent every line of it more than its key",
    ),
    (
        &["invalid indentation"],
        "wrong indentation here: line it up with the entries it belongs to",
    ),
    (
        &["document", "directive"],
        "unexpected document marker or directive here",
    ),
    (
        &["anchor or alias"],
        "an anchor (`&name`) or alias (`*name`) needs a name made of letters, digits, `-` or `_`",
    ),
    (&["tag"], "this tag (`!...`) is not valid"),
];

/// The scanner's message in plain words, with the range it is about.
pub(super) fn describe_error(src: &str, pos: usize, info: &str) -> (usize, usize, String) {
    let (line_start, line_end) = line_bounds(src, pos);
    let bytes = src.as_bytes();
    let tok = token_end(src, pos);
    if info.contains("quoted scalar")
        && (info.contains("end of stream")
            || info.contains("indentation")
            || info.contains("document indicator"))
    {
        let q = if bytes.get(pos) == Some(&b'\'') {
            "'"
        } else {
            "\""
        };
        return (
            pos,
            line_end.max(pos),
            format!(
                "this quoted value is never closed: add the closing {q} at the end of the value"
            ),
        );
    }
    if info.contains("valid YAML whitespace") && pos > 0 && bytes.get(pos - 1) == Some(&b'\t') {
        return (
            pos - 1,
            pos,
            "tab character where YAML expects a space: use spaces".into(),
        );
    }
    if info.contains("tab") {
        let mut s = line_start;
        while s < line_end && bytes[s] == b' ' {
            s += 1;
        }
        let mut e = s;
        while e < line_end && matches!(bytes[e], b' ' | b'\t') {
            e += 1;
        }
        if e > s && bytes[s..e].contains(&b'\t') {
            return (
                s,
                e,
                "tab character in the indentation: YAML indents with spaces only".into(),
            );
        }
        return (
            pos,
            tok,
            "tab character where YAML expects spaces: replace it with spaces".into(),
        );
    }
    let at_item = bytes.get(pos) == Some(&b'-')
        && matches!(
            bytes.get(pos + 1),
            None | Some(b' ' | b'\t' | b'\n' | b'\r')
        );
    let message = if at_item
        && (info.contains("did not find expected key") || info.contains("expected '-' indicator"))
    {
        "this list item does not line up with the items above it: check its indentation".to_string()
    } else if info.contains("unexpected character") {
        let ch = src.get(pos..).and_then(|r| r.chars().next()).unwrap_or('?');
        format!("a value cannot start with `{ch}`: quote the value, e.g. \"{ch}...\"")
    } else {
        MESSAGES
            .iter()
            .find(|(needles, _)| needles.iter().any(|n| info.contains(n)))
            .map_or_else(
                || format!("YAML syntax error: {info}"),
                |(_, m)| m.to_string(),
            )
    };
    (pos, tok, message)
}
