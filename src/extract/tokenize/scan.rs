//! Finding the end of a run of bytes no state needs to look at one by one: text, attribute
//! values, comments, raw text. Every byte that ends a run is ASCII, so a run always ends on a
//! character boundary.

use memchr::{memchr, memchr2, memchr3};

/// Whether the input holds any CR or NUL at all: most pages have no NUL and many no CR, and
/// a scan that need not look for them is one `memchr` call instead of two.
#[derive(Clone, Copy)]
pub(super) struct Stops {
    cr: bool,
    nul: bool,
}

impl Stops {
    /// The stops of `input`.
    pub(super) fn of(input: &[u8]) -> Self {
        Stops {
            cr: memchr(b'\r', input).is_some(),
            nul: memchr(0, input).is_some(),
        }
    }

    /// Position of the first `a` or `b` byte in `hay`, or of a CR or NUL (which every run
    /// stops at).
    pub(super) fn find(self, hay: &[u8], a: u8, b: u8) -> Option<usize> {
        match (self.cr, self.nul) {
            (false, false) => memchr2(a, b, hay),
            (true, false) => memchr3(a, b, b'\r', hay),
            (false, true) => memchr3(a, b, 0, hay),
            (true, true) => {
                let end = memchr3(a, b, b'\r', hay);
                let upto = hay.get(..end.unwrap_or(hay.len())).unwrap_or_default();
                memchr(0, upto).or(end)
            }
        }
    }
}

/// Position of the first `a` or NUL byte in `hay`.
pub(super) fn find1_or_nul(hay: &[u8], a: u8) -> Option<usize> {
    memchr2(a, 0, hay)
}

/// A set of ASCII bytes, one flag per byte value.
pub(super) struct ByteSet([bool; 256]);

impl ByteSet {
    /// The set of `bytes` (all ASCII).
    pub(super) const fn of(bytes: &[u8]) -> Self {
        let mut table = [false; 256];
        let mut i = 0;
        while i < bytes.len() {
            table[bytes[i] as usize] = true;
            i += 1;
        }
        ByteSet(table)
    }

    /// Number of bytes at the start of `hay` not in the set.
    pub(super) fn run(&self, hay: &[u8]) -> usize {
        hay.iter()
            .position(|&b| self.0[b as usize])
            .unwrap_or(hay.len())
    }
}

/// Whitespace between attributes and in doctypes (CR is a newline before normalisation).
pub(super) fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0C' | ' ')
}
