//! Russian word forms: Snowball stems plus a case-ending rule for names and loanwords.
//!
//! Snowball (crate `rust-stemmers`) handles common nouns and adjectives; surnames in -ов/-ев
//! and nouns in -ай/-ей get unstable stems, so a query may also match "its base (final
//! vowel, й or ь removed) + a Russian case ending". Must not be applied to words holding
//! Kazakh-only letters (the caller checks).

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));

/// Case and number endings that may follow a base (nouns, adjectives, surnames).
const ENDINGS: [&str; 52] = [
    "", "а", "я", "у", "ю", "е", "и", "ы", "о", "ом", "ем", "ой", "ей", "ою", "ею", "ам", "ям",
    "ами", "ями", "ах", "ях", "ов", "ев", "ым", "им", "ых", "их", "ыми", "ими", "ую", "юю", "ая",
    "яя", "ое", "ее", "ого", "его", "ому", "ему", "ые", "ие", "ий", "ый", "ь", "ью", "ьи", "ья",
    "ье", "ьем", "ьев", "ьям", "ьях",
];

/// Snowball Russian stem of a lower-case word.
pub fn stem(word: &str) -> String {
    STEMMER.stem(word).into_owned()
}

/// The query's base: the word without a final vowel, й or ь.
pub fn base(word: &str) -> &str {
    match word.char_indices().next_back() {
        Some((i, c)) if "аеиоуыэюяйь".contains(c) => &word[..i],
        _ => word,
    }
}

/// True if `rest` (what follows a base in a text word) is a Russian case ending.
pub fn is_case_ending(rest: &str) -> bool {
    ENDINGS.contains(&rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ending_match(query: &str, text: &str) -> bool {
        text.strip_prefix(base(query)).is_some_and(is_case_ending)
    }

    #[test]
    fn snowball_merges_common_forms() {
        assert_eq!(stem("митинга"), stem("митинг"));
        assert_eq!(stem("политзаключенных"), stem("политзаключенный"));
        assert_eq!(stem("мирного"), stem("мирный"));
        assert_ne!(stem("против"), stem("рот"));
    }

    #[test]
    fn names_take_case_endings() {
        assert!(ending_match("токаев", "токаева"));
        assert!(ending_match("назарбаев", "назарбаевым"));
        assert!(ending_match("жанна", "жанной"));
        assert!(ending_match("музей", "музея"));
        assert!(ending_match("край", "края"));
        assert!(!ending_match("токаев", "токаевский"));
    }
}
