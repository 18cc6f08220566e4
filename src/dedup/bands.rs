//! The near-copy index in memory: which articles of the window carry each LSH band key.
//!
//! Rebuilt at start from the stored signatures of the window's articles (the band keys are a
//! function of the signature), so storing an article writes no band rows at all. A fixed
//! directory by the keys' top [`DIR_BITS`] bits (256 KB) says where each slot's entries start;
//! an entry under its slot needs only the rest of the key and the article id: 6 bytes per
//! (band key, article) pair, at most [`BANDS`] pairs — 384 bytes — per article of the window.
//! New entries go to a small sorted array first and are merged into the slots in place now and
//! then, when entries older than the window are dropped too.

use std::collections::BTreeSet;

use super::fingerprint::BANDS;

#[cfg(test)]
mod tests;

/// Entries in the recent array at least before a merge: merging costs a pass over the
/// index, so it waits until the recent entries have grown by a share of it
/// ([`MERGE_SHARE`]).
const MIN_RECENT: usize = 16 * 1024;

/// The recent entries are merged once they are this share of the index (1/32).
const MERGE_SHARE: usize = 32;

/// Top bits of a band key that pick a directory slot: a lookup reads two slots of the
/// directory and searches only the entries between them (about 100 at 100,000 articles).
const DIR_BITS: u32 = 16;

/// Directory slots.
const SLOTS: usize = 1 << DIR_BITS;

/// One (band key, article) pair under its directory slot: the key's low 16 bits, then the
/// article id's high and low halves, so that comparing two entries compares (key, id).
type Entry = [u16; 3];

/// Article ids the index cannot hold (beyond `u32`): such an article is stored, but finds no
/// near-copies and is found by none.
#[derive(Debug, thiserror::Error)]
#[error("article id {0} is beyond the near-copy index's range (4,294,967,295)")]
pub struct IdOutOfRange(pub i64);

/// Band key → articles, for the articles of the near-copy window.
#[derive(Debug, Default)]
pub struct BandIndex {
    /// Grouped by directory slot, sorted within a slot; exactly sized.
    entries: Vec<Entry>,
    /// For each slot, where its entries start in `entries`, and one more at the end (empty
    /// while `entries` is). `u32` offsets: an index of more than 4 billion pairs (67 million
    /// windowed articles) is out of this design's range, and is cut at that size.
    dir: Vec<u32>,
    /// Packed (band key << 32 | article id) entries since the last merge, sorted.
    recent: Vec<u64>,
    /// Articles below this id have left the window; their entries go at the next merge.
    floor: u32,
}

impl BandIndex {
    /// Rebuilds the index of the articles from id `floor` on. `scan` calls its visitor with
    /// every article's id and band keys, and is called twice: once to count the entries of
    /// each directory slot, once to place them, so the index is built at its final size with
    /// no larger array on the way. Articles the second scan finds beyond the first are left
    /// out (the writer adds the articles it stores itself).
    pub fn rebuild<E>(
        floor: i64,
        mut scan: impl FnMut(&mut dyn FnMut(i64, &[i64])) -> Result<(), E>,
    ) -> Result<BandIndex, E> {
        let floor = clamp_floor(floor);
        // Counted into the next slot's place, then summed: where each slot starts.
        let mut starts = vec![0u32; SLOTS + 1];
        let mut last = None;
        scan(&mut |id, bands| {
            if let Some(id) = windowed(id, floor) {
                last = last.max(Some(id));
                for key in bands.iter().map(|b| band(*b)) {
                    let at = &mut starts[slot_of(key) + 1];
                    *at = at.saturating_add(1);
                }
            }
        })?;
        for slot in 0..SLOTS {
            starts[slot + 1] = starts[slot + 1].saturating_add(starts[slot]);
        }
        let mut entries = vec![[0u16; 3]; starts[SLOTS] as usize];
        // Where the next entry of each slot goes, up to where the next slot starts.
        let mut next = starts[..SLOTS].to_vec();
        scan(&mut |id, bands| {
            let Some(id) = windowed(id, floor).filter(|id| Some(*id) <= last) else {
                return;
            };
            for key in bands.iter().map(|b| band(*b)) {
                let slot = slot_of(key);
                if next[slot] < starts[slot + 1] {
                    entries[next[slot] as usize] = entry(key, id);
                    next[slot] += 1;
                }
            }
        })?;
        let mut index = BandIndex {
            entries,
            dir: starts,
            recent: Vec::new(),
            floor,
        };
        index.settle(&next);
        Ok(index)
    }

