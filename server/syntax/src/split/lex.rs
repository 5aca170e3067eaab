//! The line lexer the splitter runs on: which lines start keys, document markers, and the
//! quotes, flow brackets and block scalars a line leaves open (their content never splits).

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

pub(super) fn is_blank_or_comment(line: &[u8]) -> bool {
    let rest = &line[line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()..];
    rest.is_empty() || rest[0] == b'#'
}

pub(super) fn is_space(b: Option<&u8>) -> bool {
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

/// Bytes that can change the lexer state (and tabs, which `stray_tabs` looks for).
pub(super) const STATE_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let special = b"\"'[]{}|>\t";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

/// Advance the lexer over one line (its text without the line break).
pub(crate) fn lex_line(line: &[u8], st: &mut LexState) {
    lex_line_tabs(line, st, &mut |_| {});
}

/// The columns of tabs outside quotes, comments and block scalar text: PyYAML rejects those
/// ("found character '\t' that cannot start any token"), although YAML 1.2 allows some.
pub(crate) fn stray_tabs(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut st = LexState::default();
    let mut out = Vec::new();
    for line in lines(bytes) {
        lex_line_tabs(&bytes[line.start..line.end], &mut st, &mut |i| {
            out.push(line.start + i)
        });
    }
    out
}

/// `lex_line`, also reporting where a tab stands outside quotes, comments and block scalars.
pub(super) fn lex_line_tabs(line: &[u8], st: &mut LexState, on_tab: &mut impl FnMut(usize)) {
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
            if b == b'\t' {
                on_tab(i);
            }
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
            if c == b'\t' {
                on_tab(i);
            }
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
pub(super) fn close_quote(line: &[u8], from: usize, q: u8) -> Option<usize> {
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
pub(super) fn continues_previous(line: &[u8], st: &LexState) -> bool {
    let first = line.first().copied().unwrap_or(b' ');
    if first == b' ' || first == b'\t' || first == b'#' || line.is_empty() {
        return true;
    }
    if (first == b'-' || first == b':') && is_space(line.get(1)) {
        // A zero-indented list item, or the value of an explicit `? key` above.
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

pub(super) fn trim_comment(line: &[u8]) -> &[u8] {
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
pub(super) fn starts_non_mapping(line: &[u8]) -> bool {
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
