use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;

/// The index as a plain map, to compare lookups against: key → articles, and the floor.
#[derive(Default)]
struct Reference {
    articles: BTreeMap<u32, BTreeSet<u32>>,
    floor: u32,
}

impl Reference {
    fn add(&mut self, id: u32, bands: &[i64]) {
        for b in bands {
            self.articles.entry(band(*b)).or_default().insert(id);
        }
    }

    fn candidates(&self, bands: &[i64], extra: &[(u32, Vec<i64>)], limit: usize) -> Vec<i64> {
        let keys: BTreeSet<u32> = bands.iter().map(|b| band(*b)).collect();
        let mut shared: BTreeMap<u32, u32> = BTreeMap::new();
        for key in &keys {
            let held = self.articles.get(key).into_iter().flatten();
            let mut ids: Vec<u32> = held.filter(|id| **id >= self.floor).copied().collect();
            for (id, theirs) in extra {
                if theirs.iter().any(|b| band(*b) == *key) {
                    ids.push(*id);
                }
            }
            ids.sort_unstable_by(|a, b| b.cmp(a));
            for id in ids.into_iter().take(PER_KEY) {
                *shared.entry(id).or_default() += 1;
            }
        }
        let mut ranked: Vec<(u32, u32)> = shared.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
            .into_iter()
            .take(limit)
            .map(|(id, _)| i64::from(id))
            .collect()
    }
}

/// xorshift64*: a fixed, seedable sequence without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Band keys drawn so that they collide often: few top halves (slots 0, 1, the last and
    /// one in the middle), few low halves, and sometimes a key twice in one article.
    fn bands(&mut self) -> Vec<i64> {
        let tops = [0u32, 1, 0x8000, 0xffff];
        let lows = [0u32, 1, 2, 0x7fff, 0xfffe, 0xffff];
        let n = 1 + self.below(12) as usize;
        (0..n)
            .map(|_| {
                let top = tops[self.below(tops.len() as u64) as usize];
                let low = lows[self.below(lows.len() as u64) as usize];
                // Sometimes with bits above 32 set: the index keeps the low 32.
                let high = if self.below(8) == 0 { 1i64 << 40 } else { 0 };
                high | i64::from((top << 16) | low)
            })
            .collect()
    }

    /// Article ids: small ones, and ones near `u32::MAX`.
    fn id(&mut self, base: u32) -> u32 {
        if self.below(4) == 0 {
            u32::MAX - self.below(64) as u32
        } else {
            base + self.below(64) as u32
        }
    }
}

fn rebuilt(folder: &Path, articles: &[(u32, Vec<i64>)], floor: i64) -> BandIndex {
    BandIndex::rebuild(folder, floor, |visit| {
        for (id, bands) in articles {
            visit(i64::from(*id), bands);
        }
        Ok::<(), ()>(())
    })
    .unwrap()
}

#[test]
fn lookups_equal_a_plain_map_through_rebuilds_merges_and_floors() {
    let folder = tempfile::tempdir().unwrap();
    for seed in 1..=40u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut reference = Reference::default();
        let mut loaded: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
        for _ in 0..rng.below(60) {
            let id = rng.id(1);
            loaded.entry(id).or_insert_with(|| rng.bands());
        }
        let floor = rng.below(20) as u32;
        let start: Vec<(u32, Vec<i64>)> = loaded.into_iter().collect();
        for (id, bands) in start.iter().filter(|(id, _)| *id >= floor) {
            reference.add(*id, bands);
        }
        reference.floor = floor;
        let mut index = rebuilt(folder.path(), &start, i64::from(floor));
        let mut stored = start.clone();
        let mut used: BTreeSet<u32> = start.iter().map(|(id, _)| *id).collect();
        for round in 0..30u32 {
            let mut pending = Pending::default();
            let mut extra = Vec::new();
            for _ in 0..rng.below(4) {
                let id = rng.id(1_000 + round * 100);
                if used.insert(id) {
                    let bands = rng.bands();
                    pending.add(i64::from(id), &bands).unwrap();
                    extra.push((id, bands));
                }
            }
            for _ in 0..4 {
                let query = rng.bands();
                let limit = 1 + rng.below(40) as usize;
                assert_eq!(
                    index.candidates(&query, &pending, limit).unwrap(),
                    reference.candidates(&query, &extra, limit),
                    "seed {seed}, round {round}, query {query:?}"
                );
            }
            index.absorb(pending);
            for (id, bands) in &extra {
                reference.add(*id, bands);
            }
            stored.extend(extra);
            match rng.below(7) {
                0 => index.merge().unwrap(),
                // As at a start: the stored articles from the window's floor on, read anew.
                2 => index = rebuilt(folder.path(), &stored, i64::from(reference.floor)),
                1 => {
                    let floor = reference.floor + rng.below(300) as u32;
                    index.set_floor(i64::from(floor));
                    reference.floor = floor;
                }
                _ => {}
            }
            let query = rng.bands();
            assert_eq!(
                index.candidates(&query, &Pending::default(), 64).unwrap(),
                reference.candidates(&query, &[], 64),
                "seed {seed}, round {round}, after absorbing"
            );
        }
        index.merge().unwrap();
        let held: usize = reference
            .articles
            .values()
            .map(|ids| ids.iter().filter(|id| **id >= reference.floor).count())
            .sum();
        assert_eq!(
            index.len(),
            held,
            "seed {seed}: a merge keeps the window only"
        );
    }
}

