//! Agreement with dstack on the shared corpora (placeholder; filled in below).
fn main() {}
