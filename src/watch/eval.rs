//! Evaluating a query tree over the hits of its terms in one document.

use super::ast::{Field, Node, Term};
use super::document::{Document, Unit};

/// Most hit groups kept per node: enough for alerts, bounded on huge or repetitive texts.
const MAX_GROUPS: usize = 512;

/// One matched stretch of text: a word or a phrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Hit {
    pub field: Field,
    pub first: u32,
    pub last: u32,
    pub sentence: u32,
    pub start: usize,
    pub end: usize,
}

impl Hit {
    /// A hit on `unit` of `field`.
    pub(crate) fn at(field: Field, unit: &Unit) -> Hit {
        Hit {
            field,
            first: unit.first,
            last: unit.last,
            sentence: unit.sentence,
            start: unit.start,
            end: unit.end,
        }
    }
}

/// Hits that satisfy a node together, as needed by NEAR (one per occurrence).
pub(crate) type Group = Vec<Hit>;

/// Every unit of `doc` that `term` matches, in field and text order.
pub(crate) fn term_hits(term: &Term, doc: &Document) -> Vec<Hit> {
    let mut out = Vec::new();
    for field in [Field::Title, Field::Body] {
        if !term.allows(field) {
            continue;
        }
        for u in &doc.field(field).units {
            if u.forms.iter().any(|f| term.pattern.matches_keyed(f)) {
                out.push(Hit::at(field, u));
            }
        }
    }
    out.sort_unstable();
    out
}

/// Evaluates `node`; `None` means false, `Some` holds the hits that make it true (empty
/// for a satisfied exclusion).
pub(crate) fn eval<'h>(node: &Node, hits: &impl Fn(usize) -> &'h [Hit]) -> Option<Vec<Hit>> {
    match node {
        Node::Term(t) => non_empty(hits(*t).to_vec()),
        Node::Phrase(ts) => non_empty(phrase(&lists(ts, hits))),
        Node::And(items) => {
            let mut out = Vec::new();
            for item in items {
                out.extend(eval(item, hits)?);
            }
            Some(out)
        }
        Node::Or(items) => {
            let out: Vec<Hit> = items
                .iter()
                .filter_map(|i| eval(i, hits))
                .flatten()
                .collect();
            non_empty(out)
        }
        Node::Not(inner) => match eval(inner, hits) {
            Some(_) => None,
            None => Some(Vec::new()),
        },
        Node::Near(..) => groups(node, hits).map(|g| g.into_iter().flatten().collect()),
    }
}

/// Like [`eval`] but keeps occurrences apart, for the operands of NEAR: a word or phrase
/// gives one group per occurrence, an AND one group of all its hits.
fn groups<'h>(node: &Node, hits: &impl Fn(usize) -> &'h [Hit]) -> Option<Vec<Group>> {
    let found = match node {
        Node::Term(t) => hits(*t).iter().take(MAX_GROUPS).map(|h| vec![*h]).collect(),
        Node::Phrase(ts) => phrase(&lists(ts, hits))
            .into_iter()
            .map(|h| vec![h])
            .collect(),
        Node::Or(items) => items
            .iter()
            .filter_map(|i| groups(i, hits))
            .flatten()
            .take(MAX_GROUPS)
            .collect(),
        Node::Near(a, b, n) => near(&groups(a, hits)?, &groups(b, hits)?, *n),
        Node::And(_) | Node::Not(_) => vec![eval(node, hits)?],
    };
    non_empty(found)
}

fn lists<'h>(ts: &[usize], hits: &impl Fn(usize) -> &'h [Hit]) -> Vec<&'h [Hit]> {
    ts.iter().map(|t| hits(*t)).collect()
}

fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// Most steps one phrase search may take: hits that share a start (a hyphenated word and
/// its first part) make the search branch, and the budget keeps it linear in practice.
const PHRASE_BUDGET: usize = 100_000;

/// Phrase hits: one hit per word, consecutive positions, one field and sentence.
fn phrase(lists: &[&[Hit]]) -> Vec<Hit> {
    let Some((head, rest)) = lists.split_first() else {
        return Vec::new();
    };
    let mut budget = PHRASE_BUDGET;
    head.iter()
        .filter_map(|h| extend(*h, rest, &mut budget).map(|last| join(*h, last)))
        .take(MAX_GROUPS)
        .collect()
}

fn extend(cur: Hit, rest: &[&[Hit]], budget: &mut usize) -> Option<Hit> {
    let Some((next, tail)) = rest.split_first() else {
        return Some(cur);
    };
    *budget = budget.checked_sub(1)?;
    let want = cur.last.checked_add(1)?;
    let from = next.partition_point(|h| (h.field, h.first) < (cur.field, want));
    next[from..]
        .iter()
        .take_while(|h| h.field == cur.field && h.first == want)
        .filter(|h| h.sentence == cur.sentence)
        .find_map(|h| extend(*h, tail, budget))
}

fn join(a: Hit, b: Hit) -> Hit {
    Hit {
        last: b.last,
        end: b.end,
        ..a
    }
}

fn span(g: &Group) -> Option<(Field, u32, u32)> {
    let field = g.first()?.field;
    if g.iter().any(|h| h.field != field) {
        return None;
    }
    let first = g.iter().map(|h| h.first).min()?;
    let last = g.iter().map(|h| h.last).max()?;
    Some((field, first, last))
}

/// Pairs of groups in one field with at most `n` words between them.
fn near(a: &[Group], b: &[Group], n: u32) -> Vec<Group> {
    let mut out = Vec::new();
    for ga in a {
        let Some((fa, a0, a1)) = span(ga) else {
            continue;
        };
        for gb in b {
            let Some((fb, b0, b1)) = span(gb) else {
                continue;
            };
            let gap = b0.saturating_sub(a1).max(a0.saturating_sub(b1));
            if fa == fb && gap <= n.saturating_add(1) {
                out.push(ga.iter().chain(gb).copied().collect());
                if out.len() >= MAX_GROUPS {
                    return out;
                }
            }
        }
    }
    out
}
