//! Diagnostics: YAML syntax errors, then validation against the model and dstack's rules.
//!
//! The passes, in order:
//! - [`schema`]: structure against the model, as pydantic (configured by dstack) validates it:
//!   unknown keys, wrong types, enums, required keys, value syntaxes, removed/deprecated keys;
//! - [`rules`]: the cross-field checks dstack runs on the client (`dstack apply` fails on them);
//! - [`server_rules`]: checks the dstack server runs when it gets the plan request (reported as warnings);
//! - [`pitfalls`]: YAML 1.1 surprises and hard-coded secrets (warnings).
//!
//! An error means `dstack apply` rejects the file; a warning means the file loads but something is
//! likely wrong (the server will reject it, or the value is not what it looks like).
//!
//! [`passes`] runs them; [`codes`] lists every code.

mod codes;
mod handlers;
mod interp;
mod passes;
mod pitfalls;
mod rules;
mod schema;
mod server_rules;
mod tree;

pub use codes::CODES;
pub use passes::{EDITOR_LIMIT, diagnostics, for_editor};

#[cfg(test)]
mod tests;
