//! One word as the matcher sees it: normalised forms, skeletons and flags.
//!
//! A Cyrillic word has one form; a Latin-script word has its lower-case Latin form plus one
//! Cyrillic form per plausible Kazakh spelling scheme. Must not decide what matches.

use super::normalize::{
    clean, each_lower, each_normalised, has_kazakh_letter, is_kazakh_letter, is_latin, lower,
    normalise, skeleton, skeleton_of,
};
use super::russian;
use super::script::{
    ALL_SCHEMES, Scheme, Script, first_of_ascii, repair, to_cyrillic, transliterate,
};

/// One reading of a word: normalised text, its skeleton and where it came from.
#[derive(Clone, Debug)]
pub struct Form {
    /// Normalised word (lower case, Cyrillic when transliterated).
    pub norm: Box<str>,
    /// Lossy skeleton of `norm` (Kazakh-only letters folded).
    pub skel: Box<str>,
    /// The word was written in Latin script.
    pub latin: bool,
    /// A transliteration made without knowing the spelling scheme: the word may well be
    /// English or another foreign word, so short query words should not trust it.
    pub guessed: bool,
    /// Russian rules do not apply: `norm` holds a Kazakh-only letter, or the word stands
    /// in a Kazakh-language text.
    pub kazakh: bool,
    /// The word was written with a capital first letter (a name, or a sentence start).
    pub capital: bool,
}

impl Form {
    /// Builds a form from an already normalised word.
    pub fn new(norm: String, latin: bool) -> Form {
        Form {
            skel: skeleton(&norm).into_boxed_str(),
            kazakh: has_kazakh_letter(&norm),
            norm: norm.into_boxed_str(),
            latin,
            guessed: false,
            capital: false,
        }
    }

    /// Marks the word as read in a Kazakh-language text.
    pub fn mark_kazakh(&mut self) {
        self.kazakh = true;
    }

    /// Snowball Russian stem of `norm` (computed on each call: the matcher asks once per
    /// distinct word and query word).
    pub fn russian_stem(&self) -> String {
        russian::stem(&self.norm)
    }
}

/// The script a raw word is written in after look-alike repair.
pub fn script_of(raw: &str) -> Script {
    repair(&clean(raw)).1
}

/// All forms of a raw word. Latin words are transliterated with each of `schemes`; more
/// than one scheme means the scheme is unknown and the transliterations are `guessed`.
pub fn analyse(raw: &str, schemes: &[Scheme]) -> Vec<Form> {
    let capital = raw.chars().next().is_some_and(char::is_uppercase);
    let mut forms = readings(raw, schemes);
    forms.iter_mut().for_each(|f| f.capital = capital);
    forms
}

fn readings(raw: &str, schemes: &[Scheme]) -> Vec<Form> {
    if !raw.chars().any(is_latin) {
        return vec![Form::new(normalise(raw), false)];
    }
    let (fixed, script) = repair(&clean(raw));
    let latin = lower(&fixed).trim_end_matches('\'').to_string();
    let mut forms = vec![Form::new(latin, script == Script::Latin)];
    if script == Script::Latin {
        for scheme in schemes {
            let cyr = to_cyrillic(&fixed, *scheme);
            if !forms.iter().any(|f| *f.norm == *cyr) {
                let mut form = Form::new(cyr, true);
                form.guessed = schemes.len() > 1;
                forms.push(form);
            }
        }
    }
    forms
}

/// Characters of a reading's skeleton that [`glance`] shows.
pub const HEAD_CHARS: usize = 5;

/// The first characters of a reading's skeleton, shown one more at a time to a `step`
/// that answers whether it wants to see more.
struct Head<S> {
    chars: [char; HEAD_CHARS],
    len: usize,
    /// Still showing (the step wanted more and the head is not full).
    open: bool,
    step: S,
}

impl<S: FnMut(&[char]) -> bool> Head<S> {
    fn new(step: S) -> Head<S> {
        Head {
            chars: ['\0'; HEAD_CHARS],
            len: 0,
            open: true,
            step,
        }
    }

    /// Starts the next reading.
    fn restart(&mut self) {
        self.len = 0;
        self.open = true;
    }

    /// Shows one more character of the skeleton; false once no more is wanted.
    fn push(&mut self, c: char) -> bool {
        if let Some(slot) = self.chars.get_mut(self.len).filter(|_| self.open) {
            *slot = c;
            self.len += 1;
            let shown = self.chars.get(..self.len).unwrap_or_default();
            self.open = (self.step)(shown) && self.len < HEAD_CHARS;
        }
        self.open
    }
}

