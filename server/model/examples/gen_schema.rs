//! Prints the JSON Schema generated from the model:
//! `cargo run -p dstack-model --example gen_schema > schemas/dstack.schema.json`.

fn main() {
    print!("{}", dstack_model::schema::generate_text());
}
