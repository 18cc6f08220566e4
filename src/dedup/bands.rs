//! The near-copy index: which articles of the window carry each LSH band key.
//!
//! Rebuilt at start from the stored signatures of the window's articles (the band keys are a
//! function of the signature), so storing an article writes no band rows at all. A fixed
//! directory by the keys' top [`DIR_BITS`] bits (256 KB, in memory) says where each slot's
//! entries start; an entry under its slot needs only the rest of the key and the article id:
//! 6 bytes per (band key, article) pair, at most [`BANDS`] pairs — 384 bytes — per article of
//! the window. The entries live in an unnamed file beside the database ([`spill`]), not on
//! the heap: a lookup reads one slot's entries (about 100 at 100,000 articles) with one
//! positioned read, and the kernel's page cache, outside the process's memory, keeps the hot
//! part. New entries go to a small sorted array in memory first, of at most [`RECENT_CAP`]
//! entries (under 2 MiB) up to about 120,000 windowed articles and a [`MERGE_SHARE`] of the
//! file's beyond; a merge streams the file and that array into a new file, dropping the
//! entries of articles older than the window. So the process's memory does not grow with the
//! window up to there, and beyond it grows by 12 bytes per windowed article (384 on the heap
//! before the file).

mod rebuild;
mod spill;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::fingerprint::BANDS;
pub use rebuild::RebuildError;
pub use spill::IndexError;
use spill::{Spill, SpillWriter, decode, encoded};

#[cfg(test)]
mod tests;

/// Recent entries that make a merge due (about 3,800 articles) while the file holds fewer
/// than [`MERGE_SHARE`] times as many: a merge rewrites the whole file, so it waits as long
/// as memory allows, and no longer, so that the memory the index holds does not grow with
/// the window. Under 2 MiB of `u64`s, with room for a batch of 64 articles' pairs on top
/// before the array's capacity would double.
const RECENT_CAP: usize = 240 * 1024;

/// Beyond about 120,000 windowed articles a merge waits until the recent entries are this
/// share of the file's (1/32), so that rewriting the file costs each article the same at
/// any window (at 1,000,000 windowed articles a merge takes 1.5 s of CPU: once per 31,000
/// articles rather than per 3,800). The recent array then holds 12 bytes per windowed
/// article, a thirty-second of what the file holds for it.
const MERGE_SHARE: usize = 32;

/// Recent entries that make a merge due when the file holds `merged`.
fn merge_threshold(merged: usize) -> usize {
    RECENT_CAP.max(merged / MERGE_SHARE)
}

/// Articles a lookup takes from each of its band keys: the newest. A key held by more (copies
/// of one text — a story republished many times, or pages that all read alike) adds no more
/// work. Those copies share their story, and the newest of them stand for it; without a bound
/// a lookup's work grew with the number of copies in the window (in the 100,000-article soak,
/// where every corpus page comes back a thousand times, from 3.1 to 5.4 ms of CPU per
/// article).
const PER_KEY: usize = 128;

/// Top bits of a band key that pick a directory slot: a lookup reads two slots of the
/// directory and reads only the entries between them (about 100 at 100,000 articles).
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
#[derive(Debug)]
pub struct BandIndex {
    /// Where the file of merged entries is made: the database's folder.
    folder: PathBuf,
    /// The merged entries, grouped by directory slot, sorted within a slot; none before the
    /// first merge.
    spill: Option<Spill>,
    /// For each slot, where its entries start in `spill`, and one more at the end (empty
    /// while there is no file). `u32` offsets: an index of more than 4 billion pairs (67
    /// million windowed articles) is out of this design's range, and is cut at that size.
    dir: Vec<u32>,
    /// Packed (band key << 32 | article id) entries since the last merge, sorted.
    recent: Vec<u64>,
    /// Articles below this id have left the window; their entries go at the next merge.
    floor: u32,
}