/// What [`glance`] tells of a word's first reading (as counted to tell a Kazakh text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Glance {
    /// The first reading is not Latin script (`!latin`).
    pub cyrillic: bool,
    /// The first reading holds a Kazakh-only letter (`kazakh` before any text-wide marking).
    pub kazakh: bool,
}

/// Looks at a raw word as [`analyse`]`(raw, schemes)` reads it, without building its forms:
/// shows `step` the start of each reading's skeleton, one character more at a time (up to
/// [`HEAD_CHARS`]) for as long as `step` returns true, and returns the first reading's
/// flags. Far cheaper than `analyse` (no stems, transliteration stops early, no allocation
/// for a Cyrillic word), so a matcher can analyse only the words some rule may need.
///
/// `step` refusing a one-character head means it needs no reading that starts so: a word of
/// ASCII letters and digits does not show it again for another scheme.
pub fn glance(raw: &str, schemes: &[Scheme], step: impl FnMut(&[char]) -> bool) -> Glance {
    let mut head = Head::new(step);
    if !raw.chars().any(is_latin) {
        let mut kazakh = false;
        each_normalised(raw, |c| {
            kazakh |= is_kazakh_letter(c);
            if let Some(s) = skeleton_of(c) {
                head.push(s);
            }
        });
        return Glance {
            cyrillic: true,
            kazakh,
        };
    }
    if raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
        // What `clean` and `repair` give such a word is the word itself, in Latin script.
        glance_ascii(raw, schemes, &mut head);
        return Glance {
            cyrillic: false,
            kazakh: false,
        };
    }
    glance_latin(raw, schemes, &mut head)
}

/// [`glance`] of a word of ASCII letters and digits (at least one letter), the most common
/// word of a Latin-script text: each scheme's first letter is read without transliterating,
/// and most words are refused on it.
fn glance_ascii<S: FnMut(&[char]) -> bool>(word: &str, schemes: &[Scheme], head: &mut Head<S>) {
    // Its lower case is its skeleton: no hyphen, apostrophe or Kazakh letter in it.
    word.bytes()
        .all(|b| head.push(char::from(b.to_ascii_lowercase())));
    // The first letters refused, by scheme (schemes beyond the four are not remembered).
    let mut refused = ['\0'; ALL_SCHEMES.len()];
    for (i, scheme) in schemes.iter().enumerate() {
        head.restart();
        let Some(first) = first_of_ascii(word.as_bytes(), *scheme).and_then(skeleton_of) else {
            show_transliteration(head, word, *scheme, 0);
            continue;
        };
        if refused.contains(&first) {
            continue;
        }
        if head.push(first) {
            show_transliteration(head, word, *scheme, 1);
        } else if let Some(slot) = refused.get_mut(i) {
            *slot = first;
        }
    }
}

/// [`glance`] of any other word holding a Latin letter.
fn glance_latin<S: FnMut(&[char]) -> bool>(
    raw: &str,
    schemes: &[Scheme],
    head: &mut Head<S>,
) -> Glance {
    let (fixed, script) = repair(&clean(raw));
    let mut kazakh = false;
    // The trailing apostrophes `readings` trims are not in a skeleton and not Kazakh letters.
    fixed.chars().for_each(|c| {
        each_lower(c, |l| {
            kazakh |= is_kazakh_letter(l);
            if let Some(s) = skeleton_of(l) {
                head.push(s);
            }
        })
    });
    if script == Script::Latin {
        for scheme in schemes {
            head.restart();
            show_transliteration(head, &fixed, *scheme, 0);
        }
    }
    Glance {
        cyrillic: script != Script::Latin,
        kazakh,
    }
}

