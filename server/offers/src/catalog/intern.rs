//! String interning for the catalog: every distinct string is stored once and rows hold
//! 4-byte symbols.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// An interned string: an index into the catalog's string table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// FxHash-style hasher: interning hashes short keys only, SipHash's DoS resistance buys nothing.
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[derive(Clone, Debug, Default)]
pub(crate) struct Interner {
    map: FxMap<Box<str>, u32>,
    pub(crate) strings: Vec<Box<str>>,
    /// Bytes of distinct text held (what a hostile catalog of all-unique values inflates).
    pub(crate) text_bytes: usize,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> Sym {
        if let Some(&i) = self.map.get(s) {
            return Sym(i);
        }
        let i = u32::try_from(self.strings.len()).unwrap_or(u32::MAX);
        self.text_bytes += s.len();
        self.strings.push(s.into());
        self.map.insert(s.into(), i);
        Sym(i)
    }
    pub(crate) fn get(&self, s: Sym) -> &str {
        self.strings.get(s.0 as usize).map(|b| &**b).unwrap_or("")
    }
    pub(crate) fn lookup(&self, s: &str) -> Option<Sym> {
        self.map.get(s).map(|&i| Sym(i))
    }
    pub(crate) fn heap_bytes(&self) -> usize {
        self.strings
            .iter()
            .map(|s| 2 * s.len() + 2 * 16 + 8)
            .sum::<usize>()
    }
}

/// A table of distinct strings addressed by a dense `u32` id (regions, GPU names, flag sets), so
/// a query can answer "is this one allowed" with a `Vec<bool>` lookup instead of hashing.
#[derive(Clone, Debug, Default)]
pub(crate) struct Table {
    pub(crate) syms: Vec<Sym>,
    ids: FxMap<Sym, u32>,
}

impl Table {
    /// The id of `sym`, adding it when new. Ids are `u32` like symbols, so every distinct
    /// string gets its own (a catalog's row cap keeps the table far below `u32::MAX`).
    pub(crate) fn id(&mut self, sym: Sym) -> u32 {
        if let Some(&i) = self.ids.get(&sym) {
            return i;
        }
        let i = u32::try_from(self.syms.len()).unwrap_or(u32::MAX);
        self.syms.push(sym);
        self.ids.insert(sym, i);
        i
    }

    pub(crate) fn get(&self, id: u32) -> Option<Sym> {
        self.syms.get(id as usize).copied()
    }
}

impl Interner {
    /// `intern`, trying the column's previous value first (one comparison, no hashing).
    pub(crate) fn intern_col(&mut self, last: &mut Option<Sym>, s: &str) -> Sym {
        if let Some(sym) = *last
            && self.get(sym) == s
        {
            return sym;
        }
        let sym = self.intern(s);
        *last = Some(sym);
        sym
    }
}
