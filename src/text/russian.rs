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
/// After a short base, endings in ь are refused (суд must not reach судья).
pub fn is_case_ending(rest: &str, short: bool) -> bool {
    ENDINGS.contains(&rest) && !(short && rest.starts_with('ь'))
}

/// Letter pairs Russian spelling never writes but Kazakh does (жыл, шық, чы).
const NOT_RUSSIAN: [&str; 8] = ["жы", "шы", "щы", "чы", "жя", "шя", "чю", "щю"];

/// True if a lower-case Cyrillic word can be Russian at all.
pub fn looks_russian(word: &str) -> bool {
    !super::normalize::has_kazakh_letter(word) && !NOT_RUSSIAN.iter().any(|p| word.contains(p))
}

fn is_consonant(c: char) -> bool {
    ('а'..='я').contains(&c) && !"аеиоуыэюяйьъ".contains(c)
}

/// The base without its fleeting vowel: день → дн-я, рынок → рынк-а.
pub fn without_fleeting(base: &str) -> Option<String> {
    let chars: Vec<char> = base.chars().collect();
    match chars.as_slice() {
        [head @ .., c1, 'о' | 'е', c2] if is_consonant(*c1) && is_consonant(*c2) => {
            Some(head.iter().chain([c1, c2]).collect())
        }
        _ => None,
    }
}

/// A base ending in two consonants, split before its last one (взятк → взят + к).
pub fn fleeting_plural_head(base: &str) -> Option<(&str, char)> {
    let mut b = base.chars().rev();
    let (last, prev) = (b.next()?, b.next()?);
    (is_consonant(last) && is_consonant(prev))
        .then(|| (&base[..base.len() - last.len_utf8()], last))
}

/// True if `text` is the genitive plural of a noun in -ка/-ко with an inserted vowel
/// (взятка → взяток, окно → окон).
pub fn is_fleeting_plural(text: &str, base: &str) -> bool {
    let Some((head, last)) = fleeting_plural_head(base) else {
        return false;
    };
    text.strip_prefix(head).is_some_and(|rest| {
        let mut r = rest.chars();
        matches!(r.next(), Some('о' | 'е')) && r.next() == Some(last) && r.next().is_none()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ending_match(query: &str, text: &str) -> bool {
        text.strip_prefix(base(query))
            .is_some_and(|r| is_case_ending(r, false))
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
        assert!(!is_case_ending("ья", true));
    }

    #[test]
    fn fleeting_vowels_and_kazakh_spelling() {
        assert_eq!(without_fleeting("ден").as_deref(), Some("дн"));
        assert_eq!(without_fleeting("рынок").as_deref(), Some("рынк"));
        assert!(is_fleeting_plural("взяток", "взятк"));
        assert!(!is_fleeting_plural("взятка", "взятк"));
        assert!(!looks_russian("жыл"));
        assert!(!looks_russian("құқық"));
        assert!(looks_russian("закон"));
    }
}
