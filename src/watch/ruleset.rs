//! Many rules matched together: a shared prefilter so that rule count adds little per article.
//!
//! Every query word has a skeleton key (up to 5 letters) that all its matching text words
//! start with. The rule set maps keys to distinct query words; an article looks up each
//! distinct word's 1..5-letter skeleton prefixes once, verifies only those candidate pairs,
//! and evaluates only rules with at least one word found. A document prepared for the set
//! ([`RuleSet::document`]) does not even analyse the words whose prefixes hit no key.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use super::ast::Field;
use super::document::{Document, Unit};
use super::found::Found;
use super::keys::Keys;
use super::pattern::WordPattern;
use super::{Match, Query};
use crate::text::Tokens;

/// Numbers rule sets, so a document knows which set it was prepared for.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Many queries sharing one prefilter over their distinct words.
#[derive(Debug)]
pub struct RuleSet {
    queries: Vec<Query>,
    /// Distinct query words of all rules: (query, its pattern index), first user.
    patterns: Vec<(u32, u32)>,
    /// Per query, its pattern indices mapped to ids in `patterns`.
    global: Vec<Vec<u32>>,
    /// Per pattern id, the queries using it.
    users: Vec<Vec<u32>>,
    keys: Keys,
    /// This set's number (see [`RuleSet::document`]).
    id: u64,
}

impl RuleSet {
    /// Builds the prefilter over all words of `queries`; a word used by many rules (same
    /// spelling, kind and Latin scheme) is one pattern.
    pub fn new(queries: Vec<Query>) -> RuleSet {
        let mut set = RuleSet {
            queries: Vec::new(),
            patterns: Vec::new(),
            global: Vec::new(),
            users: Vec::new(),
            keys: Keys::default(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        };
        let mut ids: HashMap<&WordPattern, u32> = HashMap::new();
        for (qi, q) in (0u32..).zip(&queries) {
            let mut local = Vec::with_capacity(q.patterns.len());
            for (pi, p) in (0u32..).zip(&q.patterns) {
                let id = match ids.get(p) {
                    Some(id) => *id,
                    None => {
                        let id = u32::try_from(set.patterns.len()).unwrap_or(u32::MAX);
                        set.keys.add(id, p);
                        set.patterns.push((qi, pi));
                        set.users.push(Vec::new());
                        ids.insert(p, id);
                        id
                    }
                };
                if let Some(users) = set.users.get_mut(id as usize)
                    && users.last() != Some(&qi)
                {
                    users.push(qi);
                }
                local.push(id);
            }
            set.global.push(local);
        }
        drop(ids);
        set.queries = queries;
        set
    }

    fn pattern(&self, id: u32) -> Option<&WordPattern> {
        let &(qi, pi) = self.patterns.get(id as usize)?;
        self.queries.get(qi as usize)?.patterns.get(pi as usize)
    }

    /// Prepares an article for this set: only the words that may match one of its query
    /// words (by their skeleton's first letters) are analysed, so the cost follows the rules
    /// and not the text's vocabulary. Matching it gives what a fully prepared document gives.
    pub fn document(&self, title: &str, body: &str) -> Document {
        Document::prepare(title, body, None, Some((&self.keys, self.id)))
    }

    /// [`RuleSet::document`] for a body whose tokens the caller already found.
    pub fn document_of(&self, title: &str, body: &str, body_tokens: &Tokens) -> Document {
        Document::prepare(title, body, Some(body_tokens), Some((&self.keys, self.id)))
    }

    /// The rules that fire on `doc`, as (index into the queries, match), in rule order.
    /// A document prepared for another set is prepared again for this one.
    pub fn matches(&self, doc: &Document) -> Vec<(usize, Match)> {
        if doc.prepared_for().is_some_and(|id| id != self.id) {
            return self.matches(&self.document(&doc.title.text, &doc.body.text));
        }
        let found = self.found(doc);
        let mut fired: Vec<u32> = Vec::new();
        let mut seen = vec![false; self.patterns.len()];
        for &id in found.all_ids() {
            if let Some(s) = seen.get_mut(id as usize).filter(|s| !**s) {
                *s = true;
                fired.extend(self.users.get(id as usize).into_iter().flatten());
            }
        }
        fired.sort_unstable();
        fired.dedup();
        let mut out = Vec::new();
        for qi in fired {
            let (Some(q), Some(global)) =
                (self.queries.get(qi as usize), self.global.get(qi as usize))
            else {
                continue;
            };
            let oracle = |t: usize, field: Field, u: &Unit| {
                q.terms.get(t).is_some_and(|term| {
                    term.allows(field)
                        && global
                            .get(term.pattern)
                            .is_some_and(|&id| found.contains(u.word, id))
                })
            };
            if let Some(m) = q.find_with(doc, &oracle) {
                out.push((qi as usize, m));
            }
        }
        out
    }

    /// Which patterns each distinct word of `doc` matches: the word's skeleton prefixes
    /// pick the candidates, which are then verified.
    fn found(&self, doc: &Document) -> Found {
        let mut cands: Vec<u32> = Vec::new();
        Found::build(doc.words(), |w, out| {
            let forms = doc.forms(w);
            cands.clear();
            self.keys.candidates(forms, &mut cands);
            cands.sort_unstable();
            cands.dedup();
            out.extend(
                cands
                    .iter()
                    .copied()
                    .filter(|&id| self.pattern(id).is_some_and(|p| p.matches_word(forms))),
            );
        })
    }
}
