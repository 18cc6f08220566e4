//! Kazakh noun inflection: does a leftover after a stem parse as a chain of endings?
//!
//! A noun form is stem + [plural] + [possessive] + [case] + [-ғы] + [case] + [personal];
//! each ending's first consonant follows the sound before it and both harmony variants are
//! accepted. Owns the ending tables and the stem variants of a query word (к/ғ қ/ғ п/б,
//! dropped vowels, a typed plural or possessive). Derivational suffixes (-шы, -лық, -сыз,
//! -лы, -дай) are deliberately absent. Must not decide whether a word is Kazakh at all.

use super::normalize::{is_vowel, skeleton_char};

/// The sound class of the end of a stem, which picks each ending's first consonant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// A vowel.
    Vowel,
    /// м н ң.
    Nasal,
    /// л.
    L,
    /// р й у и (and the soft sign).
    Sonorant,
    /// з ж.
    Sibilant,
    /// б в г ғ д; loanwords ending so take voiced or voiceless endings (митингке).
    Voiced,
    /// к қ п с т ш ф х ц ч щ һ, and surnames in -ов/-ев.
    Voiceless,
}

fn class_of_char(c: char) -> Option<Class> {
    Some(match c {
        'м' | 'н' | 'ң' => Class::Nasal,
        'л' => Class::L,
        'р' | 'й' | 'у' | 'и' | 'ь' | 'ъ' => Class::Sonorant,
        'з' | 'ж' => Class::Sibilant,
        'б' | 'в' | 'г' | 'ғ' | 'д' => Class::Voiced,
        'к' | 'қ' | 'п' | 'с' | 'т' | 'ш' | 'ф' | 'х' | 'ц' | 'ч' | 'щ' | 'һ' => {
            Class::Voiceless
        }
        c if is_vowel(c) => Class::Vowel,
        _ => return None,
    })
}

/// Class of the end of a (normalised, Cyrillic) stem; `None` if it does not end in a letter.
pub fn class_of(stem: &str) -> Option<Class> {
    if stem.ends_with("ов") || stem.ends_with("ев") {
        return Some(Class::Voiceless);
    }
    stem.chars().next_back().and_then(class_of_char)
}

/// What the previous slot left behind, which shapes the next case ending.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Poss {
    None,
    Third,
    FirstSecond,
}

#[derive(Clone, Copy)]
struct State {
    prev: Class,
    poss: Poss,
    after_gy: bool,
}

const PLURAL: u8 = 0;
const POSSESSIVE: u8 = 1;
const CASE: u8 = 2;
const GY: u8 = 3;
const CASE_AFTER_GY: u8 = 4;
const PERSONAL: u8 = 5;

fn plural(prev: Class) -> &'static [&'static str] {
    match prev {
        Class::Vowel | Class::Sonorant => &["лар", "лер"],
        Class::Nasal | Class::L | Class::Sibilant => &["дар", "дер"],
        Class::Voiced | Class::Voiceless => &["тар", "тер"],
    }
}

fn possessive(prev: Class) -> &'static [&'static str] {
    match prev {
        Class::Vowel => &["м", "ң", "ңыз", "ңіз", "мыз", "міз", "сы", "сі"],
        _ => &[
            "ым", "ім", "ың", "ің", "ыңыз", "іңіз", "ымыз", "іміз", "ы", "і",
        ],
    }
}

fn poss_kind(ending: &str) -> Poss {
    match ending.chars().next_back() {
        Some('ы' | 'і') => Poss::Third,
        Some('м' | 'ң') => Poss::FirstSecond,
        _ => Poss::None,
    }
}

fn case(prev: Class, poss: Poss) -> &'static [&'static str] {
    use Class::*;
    match (poss, prev) {
        (Poss::Third, _) => &[
            "ның",
            "нің",
            "н",
            "на",
            "не",
            "нда",
            "нде",
            "нан",
            "нен",
            "мен",
            "менен",
        ],
        (Poss::FirstSecond, _) => &[
            "ның",
            "нің",
            "ды",
            "ді",
            "а",
            "е",
            "да",
            "де",
            "нан",
            "нен",
            "мен",
            "менен",
        ],
        (_, Vowel) => &[
            "ның",
            "нің",
            "ны",
            "ні",
            "ға",
            "ге",
            "да",
            "де",
            "дан",
            "ден",
            "мен",
            "менен",
        ],
        (_, Nasal) => &[
            "ның",
            "нің",
            "ды",
            "ді",
            "ға",
            "ге",
            "да",
            "де",
            "нан",
            "нен",
            "мен",
            "менен",
        ],
        (_, L | Sonorant) => &[
            "дың",
            "дің",
            "ды",
            "ді",
            "ға",
            "ге",
            "да",
            "де",
            "дан",
            "ден",
            "мен",
            "менен",
        ],
        (_, Sibilant) => &[
            "дың",
            "дің",
            "ды",
            "ді",
            "ға",
            "ге",
            "да",
            "де",
            "дан",
            "ден",
            "бен",
            "бенен",
        ],
        (_, Voiced) => &[
            "тың", "тің", "ты", "ті", "ға", "ге", "қа", "ке", "да", "де", "та", "те", "дан", "ден",
            "тан", "тен", "бен", "пен",
        ],
        (_, Voiceless) => &[
            "тың",
            "тің",
            "ты",
            "ті",
            "қа",
            "ке",
            "та",
            "те",
            "тан",
            "тен",
            "пен",
            "пенен",
        ],
    }
}

