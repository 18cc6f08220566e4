//! Content fingerprints: a hash of the normalised body for exact copies, and a MinHash
//! signature over word shingles with LSH band keys for near-copies.
//!
//! Pure arithmetic on strings; deterministic across runs and platforms because the values are
//! stored in the database.

use crate::store::ArticleSignature;
use crate::text::normalize::{each_normalised, normalise};
use crate::text::{Tokens, for_each_token};

#[cfg(target_arch = "x86_64")]
mod wide;
#[cfg(target_arch = "x86_64")]
mod wide512;

/// Words per shingle. Three words survive the small edits outlets make (a changed date, a
/// reworded attribution) while rarely repeating across unrelated texts.
pub const SHINGLE_WORDS: usize = 3;
/// MinHash permutations (signature length).
pub const PERMUTATIONS: usize = 128;
/// Signature rows per LSH band; `PERMUTATIONS / ROWS` bands. With 64 bands of 2 rows a pair
/// with Jaccard 0.3 becomes a candidate with probability 0.998 and one with 0.05 with 0.15;
/// candidates are verified, so a low threshold here costs lookups, not precision.
pub const ROWS: usize = 2;
/// LSH bands.
pub const BANDS: usize = PERMUTATIONS / ROWS;
/// Bodies with fewer words than this carry too little text to identify a story (a one-line
/// feed summary); they are deduplicated by URL only.
pub const MIN_WORDS: usize = 25;

/// The normalised words of a text: lower case, ё→е, invisible characters and punctuation gone.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| {
        if let Some(word) = text.get(t.start..t.end) {
            out.push(normalise(word));
        }
    });
    out
}

/// Normalised words (as [`words`] gives them) kept in one buffer: one allocation per text
/// rather than one per word.
#[derive(Debug, Clone, Default)]
pub(super) struct Words {
    text: String,
    /// Byte offset in `text` just past each word.
    ends: Vec<usize>,
}

impl Words {
    /// An empty list, with room for the words of `bytes` bytes of text.
    fn with_capacity(bytes: usize) -> Words {
        Words {
            text: String::with_capacity(bytes),
            ends: Vec::new(),
        }
    }

    /// Adds the normalised form of `word`.
    fn push(&mut self, word: &str) {
        each_normalised(word, |c| self.text.push(c));
        self.ends.push(self.text.len());
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The words in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| self.text.get(start..end).unwrap_or_default())
    }
}

/// Words in a paragraph below which it is too short to be told apart from other text.
const MIN_PARAGRAPH_WORDS: usize = 4;
/// Paragraphs considered per article at most.
const MAX_PARAGRAPHS: usize = 200;

/// The body's paragraphs (blocks separated by blank lines) as (hash, words); paragraphs of
/// fewer than four words are left out of the hashes but keep their words.
pub fn paragraphs(body: &str) -> Vec<(Option<i64>, Vec<String>)> {
    paragraph_words(body, &Tokens::of(body))
        .into_iter()
        .map(|(hash, w)| (hash, w.iter().map(str::to_owned).collect()))
        .collect()
}

/// [`paragraphs`] of a body whose tokens are `tokens`, each paragraph's words in one buffer.
///
/// A token never spans a blank line (a line break is neither a word character nor a
/// joiner), so the body's tokens that lie in a paragraph are exactly the tokens of the
/// paragraph on its own: the body is tokenized once, not paragraph by paragraph.
pub(super) fn paragraph_words(body: &str, tokens: &Tokens) -> Vec<(Option<i64>, Words)> {
    let mut tokens = tokens.ranges().peekable();
    let mut start = 0;
    body.split("\n\n")
        .take(MAX_PARAGRAPHS)
        .map(|paragraph| {
            let end = start + paragraph.len();
            let mut words = Words::with_capacity(paragraph.len());
            while let Some((from, to)) = tokens.next_if(|&(from, _)| from < end) {
                words.push(body.get(from..to).unwrap_or_default());
            }
            start = end + "\n\n".len();
            words
        })
        .filter(|w| w.len() > 0)
        .map(|w| {
            let hash = (w.len() >= MIN_PARAGRAPH_WORDS).then(|| hash_words(w.iter()) as i64);
            (hash, w)
        })
        .collect()
}

/// Hash of the normalised word sequence, or `None` when the body is too short to identify.
pub fn body_hash<W: AsRef<str>>(words: &[W]) -> Option<i64> {
    body_hash_of(words.len(), words.iter().map(AsRef::as_ref))
}

/// [`body_hash`] of `count` words given one by one.
pub(super) fn body_hash_of<'w>(
    count: usize,
    words: impl IntoIterator<Item = &'w str>,
) -> Option<i64> {
    (count >= MIN_WORDS).then(|| hash_words(words) as i64)
}

/// Hash of a word sequence: of a paragraph, a body or a shingle.
pub(super) fn word_hash<W: AsRef<str>>(words: &[W]) -> u64 {
    hash_words(words.iter().map(AsRef::as_ref))
}

