//! Positions: saphyr counts characters in the text it scanned; the tree needs byte offsets of
//! the original chunk (which differs when continuation lines were padded for a retry).

/// Character index to byte offset, for one chunk. ASCII text maps to itself.
pub(super) struct CharMap<'a> {
    src: &'a str,
    ascii: bool,
    /// Byte offset of every 64th character.
    marks: Vec<u32>,
}

const MARK_EVERY: usize = 64;

impl<'a> CharMap<'a> {
    pub(super) fn new(src: &'a str) -> CharMap<'a> {
        let ascii = src.is_ascii();
        let mut marks = Vec::new();
        if !ascii {
            for (n, (b, _)) in src.char_indices().enumerate() {
                if n % MARK_EVERY == 0 {
                    marks.push(b as u32);
                }
            }
        }
        CharMap { src, ascii, marks }
    }

    pub(super) fn byte(&self, char_idx: usize) -> usize {
        if self.ascii {
            return char_idx.min(self.src.len());
        }
        let k = (char_idx / MARK_EVERY).min(self.marks.len().saturating_sub(1));
        let Some(&start) = self.marks.get(k) else {
            return self.src.len();
        };
        let mut b = start as usize;
        let mut left = char_idx - k * MARK_EVERY;
        for c in self.src[b..].chars() {
            if left == 0 {
                break;
            }
            b += c.len_utf8();
            left -= 1;
        }
        b
    }
}

/// Spaces inserted at line starts: `(patched offset of the first space, count, spaces inserted before)`.
pub(super) struct Padding(pub(super) Vec<(usize, usize, usize)>);

impl Padding {
    /// Build the padded text: `pads` are `(original line start, spaces)`, sorted.
    pub(super) fn apply(src: &str, pads: &[(usize, usize)]) -> (String, Padding) {
        let mut out = String::with_capacity(src.len() + pads.iter().map(|p| p.1).sum::<usize>());
        let mut table = Vec::with_capacity(pads.len());
        let mut from = 0;
        let mut inserted = 0;
        for &(at, n) in pads {
            let at = at.min(src.len());
            if at < from || !src.is_char_boundary(at) {
                continue;
            }
            out.push_str(&src[from..at]);
            table.push((out.len(), n, inserted));
            out.extend(std::iter::repeat_n(' ', n));
            inserted += n;
            from = at;
        }
        out.push_str(&src[from..]);
        (out, Padding(table))
    }

    /// A byte offset of the padded text as an offset of the original text.
    pub(super) fn original(&self, p: usize) -> usize {
        let i = self.0.partition_point(|&(start, _, _)| start <= p);
        match i.checked_sub(1).and_then(|i| self.0.get(i)) {
            None => p,
            Some(&(start, n, before)) if p < start + n => start - before,
            Some(&(_, n, before)) => p - before - n,
        }
    }
}