impl BandIndex {
    /// An empty index whose file will be made in `folder` (at the first merge).
    pub fn new(folder: &Path) -> BandIndex {
        BandIndex {
            folder: folder.to_path_buf(),
            spill: None,
            dir: Vec::new(),
            recent: Vec::new(),
            floor: 0,
        }
    }

    /// Rebuilds the index of the articles from id `floor` on, its file in `folder`. `scan`
    /// calls its visitor with every article's id and band keys, and is called twice: once to
    /// count the entries of each directory slot, once to place them (see [`rebuild`]), so no
    /// array of all entries is held on the way. Articles the second scan finds beyond the
    /// first are left out (the writer adds the articles it stores itself).
    pub fn rebuild<E>(
        folder: &Path,
        floor: i64,
        scan: impl FnMut(&mut dyn FnMut(i64, &[i64])) -> Result<(), E>,
    ) -> Result<BandIndex, RebuildError<E>> {
        rebuild::rebuild(folder, clamp_floor(floor), scan)
    }

    /// A rebuilt index: its file and directory.
    fn from_parts(folder: &Path, spill: Spill, dir: Vec<u32>, floor: u32) -> BandIndex {
        BandIndex {
            folder: folder.to_path_buf(),
            spill: Some(spill),
            dir,
            recent: Vec::new(),
            floor,
        }
    }

    /// Adds the articles of `pending` (once their transaction is committed).
    pub fn absorb(&mut self, pending: Pending) {
        let added: Vec<u64> = pending.entries.into_iter().collect();
        merge_sorted(&mut self.recent, &added);
    }

    /// Whether enough entries came in since the last merge for [`BandIndex::merge`] to be due:
    /// [`RECENT_CAP`], or a [`MERGE_SHARE`] of the file's entries if that is more.
    pub fn merge_due(&self) -> bool {
        self.recent.len() >= merge_threshold(self.merged())
    }

    /// Articles below id `floor` have left the window: they are no longer found, and their
    /// entries go at the next merge.
    pub fn set_floor(&mut self, floor: i64) {
        self.floor = clamp_floor(floor);
    }

    /// Writes a new file of the merged entries that are still in the window and the recent
    /// ones, front to back, and reads from it from then on. On an error the index is as it
    /// was (the recent entries stay in memory, to be merged later).
    pub fn merge(&mut self) -> Result<(), IndexError> {
        let floor = self.floor;
        let mut out = SpillWriter::create(&self.folder)?;
        let mut dir = vec![0u32; SLOTS + 1];
        let mut old = self.spill.as_ref().map(Spill::sequential).transpose()?;
        let mut recent = self
            .recent
            .iter()
            .filter(|e| article(**e) >= floor)
            .peekable();
        let mut written = 0usize;
        for (slot, start) in dir[..SLOTS].iter_mut().enumerate() {
            *start = offset(written);
            let mut left = self.held_in(slot);
            let mut next_old = None;
            loop {
                while next_old.is_none() && left > 0 {
                    left -= 1;
                    if let Some(old) = &mut old {
                        next_old = Some(old.next()?).filter(|e| entry_id(e) >= floor);
                    }
                }
                let next_recent = recent
                    .peek()
                    .filter(|e| slot_of(key(***e)) == slot)
                    .map(|e| packed_entry(**e));
                let entry = match (next_old, next_recent) {
                    (None, None) => break,
                    (Some(o), Some(r)) if r <= o => {
                        recent.next();
                        next_old = next_old.filter(|_| r < o);
                        r
                    }
                    (Some(o), _) => {
                        next_old = None;
                        o
                    }
                    (None, Some(r)) => {
                        recent.next();
                        r
                    }
                };
                out.push(entry)?;
                written += 1;
            }
        }
        dir[SLOTS] = offset(written);
        drop(old);
        self.spill = Some(out.finish()?);
        self.dir = dir;
        self.recent = Vec::new();
        Ok(())
    }

    /// Entries of `slot` in the file.
    fn held_in(&self, slot: usize) -> usize {
        match (self.dir.get(slot), self.dir.get(slot + 1)) {
            (Some(&start), Some(&end)) => end.saturating_sub(start) as usize,
            _ => 0,
        }
    }