/// [`word_hash`] of words given one by one.
pub(super) fn hash_words<'w>(words: impl IntoIterator<Item = &'w str>) -> u64 {
    let mut h = Fnv::new();
    for w in words {
        h.write(w.as_bytes());
        h.write(b" ");
    }
    h.finish()
}

/// The MinHash signature and band keys of a body, or `None` when it is too short.
pub fn signature<W: AsRef<str>>(words: &[W]) -> Option<ArticleSignature> {
    if words.len() < MIN_WORDS {
        return None;
    }
    let mut shingles = shingle_hashes(words);
    shingles.sort_unstable();
    shingles.dedup();
    let mut mins = [u32::MAX; PERMUTATIONS];
    lower_mins(&mut mins, &shingles);
    Some(signed(&mins, shingles.len()))
}

/// The hashes of the shingles of `words`, in order, repeats included.
pub(super) fn shingle_hashes<W: AsRef<str>>(words: &[W]) -> Vec<u64> {
    words.windows(SHINGLE_WORDS).map(word_hash).collect()
}

/// Lowers each of `mins` to the least value its permutation gives any of `shingles`: the
/// MinHash of a union is the element-wise minimum of its parts' MinHashes.
pub(super) fn lower_mins(mins: &mut [u32; PERMUTATIONS], shingles: &[u64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if wide512_available() {
            // SAFETY: the CPU supports AVX-512F, AVX-512DQ and AVX2, checked just above.
            unsafe { wide512::lower_mins(mins, shingles) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { wide::lower_mins(mins, shingles) };
            return;
        }
    }
    lower_mins_scalar(mins, shingles);
}

/// Whether the CPU has what [`wide512::lower_mins`] needs.
#[cfg(target_arch = "x86_64")]
fn wide512_available() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512dq")
        && std::arch::is_x86_feature_detected!("avx2")
}

/// [`lower_mins`] one permutation at a time, on any CPU.
fn lower_mins_scalar(mins: &mut [u32; PERMUTATIONS], shingles: &[u64]) {
    for &s in shingles {
        for (slot, salt) in mins.iter_mut().zip(&SALTS) {
            *slot = (*slot).min((mix(s ^ salt) >> 32) as u32);
        }
    }
}

/// The signature with MinHash `mins` over `shingles` distinct shingles, and its band keys.
pub(super) fn signed(mins: &[u32; PERMUTATIONS], shingles: usize) -> ArticleSignature {
    let minhash = mins.to_vec();
    let bands = band_keys(&minhash);
    ArticleSignature {
        shingles: shingles as i64,
        minhash,
        bands,
    }
}

/// One key per band: the band's index and its rows hashed together, kept to 32 bits (a
/// chance collision only adds a candidate, which verification rejects).
pub fn band_keys(minhash: &[u32]) -> Vec<i64> {
    minhash
        .chunks_exact(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut h = Fnv::new();
            h.write(&(band as u32).to_le_bytes());
            for r in rows {
                h.write(&r.to_le_bytes());
            }
            (h.finish() & 0xffff_ffff) as i64
        })
        .collect()
}

/// How alike two signatures are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Estimated Jaccard similarity of the shingle sets.
    pub jaccard: f64,
    /// Estimated share of the smaller set found in the larger: near 1 for a truncated copy.
    pub containment: f64,
}

/// Estimates the similarity of two shingle sets from their signatures and sizes.
pub fn similarity(a: &[u32], a_size: i64, b: &[u32], b_size: i64) -> Similarity {
    let slots = a.len().min(b.len());
    if slots == 0 || a_size <= 0 || b_size <= 0 {
        return Similarity {
            jaccard: 0.0,
            containment: 0.0,
        };
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    let jaccard = equal as f64 / slots as f64;
    let common = jaccard / (1.0 + jaccard) * (a_size + b_size) as f64;
    let containment = (common / a_size.min(b_size) as f64).min(1.0);
    Similarity {
        jaccard,
        containment,
    }
}

/// 64-bit FNV-1a: small, stable, and good enough once finished with [`mix`].
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        mix(self.0)
    }
}

/// The SplitMix64 finaliser: spreads every input bit over the whole word.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Per-permutation seeds (arbitrary odd constants).
const SEEDS: [u64; 4] = [
    0x9e37_79b9_7f4a_7c15,
    0xc2b2_ae3d_27d4_eb4f,
    0x1656_67b1_9e37_79f9,
    0x27d4_eb2f_1656_67c5,
];

/// What permutation `i` mixes into a shingle's hash: seed `i % 4` times `i + 1`, computed
/// once here rather than for every shingle.
const SALTS: [u64; PERMUTATIONS] = {
    let mut salts = [0u64; PERMUTATIONS];
    let mut i = 0;
    while i < PERMUTATIONS {
        salts[i] = SEEDS[i % SEEDS.len()].wrapping_mul(i as u64 + 1);
        i += 1;
    }
    salts
};

#[cfg(test)]
mod tests;
