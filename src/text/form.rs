//! One word as the matcher sees it: normalised forms, skeletons and flags.
//!
//! A Cyrillic word has one form; a Latin-script word has its lower-case Latin form plus one
//! Cyrillic form per plausible Kazakh spelling scheme. Must not decide what matches.

use super::normalize::{clean, has_kazakh_letter, is_latin, lower, normalise, skeleton};
use super::russian;
use super::script::{Scheme, Script, repair, to_cyrillic};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::script::ALL_SCHEMES;

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
    fn flags_and_stem() {
        let f = &analyse("Митинга", &ALL_SCHEMES)[0];
        assert!(!f.kazakh && !f.latin);
        assert_eq!(f.russian_stem(), "митинг");
        assert!(analyse("құқық", &ALL_SCHEMES)[0].kazakh);
    }
}
