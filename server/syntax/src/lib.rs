//! The YAML layer of dstack-lsp: an error-tolerant parse into a span-carrying tree,
//! YAML 1.1 scalar resolution as PyYAML's `safe_load` does it, and the cursor model.
//!
//! Nothing here fails on user input: every entry point returns a value plus errors.

mod build;
pub mod cursor;
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
