//! Many rules matched together: a shared prefilter so that rule count adds little per article.
//!
//! Every query word has a skeleton key (up to 5 letters) that all its matching text words
//! start with. The rule set maps keys to distinct query words; an article looks up each
//! distinct word's 1..5-letter skeleton prefixes once, verifies only those candidate pairs,
//! and evaluates only rules with at least one word found.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::ast::Field;
use super::document::{Document, Unit};
use super::found::Found;
use super::pattern::{KEY_CHARS, WordPattern};
use super::{Match, Query};

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
    keyed: KeyMap<Vec<u32>>,
    /// `key_lens[n]`: some key has n characters (skips useless lookups).
    key_lens: [bool; KEY_CHARS + 1],
    unkeyed: Vec<u32>,
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
            keyed: KeyMap::default(),
            key_lens: [false; KEY_CHARS + 1],
            unkeyed: Vec::new(),
        };
        let mut ids: HashMap<&WordPattern, u32> = HashMap::new();
        for (qi, q) in (0u32..).zip(&queries) {
            let mut local = Vec::with_capacity(q.patterns.len());
            for (pi, p) in (0u32..).zip(&q.patterns) {
                let id = match ids.get(p) {
                    Some(id) => *id,
                    None => {
                        let id = u32::try_from(set.patterns.len()).unwrap_or(u32::MAX);
                        set.add_keys(id, p);
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

    fn add_keys(&mut self, id: u32, p: &WordPattern) {
        let mut keys: Vec<u128> = Vec::new();
        for key in p.keys() {
            let len = key.chars().count();
            if len == 0 {
                self.unkeyed.push(id);
            } else {
                self.key_lens[len.min(KEY_CHARS)] = true;
                keys.push(pack(key.chars()));
            }
        }
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            self.keyed.entry(k).or_default().push(id);
        }
        self.unkeyed.dedup();
    }

    fn pattern(&self, id: u32) -> Option<&WordPattern> {
        let &(qi, pi) = self.patterns.get(id as usize)?;
        self.queries.get(qi as usize)?.patterns.get(pi as usize)
    }

    /// The rules that fire on `doc`, as (index into the queries, match), in rule order.
    pub fn matches(&self, doc: &Document) -> Vec<(usize, Match)> {
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
        Found::build(doc.words(), |w, out| {
            let forms = doc.forms(w);
            let mut cands: Vec<u32> = self.unkeyed.clone();
            for f in forms {
                let mut key = 0u128;
                for (i, c) in f.skel.chars().take(KEY_CHARS).enumerate() {
                    key = (key << 21) | u128::from(u32::from(c));
                    if self.key_lens[i + 1]
                        && let Some(ids) = self.keyed.get(&key)
                    {
                        cands.extend(ids);
                    }
                }
            }
            cands.sort_unstable();
            cands.dedup();
            out.extend(
                cands
                    .into_iter()
                    .filter(|&id| self.pattern(id).is_some_and(|p| p.matches_word(forms))),
            );
        })
    }
}