    /// Entries in the file.
    fn merged(&self) -> usize {
        self.dir.last().map_or(0, |&n| n as usize)
    }

    /// Articles sharing at least one of `bands`, with how many they share, most first, then
    /// by id; at most `limit`. Of a key held by more than [`PER_KEY`] articles, only the
    /// newest [`PER_KEY`] are counted. `extra` are articles not yet in the index (stored
    /// earlier in the same transaction), searched alike.
    pub fn candidates(
        &self,
        bands: &[i64],
        extra: &Pending,
        limit: usize,
    ) -> Result<Vec<i64>, IndexError> {
        let mut keys: Vec<u32> = bands.iter().map(|b| band(*b)).collect();
        keys.sort_unstable();
        keys.dedup();
        // Every article once per key it shares: counting an id's occurrences counts its
        // shared keys.
        let mut hits: Vec<u32> = Vec::new();
        let mut read = Vec::new();
        for &key in &keys {
            let key_start = hits.len();
            self.merged_hits(key, &mut read, &mut hits)?;
            let (first, last) = (u64::from(key) << 32, (u64::from(key) << 32) | 0xffff_ffff);
            let from = self.recent.partition_point(|e| *e < first);
            let to = from + self.recent[from..].partition_point(|e| *e <= last);
            let recent = newest(&self.recent[from..to]).iter().map(|e| article(*e));
            hits.extend(recent.filter(|id| *id >= self.floor));
            let pending = extra.entries.range(first..=last).rev().take(PER_KEY);
            hits.extend(pending.map(|e| article(*e)));
            keep_newest(&mut hits, key_start);
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
        Ok(shared
            .into_iter()
            .take(limit)
            .map(|(id, _)| i64::from(id))
            .collect())
    }

    /// Adds to `hits` the windowed articles of the file's entries with `key`, reading the
    /// key's slot into `read` with one positioned read.
    fn merged_hits(
        &self,
        key: u32,
        read: &mut Vec<u8>,
        hits: &mut Vec<u32>,
    ) -> Result<(), IndexError> {
        let slot = slot_of(key);
        let (Some(spill), held) = (&self.spill, self.held_in(slot)) else {
            return Ok(());
        };
        if held == 0 {
            return Ok(());
        }
        spill.read(self.dir[slot] as usize, held, read)?;
        let entries = encoded(read);
        let low_bits = low(key);
        let from = entries.partition_point(|e| decode(e)[0] < low_bits);
        let to = from + entries[from..].partition_point(|e| decode(e)[0] == low_bits);
        let found = newest(&entries[from..to])
            .iter()
            .map(|e| entry_id(&decode(e)));
        hits.extend(found.filter(|id| *id >= self.floor));
        Ok(())
    }

    /// (band key, article) pairs held.
    pub fn len(&self) -> usize {
        self.merged() + self.recent.len()
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the index holds in memory (the directory and the recent entries), for memory
    /// figures.
    pub fn bytes(&self) -> usize {
        self.dir.capacity() * size_of::<u32>() + self.recent.capacity() * size_of::<u64>()
    }

    /// Bytes of the index's file.
    pub fn file_bytes(&self) -> usize {
        self.merged() * spill::ENTRY_BYTES
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

/// The last [`PER_KEY`] entries of one key's run, sorted by article id: its newest articles.
fn newest<T>(run: &[T]) -> &[T] {
    &run[run.len().saturating_sub(PER_KEY)..]
}

/// Keeps, of the hits from `start` on (one key's: the newest [`PER_KEY`] of each of the file,
/// the recent entries and the batch's own), the newest [`PER_KEY`] of them all.
fn keep_newest(hits: &mut Vec<u32>, start: usize) {
    if hits.len() - start > PER_KEY {
        hits[start..].select_nth_unstable_by(PER_KEY - 1, |a, b| b.cmp(a));
        hits.truncate(start + PER_KEY);
    }
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
