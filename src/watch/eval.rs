//! Evaluating a query tree over one document, asking "does term t match this word?" of an
//! oracle instead of holding every hit of every term: each node keeps at most
//! [`MAX_GROUPS`] hits, so memory does not grow with text length times query words.

use super::ast::{Field, Node};
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
            start: unit.start as usize,
            end: unit.end as usize,
        }
    }
}

/// Hits that satisfy a node together, as needed by NEAR (one per occurrence).
pub(crate) type Group = Vec<Hit>;

/// Answers whether query term `t` matches a unit of a field.
pub(crate) trait Oracle {
    /// True if term `t` matches `unit` of `field`.
    fn hit(&self, t: usize, field: Field, unit: &Unit) -> bool;
}

impl<F: Fn(usize, Field, &Unit) -> bool> Oracle for F {
    fn hit(&self, t: usize, field: Field, unit: &Unit) -> bool {
        self(t, field, unit)
    }
}

/// The document and the oracle, passed down the tree.
pub(crate) struct Ctx<'a, O> {
    pub doc: &'a Document,
    pub oracle: &'a O,
}

impl<O> Clone for Ctx<'_, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O> Copy for Ctx<'_, O> {}

const FIELDS: [Field; 2] = [Field::Title, Field::Body];

/// The first [`MAX_GROUPS`] units `t` matches, in field and text order.
fn term_hits<O: Oracle>(cx: Ctx<'_, O>, t: usize) -> Vec<Hit> {
    FIELDS
        .iter()
        .flat_map(|&f| {
            cx.doc
                .field(f)
                .units
                .iter()
                .filter(move |u| cx.oracle.hit(t, f, u))
                .map(move |u| Hit::at(f, u))
        })
        .take(MAX_GROUPS)
        .collect()
}

/// Evaluates `node`; `None` means false, `Some` holds the hits that make it true (empty
/// for a satisfied exclusion).
pub(crate) fn eval<O: Oracle>(node: &Node, cx: Ctx<'_, O>) -> Option<Vec<Hit>> {
    match node {
        Node::Term(t) => non_empty(term_hits(cx, *t)),
        Node::Phrase(ts) => non_empty(phrase(cx, ts)),
        Node::And(items) => {
            let mut out = Vec::new();
            for item in items {
                out.extend(eval(item, cx)?.into_iter().take(quota(items)));
            }
            Some(out)
        }
        Node::Or(items) => {
            let out: Vec<Hit> = items
                .iter()
                .filter_map(|i| eval(i, cx))
                .flat_map(|hits| hits.into_iter().take(quota(items)))
                .collect();
            non_empty(out)
        }
        Node::Not(inner) => match eval(inner, cx) {
            Some(_) => None,
            None => Some(Vec::new()),
        },
        Node::Near(..) => groups(node, cx).map(|g| g.into_iter().flatten().collect()),
    }
}

/// Like [`eval`] but keeps occurrences apart, for the operands of NEAR: a word or phrase
/// gives one group per occurrence, an AND one group of all its hits.
fn groups<O: Oracle>(node: &Node, cx: Ctx<'_, O>) -> Option<Vec<Group>> {
    let found = match node {
        Node::Term(t) => term_hits(cx, *t).into_iter().map(|h| vec![h]).collect(),
        Node::Phrase(ts) => phrase(cx, ts).into_iter().map(|h| vec![h]).collect(),
        Node::Or(items) => items
            .iter()
            .filter_map(|i| groups(i, cx))
            .flatten()
            .take(MAX_GROUPS)
            .collect(),
        Node::Near(a, b, n) => near(&groups(a, cx)?, &groups(b, cx)?, *n),
        Node::And(_) | Node::Not(_) => vec![eval(node, cx)?],
    };
    non_empty(found)
}

/// Hits kept from each operand of AND/OR: together at most about [`MAX_GROUPS`], and at
/// least one from each so the alert names every operand that matched.
fn quota(items: &[Node]) -> usize {
    (MAX_GROUPS / items.len().max(1)).max(1)
}

fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// Steps one phrase occurrence may take per word: units that share a start (a hyphenated
/// word and its first part) make the search branch; the budget keeps it linear.
const STEPS_PER_WORD: usize = 4;

/// Phrase hits: one unit per word, consecutive positions, one field and sentence; the
/// first [`MAX_GROUPS`] in text order.
fn phrase<O: Oracle>(cx: Ctx<'_, O>, ts: &[usize]) -> Vec<Hit> {
    let Some((&head, rest)) = ts.split_first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for field in FIELDS {
        let units = &cx.doc.field(field).units;
        for u in units.iter().filter(|u| cx.oracle.hit(head, field, u)) {
            let mut budget = STEPS_PER_WORD * ts.len();
            if let Some(last) = extend(cx, field, units, u, rest, &mut budget) {
                out.push(join(Hit::at(field, u), Hit::at(field, last)));
                if out.len() >= MAX_GROUPS {
                    return out;
                }
            }
        }
    }
    out
}

fn extend<'u, O: Oracle>(
    cx: Ctx<'_, O>,
    field: Field,
    units: &'u [Unit],
    cur: &'u Unit,
    rest: &[usize],
    budget: &mut usize,
) -> Option<&'u Unit> {
    let Some((&next, tail)) = rest.split_first() else {
        return Some(cur);
    };
    *budget = budget.checked_sub(1)?;
    let want = cur.last.checked_add(1)?;
    let from = units.partition_point(|u| u.first < want);
    units[from..]
        .iter()
        .take_while(|u| u.first == want)
        .filter(|u| u.sentence == cur.sentence && cx.oracle.hit(next, field, u))
        .find_map(|u| extend(cx, field, units, u, tail, budget))
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
