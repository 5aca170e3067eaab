//! Splitting a document into independently parsed chunks: one per top-level entry.
//!
//! A line at column 0 that starts a key begins a new chunk. Everything else (deeper lines,
//! zero-indented `- ` items of the previous key, comments, blank lines, continuations of an
//! open quote or flow collection) stays with the previous chunk. A small line lexer tracks
//! quotes, flow brackets and block scalars so that their content never splits a chunk.
//! The split also finds where the first YAML document ends (a second `---` or content after `...`).

use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Split {
    /// Byte ranges of the chunks, in order, contiguous, covering `0..doc_end`.
    pub chunks: Vec<TextRange>,
    /// Where the first document's text ends.
    pub doc_end: u32,
    /// The start of a second document (its `---`, or its first content after `...`).
    pub second_doc: Option<TextRange>,
    /// The document is not a block mapping at the top: it is parsed as one chunk.
    pub single: bool,
}

/// One physical line: `start..end` is its text without the line break.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
}

/// Lines split on `\n`, `\r\n` and a lone `\r`, like LSP clients count them.
pub(crate) fn lines(text: &[u8]) -> impl Iterator<Item = Line> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let mut i = pos;
        while i < text.len() && text[i] != b'\n' && text[i] != b'\r' {
            i += 1;
        }
        let end = i;
        pos = match text.get(i) {
            Some(b'\r') if text.get(i + 1) == Some(&b'\n') => i + 2,
            Some(_) => i + 1,
            None => i,
        };
        Some(Line { start, end })
    })
}

/// Lexer state carried from one line to the next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LexState {
    /// Inside a quoted scalar opened on an earlier line (`b'"'` or `b'\''`).
    pub quote: Option<u8>,
    /// Open `[`/`{` brackets.
    pub flow: u32,
    /// Inside a block scalar (`|`, `>`) whose header line had this indentation.
    pub block_scalar: Option<usize>,
}

pub(crate) fn indent_of(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ').count()
}

fn is_blank_or_comment(line: &[u8]) -> bool {
    let rest = &line[line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()..];
    rest.is_empty() || rest[0] == b'#'
}

fn is_space(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t'))
}

/// `---` or `...` followed by a space or the end of the line.
pub(crate) fn doc_marker(line: &[u8]) -> Option<u8> {
    match line {
        [b'-', b'-', b'-', rest @ ..] if is_space(rest.first()) => Some(b'-'),
        [b'.', b'.', b'.', rest @ ..] if is_space(rest.first()) => Some(b'.'),
        _ => None,
    }
}

