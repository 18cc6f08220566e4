//! The near-copy index in memory: which articles of the window carry each LSH band key.
//!
//! Rebuilt at start from the stored signatures of the window's articles (the band keys are a
//! function of the signature), so storing an article writes no band rows at all. Entries are
//! packed `u64`s, band key in the high half and article id in the low half, kept sorted: 8
//! bytes per (band key, article) pair, at most [`BANDS`] pairs — 512 bytes — per article of the
//! window, plus a fixed 512 KB directory by the keys' top bits that makes a lookup touch a few
//! cache lines. New entries go to a small sorted set first and are merged into the sorted
//! array in place now and then, when entries older than the window are dropped too.

use std::collections::BTreeSet;

use super::fingerprint::BANDS;

/// Entries in the recent set at least before a merge: merging costs a pass over the array,
/// so it waits until the set has grown by a share of it ([`MERGE_SHARE`]).
const MIN_RECENT: usize = 16 * 1024;

/// The recent set is merged once it holds this share of the array (1/32).
const MERGE_SHARE: usize = 32;

/// Top bits of a band key that pick a directory slot: a lookup reads two slots and searches
/// only the entries between them (about 100 at 100,000 articles) instead of the whole array.
const DIR_BITS: u32 = 16;

/// Article ids the index cannot hold (beyond `u32`): such an article is stored, but finds no
/// near-copies and is found by none.
#[derive(Debug, thiserror::Error)]
#[error("article id {0} is beyond the near-copy index's range (4,294,967,295)")]
pub struct IdOutOfRange(pub i64);

/// Band key → articles, for the articles of the near-copy window.
#[derive(Debug, Default)]
pub struct BandIndex {
    /// Sorted, exactly sized.
    merged: Vec<u64>,
    /// For each value of a key's top [`DIR_BITS`] bits, where its entries start in `merged`
    /// (one slot more at the end): 512 KB.
    dir: Vec<usize>,
    /// Entries since the last merge.
    recent: BTreeSet<u64>,
    /// Articles below this id have left the window; their entries go at the next merge.
    floor: u32,
}

impl BandIndex {
    /// Starts rebuilding an index from the window's articles.
    pub fn loader() -> Loader {
        Loader::default()
    }

    /// Adds article `id` with its band keys.
    pub fn insert(&mut self, id: i64, bands: &[i64]) -> Result<(), IdOutOfRange> {
        let mut one = Pending::default();
        one.add(id, bands)?;
        self.absorb(one);
        Ok(())
    }

    /// Adds the articles of `pending` (once their transaction is committed).
    pub fn absorb(&mut self, pending: Pending) {
        self.recent.extend(pending.entries);
    }

    /// Whether enough entries came in since the last merge for [`BandIndex::merge`] to be due.
    pub fn merge_due(&self) -> bool {
        self.recent.len() >= MIN_RECENT.max(self.merged.len() / MERGE_SHARE)
    }

    /// Articles below id `floor` have left the window: they are no longer found, and their
    /// entries go at the next merge.
    pub fn set_floor(&mut self, floor: i64) {
        self.floor = u32::try_from(floor.max(0)).unwrap_or(u32::MAX);
    }

    /// Drops the entries of articles that left the window and folds the recent entries into
    /// the sorted array, in place: the array grows by the recent entries only.
    pub fn merge(&mut self) {
        let keep = |e: &u64| article(*e) >= self.floor;
        self.merged.retain(keep);
        let recent: Vec<u64> = std::mem::take(&mut self.recent)
            .into_iter()
            .filter(keep)
            .collect();
        let old = self.merged.len();
        self.merged.reserve_exact(recent.len());
        self.merged.resize(old + recent.len(), 0);
        // Merge from the back, so no second array is needed.
        let (mut i, mut j, mut out) = (old, recent.len(), self.merged.len());
        while j > 0 {
            out -= 1;
            if i > 0 && self.merged[i - 1] > recent[j - 1] {
                self.merged[out] = self.merged[i - 1];
                i -= 1;
            } else {
                self.merged[out] = recent[j - 1];
                j -= 1;
            }
        }
        self.merged.dedup();
        self.merged.shrink_to_fit();
        self.index_dir();
    }

    /// Rebuilds the directory over `merged`.
    fn index_dir(&mut self) {
        let slots = 1usize << DIR_BITS;
        self.dir.clear();
        self.dir.reserve_exact(slots + 1);
        let mut at = 0;
        for slot in 0..=slots {
            while at < self.merged.len() && ((self.merged[at] >> (64 - DIR_BITS)) as usize) < slot {
                at += 1;
            }
            self.dir.push(at);
        }
    }

    /// The entries of `merged` whose key's top bits are those of `key`.
    fn slot(&self, key: u32) -> &[u64] {
        let slot = (key >> (32 - DIR_BITS)) as usize;
        match (self.dir.get(slot), self.dir.get(slot + 1)) {
            (Some(&start), Some(&end)) => &self.merged[start..end],
            _ => &self.merged,
        }
    }

