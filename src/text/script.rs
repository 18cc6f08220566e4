//! Scripts: mixed Latin/Cyrillic repair and Latin-script Kazakh → Cyrillic transliteration.
//!
//! Owns the look-alike tables and the three Latin spelling schemes (2021 official, 2018
//! "latyn", informal). It must not lowercase Cyrillic words (see `normalize`) nor match words.

use super::normalize::{each_lower, is_cyrillic, is_latin, is_vowel};

/// A Latin spelling scheme of Kazakh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// The 2021 official alphabet (ä ö ü ū ğ ñ ş, ı = і).
    Y2021,
    /// The 2018 "latyn" alphabet with acute accents (á ó ú ý ǵ ń, ı = и).
    Y2018,
    /// Informal spelling with digraphs (gh, ng, sh, zh, kh) and Cyrillic ә, including the
    /// English-style transliteration of Russian-language media (Zhanaozen, Nazarbayev).
    Informal,
    /// The alphabet of the decree of 26 October 2017 (No. 569), with apostrophes:
    /// a' g' i' n' o' s' c' u' y' (ә ғ и/й ң ө ш ч ү у); u = ұ, y = ы, i = і.
    Y2017,
}

/// All schemes, tried in turn when a text gives no clue.
pub const ALL_SCHEMES: [Scheme; 4] = [
    Scheme::Y2021,
    Scheme::Y2018,
    Scheme::Informal,
    Scheme::Y2017,
];

/// Votes per scheme, in the order of [`ALL_SCHEMES`].
pub type Votes = [usize; 4];

/// Which script a token is written in, after repair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    /// Cyrillic (or no letters at all).
    Cyrillic,
    /// Latin letters: Latin-script Kazakh or a foreign word.
    Latin,
}

const LOOKALIKES: [(char, char); 22] = [
    ('a', 'а'),
    ('A', 'А'),
    ('B', 'В'),
    ('c', 'с'),
    ('C', 'С'),
    ('e', 'е'),
    ('E', 'Е'),
    ('H', 'Н'),
    ('k', 'к'),
    ('K', 'К'),
    ('m', 'м'),
    ('M', 'М'),
    ('o', 'о'),
    ('O', 'О'),
    ('p', 'р'),
    ('P', 'Р'),
    ('t', 'т'),
    ('T', 'Т'),
    ('x', 'х'),
    ('X', 'Х'),
    ('y', 'у'),
    ('Y', 'У'),
];

fn latin_to_cyrillic(c: char) -> Option<char> {
    match c {
        'i' => Some('і'),
        'I' => Some('І'),
        _ => LOOKALIKES.iter().find(|(l, _)| *l == c).map(|(_, k)| *k),
    }
}

fn cyrillic_to_latin(c: char) -> Option<char> {
    LOOKALIKES.iter().find(|(_, k)| *k == c).map(|(l, _)| *l)
}

/// Repairs a token that mixes scripts by turning look-alike letters into the majority script.
/// Cyrillic і stays in Latin words: converters use it for the Kazakh і, which transliteration
/// understands.
pub fn repair(word: &str) -> (String, Script) {
    let (mut strong_lat, mut strong_cyr, mut lat, mut cyr) = (0usize, 0usize, 0usize, 0usize);
    for c in word.chars() {
        if is_latin(c) {
            lat += 1;
            strong_lat += usize::from(latin_to_cyrillic(c).is_none());
        } else if is_cyrillic(c) {
            cyr += 1;
            strong_cyr += usize::from(cyrillic_to_latin(c).is_none() && c != 'і' && c != 'І');
        }
    }
    let latin = if strong_lat != strong_cyr {
        strong_lat > strong_cyr
    } else {
        lat > cyr
    };
    if latin {
        let fixed = if cyr > 0 {
            word.chars()
                .map(|c| cyrillic_to_latin(c).unwrap_or(c))
                .collect()
        } else {
            word.to_string()
        };
        (fixed, Script::Latin)
    } else {
        let fixed = if lat > 0 {
            word.chars()
                .map(|c| latin_to_cyrillic(c).unwrap_or(c))
                .collect()
        } else {
            word.to_string()
        };
        (fixed, Script::Cyrillic)
    }
}

/// English contractions, whose apostrophe is not a 2017 letter mark.
const CONTRACTIONS: [&str; 7] = ["'t", "'s", "'ll", "'re", "'ve", "'d", "'m"];

