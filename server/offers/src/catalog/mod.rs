//! The in-memory catalog: rows of gpuhunt's per-provider CSV files, kept compact (strings
//! interned once, one 72-byte row per offer).
//!
//! * `load`: CSV text → rows, with gpuhunt's rules and the load limits;
//! * `intern`: the string table and the id tables rows point into;
//! * `store`: the catalog and its rows;
//! * `hints`: questions about the catalog itself (rows as plain data, GPU popularity, regions).

pub(crate) mod hints;
pub(crate) mod intern;
pub(crate) mod load;
pub(crate) mod store;

pub use hints::{GpuCount, ItemView, gpu_offer_counts};
pub use load::{
    MAX_DISTINCT_STRINGS, MAX_DISTINCT_TEXT, MAX_PROVIDERS, MAX_ROWS, MAX_WARNINGS, SUPPORTED_FLAGS,
};
pub use store::{Catalog, Item, LoadWarning};
