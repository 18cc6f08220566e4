//! Deciding when two items are the same article or the same story.
//!
//! Owns canonical URLs (and the `www.`/`m.` folded lookup key), body hashes for exact copies,
//! and MinHash signatures with the similarity rule that joins near-copies into one story. It
//! computes identities and decisions; the store keeps them. It never writes SQL.

mod canonical;
mod fingerprint;

pub use canonical::{canonical_url, page_canonical, url_key};
pub use fingerprint::{
    BANDS, MIN_WORDS, PERMUTATIONS, SHINGLE_WORDS, Similarity, body_hash, signature, similarity,
    words,
};

use crate::store::{ArticleKeys, StoryCandidate};

/// The identity keys of an article: URL key, body hash and near-copy signature.
pub fn keys(canonical: &str, body: &str) -> ArticleKeys {
    let words = words(body);
    ArticleKeys {
        url_key: url_key(canonical),
        body_hash: body_hash(&words),
        signature: signature(&words),
        next_check_at: None,
    }
}

/// When a new article joins an earlier one's story. Chosen by measurement on a generated
/// corpus (`benches/dedup.rs`, `docs/benchmarks.md`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoryRule {
    /// Join when the estimated Jaccard similarity reaches this.
    pub min_jaccard: f64,
    /// Or when this share of the shorter text is found in the other (truncated copies)...
    pub min_containment: f64,
    /// ...and the shorter text is at least this share of the longer one's size, so a stock
    /// paragraph quoted in a long article does not pull it into another story.
    pub min_size_ratio: f64,
}

impl Default for StoryRule {
    fn default() -> Self {
        StoryRule {
            min_jaccard: 0.35,
            min_containment: 0.6,
            min_size_ratio: 0.2,
        }
    }
}

impl StoryRule {
    /// The story of the most similar candidate that passes the rule, if any.
    pub fn pick(&self, keys: &ArticleKeys, candidates: &[StoryCandidate]) -> Option<i64> {
        let own = keys.signature.as_ref()?;
        candidates
            .iter()
            .map(|c| {
                let s = similarity(&own.minhash, own.shingles, &c.minhash, c.shingles);
                (c, s)
            })
            .filter(|(c, s)| self.joins(*s, own.shingles, c.shingles))
            .max_by(|(_, a), (_, b)| a.jaccard.total_cmp(&b.jaccard))
            .map(|(c, _)| c.story_id)
    }

    /// Whether two texts with this similarity and these shingle counts tell one story.
    pub fn joins(&self, s: Similarity, a_size: i64, b_size: i64) -> bool {
        let (small, large) = (a_size.min(b_size) as f64, a_size.max(b_size) as f64);
        s.jaccard >= self.min_jaccard
            || (s.containment >= self.min_containment && small >= self.min_size_ratio * large)
    }
}
