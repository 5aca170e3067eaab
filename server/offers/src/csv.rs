//! A small CSV reader with the rules of Python's `csv` module in its default (`excel`) dialect,
//! which is what gpuhunt writes and reads: `,` separators, `"` quoting with `""` as an escaped
//! quote, quoted fields may hold separators and line breaks, `\n`, `\r\n` or `\r` end a record.
//!
//! The reader reuses one buffer for all fields of a record, so reading a large catalog allocates
//! only while the buffer grows.

/// Iterates over the records of a CSV text. Never fails: a quote left open runs to the end of
/// the text, as Python's reader does in non-strict mode.
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    /// 1-based line number where the next record starts (for warnings).
    line: usize,
    /// Unescaped contents of quoted fields; unquoted fields borrow the text.
    buf: String,
    fields: Vec<Field>,
}

#[derive(Clone, Copy)]
enum Field {
    Text(usize, usize),
    Buf(usize, usize),
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Reader<'a> {
        // A leading byte-order mark is not part of the first field name.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Reader {
            text,
            pos: 0,
            line: 1,
            buf: String::new(),
            fields: Vec::new(),
        }
    }

    /// Reads the next record; `None` at the end of the text. An empty line yields an empty record.
    pub fn next_record(&mut self) -> Option<Record<'_>> {
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        self.buf.clear();
        self.fields.clear();
        let start_line = self.line;
        let mut i = self.pos;
        let mut first = true;
        loop {
            let at_end = i >= bytes.len();
            let b = bytes.get(i).copied().unwrap_or(b'\n');
            if first && (b == b'\n' || b == b'\r') && !at_end {
                // empty line
                i = self.end_of_line(i);
                break;
            }
            if at_end && !first {
                self.fields.push(Field::Text(i, i));
                break;
            }
            first = false;
            if b == b'"' {
                i = self.quoted(i + 1);
            } else {
                // An unquoted field runs to the next separator or line end.
                let mut j = i;
                while j < bytes.len() && !matches!(bytes[j], b',' | b'\n' | b'\r') {
                    j += 1;
                }
                self.fields.push(Field::Text(i, j));
                i = j;
            }
            match bytes.get(i) {
                Some(b',') => i += 1,
                Some(b'\n' | b'\r') => {
                    i = self.end_of_line(i);
                    break;
                }
                _ => {
                    i = bytes.len();
                    break;
                }
            }
        }
        self.pos = i;
        Some(Record {
            text: self.text,
            buf: &self.buf,
            fields: &self.fields,
            line: start_line,
        })
    }

    fn end_of_line(&mut self, i: usize) -> usize {
        let bytes = self.text.as_bytes();
        self.line += 1;
        if bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            i + 1
        }
    }

    /// Reads a quoted field starting after its opening quote; returns the position of the
    /// separator or line end that follows it. Text after the closing quote belongs to the field.
    fn quoted(&mut self, mut i: usize) -> usize {
        let bytes = self.text.as_bytes();
        let start = self.buf.len();
        let mut run = i;
        let mut in_quotes = true;
        while i < bytes.len() {
            let b = bytes[i];
            if in_quotes {
                if b == b'"' {
                    self.push(run, i);
                    if bytes.get(i + 1) == Some(&b'"') {
                        self.buf.push('"');
                        i += 2;
                    } else {
                        in_quotes = false;
                        i += 1;
                    }
                    run = i;
                    continue;
                }
                if b == b'\n' {
                    self.line += 1;
                }
            } else if matches!(b, b',' | b'\n' | b'\r') {
                break;
            }
            i += 1;
        }
        self.push(run, i);
        self.fields.push(Field::Buf(start, self.buf.len()));
        i
    }

    fn push(&mut self, from: usize, to: usize) {
        // Runs start and end at ASCII bytes (or the text's ends), so they are char boundaries.
        if let Some(s) = self.text.get(from..to) {
            self.buf.push_str(s);
        }
    }
}

/// One record: its fields borrow the text or the reader's buffer.
pub struct Record<'r> {
    text: &'r str,
    buf: &'r str,
    fields: &'r [Field],
    pub line: usize,
}

impl<'r> Record<'r> {
    pub fn len(&self) -> usize {
        self.fields.len()
    }
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
    pub fn get(&self, i: usize) -> Option<&'r str> {
        match *self.fields.get(i)? {
            Field::Text(a, b) => self.text.get(a..b),
            Field::Buf(a, b) => self.buf.get(a..b),
        }
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
        assert_eq!(all("a,\n,b"), vec![vec!["a", ""], vec!["", "b"]]);
        assert_eq!(all("\"x\"y,z\r\nw"), vec![vec!["xy", "z"], vec!["w"]]);
    }
}
