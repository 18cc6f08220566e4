//! The first letter of a transliterated ASCII word, remembered by its first two bytes: the
//! matcher's prefilter refuses most words of an English text on it, so they are not
//! transliterated.

use std::sync::atomic::{AtomicU32, Ordering};

use super::{ALL_SCHEMES, Scheme, ascii_letter, piece};

/// ASCII letters and digits.
const ALNUM: usize = 10 + 26 + 26;

/// Where byte `b` stands among the [`ALNUM`] bytes.
fn alnum_index(b: u8) -> Option<usize> {
    match b {
        b'0'..=b'9' => Some(usize::from(b - b'0')),
        b'A'..=b'Z' => Some(usize::from(b - b'A') + 10),
        b'a'..=b'z' => Some(usize::from(b - b'a') + 36),
        _ => None,
    }
}

/// The first character transliteration writes for a word of ASCII letters and digits, by
/// scheme, first byte and second byte (or none, last), filled in as words come (0: not yet
/// known). Two bytes tell it: no letter comes before the first (no glide), and a third letter
/// counts only after a 2017-alphabet apostrophe.
static FIRSTS: [AtomicU32; ALL_SCHEMES.len() * ALNUM * (ALNUM + 1)] =
    [const { AtomicU32::new(0) }; ALL_SCHEMES.len() * ALNUM * (ALNUM + 1)];

/// The first character [`transliterate`](super::transliterate) writes for an ASCII word
/// (remembered when its first two bytes are letters or digits).
pub fn first_of_ascii(word: &[u8], scheme: Scheme) -> Option<char> {
    let first = alnum_index(*word.first()?);
    let second = word.get(1).map_or(Some(ALNUM), |&b| alnum_index(b));
    let nth = ALL_SCHEMES.iter().position(|s| *s == scheme);
    let (Some(first), Some(second), Some(nth)) = (first, second, nth) else {
        return first_piece(word, scheme);
    };
    let slot = FIRSTS.get((nth * ALNUM + first) * (ALNUM + 1) + second)?;
    if let Some(known) = char::from_u32(slot.load(Ordering::Relaxed)).filter(|&c| c != '\0') {
        return Some(known);
    }
    let found = first_piece(word.get(..2).unwrap_or(word), scheme)?;
    slot.store(u32::from(found), Ordering::Relaxed);
    Some(found)
}

/// The first character of `transliterate(word, scheme)` for an ASCII word, from the word's
/// first three bytes.
fn first_piece(word: &[u8], scheme: Scheme) -> Option<char> {
    let letter = |i: usize| word.get(i).map(|&b| ascii_letter(scheme, b));
    let mut buf = [0u8; 4];
    let (piece, _) = piece(scheme, letter(0)?, [letter(1), letter(2)], None, &mut buf);
    piece.chars().next()
}
