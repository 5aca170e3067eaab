//! The query an offer preview is computed from (kept on the document, so it sits below both).

use dstack_offers::Requirements;
use dstack_syntax::TextRange;

/// What the preview is computed from: the resolved query and where the `resources` it used are.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferQuery {
    pub requirements: Requirements,
    /// The `resources:` key the query read (top level, or of the first group).
    pub resources_key: Option<TextRange>,
    /// `groups` / list `replicas`: the name (or index) of the group whose resources are used.
    pub group: Option<String>,
}
