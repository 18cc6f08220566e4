//! Fast "does this class/id string contain any of these fragments" tests. The extractor asks
//! it of every element with a class or id, for lists of ~40 fragments; looking each fragment
//! up with `str::contains` sets up a substring search per fragment, while this index walks
//! the string once and tries only the fragments that start with the byte at hand.

/// Fragments indexed by their first byte.
pub struct Fragments {
    by_first: [Vec<&'static [u8]>; 256],
    /// Whether the list holds the empty fragment, which every string contains.
    has_empty: bool,
}

impl Fragments {
    /// Indexes `list`.
    pub fn new(list: &[&'static str]) -> Self {
        let mut by_first: [Vec<&'static [u8]>; 256] = std::array::from_fn(|_| Vec::new());
        for f in list {
            if let Some(&b) = f.as_bytes().first() {
                by_first[usize::from(b)].push(f.as_bytes());
            }
        }
        Fragments {
            by_first,
            has_empty: list.iter().any(|f| f.is_empty()),
        }
    }

    /// Whether any fragment occurs in `haystack` (as `str::contains` would find it).
    pub fn any_in(&self, haystack: &str) -> bool {
        let h = haystack.as_bytes();
        self.has_empty
            || (0..h.len()).any(|i| {
                self.by_first[usize::from(h[i])]
                    .iter()
                    .any(|f| h[i..].starts_with(f))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_what_contains_finds() {
        let list = ["-ad-", "menu", "comment", "com-", "ad", "é"];
        let index = Fragments::new(&list);
        for h in [
            "",
            "a",
            "ad",
            "site-ad-top",
            "mainmenu",
            "co",
            "comm",
            "com-box",
            "xcomment",
            "café",
            "head",
            "MENU",
            "-a-d-",
        ] {
            let expected = list.iter().any(|f| h.contains(f));
            assert_eq!(index.any_in(h), expected, "{h:?}");
        }
        assert!(Fragments::new(&["x", ""]).any_in("abc"));
    }
}
