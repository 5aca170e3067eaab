//! Prints the JSON Schema generated from the model:
//! `cargo run -p dstack-model --example gen_schema > schemas/dstack.schema.json`;
//! with `--schemastore`, the copy for SchemaStore (its `$id`):
//! `cargo run -p dstack-model --example gen_schema -- --schemastore > schemas/schemastore/src/schemas/json/dstack.json`.

fn main() {
    if std::env::args().any(|a| a == "--schemastore") {
        print!("{}", dstack_model::schema::generate_schemastore_text());
    } else {
        print!("{}", dstack_model::schema::generate_text());
    }
}