/// A line that looks like `key:` or `key: value` with a plain or quoted key.
pub(crate) fn looks_like_key(line: &[u8]) -> bool {
    let first = match line.first() {
        Some(&b) => b,
        None => return false,
    };
    if b"-?:,[]{}#&*!|>%@`".contains(&first) || first == b' ' || first == b'\t' {
        return false;
    }
    let mut i = 0;
    if first == b'"' || first == b'\'' {
        i = 1;
        while i < line.len() && line[i] != first {
            i += 1;
        }
        i += 1;
    }
    while i < line.len() {
        match line[i] {
            b':' if is_space(line.get(i + 1)) => return true,
            b'#' if i > 0 && matches!(line[i - 1], b' ' | b'\t') => return false,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Advance the lexer over one line (its text without the line break).
pub(crate) fn lex_line(line: &[u8], st: &mut LexState) {
    if let Some(parent) = st.block_scalar {
        let blank = line.iter().all(|&b| b == b' ' || b == b'\t');
        if blank || indent_of(line) > parent {
            return;
        }
        st.block_scalar = None;
    }
    let mut i = 0;
    if let Some(q) = st.quote {
        match close_quote(line, 0, q) {
            Some(end) => {
                st.quote = None;
                i = end;
            }
            None => return,
        }
    }
    let mut expect_node = i == 0;
    while i < line.len() {
        let b = line[i];
        if b == b' ' || b == b'\t' {
            i += 1;
            continue;
        }
        let next = line.get(i + 1);
        if b == b'#' && (i == 0 || matches!(line[i - 1], b' ' | b'\t')) {
            return;
        }
        if expect_node {
            match b {
                b'-' | b'?' if is_space(next) => {
                    i += 1;
                    continue;
                }
                b'"' | b'\'' => {
                    match close_quote(line, i + 1, b) {
                        Some(end) => i = end,
                        None => {
                            st.quote = Some(b);
                            return;
                        }
                    }
                    expect_node = false;
                    continue;
                }
                b'[' | b'{' => {
                    st.flow += 1;
                    i += 1;
                    continue;
                }
                b'&' | b'!' => {
                    while i < line.len() && !matches!(line[i], b' ' | b'\t') {
                        i += 1;
                    }
                    continue;
                }
                b'|' | b'>' if st.flow == 0 => {
                    let rest = &line[i + 1..];
                    let header_len = rest
                        .iter()
                        .take_while(|c| matches!(c, b'-' | b'+' | b'0'..=b'9'))
                        .count();
                    if is_blank_or_comment(&rest[header_len..]) {
                        st.block_scalar = Some(indent_of(line));
                    }
                    return;
                }
                _ => {}
            }
        }
        match b {
            b']' | b'}' if st.flow > 0 => {
                st.flow -= 1;
                i += 1;
                expect_node = false;
                continue;
            }
            b',' if st.flow > 0 => {
                i += 1;
                expect_node = true;
                continue;
            }
            b':' if is_space(next) || st.flow > 0 => {
                i += 1;
                expect_node = true;
                continue;
            }
            _ => {}
        }
        // A plain scalar (or alias): runs to `: `, ` #`, or a flow indicator inside a flow.
        expect_node = false;
        i += 1;
        while i < line.len() {
            let c = line[i];
            if (c == b':' && (is_space(line.get(i + 1)) || st.flow > 0))
                || (c == b'#' && matches!(line[i - 1], b' ' | b'\t'))
                || (st.flow > 0 && matches!(c, b',' | b'[' | b']' | b'{' | b'}'))
            {
                break;
            }
            i += 1;
        }
    }
}

/// Index just after the closing quote, searching from `from`; `None` if the line ends first.
fn close_quote(line: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut i = from;
    while i < line.len() {
        let b = line[i];
        if q == b'"' && b == b'\\' {
            i += 2;
            continue;
        }
        if b == q {
            if q == b'\'' && line.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// Does a column-0 line continue the chunk opened above (given the lexer state before it)?
fn continues_previous(line: &[u8], st: &LexState) -> bool {
    let first = line.first().copied().unwrap_or(b' ');
    if first == b' ' || first == b'\t' || first == b'#' || line.is_empty() {
        return true;
    }
    if first == b'-' && is_space(line.get(1)) {
        return true;
    }
    if st.quote.is_some() {
        // An unclosed quote usually swallows the next keys by mistake: a key line starts afresh.
        return !looks_like_key(line);
    }
    if st.flow > 0 {
        let trimmed = trim_comment(line);
        let closes = trimmed.iter().any(|&b| b == b']' || b == b'}');
        if matches!(first, b']' | b'}' | b',') || closes || trimmed.last() == Some(&b',') {
            return true;
        }
        return !looks_like_key(line);
    }
    false
}

fn trim_comment(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    for i in 0..line.len() {
        if line[i] == b'#' && (i == 0 || matches!(line[i - 1], b' ' | b'\t')) {
            end = i;
            break;
        }
    }
    let mut e = end;
    while e > 0 && matches!(line[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    &line[..e]
}

/// Does the first content line make the document something other than a block mapping?
fn starts_non_mapping(line: &[u8]) -> bool {
    if indent_of(line) > 0 || line.first() == Some(&b'\t') {
        return true;
    }
    match line.first() {
        Some(b'{' | b'[' | b'|' | b'>' | b'!' | b'&' | b'*' | b'?' | b'%') => true,
        Some(b'-') => is_space(line.get(1)),
        Some(b'"' | b'\'') => !looks_like_key(line),
        _ => false,
    }
}

pub(crate) fn split(text: &str) -> Split {
    let bytes = text.as_bytes();
    let mut chunks: Vec<TextRange> = Vec::new();
    let mut st = LexState::default();
    let mut chunk_start: Option<usize> = None;
    let mut seen_content = false;
    let mut after_doc_end = false;
    let mut single = false;
    let mut doc_end = bytes.len();
    let mut second_doc = None;
    for line in lines(bytes) {
        let l = &bytes[line.start..line.end];
        if let Some(marker) = doc_marker(l) {
            if marker == b'-' && (seen_content || after_doc_end) {
                doc_end = line.start;
                second_doc = Some(TextRange::new(line.start as u32, line.start as u32 + 3));
                break;
            }
            if marker == b'.' {
                after_doc_end = true;
            }
            st = LexState::default();
            continue;
        }
        if after_doc_end {
            if !is_blank_or_comment(l) {
                doc_end = line.start;
                let end = line.start + trim_comment(l).len().max(1).min(l.len());
                second_doc = Some(TextRange::new(line.start as u32, end as u32));
                break;
            }
            continue;
        }
        if !seen_content {
            if is_blank_or_comment(l) {
                continue;
            }
            seen_content = true;
            single = starts_non_mapping(l);
            chunk_start = Some(0);
            lex_line(l, &mut st);
            continue;
        }
        if single {
            continue;
        }
        if l.first().is_some_and(|&b| b != b' ') && !continues_previous(l, &st) {
            if let Some(s) = chunk_start {
                chunks.push(TextRange::new(s as u32, line.start as u32));
            }
            chunk_start = Some(line.start);
            st = LexState::default();
        }
        lex_line(l, &mut st);
    }
    if let Some(s) = chunk_start {
        chunks.push(TextRange::new(s as u32, doc_end as u32));
    }
    Split {
        chunks,
        doc_end: doc_end as u32,
        second_doc,
        single,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        let s = split(text);
        let mut out = String::new();
        for c in &s.chunks {
            out.push_str(&format!("{:?}\n", &text[c.start as usize..c.end as usize]));
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
