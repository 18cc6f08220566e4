//! The prefilter of a rule set: every query word has skeleton keys (up to 5 letters), one of
//! which every matching text word's skeleton starts with. Looking up a text word's 1..5-letter
//! skeleton prefixes gives the query words worth verifying — or tells that no rule word can
//! match it, so it need not be analysed at all.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::pattern::{KEY_CHARS, WordPattern};
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
type KeySet = HashSet<u128, BuildHasherDefault<KeyHasher>>;

/// Packs up to 6 characters into one number; distinct strings give distinct keys.
fn pack(prefix: impl Iterator<Item = char>) -> u128 {
    prefix.fold(0u128, |k, c| (k << 21) | u128::from(u32::from(c)))
}

/// The keys of many query words (numbered by the caller), and those words without a key.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    keyed: KeyMap<Vec<u32>>,
    /// Every shorter start of a key (ends of a key are not in it).
    starts: KeySet,
    /// `lens[n]`: some key has n characters (skips useless lookups).
    lens: [bool; KEY_CHARS + 1],
    /// The first characters of the keys, sorted: most text words are refused on their
    /// first letter, without hashing it.
    firsts: Vec<char>,
    unkeyed: Vec<u32>,
}

impl Keys {
    /// Adds the keys of query word `id`.
    pub fn add(&mut self, id: u32, p: &WordPattern) {
        let mut keys: Vec<u128> = Vec::new();
        for key in p.keys() {
            let len = key.chars().count();
            if len == 0 {
                self.unkeyed.push(id);
            } else {
                self.lens[len.min(KEY_CHARS)] = true;
                keys.push(pack(key.chars()));
                if let Some(first) = key.chars().next()
                    && let Err(at) = self.firsts.binary_search(&first)
                {
                    self.firsts.insert(at, first);
                }
                for n in 1..len {
                    self.starts.insert(pack(key.chars().take(n)));
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            self.keyed.entry(k).or_default().push(id);
        }
        self.unkeyed.dedup();
    }

    /// Appends the query words a text word with these readings may match (possibly repeated).
    pub fn candidates(&self, forms: &[Form], out: &mut Vec<u32>) {
        if forms.is_empty() {
            return;
        }
        out.extend(&self.unkeyed);
        for f in forms {
            self.lookup(f.skel.chars(), |ids| out.extend(ids));
        }
    }

    /// Whether any query word can need a text word, given the start of one of its
    /// readings' skeletons: `Some(true)` when a key is that start, `Some(false)` when no key
    /// begins with it, `None` when a longer start is needed to tell.
    pub fn wants(&self, head: &[char]) -> Option<bool> {
        if !self.unkeyed.is_empty() {
            return Some(true);
        }
        if let [first] = head {
            // A key or the start of one begins with its first character.
            if self.firsts.binary_search(first).is_err() {
                return Some(false);
            }
        }
        let key = pack(head.iter().copied());
        if self.lens.get(head.len()) == Some(&true) && self.keyed.contains_key(&key) {
            return Some(true);
        }
        (!self.starts.contains(&key)).then_some(false)
    }

    /// Calls `found` with the query words of each key that `skel` starts with.
    fn lookup(&self, skel: impl Iterator<Item = char>, mut found: impl FnMut(&[u32])) {
        let mut key = 0u128;
        for (i, c) in skel.take(KEY_CHARS).enumerate() {
            key = (key << 21) | u128::from(u32::from(c));
            if self.lens[i + 1]
                && let Some(ids) = self.keyed.get(&key)
            {
                found(ids);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::script::ALL_SCHEMES;
    use crate::watch::WordKind;

    #[test]
    fn a_head_is_wanted_when_a_key_starts_it_and_dropped_when_none_can() {
        let mut keys = Keys::default();
        let p = WordPattern::compile("саяси", WordKind::Exact, &ALL_SCHEMES);
        p.iter().for_each(|p| keys.add(0, p));
        let head = |s: &str| s.chars().collect::<Vec<char>>();
        assert_eq!(keys.wants(&head("са")), None);
        assert_eq!(keys.wants(&head("саяси")), Some(true));
        assert_eq!(keys.wants(&head("т")), Some(false));
        assert_eq!(keys.wants(&head("сат")), Some(false));
    }

    #[test]
    fn a_first_letter_is_refused_only_when_no_key_starts_with_it() {
        let words = [
            "саяси",
            "тұтқын",
            "Qazaqstan",
            "митинг",
            "ат",
            "Жексебаев",
            "2024",
        ];
        let mut keys = Keys::default();
        let mut written: Vec<String> = Vec::new();
        for (id, word) in (0u32..).zip(words) {
            if let Some(p) = WordPattern::compile(word, WordKind::Plain, &ALL_SCHEMES) {
                keys.add(id, &p);
                written.extend(p.keys().map(str::to_string));
            }
        }
        let letters = ('0'..='z').chain('а'..='я').chain("әғқңөұүһіё".chars());
        for c in letters {
            let want = if written.iter().any(|k| k.chars().eq([c])) {
                Some(true)
            } else if written.iter().any(|k| k.starts_with(c)) {
                None
            } else {
                Some(false)
            };
            assert_eq!(keys.wants(&[c]), want, "{c}");
        }
    }
}