    /// Adds the articles of `pending` (once their transaction is committed).
    pub fn absorb(&mut self, pending: Pending) {
        let added: Vec<u64> = pending.entries.into_iter().collect();
        merge_sorted(&mut self.recent, &added);
    }

    /// Whether enough entries came in since the last merge for [`BandIndex::merge`] to be due.
    pub fn merge_due(&self) -> bool {
        self.recent.len() >= MIN_RECENT.max(self.entries.len() / MERGE_SHARE)
    }

    /// Articles below id `floor` have left the window: they are no longer found, and their
    /// entries go at the next merge.
    pub fn set_floor(&mut self, floor: i64) {
        self.floor = clamp_floor(floor);
    }

    /// Drops the entries of articles that left the window and folds the recent entries into
    /// their slots, in place: the array grows by the recent entries only.
    pub fn merge(&mut self) {
        let floor = self.floor;
        let mut recent = std::mem::take(&mut self.recent);
        recent.retain(|e| article(*e) >= floor);
        if self.dir.is_empty() {
            self.dir = vec![0; SLOTS + 1];
        }
        // Forward: drop what left the window, slot by slot.
        let mut kept = 0usize;
        for slot in 0..SLOTS {
            let (start, end) = (self.dir[slot] as usize, self.dir[slot + 1] as usize);
            self.dir[slot] = offset(kept);
            for at in start..end {
                let e = self.entries[at];
                if entry_id(&e) >= floor {
                    self.entries[kept] = e;
                    kept += 1;
                }
            }
        }
        self.dir[SLOTS] = offset(kept);
        self.entries.truncate(kept);
        // Backward: merge each slot with its recent entries, writing from the new end, so no
        // second array is needed.
        let total = kept + recent.len();
        self.entries.resize(total, [0; 3]);
        let (mut out, mut j, mut old_end) = (total, recent.len(), kept);
        self.dir[SLOTS] = offset(total);
        for slot in (0..SLOTS).rev() {
            let old_start = self.dir[slot] as usize;
            let mut i = old_end;
            loop {
                let has_old = i > old_start;
                let has_recent = j > 0 && slot_of(key(recent[j - 1])) == slot;
                // The larger of the two last entries goes to the back.
                let from_recent = match (has_old, has_recent) {
                    (false, false) => break,
                    (true, true) => self.entries[i - 1] < packed_entry(recent[j - 1]),
                    (false, true) => true,
                    (true, false) => false,
                };
                out -= 1;
                if from_recent {
                    self.entries[out] = packed_entry(recent[j - 1]);
                    j -= 1;
                } else {
                    self.entries[out] = self.entries[i - 1];
                    i -= 1;
                }
            }
            old_end = old_start;
            self.dir[slot] = offset(out);
        }
        self.entries.shrink_to_fit();
    }

    /// Sorts each slot's entries and drops duplicates and unfilled places (`filled[slot]` is
    /// where the filled part of `slot` ends), fixing the directory.
    fn settle(&mut self, filled: &[u32]) {
        let mut kept = 0usize;
        for (slot, &end) in filled.iter().enumerate() {
            let (start, end) = (self.dir[slot] as usize, end as usize);
            self.entries[start..end].sort_unstable();
            self.dir[slot] = offset(kept);
            let mut previous = None;
            for at in start..end {
                let e = self.entries[at];
                if previous != Some(e) {
                    self.entries[kept] = e;
                    kept += 1;
                    previous = Some(e);
                }
            }
        }
        self.dir[SLOTS] = offset(kept);
        self.entries.truncate(kept);
        self.entries.shrink_to_fit();
    }

