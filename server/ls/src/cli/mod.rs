//! Command-line tools built on the same analysis as the server.

pub mod check;
pub mod offers;
