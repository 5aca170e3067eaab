//! How far aliases may be expanded: one budget per document.
//!
//! A few hundred bytes of YAML can stand for a billion values (ten anchors, each a list of ten
//! aliases to the one before). PyYAML builds such a file by reference, so it loads, but anything
//! that copies the aliased nodes (value parsers, the live request body, rules that compare list
//! items) would run for minutes. So every document gets, once, a plan:
//!
//! - an alias that expands to more than [`ALIAS_LIMIT`] values is not followed;
//! - walking the document in order, aliases are followed until together they have expanded to
//!   [`DOCUMENT_LIMIT`] values; later ones are not followed.
//!
//! Consumers that follow aliases ask [`Expansion::resolve`]; a blocked alias stays an alias (which
//! every pass skips), and one warning at the alias says so. The value syntaxes get the plan too
//! (`bridge::NodeSource`), and any conversion into owned values stops after [`ALIAS_LIMIT`] values.
//!
//! The largest configuration in examples/ and tests/conformance/cases (counted with PyYAML, keys
//! included) has 65 values in all: the alias limit is 150 times that, the document limit 15,000
//! times. An alias in a real file stands for a handful of keys.

use std::collections::{HashMap, HashSet};

use dstack_syntax::{Node, NodeKind, Parse, TextRange};

/// Most values one alias may stand for. A scalar counts one value, plus one per 64 bytes of text,
/// so that a long string repeated by aliases is paid for too.
pub const ALIAS_LIMIT: usize = 10_000;
/// Most values all the aliases of a document may stand for together.
pub const DOCUMENT_LIMIT: usize = 1_000_000;

/// Aliases deeper than this (an alias inside an anchor inside …) are not followed.
const MAX_CHAIN: usize = 128;

/// The aliases of one document that are not followed, and what to tell the user about them.
#[derive(Debug, Default)]
pub struct Expansion {
    /// Start offsets of the alias nodes not to follow.
    blocked: HashSet<u32>,
    /// One message per place worth reporting.
    pub(crate) reports: Vec<(TextRange, String)>,
}

impl Expansion {
    /// Works the plan out: linear in the size of the tree (each anchor's size is computed once).
    pub fn compute(parse: &Parse) -> Expansion {
        let Some(root) = parse.root.as_ref() else {
            return Expansion::default();
        };
        let mut plan = Planner {
            parse,
            sizes: HashMap::new(),
            total: 0,
            blocked: Vec::new(),
            latest: HashMap::new(),
            targets: HashMap::new(),
        };
        plan.walk(root, 0);
        let blocked_aliases = std::mem::take(&mut plan.blocked);
        let mut out = Expansion {
            blocked: blocked_aliases.iter().map(|b| b.at.start).collect(),
            reports: Vec::new(),
        };
        out.reports = reports(&blocked_aliases);
        out
    }

    /// True when `node` is an alias that must not be followed.
    pub fn is_blocked(&self, node: &Node) -> bool {
        matches!(node.kind, NodeKind::Alias(_)) && self.blocked.contains(&node.range.start)
    }

    /// [`Parse::resolve`], except that a blocked alias resolves to itself.
    pub fn resolve<'a>(&self, parse: &'a Parse, node: &'a Node) -> &'a Node {
        if self.is_blocked(node) {
            node
        } else {
            parse.resolve(node)
        }
    }

