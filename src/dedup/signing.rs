//! Signing a body without some of its paragraphs, cheaply: each paragraph that may be learned
//! to be boilerplate keeps the MinHash of the shingles inside it, computed once on the worker
//! that fingerprints the article, so leaving paragraphs out only costs the shingles across
//! paragraph borders (the MinHash of a union is the element-wise minimum of its parts').
//!
//! The result is exactly the signature of the kept paragraphs' words ([`signature`] over
//! them): the same shingles, the same minima, the same distinct count.
//!
//! [`signature`]: super::fingerprint::signature

use crate::store::ArticleSignature;

use super::fingerprint::{
    MIN_WORDS, PERMUTATIONS, SHINGLE_WORDS, Words, hash_words, lower_mins, shingle_hashes, signed,
};

/// One paragraph of a body: its hash (when it has enough words to be told apart, and so can
/// be learned common), its words, and for a hashed paragraph the shingles inside it.
#[derive(Debug, Clone)]
pub(super) struct Paragraph {
    /// Hash of its words; `None` for a paragraph too short to be told apart.
    pub hash: Option<i64>,
    /// Its normalised words.
    pub words: Words,
    /// For a hashed paragraph: its inner shingles.
    inner: Option<Inner>,
}

/// The shingles lying wholly inside one paragraph: their hashes (distinct) and MinHash.
#[derive(Debug, Clone)]
struct Inner {
    shingles: Vec<u64>,
    mins: Box<[u32; PERMUTATIONS]>,
}

impl Paragraph {
    /// A paragraph with hash `hash` and words `words`, its inner shingles signed when hashed.
    pub fn new(hash: Option<i64>, words: Words) -> Paragraph {
        let inner = hash.map(|_| {
            let all: Vec<&str> = words.iter().collect();
            let mut shingles = shingle_hashes(&all);
            shingles.sort_unstable();
            shingles.dedup();
            let mut mins = Box::new([u32::MAX; PERMUTATIONS]);
            lower_mins(&mut mins, &shingles);
            Inner { shingles, mins }
        });
        Paragraph { hash, words, inner }
    }
}

/// The signature of the words of the `kept` paragraphs of a body, in order; `None` when they
/// are fewer than [`MIN_WORDS`].
pub(super) fn sign_kept(kept: &[&Paragraph]) -> Option<ArticleSignature> {
    let words: usize = kept.iter().map(|p| p.words.len()).sum();
    if words < MIN_WORDS {
        return None;
    }
    let mut mins = [u32::MAX; PERMUTATIONS];
    // Every shingle at most: one per word.
    let mut shingles = Vec::with_capacity(words);
    for inner in kept.iter().filter_map(|p| p.inner.as_ref()) {
        for (slot, &value) in mins.iter_mut().zip(inner.mins.iter()) {
            *slot = (*slot).min(value);
        }
        shingles.extend_from_slice(&inner.shingles);
    }
    // The shingles not inside one hashed paragraph: across a border, or in a short paragraph.
    let mut sequence: Vec<(usize, &str)> = Vec::with_capacity(words);
    sequence.extend(
        kept.iter()
            .enumerate()
            .flat_map(|(i, p)| p.words.iter().map(move |w| (i, w))),
    );
    let border: Vec<u64> = sequence
        .windows(SHINGLE_WORDS)
        .filter(|w| {
            let (first, last) = (w[0].0, w[SHINGLE_WORDS - 1].0);
            first != last || kept[first].inner.is_none()
        })
        .map(|w| hash_words(w.iter().map(|(_, word)| *word)))
        .collect();
    lower_mins(&mut mins, &border);
    shingles.extend(border);
    shingles.sort_unstable();
    shingles.dedup();
    Some(signed(&mins, shingles.len()))
}

#[cfg(test)]
mod tests {
    use super::super::fingerprint::{paragraph_words, signature};
    use super::*;

    const BODY: &str = "Специализированный административный суд Алматы арестовал на десять \
        суток трёх участников митинга.\n\nФото: ТАСС\n\nАктивистов задержали утром 12 января, \
        когда они вышли с плакатами.\n\nПодписывайтесь на наш канал в Telegram и читайте \
        новости первыми.\n\nНапомним, закон о мирных собраниях приняли в 2020 году, суд \
        арестовал активистов.\n\nда";

    #[test]
    fn leaving_any_paragraphs_out_signs_exactly_the_kept_words() {
        let all: Vec<Paragraph> = paragraph_words(BODY, &crate::text::Tokens::of(BODY))
            .into_iter()
            .map(|(hash, words)| Paragraph::new(hash, words))
            .collect();
        assert_eq!(all.len(), 6);
        for mask in 0u32..1 << all.len() {
            let kept: Vec<&Paragraph> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) == 0)
                .map(|(_, p)| p)
                .collect();
            let words: Vec<&str> = kept.iter().flat_map(|p| p.words.iter()).collect();
            assert_eq!(sign_kept(&kept), signature(&words), "left out: {mask:b}");
        }
    }
}
