//! Deciding when two items are the same article or the same story.
//!
//! Owns canonical URLs (and the `www.`/`m.` folded lookup key), body hashes for exact copies,
//! MinHash signatures that leave out paragraphs learned to be boilerplate, and the similarity
//! rule that joins near-copies into one story. It computes identities ([`Fingerprint`]) and
//! decisions ([`StoryRule::pick`]), and keeps the near-copy index ([`BandIndex`], its entries
//! in an unnamed file beside the database); the writer (`crate::writer`) asks the store and
//! stores. It never touches the database.

mod bands;
mod canonical;
mod fingerprint;
mod signing;

use std::collections::HashSet;

pub use bands::{BandIndex, IdOutOfRange, IndexError, Pending, RebuildError};
pub use canonical::{canonical_url, page_canonical, url_key};
pub use fingerprint::{
    BANDS, MIN_WORDS, PERMUTATIONS, ROWS, SHINGLE_WORDS, Similarity, band_keys, body_hash,
    paragraphs, signature, similarity, words,
};

use crate::store::{ArticleKeys, ArticleSignature, StoryCandidate};
use crate::text::Tokens;
use signing::{Paragraph, sign_kept};

/// An article's body taken apart once: its paragraphs (hash, words, and the MinHash of the
/// shingles inside each), its body hash, and the signature it has when none of its paragraphs
/// is boilerplate. Computed on a worker thread; the writer only finishes it with
/// [`Fingerprint::keys`] once it knows which of the paragraphs are common, which costs it the
/// shingles across paragraph borders only.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    url_key: String,
    paragraphs: Vec<Paragraph>,
    body_hash: Option<i64>,
    /// The signature over every word: the article's signature unless a paragraph is common.
    plain: Option<ArticleSignature>,
}

impl Fingerprint {
    /// Splits and hashes `body`, and signs all of its words and each of its paragraphs.
    pub fn of(canonical: &str, body: &str) -> Fingerprint {
        Fingerprint::of_tokens(canonical, body, &Tokens::of(body))
    }

    /// [`Fingerprint::of`] a body whose tokens the caller already found.
    pub fn of_tokens(canonical: &str, body: &str, tokens: &Tokens) -> Fingerprint {
        let paragraphs: Vec<Paragraph> = fingerprint::paragraph_words(body, tokens)
            .into_iter()
            .map(|(hash, words)| Paragraph::new(hash, words))
            .collect();
        let words: usize = paragraphs.iter().map(|p| p.words.len()).sum();
        let body_hash =
            fingerprint::body_hash_of(words, paragraphs.iter().flat_map(|p| p.words.iter()));
        let every: Vec<&Paragraph> = paragraphs.iter().collect();
        Fingerprint {
            url_key: url_key(canonical),
            body_hash,
            plain: sign_kept(&every),
            paragraphs,
        }
    }

    /// The canonical URL with `www.`/`m.` folded.
    pub fn url_key(&self) -> &str {
        &self.url_key
    }

    /// Hash of the normalised body, when it is long enough to identify.
    pub fn body_hash(&self) -> Option<i64> {
        self.body_hash
    }

    /// Hashes of the paragraphs long enough to be told apart.
    pub fn paragraph_hashes(&self) -> Vec<i64> {
        self.paragraphs.iter().filter_map(|p| p.hash).collect()
    }

    /// The identity keys, given which of the paragraphs are `common` (seen in other stories:
    /// outlet footers, stock background, templates). Those are left out of the signature so
    /// that they neither join unrelated stories nor dilute a copy's likeness to its original.
    pub fn keys(&self, common: &HashSet<i64>) -> ArticleKeys {
        let is_common = |p: &Paragraph| p.hash.is_some_and(|h| common.contains(&h));
        let signature = if self.paragraphs.iter().any(is_common) {
            let own: Vec<&Paragraph> = self.paragraphs.iter().filter(|p| !is_common(p)).collect();
            sign_kept(&own).or_else(|| self.plain.clone())
        } else {
            self.plain.clone()
        };
        ArticleKeys {
            url_key: self.url_key.clone(),
            body_hash: self.body_hash,
            signature,
            paragraphs: self.paragraph_hashes(),
            next_check_at: None,
        }
    }
}

/// The identity keys of an article whose `common` paragraphs are known (see
/// [`Fingerprint::keys`]).
pub fn keys(canonical: &str, body: &str, common: &HashSet<i64>) -> ArticleKeys {
    Fingerprint::of(canonical, body).keys(common)
}

/// Articles fetched longer ago than this leave the near-copy index: a copy arriving later
/// is a new story. Keeps the index, and each lookup, bounded whatever the archive's size.
pub const WINDOW: chrono::Duration = chrono::Duration::days(30);

/// At most this many band-sharing articles are handed to the story decision, most shared
/// bands first.
pub const MAX_CANDIDATES: usize = 32;

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
            min_jaccard: 0.3,
            min_containment: 0.5,
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

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Специализированный административный суд Алматы арестовал на десять суток \
        трёх участников мирного митинга у памятника Абаю, сообщили их адвокаты. Активистов \
        задержали утром 12 января, когда они вышли с плакатами.";
    const FOOTER: &str = "Подписывайтесь на наш канал в Telegram и читайте новости первыми.";

    #[test]
    fn learned_boilerplate_is_left_out_of_the_signature_but_not_the_hash() {
        let body = format!("{TEXT}\n\n{FOOTER}");
        let footer = paragraphs(FOOTER)[0].0.unwrap();
        let plain = keys("https://www.x.kz/a", &body, &HashSet::new());
        let learned = keys("https://www.x.kz/a", &body, &HashSet::from([footer]));
        assert_eq!(plain.body_hash, learned.body_hash);
        assert_eq!(plain.paragraphs.len(), 2);
        assert_eq!(learned.url_key, "https://x.kz/a");
        assert_ne!(plain.signature, learned.signature);
        let text_only = keys("https://x.kz/a", TEXT, &HashSet::new());
        assert_eq!(learned.signature, text_only.signature);
    }

    #[test]
    fn a_truncated_copy_joins_and_an_unrelated_text_does_not() {
        let rule = StoryRule::default();
        let own = keys("u", TEXT, &HashSet::new());
        let candidate = |text: &str| {
            let sig = keys("v", text, &HashSet::new()).signature.unwrap();
            StoryCandidate {
                article_id: 1,
                story_id: 9,
                shingles: sig.shingles,
                minhash: sig.minhash,
            }
        };
        let longer = format!("{TEXT} Полиция заявила, что акция не была согласована с акиматом.");
        assert_eq!(rule.pick(&own, &[candidate(&longer)]), Some(9));
        let other = "Нацбанк Казахстана сохранил базовую ставку на уровне шестнадцати процентов \
            годовых, сообщила пресс-служба регулятора во вторник. Инфляция в стране за год \
            замедлилась, однако риски остаются высокими из-за цен на продовольствие.";
        assert_eq!(rule.pick(&own, &[candidate(other)]), None);
    }
}