    /// True when nothing is blocked (nearly every document).
    pub fn is_complete(&self) -> bool {
        self.blocked.is_empty()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Why {
    /// The alias alone stands for more than [`ALIAS_LIMIT`] values.
    Large,
    /// The document's aliases together passed [`DOCUMENT_LIMIT`].
    Total,
}

struct Blocked {
    at: TextRange,
    name: String,
    /// The anchored node's range (empty when the anchor is unknown).
    target: TextRange,
    why: Why,
}

struct Planner<'a> {
    parse: &'a Parse,
    /// Expanded size of anchored nodes, by address; `None` while being computed (a cycle).
    sizes: HashMap<usize, Option<usize>>,
    total: usize,
    blocked: Vec<Blocked>,
    /// The latest anchor of each name met so far in the walk (PyYAML's rule: an alias names the
    /// last anchor before it), so that resolving costs a lookup rather than a search.
    latest: HashMap<&'a str, &'a Node>,
    /// What each alias met so far resolves to, by the alias's start.
    targets: HashMap<u32, &'a Node>,
}

/// Sizes are capped just above the limit: nothing needs to know how much more it is.
const CAP: usize = ALIAS_LIMIT + 1;

impl<'a> Planner<'a> {
    /// Walks the document as written, deciding for each alias whether it is followed.
    fn walk(&mut self, node: &'a Node, depth: usize) {
        if depth > MAX_CHAIN {
            return;
        }
        if let Some(name) = node.anchor.as_deref()
            && !matches!(node.kind, NodeKind::Alias(_))
        {
            self.latest.insert(name, node);
        }
        match &node.kind {
            NodeKind::Alias(name) => {
                let target = self.latest.get(name.as_str()).copied().unwrap_or(node);
                self.targets.insert(node.range.start, target);
                let size = self.size(node, 0);
                let why = if size > ALIAS_LIMIT {
                    Some(Why::Large)
                } else if self.total + size > DOCUMENT_LIMIT {
                    Some(Why::Total)
                } else {
                    self.total += size;
                    None
                };
                if let Some(why) = why {
                    self.blocked.push(Blocked {
                        at: node.range,
                        name: name.clone(),
                        target: if std::ptr::eq(target, node) {
                            TextRange::default()
                        } else {
                            target.range
                        },
                        why,
                    });
                }
            }
            NodeKind::Sequence(items) => {
                for item in items {
                    self.walk(item, depth + 1);
                }
            }
            NodeKind::Mapping(entries) => {
                for e in entries {
                    self.walk(&e.key, depth + 1);
                    self.walk(&e.value, depth + 1);
                }
            }
            NodeKind::Scalar(_) | NodeKind::Error => {}
        }
        // Remember anchored nodes' sizes now, in document order, so that chains of anchors
        // (`&b [*a]`, `&c [*b]`, …) are each sized once and without deep recursion.
        if node.anchor.is_some() {
            self.anchored_size(node, 0);
        }
    }

    /// Values `node` stands for with every alias expanded, capped at [`CAP`].
    fn size(&mut self, node: &'a Node, chain: usize) -> usize {
        match &node.kind {
            NodeKind::Scalar(s) => 1 + s.text.len() / 64,
            NodeKind::Error => 1,
            NodeKind::Alias(_) => {
                let target = match self.targets.get(&node.range.start) {
                    Some(t) => *t,
                    None => self.parse.resolve(node),
                };
                if std::ptr::eq(target, node) {
                    return 1;
                }
                if chain > MAX_CHAIN {
                    return CAP;
                }
                self.anchored_size(target, chain + 1)
            }
            NodeKind::Sequence(items) => {
                let mut n = 1;
                for item in items {
                    n += self.size(item, chain);
                    if n >= CAP {
                        return CAP;
                    }
                }
                n
            }
            NodeKind::Mapping(entries) => {
                let mut n = 1;
                for e in entries {
                    n += self.size(&e.key, chain) + self.size(&e.value, chain);
                    if n >= CAP {
                        return CAP;
                    }
                }
                n
            }
        }
    }