#[test]
fn candidates_rank_by_shared_bands_and_survive_a_merge_that_drops_old_articles() {
    let folder = tempfile::tempdir().unwrap();
    let start = [(1, vec![10, 11, 12]), (2, vec![10, 99])];
    let mut index = BandIndex::rebuild(folder.path(), 0, |visit| {
        for (id, bands) in &start {
            visit(*id, bands);
        }
        visit(1 << 40, &[10]);
        Ok::<(), ()>(())
    })
    .unwrap();
    let mut three = Pending::default();
    three.add(3, &[10, 11, 12, 13]).unwrap();
    index.absorb(three);
    let mut pending = Pending::default();
    pending.add(4, &[12, 13, 13]).unwrap();
    assert!(pending.add(1 << 40, &[12]).is_err());
    assert_eq!(
        index.candidates(&[10, 11, 12, 13], &pending, 8).unwrap(),
        [3, 1, 4, 2]
    );
    assert_eq!(
        index
            .candidates(&[10, 11, 12, 13], &Pending::default(), 2)
            .unwrap(),
        [3, 1]
    );
    assert!(
        index
            .candidates(&[7], &Pending::default(), 8)
            .unwrap()
            .is_empty()
    );
    index.set_floor(2);
    assert_eq!(
        index
            .candidates(&[10, 11, 12, 13], &Pending::default(), 8)
            .unwrap(),
        [3, 2]
    );
    index.merge().unwrap();
    assert_eq!(index.len(), 6, "article 1's three entries are gone");
    assert_eq!(
        index
            .candidates(&[10, 11, 12, 13], &Pending::default(), 8)
            .unwrap(),
        [3, 2]
    );
    assert_eq!(
        index.bytes(),
        (SLOTS + 1) * 4,
        "the directory alone in memory"
    );
    assert_eq!(index.file_bytes(), 6 * 6);
}

#[test]
fn a_rebuild_leaves_out_what_the_second_scan_adds_and_closes_what_it_misses() {
    let folder = tempfile::tempdir().unwrap();
    let mut scans = 0;
    let index = BandIndex::rebuild(folder.path(), 5, |visit| {
        scans += 1;
        visit(4, &[0xaaaa_0001]);
        visit(6, &[0xaaaa_0001, 0xaaaa_0002]);
        if scans == 1 {
            visit(7, &[0xaaaa_0001]);
        } else {
            visit(8, &[0xaaaa_0001, 0x0000_0003]);
        }
        Ok::<(), ()>(())
    })
    .unwrap();
    assert_eq!(scans, 2);
    let none = Pending::default();
    assert_eq!(index.candidates(&[0xaaaa_0001], &none, 8).unwrap(), [6]);
    assert_eq!(index.candidates(&[0xaaaa_0002], &none, 8).unwrap(), [6]);
    assert!(index.candidates(&[3], &none, 8).unwrap().is_empty());
    assert_eq!(index.len(), 2);
    let failed = BandIndex::rebuild(folder.path(), 0, |_| Err("unreadable"));
    assert!(matches!(failed, Err(RebuildError::Scan("unreadable"))));
}

#[test]
fn a_rebuild_in_many_chunks_equals_a_plain_map() {
    let folder = tempfile::tempdir().unwrap();
    let mut rng = Rng(17);
    // 6,000 articles of 64 keys: more entries than one chunk sorts at once.
    let articles: Vec<(u32, Vec<i64>)> = (0..6_000)
        .map(|id| (id, (0..64).map(|_| rng.next() as i64).collect()))
        .collect();
    assert!(articles.len() * 64 > 256 * 1024);
    let mut reference = Reference {
        floor: 100,
        ..Reference::default()
    };
    for (id, bands) in &articles {
        reference.add(*id, bands);
    }
    let index = rebuilt(folder.path(), &articles, 100);
    assert_eq!(index.len(), (6_000 - 100) * 64);
    for (id, bands) in articles.iter().step_by(97) {
        let mut query = bands[..8].to_vec();
        query.push(articles[(*id as usize * 7) % 6_000].1[3]);
        assert_eq!(
            index.candidates(&query, &Pending::default(), 8).unwrap(),
            reference.candidates(&query, &[], 8),
            "article {id}"
        );
    }
}