    /// The entries of `entries` in the directory slot of `key`.
    fn slot(&self, key: u32) -> &[Entry] {
        let slot = slot_of(key);
        match (self.dir.get(slot), self.dir.get(slot + 1)) {
            (Some(&start), Some(&end)) => &self.entries[start as usize..end as usize],
            _ => &self.entries,
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
            let low_bits = low(key);
            let slot = self.slot(key);
            let start = slot.partition_point(|e| e[0] < low_bits);
            let found = slot[start..].iter().take_while(|e| e[0] == low_bits);
            hits.extend(found.map(entry_id).filter(|id| *id >= self.floor));
            let (first, last) = (u64::from(key) << 32, (u64::from(key) << 32) | 0xffff_ffff);
            let from = self.recent.partition_point(|e| *e < first);
            let recent = self.recent[from..].iter().take_while(|e| **e <= last);
            hits.extend(recent.map(|e| article(*e)).filter(|id| *id >= self.floor));
            hits.extend(extra.entries.range(first..=last).map(|e| article(*e)));
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

    /// (band key, article) pairs held.
    pub fn len(&self) -> usize {
        self.entries.len() + self.recent.len()
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the index holds on the heap, for memory figures.
    pub fn bytes(&self) -> usize {
        self.entries.capacity() * size_of::<Entry>()
            + self.dir.capacity() * size_of::<u32>()
            + self.recent.capacity() * size_of::<u64>()
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
        debug_assert!(bands.len() <= BANDS);
        self.entries.extend(
            bands
                .iter()
                .map(|b| (u64::from(band(*b)) << 32) | u64::from(id)),
        );
        Ok(())
    }
}

/// Merges the sorted `added` into the sorted `into`, dropping duplicates, from the back so
/// that `into` only grows by `added`.
fn merge_sorted(into: &mut Vec<u64>, added: &[u64]) {
    let old = into.len();
    into.resize(old + added.len(), 0);
    let (mut i, mut j, mut out) = (old, added.len(), into.len());
    while j > 0 {
        out -= 1;
        if i > 0 && into[i - 1] > added[j - 1] {
            into[out] = into[i - 1];
            i -= 1;
        } else {
            into[out] = added[j - 1];
            j -= 1;
        }
    }
    into.dedup();
}

/// `floor` as an article id of the index (ids beyond `u32` are never held).
fn clamp_floor(floor: i64) -> u32 {
    u32::try_from(floor.max(0)).unwrap_or(u32::MAX)
}

/// `id` as the index holds it, when it is in the window and in range.
fn windowed(id: i64, floor: u32) -> Option<u32> {
    u32::try_from(id).ok().filter(|id| *id >= floor)
}

/// An entry count as a directory offset (saturating: see [`BandIndex::dir`]).
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// A band key as the index holds it (keys are 32-bit; see `fingerprint::band_keys`).
fn band(key: i64) -> u32 {
    (key & 0xffff_ffff) as u32
}

/// The directory slot of a band key: its top bits.
fn slot_of(key: u32) -> usize {
    (key >> (32 - DIR_BITS)) as usize
}

/// The bits of a band key an entry keeps.
fn low(key: u32) -> u16 {
    (key & 0xffff) as u16
}

fn entry(key: u32, id: u32) -> Entry {
    [low(key), (id >> 16) as u16, (id & 0xffff) as u16]
}

fn entry_id(e: &Entry) -> u32 {
    (u32::from(e[1]) << 16) | u32::from(e[2])
}

/// The band key of a packed recent entry.
fn key(packed: u64) -> u32 {
    (packed >> 32) as u32
}

/// The article of a packed recent entry.
fn article(packed: u64) -> u32 {
    (packed & 0xffff_ffff) as u32
}

fn packed_entry(packed: u64) -> Entry {
    entry(key(packed), article(packed))
}
