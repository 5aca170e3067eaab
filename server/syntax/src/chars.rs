//! Characters PyYAML's reader treats specially. It refuses, anywhere in the file (comments
//! included), every character outside tab, LF, CR, U+0020-U+007E, NEL, U+00A0-U+D7FF,
//! U+E000-U+FFFD and U+10000 up; it reads NEL, U+2028 and U+2029 as line breaks (YAML 1.1);
//! and it accepts U+FEFF inside the text as an ordinary character. saphyr (YAML 1.2) differs on
//! all three, so chunks are cleaned before saphyr or the fast path sees them: the byte length
//! never changes, so every offset stays the original text's.

use std::borrow::Cow;

use crate::text::TextRange;
use crate::tree::{Node, NodeKind, SyntaxError, visit_mut};

/// What stands in for a mid-text U+FEFF while parsing (same UTF-8 length, printable for saphyr).
const BOM_STAND_IN: char = '\u{FFFD}';

/// True for the characters PyYAML's reader refuses.
pub(crate) fn is_refused(c: char) -> bool {
    !matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A quick byte test: false means the text has no character this module cares about.
fn may_need_care(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F || b >= 0xC2)
}

/// Refused characters named one by one before the rest are summed up in one error (a binary
/// file would otherwise make one error per byte).
const MAX_NAMED: usize = 200;

/// One error per refused character, at its exact range (after [`MAX_NAMED`], one for the rest).
pub(crate) fn refused_char_errors(text: &str) -> Vec<SyntaxError> {
    if !may_need_care(text.as_bytes()) {
        return Vec::new();
    }
    let mut refused = text.char_indices().filter(|&(_, c)| is_refused(c));
    let range = |at: usize, c: char| TextRange::new(at as u32, (at + c.len_utf8()) as u32);
    let mut errors: Vec<SyntaxError> = refused
        .by_ref()
        .take(MAX_NAMED)
        .map(|(at, c)| SyntaxError {
            range: range(at, c),
            message: refused_message(c),
        })
        .collect();
    if let Some((at, c)) = refused.next() {
        errors.push(SyntaxError {
            range: range(at, c),
            message: format!(
                "{} more characters that are not allowed in a YAML file start here; is this a binary file?",
                1 + refused.count()
            ),
        });
    }
    errors
}

fn refused_message(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL",
        "start of heading",
        "start of text",
        "end of text",
        "end of transmission",
        "enquiry",
        "acknowledge",
        "bell",
        "backspace",
        "tab",
        "line feed",
        "vertical tab",
        "form feed",
        "carriage return",
        "shift out",
        "shift in",
        "data link escape",
        "device control 1",
        "device control 2",
        "device control 3",
        "device control 4",
        "negative acknowledge",
        "synchronous idle",
        "end of transmission block",
        "cancel",
        "end of medium",
        "substitute",
        "escape",
        "file separator",
        "group separator",
        "record separator",
        "unit separator",
    ];
    let code = c as u32;
    let (what, hint) = match code {
        0 => (
            "the NUL character (U+0000)".to_string(),
            "; the file may be binary or saved as UTF-16 instead of UTF-8",
        ),
        0x1B => (
            "the control character U+001B (escape)".to_string(),
            " — pasted terminal colour codes often bring it",
        ),
        0x01..=0x1A | 0x1C..=0x1F => (
            format!("the control character U+{code:04X} ({})", C0[code as usize]),
            "",
        ),
        0x7F => ("the control character U+007F (delete)".to_string(), ""),
        0x80..=0x9F => (
            format!("the control character U+{code:04X}"),
            " — it often comes from text pasted out of a terminal or another encoding",
        ),
        _ => (format!("the character U+{code:04X}"), ""),
    };
    format!("{what} is not allowed in a YAML file; remove it{hint}")
}

/// The chunk as PyYAML's scanner sees it, for saphyr and the fast path: refused characters
/// become `_` (so the rest still parses and only our one error names them), NEL/U+2028/U+2029
/// become spaces and a line feed, a U+FEFF other than the file's first character becomes a
/// stand-in (put back by [`restore`]). `base` is the chunk's offset in the file.
pub(crate) fn clean_chunk(src: &str, base: u32) -> Cow<'_, str> {
    if !may_need_care(src.as_bytes()) {
        return Cow::Borrowed(src);
    }
    let mut out = String::with_capacity(src.len());
    let mut changed = false;
    for (at, c) in src.char_indices() {
        let n = c.len_utf8();
        if is_refused(c) {
            out.extend(std::iter::repeat_n('_', n));
        } else if matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') {
            out.extend(std::iter::repeat_n(' ', n - 1));
            out.push('\n');
        } else if c == '\u{FEFF}' && base as usize + at != 0 {
            out.push(BOM_STAND_IN);
        } else {
            out.push(c);
            continue;
        }
        changed = true;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(src)
    }
}

/// Make a tree built from a cleaned chunk describe `raw` again: ranges on `raw`'s character
/// boundaries, verbatim scalars holding `raw`'s text, and each mid-text U+FEFF put back.
pub(crate) fn restore(raw: &str, base: u32, root: Option<&mut Node>, errors: &mut [SyntaxError]) {
    let snap = |r: TextRange| {
        let (mut s, mut e) = (
            (r.start - base.min(r.start)) as usize,
            (r.end - base.min(r.end)) as usize,
        );
        while s > 0 && !raw.is_char_boundary(s) {
            s -= 1;
        }
        while e < raw.len() && !raw.is_char_boundary(e) {
            e += 1;
        }
        TextRange::new(base + s as u32, base + e as u32)
    };
    for err in errors {
        err.range = snap(err.range);
    }
    let Some(root) = root else {
        return;
    };
    visit_mut(root, &mut |node: &mut Node| {
        node.range = snap(node.range);
        let NodeKind::Scalar(s) = &mut node.kind else {
            return;
        };
        s.content_start = snap(TextRange::empty(s.content_start)).start;
        if s.verbatim {
            let at = (s.content_start - base.min(s.content_start)) as usize;
            match raw.get(at..at + s.text.len()) {
                Some(original) => {
                    if let crate::scalar::ScalarValue::Str(v) = &mut s.value
                        && *v == s.text
                    {
                        *v = original.to_string();
                    }
                    s.text = original.to_string();
                }
                None => s.verbatim = false,
            }
        } else if s.text.contains(BOM_STAND_IN) {
            s.text = s.text.replace(BOM_STAND_IN, "\u{FEFF}");
        }
        if let crate::scalar::ScalarValue::Str(v) = &mut s.value
            && v.contains(BOM_STAND_IN)
        {
            *v = v.replace(BOM_STAND_IN, "\u{FEFF}");
        }
    });
}
