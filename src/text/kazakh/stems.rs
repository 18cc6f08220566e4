//! Stem variants of a Kazakh query word: the forms its stem takes before endings.

use super::{Class, Start, class_of, is_chain_after_third, is_ending_chain, is_plural_possessive};
use crate::text::normalize::is_vowel;

/// A stem a text word may start with, and what may follow it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// The stem as it appears in text (normalised Cyrillic).
    pub stem: String,
    /// Sound class of its end, which picks the first ending's consonant.
    pub class: Class,
    /// What the first ending must look like.
    pub start: Start,
    /// The stem ends in a 3rd-person possessive -ы/-і after a consonant (алды, басы).
    pub third: bool,
}

impl Variant {
    /// True if `rest`, the text word after this stem, is a valid ending chain.
    /// With `fold`, `rest` is a skeleton.
    pub fn accepts(&self, rest: &str, fold: bool) -> bool {
        is_ending_chain(rest, self.class, self.start, fold)
            || (self.third && !rest.is_empty() && is_chain_after_third(rest, fold))
    }
}

fn voiced(c: char) -> Option<char> {
    match c {
        'к' => Some('г'),
        'қ' => Some('ғ'),
        'п' => Some('б'),
        _ => None,
    }
}

fn unvoiced(c: char) -> Option<char> {
    match c {
        'г' => Some('к'),
        'ғ' => Some('қ'),
        'б' => Some('п'),
        _ => None,
    }
}

/// у and и act as consonants (glides) next to a vowel.
fn is_consonant(c: char) -> bool {
    !is_vowel(c) || c == 'у' || c == 'и'
}

fn push(out: &mut Vec<Variant>, stem: String, class: Class, start: Start) {
    if !out.iter().any(|v| v.stem == stem && v.start == start) {
        let mut tail = stem.chars().rev();
        let third = start == Start::Any
            && matches!(tail.next(), Some('ы' | 'і'))
            && tail.next().is_some_and(is_consonant);
        out.push(Variant {
            stem,
            class,
            start,
            third,
        });
    }
}

/// Final к/қ/п voices before a vowel: құқық → құқығ-ы, кітап → кітаб-ы.
fn push_voiced(chars: &[char], out: &mut Vec<Variant>) {
    if let [head @ .., last] = chars
        && head.len() >= 2
        && let Some(v) = voiced(*last)
    {
        let stem: String = head.iter().chain(std::iter::once(&v)).collect();
        push(out, stem, Class::Voiced, Start::Vowel);
    }
}

/// Two-syllable words may lose their last vowel before a vowel: ауыз → ауз-ы, ерін → ерн-і.
fn push_dropped(chars: &[char], out: &mut Vec<Variant>) {
    let vowels = chars.iter().filter(|c| is_vowel(**c)).count();
    if let [head @ .., before, v, last] = chars
        && vowels >= 2
        && !head.is_empty()
        && matches!(v, 'ы' | 'і' | 'ұ' | 'ү')
        && is_consonant(*before)
        && !is_vowel(*last)
    {
        let stem: String = head.iter().chain([before, last]).collect();
        if let Some(class) = class_of(&stem) {
            push(out, stem, class, Start::Vowel);
        }
    }
}

/// A query typed with a plural or possessive (шеруі, құқығы) stands for its bare stem.
fn push_stripped(word: &str, chars: &[char], out: &mut Vec<Variant>) {
    for (n, (i, _)) in word.char_indices().enumerate().skip(4) {
        let (stem, rest) = word.split_at(i);
        let Some(class) = class_of(stem) else {
            continue;
        };
        if !is_plural_possessive(rest, class) {
            continue;
        }
        let stem_chars = &chars[..n];
        match stem_chars.split_last() {
            Some((last, head)) if unvoiced(*last).is_some() => {
                let plain: String = head.iter().copied().chain(unvoiced(*last)).collect();
                push(out, plain, Class::Voiceless, Start::Any);
                push(out, stem.to_string(), class, Start::Vowel);
            }
            _ => push(out, stem.to_string(), class, Start::Any),
        }
    }
}

/// All stem variants of a normalised Cyrillic query word, the word itself first.
/// Empty if the word does not end in a letter (numbers match exactly only).
pub fn stem_variants(word: &str) -> Vec<Variant> {
    let mut out = Vec::new();
    let Some(class) = class_of(word) else {
        return out;
    };
    push(&mut out, word.to_string(), class, Start::Any);
    let chars: Vec<char> = word.chars().collect();
    push_voiced(&chars, &mut out);
    push_dropped(&chars, &mut out);
    push_stripped(word, &chars, &mut out);
    if let Some(head) = word.strip_suffix("ст") {
        push(&mut out, format!("{head}с"), Class::Voiceless, Start::T);
    }
    let stems: Vec<Vec<char>> = out[1..]
        .iter()
        .filter(|v| v.start == Start::Any)
        .map(|v| v.stem.chars().collect())
        .collect();
    for s in stems {
        push_voiced(&s, &mut out);
    }
    out
}