fn gy(prev: Class) -> &'static [&'static str] {
    match prev {
        Class::Voiceless => &["қы", "кі"],
        _ => &["ғы", "гі"],
    }
}

fn personal(prev: Class) -> &'static [&'static str] {
    match prev {
        Class::Sibilant => &["бын", "бін", "быз", "біз", "сың", "сің", "сыңдар", "сіңдер"],
        Class::Voiced | Class::Voiceless => {
            &["пын", "пін", "пыз", "піз", "сың", "сің", "сыңдар", "сіңдер"]
        }
        _ => &["мын", "мін", "мыз", "міз", "сың", "сің", "сыңдар", "сіңдер"],
    }
}

fn endings(slot: u8, st: State) -> &'static [&'static str] {
    match slot {
        PLURAL => plural(st.prev),
        POSSESSIVE => possessive(st.prev),
        CASE => case(st.prev, st.poss),
        GY => gy(st.prev),
        CASE_AFTER_GY if st.after_gy => case(st.prev, Poss::None),
        PERSONAL => personal(st.prev),
        _ => &[],
    }
}

/// Strips `lit` from the front of `rest`; with `fold`, `rest` is a skeleton and `lit` is
/// folded letter by letter before comparing.
fn strip<'a>(rest: &'a str, lit: &str, fold: bool) -> Option<&'a str> {
    let mut r = rest.char_indices();
    for l in lit.chars() {
        let (_, c) = r.next()?;
        let want = if fold { skeleton_char(l) } else { l };
        if c != want {
            return None;
        }
    }
    Some(r.next().map_or("", |(i, _)| &rest[i..]))
}

/// What the first ending after a stem variant must look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Anything, or nothing at all.
    Any,
    /// A vowel-initial ending (voiced кітаб-ы, vowel-dropped ауз-ы).
    Vowel,
    /// An ending in т that swallowed the stem's own т (журналис-тер from журналист).
    T,
}

impl Start {
    fn allows(self, lit: &str) -> bool {
        let first = lit.chars().next();
        match self {
            Start::Any => true,
            Start::Vowel => first.is_some_and(is_vowel),
            Start::T => first == Some('т'),
        }
    }
}

fn parse(rest: &str, from: u8, st: State, start: Start, fold: bool) -> bool {
    if rest.is_empty() {
        return start == Start::Any;
    }
    (from..=PERSONAL).any(|slot| {
        endings(slot, st).iter().any(|lit| {
            if !start.allows(lit) {
                return false;
            }
            let Some(after) = strip(rest, lit, fold) else {
                return false;
            };
            let Some(prev) = class_of(lit) else {
                return false;
            };
            let next = State {
                prev,
                poss: if slot == POSSESSIVE {
                    poss_kind(lit)
                } else {
                    Poss::None
                },
                after_gy: slot == GY,
            };
            parse(after, next_slot(slot), next, Start::Any, fold)
        })
    })
}

fn next_slot(slot: u8) -> u8 {
    match slot {
        CASE => GY,
        s => s + 1,
    }
}

/// True if `rest` is empty or a valid chain of inflectional endings after a stem of class
/// `prev`; `start` constrains the first ending (and demands one unless `Any`).
/// `fold` compares on skeletons.
pub fn is_ending_chain(rest: &str, prev: Class, start: Start, fold: bool) -> bool {
    let st = State {
        prev,
        poss: Poss::None,
        after_gy: false,
    };
    parse(rest, PLURAL, st, start, fold)
}

/// True if `word` (normalised) is on its own a chain of case or plural endings after some
/// stem, as written after a hyphen: -ға, -ның, -тың, -дағы, -лар.
pub fn is_kazakh_ending(word: &str) -> bool {
    const CLASSES: [Class; 7] = [
        Class::Vowel,
        Class::Nasal,
        Class::L,
        Class::Sonorant,
        Class::Sibilant,
        Class::Voiced,
        Class::Voiceless,
    ];
    !word.is_empty()
        && word.chars().all(|c| c.is_alphabetic() && !c.is_ascii())
        && CLASSES
            .iter()
            .any(|c| is_ending_chain(word, *c, Start::Any, false))
}

/// Like [`is_ending_chain`] after a stem that itself ends in the 3rd-person possessive
/// (алды → алды-нда): the possessive's case shapes are allowed too.
fn is_chain_after_third(rest: &str, fold: bool) -> bool {
    let st = State {
        prev: Class::Vowel,
        poss: Poss::Third,
        after_gy: false,
    };
    parse(rest, CASE, st, Start::Any, fold)
}

/// True if `rest` is only a plural and/or possessive ending (used to undo typed ones).
fn is_plural_possessive(rest: &str, prev: Class) -> bool {
    let st = State {
        prev,
        poss: Poss::None,
        after_gy: false,
    };
    (PLURAL..=POSSESSIVE).any(|slot| {
        endings(slot, st).iter().any(|lit| {
            strip(rest, lit, false).is_some_and(|after| {
                after.is_empty()
                    || (slot == PLURAL
                        && class_of(lit).is_some_and(|c| is_possessive_only(after, c)))
            })
        })
    })
}

fn is_possessive_only(rest: &str, prev: Class) -> bool {
    possessive(prev).contains(&rest)
}

mod stems;
pub use stems::{Variant, stem_variants};

#[cfg(test)]
mod tests;
