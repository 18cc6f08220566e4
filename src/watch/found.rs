//! Which query words each distinct word of a document matches, computed once per document
//! and then asked for every occurrence: memory is one entry per (distinct word, matching
//! query word), never one per occurrence and query word.

/// Sorted pattern ids per distinct word (compressed rows).
#[derive(Debug, Default)]
pub(crate) struct Found {
    offsets: Vec<u32>,
    ids: Vec<u32>,
}

impl Found {
    /// Builds the table for `words` distinct words; `matching(w, out)` appends the ids of the
    /// patterns word `w` matches, in any order and possibly repeated.
    pub fn build(words: usize, mut matching: impl FnMut(u32, &mut Vec<u32>)) -> Found {
        let mut found = Found {
            offsets: Vec::with_capacity(words + 1),
            ids: Vec::new(),
        };
        found.offsets.push(0);
        let mut row = Vec::new();
        for w in 0..words {
            row.clear();
            matching(u32::try_from(w).unwrap_or(u32::MAX), &mut row);
            row.sort_unstable();
            row.dedup();
            found.ids.extend_from_slice(&row);
            found
                .offsets
                .push(u32::try_from(found.ids.len()).unwrap_or(u32::MAX));
        }
        found
    }

    /// The pattern ids word `w` matches, sorted.
    pub fn row(&self, w: u32) -> &[u32] {
        let w = w as usize;
        match (self.offsets.get(w), self.offsets.get(w + 1)) {
            (Some(&a), Some(&b)) => self.ids.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// True if word `w` matches pattern `id`.
    pub fn contains(&self, w: u32, id: u32) -> bool {
        self.row(w).binary_search(&id).is_ok()
    }

    /// True if no word matched any pattern.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Every (word, pattern) match, for finding the rules that may fire.
    pub fn all_ids(&self) -> &[u32] {
        &self.ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_and_deduplicated() {
        let f = Found::build(3, |w, out| {
            if w != 1 {
                out.extend([5, w, 5]);
            }
        });
        assert_eq!(f.row(0), &[0, 5]);
        assert!(f.row(1).is_empty());
        assert_eq!(f.row(2), &[2, 5]);
        assert!(f.contains(2, 5) && !f.contains(1, 5));
        assert!(f.row(9).is_empty());
        assert_eq!(f.all_ids().len(), 4);
    }
}