    fn anchored_size(&mut self, target: &'a Node, chain: usize) -> usize {
        let id = target as *const Node as usize;
        match self.sizes.get(&id) {
            Some(Some(n)) => *n,
            // An alias inside its own anchor: endless when expanded.
            Some(None) => CAP,
            None => {
                self.sizes.insert(id, None);
                let n = self.size(target, chain);
                self.sizes.insert(id, Some(n));
                n
            }
        }
    }
}

/// One warning per anchor that is too large (at its first use outside another blocked anchor),
/// and one where the document's budget ran out.
fn reports(blocked: &[Blocked]) -> Vec<(TextRange, String)> {
    let large_targets: Vec<TextRange> = blocked
        .iter()
        .filter(|b| b.why == Why::Large && !b.target.is_empty())
        .map(|b| b.target)
        .collect();
    // Uses inside an anchor that is itself too large are never reached from outside it.
    let inside_large = |at: TextRange| {
        large_targets
            .iter()
            .any(|t| t.start <= at.start && at.end <= t.end)
    };
    let mut out = Vec::new();
    let mut seen: HashMap<(String, u32), usize> = HashMap::new();
    let mut counts: Vec<usize> = Vec::new();
    for b in blocked.iter().filter(|b| b.why == Why::Large) {
        if inside_large(b.at) {
            continue;
        }
        let key = (b.name.clone(), b.target.start);
        if let Some(&i) = seen.get(&key) {
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
            continue;
        }
        seen.insert(key, out.len());
        counts.push(0);
        out.push((b.at, b.name.clone()));
    }
    let mut reports: Vec<(TextRange, String)> = out
        .into_iter()
        .zip(counts)
        .map(|((at, name), more)| {
            let also = match more {
                0 => String::new(),
                1 => " (here and in 1 more place)".to_string(),
                n => format!(" (here and in {n} more places)"),
            };
            (
                at,
                format!(
                    "`*{name}` expands to more than {ALIAS_LIMIT} values: dstack-lsp stops expanding it{also}, so what it stands for is not checked or used for offers"
                ),
            )
        })
        .collect();
    let total: Vec<&Blocked> = blocked.iter().filter(|b| b.why == Why::Total).collect();
    if let Some(first) = total.first() {
        reports.push((
            first.at,
            format!(
                "the aliases of this file expand to more than {DOCUMENT_LIMIT} values in all: dstack-lsp stops expanding them from here ({} alias{} not expanded), so what they stand for is not checked or used for offers",
                total.len(),
                if total.len() == 1 { "" } else { "es" }
            ),
        ));
    }
    reports
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `levels` anchors, each a list of `fan` aliases to the one before, used under `gpu`.
    pub(crate) fn bomb(levels: usize, fan: usize) -> String {
        let mut s = String::from("type: task\nx:\n  l0: &l0 [a, b, c, d, e, f, g, h, i, j]\n");
        for i in 1..levels {
            let items = vec![format!("*l{}", i - 1); fan].join(", ");
            s.push_str(&format!("  l{i}: &l{i} [{items}]\n"));
        }
        s.push_str(&format!("resources:\n  gpu: *l{}\n", levels - 1));
        s
    }

    #[test]
    fn small_aliases_are_followed() {
        let p = dstack_syntax::parse("a: &a [1, 2]\nb: *a\nc: {<<: &m {x: 1}}\nd: {<<: *m}\n");
        let e = Expansion::compute(&p);
        assert!(e.is_complete());
        assert!(e.reports.is_empty());
    }

    #[test]
    fn a_billion_values_are_one_warning_at_the_use() {
        let text = bomb(10, 10);
        let p = dstack_syntax::parse(&text);
        let e = Expansion::compute(&p);
        assert_eq!(e.reports.len(), 1, "{:?}", e.reports);
        let (at, message) = &e.reports[0];
        assert_eq!(&text[at.start as usize..at.end as usize], "*l9");
        assert!(message.contains("more than 10000 values"), "{message}");
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_not_followed() {
        let p = dstack_syntax::parse("a: &a [*a, *a]\nb: *a\n");
        let e = Expansion::compute(&p);
        // Whether PyYAML resolves `*a` inside `&a` or not, expanding it never ends.
        let b = p.node_at_path(&[dstack_syntax::PathSeg::Key("b".into())]);
        assert!(b.is_some());
        assert!(!e.is_complete());
    }

    #[test]
    fn the_document_budget_stops_many_small_aliases() {
        // 200 uses of a 9,000-value anchor: each alone is fine, together 1.8 million.
        let items = vec!["x"; 8999].join(", ");
        let uses = vec!["*big"; 200].join(", ");
        let text = format!("a: &big [{items}]\nb: [{uses}]\n");
        let p = dstack_syntax::parse(&text);
        let e = Expansion::compute(&p);
        assert_eq!(e.reports.len(), 1, "{:?}", e.reports);
        assert!(e.reports[0].1.contains("in all"), "{}", e.reports[0].1);
        // 111 uses fit in the budget, the rest do not.
        assert_eq!(e.blocked.len(), 200 - 111);
    }

    #[test]
    fn an_alias_names_the_last_anchor_before_it() {
        let items = vec!["x"; 20_000].join(", ");
        let text = format!("a: &x [1]\nb: *x\nc: &x [{items}]\nd: *x\n");
        let p = dstack_syntax::parse(&text);
        let e = Expansion::compute(&p);
        assert_eq!(e.reports.len(), 1, "{:?}", e.reports);
        let at = e.reports[0].0;
        assert_eq!(at.start as usize, text.rfind("*x").unwrap_or(0));
    }
}
