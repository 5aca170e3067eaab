//! One diagnostic family per file, each with its tests: a family reads the tree through `Cx` and
//! pushes its own diagnostics, and knows nothing of the others (`pitfalls` runs them).

pub(crate) mod duplicate_keys;
pub(crate) mod secrets;
pub(crate) mod yaml11;
