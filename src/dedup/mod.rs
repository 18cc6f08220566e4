//! Deciding when two items are the same article or the same story.
//!
//! Owns canonical URLs (and the `www.`/`m.` folded lookup key), body hashes for exact copies,
//! MinHash signatures that leave out paragraphs learned to be boilerplate, and the similarity
//! rule that joins near-copies into one story. It computes identities and decisions through
//! the store's API; it never writes SQL.

mod canonical;
mod fingerprint;

use std::collections::HashSet;

use chrono::{DateTime, Utc};

pub use canonical::{canonical_url, page_canonical, url_key};
pub use fingerprint::{
    BANDS, MIN_WORDS, PERMUTATIONS, ROWS, SHINGLE_WORDS, Similarity, body_hash, paragraphs,
    signature, similarity, words,
};

use crate::store::{
    ArticleKeys, NewAlert, NewArticle, Store, StoreError, StoreOutcome, StoryCandidate,
};

/// The identity keys of an article. `common` holds hashes of paragraphs already seen in other
/// stories (outlet footers, stock background, templates): they are left out of the signature
/// so that they neither join unrelated stories nor dilute a copy's likeness to its original.
pub fn keys(canonical: &str, body: &str, common: &HashSet<i64>) -> ArticleKeys {
    let paragraphs = paragraphs(body);
    let all: Vec<String> = paragraphs.iter().flat_map(|(_, w)| w.clone()).collect();
    let own: Vec<String> = paragraphs
        .iter()
        .filter(|(hash, _)| hash.is_none_or(|h| !common.contains(&h)))
        .flat_map(|(_, w)| w.clone())
        .collect();
    let compared = if own.len() >= MIN_WORDS { &own } else { &all };
    ArticleKeys {
        url_key: url_key(canonical),
        body_hash: body_hash(&all),
        signature: signature(compared),
        paragraphs: paragraphs.iter().filter_map(|(hash, _)| *hash).collect(),
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
            min_jaccard: 0.3,
            min_containment: 0.5,
            min_size_ratio: 0.2,
        }
    }
}

impl StoryRule {
    /// Stores `article` as a new article of its story (or a link to the same article), with
    /// its alerts and deliveries, in one transaction. `next_check_at` schedules a revisit.
    pub fn store(
        &self,
        store: &mut Store,
        article: &NewArticle,
        alerts: &[NewAlert],
        sinks: &[String],
        next_check_at: Option<DateTime<Utc>>,
    ) -> Result<StoreOutcome, StoreError> {
        let hashes: Vec<i64> = paragraphs(&article.body)
            .into_iter()
            .filter_map(|(hash, _)| hash)
            .collect();
        let common = store.common_paragraphs(&hashes)?;
        let keys = ArticleKeys {
            next_check_at,
            ..keys(&article.canonical_url, &article.body, &common)
        };
        store.store_article_in_story(article, &keys, alerts, sinks, |found| {
            self.pick(&keys, found)
        })
    }

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
