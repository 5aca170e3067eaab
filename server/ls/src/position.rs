//! The one place where positions are converted: LSP `(line, character)` in the negotiated
//! encoding <-> UTF-8 byte offsets used by the core. Out-of-range positions are clamped, never panic.

use ropey::Rope;

/// How `character` counts within a line, as negotiated in `initialize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

/// A 0-based line and character, in some encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub character: u32,
}

/// Line/column view over a rope. Ropey is built with `cr_lines` only, so `\n`, `\r\n` and a
/// lone `\r` end lines, exactly as in LSP (no Unicode line separators).
pub struct Positions<'a> {
    rope: &'a Rope,
    encoding: Encoding,
}

impl<'a> Positions<'a> {
    pub fn new(rope: &'a Rope, encoding: Encoding) -> Positions<'a> {
        Positions { rope, encoding }
    }

    /// Number of lines as LSP counts them (a trailing newline starts an empty last line).
    fn line_count(&self) -> usize {
        self.rope.len_lines()
    }

    /// Char index of the end of `line`'s content (before its line break).
    fn line_end_char(&self, line: usize) -> usize {
        let start = self.rope.line_to_char(line);
        let slice = self.rope.line(line);
        let mut len = slice.len_chars();
        // Strip the line break: "\r\n", "\n" or "\r".
        if len > 0 && slice.char(len - 1) == '\n' {
            len -= 1;
            if len > 0 && slice.char(len - 1) == '\r' {
                len -= 1;
            }
        } else if len > 0 && slice.char(len - 1) == '\r' {
            len -= 1;
        }
        start + len
    }

    /// LSP position -> char index in the rope, clamped to the line's content and the document.
    pub fn to_char(&self, pos: LineCol) -> usize {
        let line = pos.line as usize;
        if line >= self.line_count() {
            return self.rope.len_chars();
        }
        let start = self.rope.line_to_char(line);
        let end = self.line_end_char(line);
        let want = pos.character as usize;
        let c = match self.encoding {
            Encoding::Utf8 => {
                let start_byte = self.rope.char_to_byte(start);
                let end_byte = self.rope.char_to_byte(end);
                let b = (start_byte + want).min(end_byte);
                // A byte offset inside a multi-byte char snaps to that char's start.
                self.rope.byte_to_char(b)
            }
            Encoding::Utf16 => {
                let start_cu = self.rope.char_to_utf16_cu(start);
                let end_cu = self.rope.char_to_utf16_cu(end);
                let cu = (start_cu + want).min(end_cu);
                self.rope.utf16_cu_to_char(cu)
            }
        };
        c.clamp(start, end)
    }

    /// LSP position -> byte offset.
    pub fn to_offset(&self, pos: LineCol) -> u32 {
        let c = self.to_char(pos);
        self.rope.char_to_byte(c) as u32
    }

    /// Byte offset -> LSP position. Offsets past the end clamp to the end.
    pub fn to_line_col(&self, offset: u32) -> LineCol {
        let b = (offset as usize).min(self.rope.len_bytes());
        let c = self.rope.byte_to_char(b);
        let line = self.rope.char_to_line(c);
        let line_start = self.rope.line_to_char(line);
        let character = match self.encoding {
            Encoding::Utf8 => b - self.rope.char_to_byte(line_start),
            Encoding::Utf16 => {
                self.rope.char_to_utf16_cu(c) - self.rope.char_to_utf16_cu(line_start)
            }
        };
        LineCol {
            line: line as u32,
            character: character as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(text: &str, enc: Encoding) -> Vec<(u32, LineCol)> {
        let rope = Rope::from_str(text);
        let p = Positions::new(&rope, enc);
        text.char_indices()
            // The `\n` of a CRLF has no LSP position of its own: it maps to the `\r`.
            .filter(|&(b, c)| !(c == '\n' && b > 0 && text.as_bytes()[b - 1] == b'\r'))
            .map(|(b, _)| {
                let lc = p.to_line_col(b as u32);
                assert_eq!(
                    p.to_offset(lc),
                    b as u32,
                    "roundtrip at byte {b} in {text:?}"
                );
                (b as u32, lc)
            })
            .collect()
    }

    #[test]
    fn cjk_emoji_crlf_roundtrip() {
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            roundtrip("name: 日本語\r\ngpu: 😀A100\r\n\r\nx: y", enc);
            roundtrip("a\rb\nc\r\nd", enc);
        }
    }

    #[test]
    fn encodings_count_differently() {
        let text = "n: 日😀x\n";
        let rope = Rope::from_str(text);
        let x = text.find('x').unwrap() as u32;
        let u8p = Positions::new(&rope, Encoding::Utf8).to_line_col(x);
        let u16p = Positions::new(&rope, Encoding::Utf16).to_line_col(x);
        assert_eq!((u8p.line, u8p.character), (0, 3 + 3 + 4));
        assert_eq!((u16p.line, u16p.character), (0, 3 + 1 + 2));
    }

    #[test]
    fn clamps_out_of_range() {
        let text = "ab\r\ncd";
        let rope = Rope::from_str(text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let p = Positions::new(&rope, enc);
            // Past the end of line 0 clamps before "\r\n", not into it.
            assert_eq!(
                p.to_offset(LineCol {
                    line: 0,
                    character: 99
                }),
                2
            );
            assert_eq!(
                p.to_offset(LineCol {
                    line: 9,
                    character: 0
                }),
                text.len() as u32
            );
            assert_eq!(
                p.to_line_col(999),
                LineCol {
                    line: 1,
                    character: 2
                }
            );
        }
    }

    #[test]
    fn utf16_inside_surrogate_pair_snaps() {
        let text = "😀b";
        let rope = Rope::from_str(text);
        let p = Positions::new(&rope, Encoding::Utf16);
        // Character 1 is the middle of the surrogate pair; it must not panic and must land on a boundary.
        let off = p.to_offset(LineCol {
            line: 0,
            character: 1,
        });
        assert!(text.is_char_boundary(off as usize));
        assert_eq!(
            p.to_offset(LineCol {
                line: 0,
                character: 2
            }),
            4
        );
    }
}
