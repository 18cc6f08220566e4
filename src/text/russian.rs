//! Russian word forms: Snowball stems plus a case-ending rule for names and loanwords.
//!
//! Snowball (crate `rust-stemmers`) handles common nouns and adjectives; surnames in -ов/-ев
//! and nouns in -ай/-ей get unstable stems, so a query may also match "its base (final
//! vowel, й or ь removed) + a Russian ending" of its own kind (noun, adjective, surname). Must not be applied to words holding
//! Kazakh-only letters (the caller checks).

use std::collections::HashMap;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));

/// Nouns whose stem changes (дочь → дочер-и, заём → займ-а, человек → люд-и), from the
/// OpenCorpora dictionary (CC BY-SA 3.0); see the header of the file and
/// `src/text/russian_stems.py`, which regenerates it.
const CHANGED_STEMS: &str = include_str!("russian_stems.tsv");

static CHANGED: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    CHANGED_STEMS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(lemma, stems)| (lemma, stems.split(' ').collect()))
        .collect()
});

/// The other stems a noun lemma (normalised, ё as е) builds forms on, per the dictionary.
pub fn changed_stems(lemma: &str) -> &'static [&'static str] {
    CHANGED.get(lemma).map_or(&[], Vec::as_slice)
}

/// True if `rest` is a noun case ending (what follows a changed stem).
pub fn is_noun_ending(rest: &str) -> bool {
    NOUN_ENDINGS.contains(&rest)
}

/// Case and number endings of nouns that may follow a base (the query without its final
/// vowel, й or ь).
const NOUN_ENDINGS: [&str; 33] = [
    "", "а", "я", "у", "ю", "е", "и", "ы", "о", "ом", "ем", "ой", "ей", "ою", "ею", "ам", "ям",
    "ами", "ями", "ах", "ях", "ов", "ев", "ь", "ью", "ьи", "ья", "ье", "ьем", "ьев", "ьям", "ьях",
    "й",
];

/// Extra endings of surnames in -ов/-ев/-ин (Назарбаевым, Назарбаевой).
const SURNAME_ENDINGS: [&str; 4] = ["ым", "ой", "ых", "ыми"];

/// Endings of adjectives (and participles used as nouns: политзаключенный).
const ADJECTIVE_ENDINGS: [&str; 23] = [
    "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ого", "его", "ому", "ему", "ым", "им", "ых", "их",
    "ыми", "ими", "ую", "юю", "ые", "ие", "ом", "ем",
];

/// Which endings a query word may take: a noun its case endings, an adjective (a query
/// ending like one) also adjective endings, a surname its own. A noun query never takes
/// adjective endings, so лев does not reach левый nor пол полный.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endings {
    adjective: bool,
    surname: bool,
    short: bool,
    /// Short query words keep to the endings of their own declension (лев takes -ом,
    /// never the -ой of левой).
    declension: Option<Declension>,
}

/// The declension a short noun's last letter implies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Declension {
    /// A consonant or й: стол, лев, край.
    Masculine,
    /// -а/-я: рука, земля.
    A,
    /// -о/-е: село, поле.
    Neuter,
}

/// Endings foreign to a declension, refused after a short base.
fn foreign_to(d: Declension) -> &'static [&'static str] {
    match d {
        Declension::Masculine => &["ой", "ою", "ею", "ь", "ью", "ьи", "ья", "ье"],
        Declension::A => &["ом", "ем", "ов", "ев", "ь", "ью", "ьи", "ья", "ье", "ьем"],
        Declension::Neuter => &["ой", "ою", "ею", "ов", "ев", "ь", "ью", "ьи", "ья", "ье"],
    }
}

impl Endings {
    /// The endings suiting a normalised query word.
    pub fn of(query: &str) -> Endings {
        let ends = |set: &[&str]| set.iter().any(|e| query.ends_with(e));
        let chars = query.chars().count();
        let short = chars <= 4;
        let declension = match query.chars().next_back() {
            _ if !short => None,
            Some('а' | 'я') => Some(Declension::A),
            Some('о' | 'е') => Some(Declension::Neuter),
            Some('ь') | None => None,
            Some(_) => Some(Declension::Masculine),
        };
        Endings {
            adjective: ends(&["ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие"]),
            surname: chars >= 5 && ends(&["ов", "ев", "ин", "ын"]),
            short: chars <= 3,
            declension,
        }
    }

