//! Byte ranges. The whole core speaks UTF-8 byte offsets; only the server converts them.

/// A half-open byte range `[start, end)` into a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: u32, end: u32) -> TextRange {
        TextRange {
            start,
            end: end.max(start),
        }
    }
    pub fn empty(at: u32) -> TextRange {
        TextRange { start: at, end: at }
    }
    pub fn len(self) -> u32 {
        self.end - self.start
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    /// True when `offset` lies inside the range or touches its end (cursor semantics).
    pub fn contains_inclusive(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }
    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn shift(self, by: i64) -> TextRange {
        let f = |v: u32| (v as i64 + by).clamp(0, u32::MAX as i64) as u32;
        TextRange {
            start: f(self.start),
            end: f(self.end),
        }
    }
    /// A sub-range given relative to `self.start`, clamped to `self`.
    pub fn sub(self, rel_start: u32, rel_end: u32) -> TextRange {
        let s = self.start.saturating_add(rel_start).min(self.end);
        let e = self.start.saturating_add(rel_end).min(self.end).max(s);
        TextRange { start: s, end: e }
    }
}
