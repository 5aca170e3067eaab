//! Prints, for each file given, the value dstack would load (PyYAML's view: merges expanded,
//! aliases followed, YAML 1.1 scalars) in a compact one-line form, or `ERR` and our messages.
//! `tools/pyyaml_view.py` prints the same form from real PyYAML, so the two can be compared:
//!
//! ```text
//! cargo run --release -p dstack-syntax --example yaml_view -- files... > ours.txt
//! python3 server/syntax/tools/pyyaml_view.py files... > pyyaml.txt
//! diff ours.txt pyyaml.txt   # only the error messages differ
//! ```

use dstack_syntax::{Node, NodeKind, Parse, ScalarValue, parse};

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn render(p: &Parse, node: &Node, depth: usize) -> String {
    if depth > 64 {
        return "...".into();
    }
    let node = p.resolve(node);
    match &node.kind {
        NodeKind::Mapping(_) => {
            let items: Vec<String> = p
                .entries(node)
                .iter()
                .map(|(k, v)| format!("{}: {}", render(p, k, depth + 1), render(p, v, depth + 1)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        NodeKind::Sequence(items) => {
            let items: Vec<String> = items.iter().map(|n| render(p, n, depth + 1)).collect();
            format!("[{}]", items.join(", "))
        }
        NodeKind::Scalar(s) => match &s.value {
            ScalarValue::Null => "~".into(),
            ScalarValue::Bool(b) => b.to_string(),
            ScalarValue::Int(i) => i.to_string(),
            ScalarValue::Float(f) if f.is_nan() => "nan".into(),
            ScalarValue::Float(f) if f.is_infinite() => {
                if *f > 0.0 { "inf" } else { "-inf" }.into()
            }
            ScalarValue::Float(f) => format!("{f:?}"),
            ScalarValue::Str(t) => quote(t),
            ScalarValue::Timestamp(_) => "date".into(),
        },
        NodeKind::Alias(name) => format!("*{name}"),
        NodeKind::Error => "ERROR".into(),
    }
}

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!("{path}\tunreadable");
            continue;
        };
        let p = parse(&text);
        if p.errors.is_empty() {
            let value = p
                .root
                .as_ref()
                .map_or("~".to_string(), |r| render(&p, r, 0));
            println!("{path}\t{value}");
        } else {
            let messages: Vec<&str> = p.errors.iter().map(|e| e.message.as_str()).collect();
            println!("{path}\tERR\t{}", messages.join(" | "));
        }
    }
}
