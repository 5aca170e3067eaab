//! One file per request family. Each function is one handler's body; `server.rs` runs it under
//! the panic guard. They take the shared [`Session`](crate::server::session::Session).

pub mod code_actions;
pub mod commands;
pub mod completion;
pub mod documents;
pub mod hover;
pub mod lens;
pub mod lifecycle;
pub mod navigation;
pub mod structure;
pub mod workspace;
