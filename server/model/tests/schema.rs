//! The committed `schemas/dstack.schema.json` must equal what the model generates.

use dstack_model::schema;
use std::path::Path;

#[test]
fn committed_schema_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(schema::SCHEMA_PATH);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let fresh = schema::generate_text();
    assert!(
        committed == fresh,
        "{} is stale; regenerate it with\n  cargo run -p dstack-model --example gen_schema > {}",
        path.display(),
        schema::SCHEMA_PATH
    );
}

#[test]
fn schema_dispatches_on_every_type() {
    let s = schema::generate();
    let branches = s["allOf"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(branches, 7);
    assert_eq!(s["required"][0], "type");
    assert!(s["definitions"]["resources"]["properties"]["gpu"]["markdownDescription"].is_string());
}
