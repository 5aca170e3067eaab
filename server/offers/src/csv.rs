//! A small CSV reader with the rules of Python's `csv` module in its default (`excel`) dialect,
//! which is what gpuhunt writes and reads: `,` separators, `"` quoting with `""` as an escaped
//! quote, quoted fields may hold separators and line breaks, `\n`, `\r\n` or `\r` end a record.
//!
//! The reader reuses one buffer for all fields of a record, so reading a large catalog allocates
//! only while the buffer grows.

/// Iterates over the records of a CSV text. Never fails: a quote left open runs to the end of
/// the text, as Python's reader does in non-strict mode.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// 1-based line number where the current record starts (for warnings).
    line: usize,
    buf: String,
    ends: Vec<usize>,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Reader<'a> {
        // A leading byte-order mark is not part of the first field name.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Reader {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
            buf: String::new(),
            ends: Vec::new(),
        }
    }

    /// Reads the next record; `None` at the end of the text. An empty line yields an empty record.
    pub fn next_record(&mut self) -> Option<Record<'_>> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        self.buf.clear();
        self.ends.clear();
        let start_line = self.line;
        let bytes = self.bytes;
        let mut field_start = 0usize;
        let mut in_quotes = false;
        let mut any = false;
        // Bytes are copied in runs between special characters to keep the loop cheap.
        let mut run_start = self.pos;
        let mut i = self.pos;
        while i < bytes.len() {
            let b = bytes[i];
            if in_quotes {
                if b == b'"' {
                    self.push_run(run_start, i);
                    if bytes.get(i + 1) == Some(&b'"') {
                        self.buf.push('"');
                        i += 2;
                    } else {
                        in_quotes = false;
                        i += 1;
                    }
                    run_start = i;
                    continue;
                }
                if b == b'\n' {
                    self.line += 1;
                }
                i += 1;
                continue;
            }
            match b {
                b',' => {
                    self.push_run(run_start, i);
                    self.ends.push(self.buf.len());
                    field_start = self.buf.len();
                    any = true;
                    i += 1;
                    run_start = i;
                }
                b'"' if self.buf.len() == field_start && run_start == i => {
                    // A quote opens quoting only at the start of a field.
                    in_quotes = true;
                    i += 1;
                    run_start = i;
                }
                b'\n' | b'\r' => {
                    self.push_run(run_start, i);
                    i += 1;
                    if b == b'\r' && bytes.get(i) == Some(&b'\n') {
                        i += 1;
                    }
                    self.line += 1;
                    self.pos = i;
                    if any || !self.buf.is_empty() {
                        self.ends.push(self.buf.len());
                    }
                    return Some(Record {
                        buf: &self.buf,
                        ends: &self.ends,
                        line: start_line,
                    });
                }
                _ => i += 1,
            }
        }
        self.push_run(run_start, bytes.len());
        self.pos = bytes.len();
        if any || !self.buf.is_empty() || in_quotes {
            self.ends.push(self.buf.len());
        }
        Some(Record {
            buf: &self.buf,
            ends: &self.ends,
            line: start_line,
        })
    }

    fn push_run(&mut self, from: usize, to: usize) {
        if from < to {
            // Runs start and end at ASCII bytes (or the text's ends), so they are valid UTF-8.
            if let Some(s) = self
                .bytes
                .get(from..to)
                .and_then(|b| std::str::from_utf8(b).ok())
            {
                self.buf.push_str(s);
            }
        }
    }
}

/// One record: its fields borrow the reader's buffer.
pub struct Record<'r> {
    buf: &'r str,
    ends: &'r [usize],
    pub line: usize,
}

impl<'r> Record<'r> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    pub fn get(&self, i: usize) -> Option<&'r str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { *self.ends.get(i - 1)? };
        self.buf.get(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Vec<String>> {
        let mut r = Reader::new(text);
        let mut out = Vec::new();
        while let Some(rec) = r.next_record() {
            out.push(
                (0..rec.len())
                    .map(|i| rec.get(i).unwrap_or("?").to_string())
                    .collect(),
            );
        }
        out
    }

    #[test]
    fn quoting_rules() {
        let got = all("a,b,c\r\n1,\"x,\"\"y\"\"\",\n\n\"multi\nline\",2,3\nlast,\"open");
        assert_eq!(
            got,
            vec![
                vec!["a", "b", "c"],
                vec!["1", "x,\"y\"", ""],
                vec![],
                vec!["multi\nline", "2", "3"],
                vec!["last", "open"],
            ]
        );
    }

    #[test]
    fn quote_inside_unquoted_field_is_literal() {
        assert_eq!(all("ab\"c,d\n"), vec![vec!["ab\"c", "d"]]);
        assert_eq!(all("\u{feff}h\n"), vec![vec!["h"]]);
    }
}
