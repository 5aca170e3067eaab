//! The analysis core of dstack-lsp. Editor-level types only: byte offsets, strings, plain structs.
//! No LSP types, no tokio, no I/O.
