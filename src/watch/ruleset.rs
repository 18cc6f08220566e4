//! Many rules matched together: a shared prefilter so that rule count adds little per article.
//!
//! Every query word has a skeleton key (up to 5 letters) that all its matching text words
//! start with. The rule set maps keys to words; an article looks up each word's 1..5-letter
//! skeleton prefixes once, verifies only those candidate pairs, and evaluates only rules
//! with at least one word found.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::ast::Field;
use super::document::Document;
use super::eval::Hit;
use super::pattern::KEY_CHARS;
use super::{Match, Query};
use crate::text::Form;

/// A fast hasher for the packed keys (they are not attacker-controlled in a useful way:
/// a bad spread only costs speed).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u32(&mut self, v: u32) {
        self.0 = (self.0.rotate_left(32) ^ u64::from(v)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_u128(&mut self, v: u128) {
        let folded = (v as u64) ^ ((v >> 64) as u64).rotate_left(29);
        self.0 = (folded ^ (folded >> 31)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type KeyMap<V> = HashMap<u128, V, BuildHasherDefault<KeyHasher>>;

/// Packs up to 6 characters into one number; distinct strings give distinct keys.
fn pack(prefix: impl Iterator<Item = char>) -> u128 {
    prefix.fold(0u128, |k, c| (k << 21) | u128::from(u32::from(c)))
}

/// (query index, term index) of one query word.
type TermRef = (u32, u32);

/// Verified hits per query word, for one document.
type TermHits = HashMap<TermRef, Vec<Hit>, BuildHasherDefault<KeyHasher>>;

/// Many queries sharing one prefilter.
#[derive(Debug)]
pub struct RuleSet {
    queries: Vec<Query>,
    keyed: KeyMap<Vec<TermRef>>,
    /// `key_lens[n]`: some key has n characters (skips useless lookups).
    key_lens: [bool; KEY_CHARS + 1],
    unkeyed: Vec<TermRef>,
}

impl RuleSet {
    /// Builds the prefilter over all words of `queries`.
    pub fn new(queries: Vec<Query>) -> RuleSet {
        let mut keyed: KeyMap<Vec<TermRef>> = KeyMap::default();
        let mut unkeyed = Vec::new();
        let mut key_lens = [false; KEY_CHARS + 1];
        for (qi, q) in queries.iter().enumerate() {
            for (ti, t) in q.terms.iter().enumerate() {
                let r = (qi as u32, ti as u32);
                let mut keys: Vec<u128> = Vec::new();
                for key in t.pattern.keys() {
                    let len = key.chars().count();
                    if len == 0 {
                        unkeyed.push(r);
                    } else {
                        key_lens[len.min(KEY_CHARS)] = true;
                        keys.push(pack(key.chars()));
                    }
                }
                keys.sort_unstable();
                keys.dedup();
                for k in keys {
                    keyed.entry(k).or_default().push(r);
                }
            }
        }
        unkeyed.dedup();
        RuleSet {
            queries,
            keyed,
            key_lens,
            unkeyed,
        }
    }

    /// The rules that fire on `doc`, as (index into the queries, match), in rule order.
    pub fn matches(&self, doc: &Document) -> Vec<(usize, Match)> {
        let hits = self.candidate_hits(doc);
        let mut fired: Vec<u32> = hits.keys().map(|r| r.0).collect();
        fired.sort_unstable();
        fired.dedup();
        let mut out = Vec::new();
        for qi in fired {
            let Some(q) = self.queries.get(qi as usize) else {
                continue;
            };
            let lookup =
                |t: usize| -> &[Hit] { hits.get(&(qi, t as u32)).map_or(&[], Vec::as_slice) };
            if let Some(m) = q.find_with(doc, &lookup) {
                out.push((qi as usize, m));
            }
        }
        out
    }

    /// Verified hits of every query word whose key some text word starts with.
    fn candidate_hits(&self, doc: &Document) -> TermHits {
        let mut hits = TermHits::default();
        for field in [Field::Title, Field::Body] {
            for u in &doc.field(field).units {
                let hit = Hit::at(field, u);
                for f in &u.forms {
                    let mut key = 0u128;
                    let prefixes = f.skel.chars().take(KEY_CHARS).enumerate().map(|(i, c)| {
                        key = (key << 21) | u128::from(u32::from(c));
                        (i + 1, key)
                    });
                    let cands = prefixes
                        .filter(|(len, _)| self.key_lens[*len])
                        .filter_map(|(_, k)| self.keyed.get(&k))
                        .flatten()
                        .chain(&self.unkeyed);
                    for r in cands {
                        self.verify(*r, f, hit, &mut hits);
                    }
                }
            }
        }
        for v in hits.values_mut() {
            v.sort_unstable();
        }
        hits
    }

    fn verify(&self, r: TermRef, form: &Form, hit: Hit, hits: &mut TermHits) {
        let Some(term) = self
            .queries
            .get(r.0 as usize)
            .and_then(|q| q.terms.get(r.1 as usize))
        else {
            return;
        };
        if !term.allows(hit.field) {
            return;
        }
        if hits.get(&r).and_then(|v| v.last()) == Some(&hit) {
            return;
        }
        if term.pattern.matches(form) {
            hits.entry(r).or_default().push(hit);
        }
    }
}
