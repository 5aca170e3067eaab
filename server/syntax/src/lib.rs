//! The YAML layer of dstack-lsp: an error-tolerant parse into a span-carrying tree,
//! YAML 1.1 scalar resolution as PyYAML's `safe_load` does it, and the cursor model.
//!
//! # Invariants
//!
//! - **Never fails, never panics.** [`parse()`], [`reparse`], [`reparse_owned`] and
//!   [`cursor_context`] accept any `&str` (binary junk, NUL, BOM, lone `\r`, 10 MB, `[[[[…`) and
//!   return a value; problems are [`SyntaxError`]s. Nesting deeper than 64 levels is reported
//!   and not built, which also bounds every recursive walk over the tree.
//! - **Byte offsets of the original text.** Every [`TextRange`] is a UTF-8 byte range of the text
//!   as given (CRLF kept, nothing normalised), on character boundaries. saphyr-parser's character
//!   positions are converted once, in `events/positions.rs`.
//! - **Top-level entries are independent.** The text is cut into chunks (one per top-level key,
//!   and long top-level lists further into groups of items); each chunk is parsed alone, so a
//!   syntax error stays inside its entry and everything else is fully analysed. Anchors,
//!   aliases and merge keys are resolved over the whole document afterwards ([`Parse::resolve`],
//!   [`Parse::entries`]), so chunking does not change what they mean.
//! - **`reparse` equals `parse`.** Both run the same code; `reparse` only skips chunks whose
//!   text is byte-identical to a chunk of the old parse and shifts their offsets. Tests compare
//!   the two on every fixture and on hundreds of mutated inputs.
//! - **The fast path is an optimisation, not a second parser.** Plain block YAML is read by
//!   `fast.rs`; anything else goes to saphyr. On every input the fast path accepts it must build
//!   the same tree as saphyr (checked by `fuzz.rs`).
//! - **Only the first YAML document counts**, as with PyYAML's `safe_load`: a second document is
//!   an error and none of its keys reach the tree.
//! - **The tree keeps what was written**: duplicate keys stay as separate entries and aliases
//!   stay [`NodeKind::Alias`]; [`Parse::entries`] gives PyYAML's view (merges expanded, last
//!   duplicate wins).
//! - **Cursor queries read only the cursor line and the lines above it** up to the nearest
//!   structural line, and use the tree to finish the path (`cursor/`).
//! - **PyYAML's reader decides which characters are allowed** (`chars.rs`): a control character
//!   anywhere, comments included, is one error naming it; NEL, U+2028 and U+2029 break lines.
//! - **PyYAML decides what is valid.** dstack loads files with PyYAML's `safe_load` (YAML 1.1);
//!   saphyr implements YAML 1.2. Where they differ on real input, we follow PyYAML: tabs outside
//!   quotes and comments, repeated anchors, keys that are lists or span lines, `?` in values inside
//!   flows are errors; badly indented continuation lines of quotes and flows are accepted.
//!   `examples/yaml_view.rs` and `tools/pyyaml_view.py` print the loaded value in the same form
//!   from both sides to compare them (on dstack's 285 doc snippets and 7,000 mutations of them
//!   the results agree; a few exotic flow-collection errors remain accepted by us).
//! - Offsets are `u32`: texts must be smaller than 4 GiB.

mod chars;
pub mod cursor;
mod events;
mod fast;
#[cfg(test)]
mod fuzz;
pub mod parse;
pub mod scalar;
mod split;
pub mod text;
pub mod tree;

pub use cursor::{CursorContext, CursorKind, cursor_context};
pub use parse::{Parse, SyntaxError, parse, reparse, reparse_owned};
pub use scalar::ScalarValue;
pub use text::TextRange;
pub use tree::{Entry, Node, NodeKind, PathSeg, Scalar, ScalarStyle};
