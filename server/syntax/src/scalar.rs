//! YAML 1.1 scalar resolution, as PyYAML's `SafeLoader` resolves plain scalars.
//! `3.10` is the float 3.1, `on`/`off`/`yes`/`no` are booleans, `010` is octal, `2024-01-01` a date.

/// The value a scalar resolves to after YAML 1.1 implicit typing (or an explicit `!!tag`).
#[derive(Clone, Debug, PartialEq)]
pub enum ScalarValue {
    Null,
    Bool(bool),
    /// Integers beyond i64 are kept as their decimal text in `Str`-like form by callers; PyYAML has bigints.
    Int(i128),
    Float(f64),
    Str(String),
    /// `2024-01-01` or a full timestamp: PyYAML yields `date`/`datetime`, which string fields reject.
    Timestamp(String),
}

impl ScalarValue {
    /// Short name of the YAML type, in the words pydantic uses in its messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ScalarValue::Null => "null",
            ScalarValue::Bool(_) => "boolean",
            ScalarValue::Int(_) => "integer",
            ScalarValue::Float(_) => "number",
            ScalarValue::Str(_) => "string",
            ScalarValue::Timestamp(_) => "date",
        }
    }
}