/// Votes for a scheme from the letters of one Latin-script word (any case).
pub fn scheme_votes(word: &str, votes: &mut Votes) {
    let gh = |w: &[u8]| w.eq_ignore_ascii_case(b"gh");
    if word.is_ascii() && !word.contains(['\'', '`']) && !word.as_bytes().windows(2).any(gh) {
        // Only accented letters, apostrophes and gh vote: a plain English word says nothing.
        return;
    }
    let lower = word.to_lowercase();
    for c in lower.chars() {
        match c {
            'ä' | 'ö' | 'ü' | 'ū' | 'ğ' | 'ñ' | 'ş' => votes[0] += 1,
            'á' | 'ǵ' | 'ń' => votes[1] += 1,
            // Informal spellings (abai.kz/lt) borrow ó ú ý from the 2018 alphabet.
            'ó' | 'ú' | 'ý' => {
                votes[1] += 1;
                votes[2] += 1;
            }
            'ә' => votes[2] += 1,
            _ => {}
        }
    }
    let lower = lower.replace(['\u{2019}', '\u{02BC}', '`'], "'");
    if !CONTRACTIONS.iter().any(|c| lower.ends_with(c)) {
        votes[3] += lower
            .match_indices('\'')
            .filter(|(i, _)| {
                lower[..*i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| "agionscuy".contains(c))
            })
            .count();
    }
    // English has gh too (right, though), but rarely before a vowel as in jalghyz.
    votes[2] += lower
        .match_indices("gh")
        .filter(|(i, _)| lower[i + 2..].starts_with(['a', 'e', 'y', 'ı', 'i', 'o', 'u']))
        .count();
}

/// The scheme with most votes, if any letter told.
pub fn pick_scheme(votes: &Votes) -> Option<Scheme> {
    let (best, count) = votes
        .iter()
        .enumerate()
        .max_by_key(|(i, v)| (**v, usize::MAX - i))?;
    (*count > 0).then(|| ALL_SCHEMES[best])
}

fn digraph(scheme: Scheme, a: char, b: char) -> Option<&'static str> {
    let pair = [a, b];
    let table: &[([char; 2], &str)] = match scheme {
        Scheme::Y2021 => &[
            (['c', 'h'], "ч"),
            (['t', 's'], "ц"),
            (['ş', 'ş'], "щ"),
            (['i', 'u'], "ю"),
            (['i', 'a'], "я"),
        ],
        Scheme::Y2018 => &[
            (['s', 'h'], "ш"),
            (['c', 'h'], "ч"),
            (['t', 's'], "ц"),
            (['ı', 'ý'], "ю"),
            (['ı', 'a'], "я"),
        ],
        Scheme::Informal => &[
            (['g', 'h'], "ғ"),
            (['n', 'g'], "ң"),
            (['s', 'h'], "ш"),
            (['c', 'h'], "ч"),
            (['z', 'h'], "ж"),
            (['k', 'h'], "х"),
            (['t', 's'], "ц"),
            (['i', 'y'], "и"),
            (['y', 'u'], "ю"),
            (['y', 'a'], "я"),
            (['y', 'e'], "е"),
        ],
        Scheme::Y2017 => &[
            (['a', '\''], "ә"),
            (['g', '\''], "ғ"),
            (['n', '\''], "ң"),
            (['o', '\''], "ө"),
            (['s', '\''], "ш"),
            (['c', '\''], "ч"),
            (['u', '\''], "ү"),
            (['y', '\''], "у"),
        ],
    };
    table.iter().find(|(p, _)| *p == pair).map(|(_, s)| *s)
}

fn shared_single(c: char) -> Option<&'static str> {
    Some(match c {
        'a' => "а",
        'b' => "б",
        'v' => "в",
        'g' => "г",
        'd' => "д",
        'e' => "е",
        'j' => "ж",
        'z' => "з",
        'k' => "к",
        'q' => "қ",
        'l' => "л",
        'm' => "м",
        'n' => "н",
        'o' => "о",
        'p' => "п",
        'r' => "р",
        's' => "с",
        't' => "т",
        'f' => "ф",
        'h' => "х",
        'w' => "у",
        'x' => "кс",
        'ŋ' => "ң",
        'ә' => "ә",
        _ => return None,
    })
}

fn single(scheme: Scheme, c: char) -> Option<&'static str> {
    let specific = match (scheme, c) {
        (Scheme::Y2021, 'ä') | (Scheme::Y2018, 'á') => "ә",
        (Scheme::Y2021, 'ğ') | (Scheme::Y2018, 'ǵ') => "ғ",
        (Scheme::Y2021, 'ñ') | (Scheme::Y2018, 'ń') => "ң",
        (Scheme::Y2021, 'ö') | (_, 'ó') => "ө",
        (Scheme::Y2021, 'ü') | (Scheme::Y2018, 'ú') | (Scheme::Informal, 'ý') => "ү",
        (Scheme::Y2021, 'ū') | (Scheme::Y2018 | Scheme::Y2017, 'u') | (Scheme::Informal, 'ú') => {
            "ұ"
        }
        (Scheme::Y2021, 'u') | (Scheme::Y2018, 'ý') | (Scheme::Informal, 'u') => "у",
        (Scheme::Y2021, 'ş') => "ш",
        (Scheme::Y2021, 'ı') | (Scheme::Y2018 | Scheme::Informal | Scheme::Y2017, 'i') => "і",
        (_, 'y') => "ы",
        (Scheme::Y2021, 'i') | (Scheme::Y2018, 'ı') => "и",
        _ => return shared_single(c),
    };
    Some(specific)
}

