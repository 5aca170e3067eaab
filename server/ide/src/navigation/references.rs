//! Every place a document refers to a volume, fleet or gateway by name (find-references):
//! each scalar value is asked [`reference_at`] its start, so the two never disagree.

use dstack_syntax::NodeKind;

use crate::document::Document;
use crate::navigation::{Definition, reference_at};

/// Reference sites listed per document at most: real files have a handful.
const MAX_REFERENCES: usize = 10_000;

/// The references in `doc`, in document order (at most [`MAX_REFERENCES`]).
pub fn references_in(doc: &Document) -> Vec<Definition> {
    let Some(root) = &doc.parse.root else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // An explicit stack: no recursion on deep documents. Keys and aliases name nothing.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Mapping(entries) => stack.extend(entries.iter().rev().map(|e| &e.value)),
            NodeKind::Sequence(items) => stack.extend(items.iter().rev()),
            NodeKind::Scalar(_) if node.range.start < node.range.end => {
                let found = reference_at(doc, node.range.start);
                if let Some(r) = found
                    .filter(|r| node.range.start <= r.range.start && r.range.end <= node.range.end)
                {
                    out.push(r);
                    if out.len() == MAX_REFERENCES {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let doc = Document::new(text.to_string());
        references_in(&doc)
            .iter()
            .map(|r| {
                let at = &text[r.range.start as usize..r.range.end as usize];
                format!("{:?} {} @{at}", r.kind, r.name)
            })
            .collect()
    }

    #[test]
    fn lists_every_reference_form_in_order() {
        let text = "\
type: task
commands: [ls]
volumes:
  - my-vol:/data
  - /host:/inst
  - name: [cache-a, cache-b]
    path: /cache
  - name: other
    path: /o
fleets: [my-fleet, team/shared]
gateway: gw
";
        assert_eq!(
            names(text),
            [
                "Volume my-vol @my-vol",
                "Volume cache-a @cache-a",
                "Volume cache-b @cache-b",
                "Volume other @other",
                "Fleet my-fleet @my-fleet",
                "Fleet shared @shared",
                "Gateway gw @gw",
            ]
        );
    }

    #[test]
    fn a_definition_is_not_a_reference() {
        let text = "type: volume\nname: my-vol\nbackend: aws\nregion: r\nsize: 1GB\n";
        assert!(names(text).is_empty());
        assert!(names("gateway: true\n").is_empty());
        assert!(names("").is_empty());
    }
}
