//! The span-carrying YAML tree. Every key, scalar and sequence item has an exact byte range.

use crate::scalar::ScalarValue;
use crate::text::TextRange;

/// A problem in the text, at its exact range, in words for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Whole node, from its first to its last byte: anchor and tag included, quotes included,
    /// a block scalar from its `|`/`>` to its last non-blank byte, a list item without its `- `,
    /// a block list from its first `- `. An empty value is an empty range just after its `:`
    /// (or `-`); the value of a key whose value could not be read is an `Error` node.
    pub range: TextRange,
    pub kind: NodeKind,
    /// `&name` on this node, if any. Boxed strings: most nodes have neither, and a `String`'s
    /// spare capacity field costs every node of a 200,000-entry file.
    pub anchor: Option<Box<str>>,
    /// Explicit tag such as `!!str`, if any.
    pub tag: Option<Box<str>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Mapping(Vec<Entry>),
    Sequence(Vec<Node>),
    Scalar(Scalar),
    /// `*name`; resolve with [`crate::Parse::resolve`].
    Alias(String),
    /// Something the parser could not make sense of; the error is in `Parse::errors`.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    /// A key with nothing after the colon has a `Null` plain scalar with an empty range here.
    pub value: Node,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    pub style: ScalarStyle,
    /// The scalar's string content after unquoting and folding.
    pub text: String,
    /// The value after YAML 1.1 implicit resolution (or the explicit tag).
    pub value: ScalarValue,
    /// Byte offset in the document where `text` starts (after an opening quote).
    pub content_start: u32,
    /// True when `text` is byte-for-byte the source at `content_start..`, so offsets into `text`
    /// map to document offsets by adding `content_start`.
    pub verbatim: bool,
}

/// One step of a key path: `resources.gpu` is `[Key("resources"), Key("gpu")]`, `volumes[1]` ends in `Index(1)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// Render a path as `resources.gpu` / `volumes[1].path`.
pub fn path_to_string(path: &[PathSeg]) -> String {
    render_path(path, true)
}

/// `resources.gpu`, `volumes[].path`: the path with list indexes shown as `[]`, for text that is
/// about a place in the schema rather than one item.
pub fn path_to_pattern(path: &[PathSeg]) -> String {
    render_path(path, false)
}

fn render_path(path: &[PathSeg], indexes: bool) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSeg::Index(i) if indexes => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            PathSeg::Index(_) => out.push_str("[]"),
        }
    }
    out
}

impl Node {
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(s) => Some(s),
            _ => None,
        }
    }
    /// The key's text when this node is used as a mapping key.
    pub fn key_text(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }
    /// Map a byte range inside a scalar's `text` to a document range; the whole node when not verbatim.
    pub fn sub_range(&self, rel_start: u32, rel_end: u32) -> TextRange {
        match &self.kind {
            NodeKind::Scalar(s) if s.verbatim => {
                TextRange::new(s.content_start + rel_start, s.content_start + rel_end)
            }
            _ => self.range,
        }
    }
}

/// Every node under `node` and then `node` itself (children first); depth is bounded by the
/// parser, which does not build deeper trees.
pub(crate) fn visit_mut(node: &mut Node, f: &mut impl FnMut(&mut Node)) {
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                visit_mut(&mut e.key, f);
                visit_mut(&mut e.value, f);
            }
        }
        NodeKind::Sequence(items) => {
            for n in items {
                visit_mut(n, f);
            }
        }
        _ => {}
    }
    f(node);
}
