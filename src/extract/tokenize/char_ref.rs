//! Character references after `&`: named (html5ever's table, `html5ever::data`, longest
//! match, the legacy names without `;`), decimal and hexadecimal, with html5ever's results
//! for every odd case (out-of-range, surrogate and C1 numbers, the attribute rule that
//! leaves `&amp=` and `&notit` alone, and which cases are parse errors).

use html5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

/// What a character reference resolved to.
pub(super) struct Found {
    /// The characters it stands for, or `None` when it is not a reference (the `&` is
    /// text and tokenizing goes on after it).
    pub(super) chars: Option<[Option<char>; 2]>,
    /// Where the input goes on after the reference (when `chars` is some).
    pub(super) end: usize,
    /// Whether html5ever reports a parse error for it.
    pub(super) error: bool,
}

/// Not a reference.
fn none(error: bool) -> Found {
    Found {
        chars: None,
        end: 0,
        error,
    }
}

/// The character reference at `start` (just after `&`) in `input`, in an attribute value
/// (`in_attribute`) or in text.
pub(super) fn consume(input: &str, start: usize, in_attribute: bool) -> Found {
    let rest = input.get(start..).unwrap_or_default();
    match rest.as_bytes().first() {
        Some(b) if b.is_ascii_alphanumeric() => named(rest, start, in_attribute),
        Some(b'#') => numeric(rest.as_bytes(), start),
        _ => none(false),
    }
}

/// `&#…;` and `&#x…;`.
fn numeric(rest: &[u8], start: usize) -> Found {
    let (base, mut i) = match rest.get(1) {
        Some(b'x' | b'X') => (16, 2),
        _ => (10, 1),
    };
    let mut num: u32 = 0;
    let mut too_big = false;
    let mut seen_digit = false;
    while let Some(d) = rest.get(i).and_then(|&b| char::from(b).to_digit(base)) {
        num = num.wrapping_mul(base);
        if num > 0x10FFFF {
            too_big = true;
        }
        num = num.wrapping_add(d);
        seen_digit = true;
        i += 1;
    }
    if !seen_digit {
        return none(true);
    }
    let mut error = false;
    if rest.get(i) == Some(&b';') {
        i += 1;
    } else {
        error = true;
    }
    let (c, bad) = numeric_value(num, too_big);
    Found {
        chars: Some([Some(c), None]),
        end: start + i,
        error: error || bad,
    }
}

/// The character a numeric reference stands for, and whether it is a parse error.
fn numeric_value(num: u32, too_big: bool) -> (char, bool) {
    let conv = |n: u32| char::from_u32(n).unwrap_or('\u{fffd}');
    match num {
        n if n > 0x10FFFF || too_big => ('\u{fffd}', true),
        0x00 | 0xD800..=0xDFFF => ('\u{fffd}', true),
        0x80..=0x9F => {
            let replaced = C1_REPLACEMENTS
                .get((num - 0x80) as usize)
                .copied()
                .flatten();
            (replaced.unwrap_or_else(|| conv(num)), true)
        }
        0x01..=0x08 | 0x0B | 0x0D..=0x1F | 0x7F | 0xFDD0..=0xFDEF => (conv(num), true),
        n if (n & 0xFFFE) == 0xFFFE => (conv(n), true),
        n => (conv(n), false),
    }
}

/// A named reference: characters are taken while they are a prefix of some name in the
/// table, and the longest full name among them wins.
fn named(rest: &str, start: usize, in_attribute: bool) -> Found {
    if let Some((c1, c2, len)) = whole_name(rest) {
        return Found {
            chars: Some([Some(c1), c2]),
            end: start + len,
            error: false,
        };
    }
    let bytes = rest.as_bytes();
    // (code points, length) of the longest full match so far.
    let mut matched: Option<((u32, u32), usize)> = None;
    // Bytes taken, and the character that stopped the match (none at the end of input).
    let mut taken = 0;
    let mut stop: Option<u8> = None;
    while let Some(&b) = bytes.get(taken) {
        taken += 1;
        let found = if b.is_ascii() {
            rest.get(..taken).and_then(|name| NAMED_ENTITIES.get(name))
        } else {
            None
        };
        match found {
            Some(&(c1, c2)) => {
                if c1 != 0 {
                    matched = Some(((c1, c2), taken));
                }
            }
            None => {
                stop = Some(b);
                break;
            }
        }
    }
    let Some(((c1, c2), len)) = matched else {
        return match stop {
            Some(b) if b.is_ascii_alphanumeric() => {
                let more = bytes
                    .get(taken..)
                    .unwrap_or_default()
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric());
                let after = more.and_then(|n| bytes.get(taken + n));
                none(after == Some(&b';'))
            }
            Some(b';') => none(taken > 1),
            _ => none(false),
        };
    };
    let last = bytes.get(len - 1).copied();
    let next = if len == taken {
        None
    } else {
        bytes.get(len).copied()
    };
    let mut error = false;
    if last != Some(b';') {
        match next {
            Some(b) if in_attribute && (b == b'=' || b.is_ascii_alphanumeric()) => {
                return none(false);
            }
            _ => error = true,
        }
    }
    let conv = |n: u32| char::from_u32(n).unwrap_or('\u{fffd}');
    Found {
        chars: Some([Some(conv(c1)), (c2 != 0).then(|| conv(c2))]),
        end: start + len,
        error,
    }
}

/// Longer than every name in the table (`&CounterClockwiseContourIntegral;` is 32 bytes).
const LONGEST_NAME: usize = 40;

/// A name ending in `;` at the start of `rest` that the table holds whole, with its
/// characters and length: the longest match there can be (no name goes on after a `;`), so
/// one look-up stands for the prefix walk of [`named`], which takes a hash per character.
fn whole_name(rest: &str) -> Option<(char, Option<char>, usize)> {
    let bytes = rest.as_bytes();
    let head = bytes.get(..LONGEST_NAME).unwrap_or(bytes);
    let semicolon = head.iter().position(|b| !b.is_ascii_alphanumeric())?;
    if head.get(semicolon) != Some(&b';') {
        return None;
    }
    let name = rest.get(..=semicolon)?;
    let &(c1, c2) = NAMED_ENTITIES.get(name)?;
    let conv = |n: u32| char::from_u32(n).unwrap_or('\u{fffd}');
    (c1 != 0).then(|| (conv(c1), (c2 != 0).then(|| conv(c2)), name.len()))
}