    /// Articles sharing at least one of `bands`, with how many they share, most first, then
    /// by id; at most `limit`. `extra` are articles not yet in the index (stored earlier in
    /// the same transaction), searched alike.
    pub fn candidates(&self, bands: &[i64], extra: &Pending, limit: usize) -> Vec<i64> {
        let mut keys: Vec<u32> = bands.iter().map(|b| band(*b)).collect();
        keys.sort_unstable();
        keys.dedup();
        // Every article once per key it shares: counting an id's occurrences counts its
        // shared keys.
        let mut hits: Vec<u32> = Vec::new();
        for &key in &keys {
            let (low, high) = (u64::from(key) << 32, (u64::from(key) << 32) | 0xffff_ffff);
            let slot = self.slot(key);
            let start = slot.partition_point(|e| *e < low);
            let found = slot[start..].iter().take_while(|e| **e <= high);
            hits.extend(
                found
                    .chain(self.recent.range(low..=high))
                    .map(|e| article(*e))
                    .filter(|id| *id >= self.floor),
            );
        }
        for &key in &keys {
            let (low, high) = (u64::from(key) << 32, (u64::from(key) << 32) | 0xffff_ffff);
            hits.extend(extra.entries.range(low..=high).map(|e| article(*e)));
        }
        hits.sort_unstable();
        let mut shared: Vec<(u32, u32)> = Vec::new();
        for id in hits {
            match shared.last_mut() {
                Some((last, n)) if *last == id => *n += 1,
                _ => shared.push((id, 1)),
            }
        }
        let order = |a: &(u32, u32), b: &(u32, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if shared.len() > limit && limit > 0 {
            shared.select_nth_unstable_by(limit - 1, order);
            shared.truncate(limit);
        }
        shared.sort_unstable_by(order);
        shared
            .into_iter()
            .take(limit)
            .map(|(id, _)| i64::from(id))
            .collect()
    }

    /// (band key, article) pairs held, for memory figures.
    pub fn len(&self) -> usize {
        self.merged.len() + self.recent.len()
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Articles stored in the open transaction, not yet in the index (they join it with
/// [`BandIndex::absorb`] once committed, so a rolled-back article is never found): searched
/// like the index's own recent entries.
#[derive(Debug, Default)]
pub struct Pending {
    entries: BTreeSet<u64>,
}

impl Pending {
    /// Adds article `id` with its band keys.
    pub fn add(&mut self, id: i64, bands: &[i64]) -> Result<(), IdOutOfRange> {
        let id = u32::try_from(id).map_err(|_| IdOutOfRange(id))?;
        self.entries.extend(entries(id, bands));
        Ok(())
    }
}

/// An index being rebuilt: entries are gathered unsorted, then sorted once.
#[derive(Debug, Default)]
pub struct Loader {
    entries: Vec<u64>,
}

impl Loader {
    /// Adds article `id` with its band keys; an id beyond the index's range is left out.
    pub fn add(&mut self, id: i64, bands: &[i64]) {
        if let Ok(id) = u32::try_from(id) {
            self.entries.extend(entries(id, bands));
        }
    }

    /// The index, with articles below id `floor` left out.
    pub fn finish(self, floor: i64) -> BandIndex {
        let mut merged = self.entries;
        merged.sort_unstable();
        merged.dedup();
        let mut index = BandIndex {
            merged,
            dir: Vec::new(),
            recent: BTreeSet::new(),
            floor: 0,
        };
        index.set_floor(floor);
        index.merge();
        index
    }
}

/// A band key as the index holds it (keys are 32-bit; see `fingerprint::band_keys`).
fn band(key: i64) -> u32 {
    (key & 0xffff_ffff) as u32
}

fn article(entry: u64) -> u32 {
    (entry & 0xffff_ffff) as u32
}

/// The packed entries of one article, one per distinct band key.
fn entries(id: u32, bands: &[i64]) -> impl Iterator<Item = u64> + '_ {
    debug_assert!(bands.len() <= BANDS);
    bands
        .iter()
        .map(move |b| (u64::from(band(*b)) << 32) | u64::from(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_rank_by_shared_bands_and_survive_a_merge_that_drops_old_articles() {
        let mut loader = BandIndex::loader();
        loader.add(1, &[10, 11, 12]);
        loader.add(2, &[10, 99]);
        loader.add(1 << 40, &[10]);
        let mut index = loader.finish(0);
        index.insert(3, &[10, 11, 12, 13]).unwrap();
        let mut pending = Pending::default();
        pending.add(4, &[12, 13, 13]).unwrap();
        assert!(pending.add(1 << 40, &[12]).is_err());
        assert_eq!(
            index.candidates(&[10, 11, 12, 13], &pending, 8),
            [3, 1, 4, 2]
        );
        assert_eq!(
            index.candidates(&[10, 11, 12, 13], &Pending::default(), 2),
            [3, 1]
        );
        assert!(index.candidates(&[7], &Pending::default(), 8).is_empty());
        index.set_floor(2);
        assert_eq!(
            index.candidates(&[10, 11, 12, 13], &Pending::default(), 8),
            [3, 2]
        );
        index.merge();
        assert_eq!(index.len(), 6, "article 1's three entries are gone");
        assert_eq!(
            index.candidates(&[10, 11, 12, 13], &Pending::default(), 8),
            [3, 2]
        );
        index.insert(5, &[11]).unwrap();
        index.merge();
        assert_eq!(index.candidates(&[11], &Pending::default(), 8), [3, 5]);
        assert!(index.insert(1 << 40, &[11]).is_err());
        // Keys far apart land in different directory slots, and are found there.
        index.insert(6, &[0xffff_0001, 0x0001_0002]).unwrap();
        index.insert(7, &[0xffff_0001]).unwrap();
        index.merge();
        assert_eq!(
            index.candidates(&[0xffff_0001, 0x0001_0002], &Pending::default(), 8),
            [6, 7]
        );
        assert_eq!(
            index.candidates(&[0x0001_0002], &Pending::default(), 8),
            [6]
        );
        assert!(
            index
                .candidates(&[0x0001_0003], &Pending::default(), 8)
                .is_empty()
        );
    }
}