/// Shows `head` the skeleton of `word` transliterated with `scheme`, but for its first
/// `shown` characters, which the head holds already.
fn show_transliteration<S: FnMut(&[char]) -> bool>(
    head: &mut Head<S>,
    word: &str,
    scheme: Scheme,
    mut shown: usize,
) {
    transliterate(word, scheme, |piece| {
        piece.chars().filter_map(skeleton_of).all(|c| {
            if shown > 0 {
                shown -= 1;
                return true;
            }
            head.push(c)
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(raw: &str, schemes: &[Scheme]) -> Vec<String> {
        analyse(raw, schemes)
            .into_iter()
            .map(|f| f.norm.into())
            .collect()
    }

    #[test]
    fn cyrillic_word_has_one_form() {
        assert_eq!(norms("Тұтқындарды", &ALL_SCHEMES), vec!["тұтқындарды"]);
        assert_eq!(norms("AлмaтЫ", &ALL_SCHEMES), vec!["алматы"]);
    }

    #[test]
    fn latin_word_gets_latin_and_cyrillic_forms() {
        assert_eq!(
            norms("Qañtarda", &[Scheme::Y2021]),
            vec!["qañtarda", "қаңтарда"]
        );
        let all = norms("zauyt", &ALL_SCHEMES);
        assert!(all.contains(&"зауыт".to_string()));
    }

    #[test]
    fn a_glance_sees_what_analyse_builds() {
        let words = [
            "Тұтқындарды",
            "AлмaтЫ",
            "Qañtarda",
            "zauyt",
            "Nazarbayev",
            "ken'",
            "Twitter'де",
            "Нұр-Сұлтан",
            "е\u{0308}ще",
            "тұт\u{00AD}қын",
            "İslam",
            "shahar",
            "a'li'",
            "2024",
            "ӘҒҢӨҰҮҺІ",
            "COVID-19-ға",
            "Police",
            "G7",
        ];
        let schemes: [&[Scheme]; 3] = [&ALL_SCHEMES, &[Scheme::Y2017], &[Scheme::Informal]];
        for raw in words {
            for s in schemes {
                let forms = analyse(raw, s);
                let mut heads: Vec<String> = Vec::new();
                let g = glance(raw, s, |h| {
                    if h.len() == 1 {
                        heads.push(String::new());
                    }
                    if let Some(last) = heads.last_mut() {
                        *last = h.iter().collect();
                    }
                    true
                });
                let mut want: Vec<String> = forms
                    .iter()
                    .map(|f| f.skel.chars().take(HEAD_CHARS).collect())
                    .filter(|h: &String| !h.is_empty())
                    .collect();
                for list in [&mut heads, &mut want] {
                    list.sort_unstable();
                    list.dedup();
                }
                assert_eq!(heads, want, "{raw} {s:?}");
                assert_eq!(g.cyrillic, !forms[0].latin, "{raw}");
                assert_eq!(g.kazakh, forms[0].kazakh, "{raw}");
            }
        }
    }

    /// Whether a matcher with one prefilter `key` analyses `raw` after glancing at it (as
    /// `watch::keys::Keys::wants` answers: a head equal to the key is wanted, a head no key
    /// starts with is refused).
    fn glance_wants(raw: &str, schemes: &[Scheme], key: &str) -> bool {
        let mut wanted = false;
        glance(raw, schemes, |head| {
            let head: String = head.iter().collect();
            if head == key {
                wanted = true;
            }
            !wanted && key.starts_with(&head)
        });
        wanted
    }

    #[test]
    fn a_glance_wants_every_word_whose_readings_start_with_a_key() {
        let alnum: Vec<char> = ('0'..='9').chain('A'..='Z').chain('a'..='z').collect();
        let mut words: Vec<String> = alnum.iter().map(|c| c.to_string()).collect();
        for a in &alnum {
            words.extend(alnum.iter().map(|b| format!("{a}{b}")));
        }
        let real = "The police said Iran Iuliia IAEA ship Chair tsar yard Yesterday xray cinema \
            C3PO 4x4 iPhone Shymkent Zhanaozen Nazarbayev Ghana qañtarda jalǵyz Sayasi tūtqyn \
            Saiasi tutqyndardy ZAUYT ukimet Ukimet Ükımet Iliyas ng ngo yu Yuliya Kh Kazakh'";
        words.extend(real.split(' ').map(str::to_string));
        let schemes: [&[Scheme]; 3] = [&ALL_SCHEMES, &[Scheme::Y2021], &[Scheme::Informal]];
        for raw in &words {
            for s in schemes {
                let forms = analyse(raw, s);
                let mut keys: Vec<String> = Vec::new();
                for f in &forms {
                    keys.extend((1..=HEAD_CHARS).map(|n| f.skel.chars().take(n).collect()));
                }
                keys.extend(["ъ", "сх", "z9"].map(str::to_string));
                for key in keys.iter().filter(|k| !k.is_empty()) {
                    let want = forms.iter().any(|f| f.skel.starts_with(key.as_str()));
                    assert_eq!(glance_wants(raw, s, key), want, "{raw} {s:?} {key}");
                }
            }
        }
    }

    #[test]
    fn flags_and_stem() {
        let f = &analyse("Митинга", &ALL_SCHEMES)[0];
        assert!(!f.kazakh && !f.latin);
        assert_eq!(f.russian_stem(), "митинг");
        assert!(analyse("құқық", &ALL_SCHEMES)[0].kazakh);
    }
}
