//! The committed `schemas/dstack.schema.json` (and its SchemaStore copy) must equal what the model
//! generates, using only keywords SchemaStore accepts.

use dstack_model::schema;
use std::path::Path;

/// The file at `rel` (from the repository root) must equal `fresh`; `args` regenerate it.
fn assert_committed(rel: &str, fresh: &str, args: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale; regenerate it with\n  cargo run -p dstack-model --example gen_schema{args} > {rel}",
        path.display()
    );
}

#[test]
fn committed_schema_is_up_to_date() {
    assert_committed(schema::SCHEMA_PATH, &schema::generate_text(), "");
}

#[test]
fn committed_schemastore_copy_is_up_to_date() {
    assert_committed(
        schema::SCHEMASTORE_PATH,
        &schema::generate_schemastore_text(),
        " -- --schemastore",
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

/// Draft-07's keywords plus the editor ones SchemaStore's strict ajv check tolerates
/// (`markdownDescription`, `enumDescriptions`, `markdownEnumDescriptions`, `defaultSnippets`):
/// anything else (e.g. yaml-language-server's `errorMessage`) fails SchemaStore's CI.
#[test]
fn schema_uses_only_keywords_schemastore_accepts() {
    const KNOWN: &[&str] = &[
        "$schema",
        "$id",
        "$ref",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "readOnly",
        "writeOnly",
        "type",
        "enum",
        "const",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "format",
        "items",
        "additionalItems",
        "maxItems",
        "minItems",
        "uniqueItems",
        "contains",
        "maxProperties",
        "minProperties",
        "required",
        "properties",
        "patternProperties",
        "additionalProperties",
        "dependencies",
        "propertyNames",
        "if",
        "then",
        "else",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "definitions",
        "contentMediaType",
        "contentEncoding",
        "markdownDescription",
        "enumDescriptions",
        "markdownEnumDescriptions",
        "defaultSnippets",
    ];
    fn walk(v: &serde_json::Value, at: &str, bad: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    if !KNOWN.contains(&k.as_str()) {
                        bad.push(format!("{at}/{k}"));
                    }
                    match k.as_str() {
                        // Maps of name -> schema.
                        "properties" | "patternProperties" | "definitions" => {
                            if let serde_json::Value::Object(m) = child {
                                for (name, s) in m {
                                    walk(s, &format!("{at}/{k}/{name}"), bad);
                                }
                            }
                        }
                        // Data, not schemas.
                        "enum"
                        | "const"
                        | "default"
                        | "examples"
                        | "required"
                        | "enumDescriptions"
                        | "markdownEnumDescriptions"
                        | "defaultSnippets" => {}
                        _ => walk(child, &format!("{at}/{k}"), bad),
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, s) in items.iter().enumerate() {
                    walk(s, &format!("{at}/{i}"), bad);
                }
            }
            _ => {}
        }
    }
    let mut bad = Vec::new();
    walk(&schema::generate(), "#", &mut bad);
    assert!(
        bad.is_empty(),
        "keywords SchemaStore rejects: {:?}",
        &bad[..bad.len().min(5)]
    );
}