/// The letters of `word` in lower case as `scheme` reads them (the 2021 alphabet's capital
/// I is its dotless ı), one at a time.
fn letters(scheme: Scheme, word: &str) -> impl Iterator<Item = char> + '_ {
    word.chars().flat_map(move |c| {
        let mut buf = ['\0'; 3];
        let mut n = 0;
        match (scheme, c) {
            (Scheme::Y2021, 'I') => {
                buf[0] = 'ı';
                n = 1;
            }
            _ => each_lower(c, |l| {
                if let Some(slot) = buf.get_mut(n) {
                    *slot = l;
                    n += 1;
                }
            }),
        }
        buf.into_iter().take(n)
    })
}

/// An ASCII character as [`letters`] reads it, without its Unicode case tables.
fn ascii_letter(scheme: Scheme, b: u8) -> char {
    match (scheme, b) {
        (Scheme::Y2021, b'I') => 'ı',
        _ => char::from(b.to_ascii_lowercase()),
    }
}

/// Transliterates a Latin-script Kazakh word (any case) into lower-case Cyrillic.
/// Letters outside the scheme pass through unchanged.
pub fn to_cyrillic(word: &str, scheme: Scheme) -> String {
    let mut out = String::with_capacity(word.len() * 2);
    transliterate(word, scheme, |piece| {
        out.push_str(piece);
        true
    });
    out
}

/// The text of [`to_cyrillic`] handed piece by piece (never empty) to `emit`, which returns
/// false to stop early (the matcher's prefilter only needs the first letters).
pub fn transliterate(word: &str, scheme: Scheme, emit: impl FnMut(&str) -> bool) {
    if word.is_ascii() {
        let letters = word.bytes().map(|b| ascii_letter(scheme, b));
        transliterate_letters(scheme, letters, emit);
    } else {
        transliterate_letters(scheme, letters(scheme, word), emit);
    }
}

/// [`transliterate`] of a word's [`letters`].
fn transliterate_letters(
    scheme: Scheme,
    mut letters: impl Iterator<Item = char>,
    mut emit: impl FnMut(&str) -> bool,
) {
    // The current letter and the two after it.
    let mut ahead = [letters.next(), letters.next(), letters.next()];
    let mut last: Option<char> = None;
    let mut buf = [0u8; 4];
    while let [Some(c), next, third] = ahead {
        let (piece, read) = piece(scheme, c, [next, third], last, &mut buf);
        last = piece.chars().next_back().or(last);
        if !emit(piece) {
            return;
        }
        for _ in 0..read {
            ahead = [ahead[1], ahead[2], letters.next()];
        }
    }
}

/// What [`transliterate`] writes for letter `c`, followed by `next` and `third`, when `last`
/// was the last letter written: the piece, and how many letters it reads (2 for a digraph).
fn piece(
    scheme: Scheme,
    c: char,
    [next, third]: [Option<char>; 2],
    last: Option<char>,
    buf: &mut [u8; 4],
) -> (&str, usize) {
    if let Some(d) = next.and_then(|n| digraph(scheme, c, n)) {
        return (d, 2);
    }
    let after_vowel = last.is_some_and(is_vowel);
    let glide = after_vowel && !next.is_some_and(|n| "aeiouyıäöüūáóúýә".contains(n));
    if scheme == Scheme::Y2017 && c == 'i' && next == Some('\'') {
        let before_vowel = third.is_some_and(|n| "aeiouy".contains(n));
        let letter = if after_vowel && !before_vowel {
            "й"
        } else {
            "и"
        };
        return (letter, 2);
    }
    let piece: &str = match (scheme, c) {
        (Scheme::Y2021, 'i') | (Scheme::Y2018, 'ı') | (Scheme::Informal, 'y') if glide => "й",
        // Not Kazakh: foreign words read c as к, or as с before e, i, y (covid, cinema).
        (_, 'c') if next.is_some_and(|n| "eiy".contains(n)) => "с",
        (_, 'c') => "к",
        _ => match single(scheme, c) {
            Some(s) => s,
            None => c.encode_utf8(buf),
        },
    };
    (piece, 1)
}

#[path = "script_ascii.rs"]
mod ascii;
pub use ascii::first_of_ascii;

#[cfg(test)]
#[path = "script_tests.rs"]
mod tests;
