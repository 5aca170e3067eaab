//! Splitting a document into independently parsed chunks: one per top-level entry.
//!
//! A line at column 0 that starts a key begins a new chunk. Everything else (deeper lines,
//! zero-indented `- ` items of the previous key, comments, blank lines, continuations of an
//! open quote or flow collection) stays with the previous chunk. A small line lexer tracks
//! quotes, flow brackets and block scalars so that their content never splits a chunk.
//! The split also finds where the first YAML document ends (a second `---` or content after `...`).
//!
//! A large entry that is a plain list (`env:` followed by `- ` items) is split further into a
//! header and groups of items. Group boundaries depend only on the items' own text, so an edit
//! inside one item changes one group and every other group is reused by `reparse`.

use crate::text::TextRange;

/// What a chunk holds, which decides how its parse joins the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChunkKind {
    /// Whole top-level entries (plus comments around them).
    Entries,
    /// The `key:` line of a top-level list split into item groups.
    ListHeader,
    /// A group of `- ` items of the list opened by the last `ListHeader`.
    ListItems,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub range: TextRange,
    pub kind: ChunkKind,
}

/// Lists shorter than this are parsed as one chunk.
const LIST_SPLIT_MIN_LINES: usize = 64;
/// On average one item in this many ends a group; groups never exceed `MAX_GROUP` items.
const GROUP_ODDS: u32 = 32;
const MAX_GROUP: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Split {
    /// The chunks, in order, contiguous, covering `0..doc_end`.
    pub chunks: Vec<Chunk>,
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

/// Bytes that can change the lexer state.
const STATE_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let special = b"\"'[]{}|>";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

/// Advance the lexer over one line (its text without the line break).
pub(crate) fn lex_line(line: &[u8], st: &mut LexState) {
    if let Some(parent) = st.block_scalar {
        let blank = line.iter().all(|&b| b == b' ' || b == b'\t');
        if blank || indent_of(line) > parent {
            return;
        }
        st.block_scalar = None;
    }
    if st.quote.is_none() && st.flow == 0 && !line.iter().any(|&b| STATE_BYTES[b as usize]) {
        // Nothing on this line can open a quote, a bracket or a block scalar.
        return;
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
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut st = LexState::default();
    let mut chunk_start: Option<usize> = None;
    let mut seen_content = false;
    let mut after_doc_end = false;
    let mut single = false;
    let mut doc_end = bytes.len();
    let mut second_doc = None;
    // Lines of the current chunk that start outside any quote, bracket or block scalar.
    let mut clean: Vec<CleanLine> = Vec::new();
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
                push_entry_chunk(bytes, &mut chunks, s, line.start, &clean);
            }
            clean.clear();
            chunk_start = Some(line.start);
            st = LexState::default();
        } else {
            let indent = indent_of(l);
            let blank = indent == l.len() || l.iter().all(|&b| b == b' ' || b == b'\t');
            let block_ends = st.block_scalar.is_some_and(|p| indent <= p) && !blank;
            let is_clean =
                st.quote.is_none() && st.flow == 0 && (st.block_scalar.is_none() || block_ends);
            if is_clean && !is_blank_or_comment(l) {
                clean.push(CleanLine {
                    start: line.start,
                    end: line.end,
                    indent,
                    dash: is_dash_at(l, indent),
                });
            }
        }
        lex_line(l, &mut st);
    }
    if let Some(s) = chunk_start {
        if single {
            chunks.push(Chunk {
                range: TextRange::new(s as u32, doc_end as u32),
                kind: ChunkKind::Entries,
            });
        } else {
            push_entry_chunk(bytes, &mut chunks, s, doc_end, &clean);
        }
    }
    Split {
        chunks,
        doc_end: doc_end as u32,
        second_doc,
        single,
    }
}

/// A line of a chunk (not its first) that starts outside quotes, brackets and block scalars.
pub(crate) struct CleanLine {
    start: usize,
    end: usize,
    indent: usize,
    /// Starts with `- ` right after its indentation.
    dash: bool,
}

fn push_entry_chunk(
    bytes: &[u8],
    chunks: &mut Vec<Chunk>,
    start: usize,
    end: usize,
    clean: &[CleanLine],
) {
    if !split_list(bytes, chunks, start, end, clean) {
        chunks.push(Chunk {
            range: TextRange::new(start as u32, end as u32),
            kind: ChunkKind::Entries,
        });
    }
}

fn fnv(line: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in line {
        h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    }
    h
}

fn is_dash_at(line: &[u8], col: usize) -> bool {
    indent_of(line) == col && line.get(col) == Some(&b'-') && is_space(line.get(col + 1))
}

/// Split the entry `start..end` into a list header and item groups, when it is `key:` followed
/// only by `- ` items at one column (and lines inside them). Returns false to keep it whole.
/// `clean` lists the chunk's lines after the first that start outside quotes and block scalars.
fn split_list(
    bytes: &[u8],
    chunks: &mut Vec<Chunk>,
    start: usize,
    end: usize,
    clean: &[CleanLine],
) -> bool {
    if clean.len() < LIST_SPLIT_MIN_LINES {
        return false;
    }
    let head_end = bytes[start..end]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(end, |p| start + p);
    let head_line = &bytes[start..head_end];
    // A simple header: a plain key, its colon, then nothing but an optional comment.
    let Some(colon) = head_line.iter().position(|&b| b == b':') else {
        return false;
    };
    let key = &head_line[..colon];
    let simple_key = !key.is_empty()
        && key
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'));
    if !simple_key || key[0] == b'-' || !is_blank_or_comment(&head_line[colon + 1..]) {
        return false;
    }
    let Some(first) = clean.first() else {
        return false;
    };
    let col = first.indent;
    let mut groups: Vec<usize> = Vec::new();
    let mut in_group = 0;
    let mut close_group = false;
    for line in clean {
        if line.dash && line.indent == col {
            if groups.is_empty() || close_group || in_group >= MAX_GROUP {
                groups.push(line.start);
                in_group = 0;
            }
            in_group += 1;
            close_group = fnv(&bytes[line.start..line.end]).is_multiple_of(GROUP_ODDS);
        } else if line.indent <= col {
            return false;
        }
    }
    if !first.dash {
        return false;
    }
    let Some(&first_item) = groups.first() else {
        return false;
    };
    chunks.push(Chunk {
        range: TextRange::new(start as u32, first_item as u32),
        kind: ChunkKind::ListHeader,
    });
    for (i, &g) in groups.iter().enumerate() {
        let g_end = groups.get(i + 1).copied().unwrap_or(end);
        chunks.push(Chunk {
            range: TextRange::new(g as u32, g_end as u32),
            kind: ChunkKind::ListItems,
        });
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

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

#[cfg(test)]
mod list_tests {
    use super::*;

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