    /// True if `rest`, what follows a Snowball stem (which keeps a word's own final
    /// vowel: освобожден-ии, организац-ии, политзаключен-ных), is an inflection of its
    /// kind: an ending, or -и/-н + one.
    pub fn accepts_after_stem(self, rest: &str) -> bool {
        ["и", "н", "е"]
            .iter()
            .any(|p| rest.strip_prefix(p).is_some_and(|r| self.accepts(r)))
    }

    /// True if `rest` (what follows a base in a text word) is one of these endings.
    /// After a short base, endings in ь are refused (суд must not reach судья).
    pub fn accepts(self, rest: &str) -> bool {
        if self.short && rest.starts_with('ь') {
            return false;
        }
        if self
            .declension
            .is_some_and(|d| foreign_to(d).contains(&rest))
        {
            return false;
        }
        NOUN_ENDINGS.contains(&rest)
            || (self.surname && SURNAME_ENDINGS.contains(&rest))
            || (self.adjective && ADJECTIVE_ENDINGS.contains(&rest))
    }
}

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

/// Letter pairs Russian spelling never writes but Kazakh does (жыл, шық, чы).
const NOT_RUSSIAN: [&str; 8] = ["жы", "шы", "щы", "чы", "жя", "шя", "чю", "щю"];

/// True if a lower-case Cyrillic word can be Russian at all.
pub fn looks_russian(word: &str) -> bool {
    !super::normalize::has_kazakh_letter(word) && !NOT_RUSSIAN.iter().any(|p| word.contains(p))
}

fn is_consonant(c: char) -> bool {
    ('а'..='я').contains(&c) && !"аеиоуыэюяйьъ".contains(c)
}

/// The base without its fleeting vowel: день → дн-я, рынок → рынк-а; after л a dropped е
/// leaves a soft sign (лев → льв-а, палец → пальц-а).
pub fn without_fleeting(base: &str) -> Vec<String> {
    let chars: Vec<char> = base.chars().collect();
    match chars.as_slice() {
        [head @ .., c1, v @ ('о' | 'е'), c2] if is_consonant(*c1) && is_consonant(*c2) => {
            let plain: String = head.iter().chain([c1, c2]).collect();
            let mut out = vec![plain];
            if *v == 'е' && *c1 == 'л' {
                out.push(head.iter().chain([c1, &'ь', c2]).collect());
            }
            out
        }
        _ => Vec::new(),
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
            .is_some_and(|r| Endings::of(query).accepts(r))
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
        assert!(!Endings::of("суд").accepts("ья"));
    }

    #[test]
    fn the_dictionary_knows_changing_stems() {
        assert!(changed_stems("дочь").contains(&"дочер"));
        assert!(changed_stems("заем").contains(&"займ"));
        assert!(changed_stems("человек").contains(&"люд"));
        assert!(changed_stems("стол").is_empty());
        assert!(CHANGED.len() > 2000);
    }

    #[test]
    fn nouns_do_not_take_adjective_endings() {
        assert!(!ending_match("лев", "левый"));
        assert!(!ending_match("пол", "полный"));
        assert!(Endings::of("мирный").accepts("ого"));
        assert!(ending_match("назарбаев", "назарбаевой"));
        assert!(!ending_match("лев", "левой"));
        assert!(ending_match("лев", "левом"));
        assert!(ending_match("акция", "акций"));
    }

    #[test]
    fn fleeting_vowels_and_kazakh_spelling() {
        assert_eq!(without_fleeting("ден"), vec!["дн"]);
        assert_eq!(without_fleeting("рынок"), vec!["рынк"]);
        assert_eq!(without_fleeting("лев"), vec!["лв", "льв"]);
        assert!(is_fleeting_plural("взяток", "взятк"));
        assert!(!is_fleeting_plural("взятка", "взятк"));
        assert!(!looks_russian("жыл"));
        assert!(!looks_russian("құқық"));
        assert!(looks_russian("закон"));
    }
}