#[test]
fn a_merge_waits_for_a_share_of_a_large_file_so_its_cost_per_article_stays_flat() {
    assert_eq!(merge_threshold(0), RECENT_CAP);
    assert_eq!(merge_threshold(RECENT_CAP * MERGE_SHARE), RECENT_CAP);
    // 1,000,000 windowed articles: a merge per 31,250 articles, not per 3,840.
    assert_eq!(merge_threshold(64_000_000), 2_000_000);
}

#[test]
fn a_merge_is_due_at_a_fixed_number_of_recent_entries_and_empties_them() {
    let folder = tempfile::tempdir().unwrap();
    let mut index = BandIndex::new(folder.path());
    for id in 0..(RECENT_CAP / 64) as i64 {
        assert!(!index.merge_due(), "article {id}");
        let mut pending = Pending::default();
        let bands: Vec<i64> = (0..64).map(|b| (id << 8) | b).collect();
        pending.add(id, &bands).unwrap();
        index.absorb(pending);
    }
    assert!(index.merge_due());
    assert!(index.bytes() <= (SLOTS + 1) * 4 + 2 * 1024 * 1024);
    index.merge().unwrap();
    assert!(!index.merge_due());
    assert_eq!(index.bytes(), (SLOTS + 1) * 4);
    assert_eq!(index.file_bytes(), RECENT_CAP * 6);
    assert_eq!(
        index
            .candidates(&[(7 << 8) | 3], &Pending::default(), 8)
            .unwrap(),
        [7]
    );
}

#[test]
fn a_folder_that_cannot_hold_the_file_is_named_and_loses_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let missing = folder.path().join("gone");
    let failed = rebuilt_result(&missing);
    let Err(RebuildError::Index(err @ IndexError::Create { .. })) = failed else {
        panic!("{failed:?}")
    };
    assert!(
        err.to_string().contains(&*missing.to_string_lossy()),
        "{err}"
    );
    let mut index = BandIndex::new(&missing);
    let mut pending = Pending::default();
    pending.add(3, &[10, 11]).unwrap();
    index.absorb(pending);
    assert!(index.merge().is_err());
    assert_eq!(
        index.candidates(&[10], &Pending::default(), 8).unwrap(),
        [3],
        "the recent entries stay after a failed merge"
    );
    std::fs::create_dir(&missing).unwrap();
    index.merge().unwrap();
    assert_eq!(
        index.candidates(&[11], &Pending::default(), 8).unwrap(),
        [3]
    );
    assert_eq!(index.file_bytes(), 2 * 6);
}

fn rebuilt_result(folder: &Path) -> Result<BandIndex, RebuildError<()>> {
    BandIndex::rebuild(folder, 0, |visit| {
        visit(1, &[10]);
        Ok(())
    })
}

#[test]
fn a_key_held_by_many_articles_counts_its_newest_wherever_they_are_held() {
    let folder = tempfile::tempdir().unwrap();
    let common = 0x1234_5678i64;
    // Each article: the common key and one of its own; ids out of order, some below the floor.
    let bands = |id: u32| vec![common, 0x4000_0000 | i64::from(id)];
    let mut rng = Rng(7);
    let mut ids: Vec<u32> = (1..=3 * PER_KEY as u32).collect();
    for i in (1..ids.len()).rev() {
        ids.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let (filed, rest) = ids.split_at(PER_KEY + 40);
    let (recent, pending_ids) = rest.split_at(PER_KEY - 20);
    let mut reference = Reference {
        floor: 30,
        ..Reference::default()
    };
    let start: Vec<(u32, Vec<i64>)> = filed.iter().map(|id| (*id, bands(*id))).collect();
    let mut index = rebuilt(folder.path(), &start, 30);
    let mut added = Pending::default();
    for id in recent {
        added.add(i64::from(*id), &bands(*id)).unwrap();
    }
    index.absorb(added);
    for id in filed.iter().chain(recent) {
        reference.add(*id, &bands(*id));
    }
    let mut pending = Pending::default();
    let mut extra = Vec::new();
    for id in pending_ids {
        pending.add(i64::from(*id), &bands(*id)).unwrap();
        extra.push((*id, bands(*id)));
    }
    let query = [common, 0x4000_0000 | 5, 0x4000_0000 | 400];
    for limit in [1, 3, 64, 500] {
        let found = index.candidates(&query, &pending, limit).unwrap();
        assert_eq!(
            found,
            reference.candidates(&query, &extra, limit),
            "limit {limit}"
        );
    }
    // The common key alone: its newest PER_KEY articles, ids 257..=384 (all share one key, so
    // in id order).
    let found = index.candidates(&[common], &pending, 500).unwrap();
    let newest: Vec<i64> = (2 * PER_KEY as i64 + 1..=3 * PER_KEY as i64).collect();
    assert_eq!(found, newest);
}
