//! One compiled query word and the test "does this text word match it?".
//!
//! A text word matches a plain query word when it is the same word, a Kazakh inflection of
//! one of its stem variants, a Russian form (same Snowball stem, or base + case ending), or
//! the same on skeletons (spelling variants such as Нурсултан/Нұрсұлтан) for words of 4+
//! letters or when Latin script is involved. Each word also has short skeleton keys, one of
//! which every matching text word starts with, used by the prefilter.

use super::ast::WordKind;
use crate::text::kazakh::{Variant, stem_variants};
use crate::text::normalize::{is_latin, skeleton};
use crate::text::script::Scheme;
use crate::text::{Form, analyse, russian};

/// Longest prefilter key, in characters: what a text word's [`glance`](crate::text::glance)
/// shows of each reading.
pub(crate) const KEY_CHARS: usize = crate::text::form::HEAD_CHARS;
/// Shortest query word for which skeletons may be compared on Cyrillic text.
const SKELETON_MIN_CHARS: usize = 4;

/// A compiled query word.
#[derive(Clone, Debug)]
pub(crate) struct WordPattern {
    kind: WordKind,
    forms: Vec<PatternForm>,
    /// What it was compiled from (kind, Latin schemes, word): equal sources, equal patterns.
    source: String,
}

impl PartialEq for WordPattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for WordPattern {}

impl std::hash::Hash for WordPattern {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.source.hash(state);
    }
}

#[derive(Clone, Debug)]
struct PatternForm {
    form: Form,
    chars: usize,
    foreign: bool,
    variants: Vec<Variant>,
    skel_variants: Vec<Variant>,
    base: String,
    skel_base: String,
    fleeting: Vec<String>,
    /// Snowball Russian stem of the query word.
    stem: String,
    /// The Russian endings the query word may take.
    endings: russian::Endings,
    /// Other stems of a Russian noun, from the dictionary (дочь: дочер-).
    changed: &'static [&'static str],
    keys: Vec<String>,
}

fn truncate_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

impl PatternForm {
    fn new(form: Form, kind: WordKind) -> PatternForm {
        let chars = form.norm.chars().count();
        let foreign = form.norm.chars().any(is_latin);
        let morph = kind == WordKind::Plain && !foreign;
        let variants = if morph {
            stem_variants(&form.norm)
        } else {
            Vec::new()
        };
        let skel_variants = variants
            .iter()
            .map(|v| Variant {
                stem: skeleton(&v.stem),
                ..v.clone()
            })
            .collect();
        let base = russian::base(&form.norm).to_string();
        let mut pf = PatternForm {
            fleeting: russian::without_fleeting(&base),
            stem: form.russian_stem(),
            endings: russian::Endings::of(&form.norm),
            changed: if morph {
                russian::changed_stems(&form.norm)
            } else {
                &[]
            },
            skel_base: skeleton(&base),
            base,
            keys: Vec::new(),
            chars,
            foreign,
            variants,
            skel_variants,
            form,
        };
        pf.keys = pf.compute_keys(morph);
        pf
    }

    /// Skeleton prefixes (up to [`KEY_CHARS`]) such that every text word this form can
    /// match starts with one of them; none is a prefix of another.
    fn compute_keys(&self, morph: bool) -> Vec<String> {
        let mut starts: Vec<String> = vec![self.form.skel.to_string()];
        if morph {
            starts.extend(self.skel_variants.iter().map(|v| v.stem.clone()));
            starts.push(self.skel_base.clone());
            if self.russian() {
                starts.push(skeleton(&self.stem));
                if let Some((head, _)) = russian::fleeting_plural_head(&self.base) {
                    starts.push(skeleton(head));
                }
                starts.extend(self.fleeting.iter().map(|f| skeleton(f)));
                starts.extend(self.changed.iter().map(|s| skeleton(s)));
            }
        }
        let mut keys: Vec<String> = starts
            .iter()
            .map(|s| truncate_chars(s, KEY_CHARS))
            .collect();
        keys.sort_by_key(|k| k.len());
        let mut out: Vec<String> = Vec::new();
        for k in keys {
            if !out.iter().any(|o| k.starts_with(o.as_str())) {
                out.push(k);
            }
        }
        out
    }

    fn russian(&self) -> bool {
        self.chars >= 2 && russian::looks_russian(&self.form.norm)
    }

    fn matches(&self, kind: WordKind, text: &Form) -> bool {
        if text.guessed && self.chars < SKELETON_MIN_CHARS && !self.form.latin {
            return false;
        }
        match kind {
            WordKind::Exact => text.norm == self.form.norm,
            WordKind::Prefix => {
                text.norm.starts_with(&*self.form.norm)
                    || (self.skeleton_ok(text) && text.skel.starts_with(&*self.form.skel))
            }
            WordKind::Plain if self.foreign => text.norm == self.form.norm,
            WordKind::Plain => self.matches_plain(text),
        }
    }

    fn skeleton_ok(&self, text: &Form) -> bool {
        self.chars >= SKELETON_MIN_CHARS || text.latin || self.form.latin
    }

    fn matches_plain(&self, text: &Form) -> bool {
        if text.norm == self.form.norm {
            return true;
        }
        if self.surname_of(text) {
            return false;
        }
        if chain(&self.variants, &text.norm, false) {
            return true;
        }
        let russian = self.russian() && !text.kazakh;
        if russian && self.russian_match(text) {
            return true;
        }
        self.skeleton_ok(text)
            && (chain(&self.skel_variants, &text.skel, true)
                || (!text.kazakh
                    && self.chars >= 4
                    && ending(&text.skel, &self.skel_base, self.endings)))
    }

    fn russian_match(&self, text: &Form) -> bool {
        let short = self.chars <= 3;
        let stem = self.stem.as_str();
        (!short && !stem.is_empty() && self.same_stem(text))
            || ending(&text.norm, &self.base, self.endings)
            || self.fleeting_match(&text.norm, short)
            || self.changed.iter().any(|s| {
                text.norm
                    .strip_prefix(s)
                    .is_some_and(|r| !r.is_empty() && russian::is_noun_ending(r))
            })
    }

    /// A lower-case query meeting a capitalised word that is the query plus a surname
    /// suffix (волк, Волков): a name, not the noun.
    fn surname_of(&self, text: &Form) -> bool {
        !self.form.capital
            && text.capital
            && text
                .norm
                .strip_prefix(self.base.as_str())
                .is_some_and(|r| ["ов", "ев", "ин", "ын"].iter().any(|s| r.starts_with(s)))
    }

    /// Same Snowball stem, and what follows it in the text is an ending of the query's
    /// kind: Snowball also strips derivational suffixes (митингующими → митинг), which
    /// only `word*` may reach.
    fn same_stem(&self, text: &Form) -> bool {
        let stem = self.stem.as_str();
        text.norm
            .strip_prefix(stem)
            .is_some_and(|rest| self.endings.accepts(rest) || self.endings.accepts_after_stem(rest))
            && text.russian_stem() == stem
            && !undoubled(stem, self, text)
    }

    fn fleeting_match(&self, text: &str, short: bool) -> bool {
        (!short && russian::is_fleeting_plural(text, &self.base))
            || self.fleeting.iter().any(|f| {
                text.strip_prefix(f.as_str())
                    .is_some_and(|r| !r.is_empty() && self.endings.accepts(r))
            })
    }
}

fn chain(variants: &[Variant], text: &str, fold: bool) -> bool {
    variants.iter().any(|v| {
        text.strip_prefix(v.stem.as_str())
            .is_some_and(|rest| v.accepts(rest, fold))
    })
}

fn ending(text: &str, base: &str, endings: russian::Endings) -> bool {
    base.chars().count() >= 2 && text.strip_prefix(base).is_some_and(|r| endings.accepts(r))
}

/// Snowball strips a doubled н (законными → закон); a query without нн must not take it.
fn undoubled(stem: &str, query: &PatternForm, text: &Form) -> bool {
    let next_is_n = |word: &str| word.get(stem.len()..).is_some_and(|r| r.starts_with('н'));
    stem.ends_with('н') && next_is_n(&text.norm) != next_is_n(&query.form.norm)
}

impl WordPattern {
    /// Compiles a raw query word; `None` if nothing is left after normalisation.
    pub fn compile(raw: &str, kind: WordKind, schemes: &[Scheme]) -> Option<WordPattern> {
        let forms: Vec<PatternForm> = analyse(raw, schemes)
            .into_iter()
            .filter(|f| !f.norm.is_empty())
            .map(|f| PatternForm::new(f, kind))
            .collect();
        let source = format!("{kind:?}|{schemes:?}|{raw}");
        (!forms.is_empty()).then_some(WordPattern {
            kind,
            forms,
            source,
        })
    }

    /// True if any reading of a text word matches (with the key check first).
    pub fn matches_word(&self, forms: &[Form]) -> bool {
        forms.iter().any(|f| self.matches_keyed(f))
    }

    /// Like [`matches`](Self::matches) but first rejects words not starting with a key.
    pub fn matches_keyed(&self, text: &Form) -> bool {
        self.forms.iter().any(|f| {
            f.keys.iter().any(|k| text.skel.starts_with(k.as_str())) && f.matches(self.kind, text)
        })
    }

    /// Prefilter keys: every matching text word's skeleton starts with one of them.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.forms
            .iter()
            .flat_map(|f| f.keys.iter().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::script::ALL_SCHEMES;

    fn hit(query: &str, text: &str) -> bool {
        let Some(p) = WordPattern::compile(query, WordKind::Plain, &ALL_SCHEMES) else {
            return false;
        };
        analyse(text, &ALL_SCHEMES)
            .iter()
            .any(|f| p.matches_keyed(f))
    }

    #[test]
    fn kazakh_forms_and_guards() {
        assert!(hit("тұтқын", "Тұтқындарға"));
        assert!(hit("құқығы", "құқығының"));
        assert!(!hit("алма", "Алматы"));
        assert!(!hit("тіл", "тілші"));
        assert!(!hit("заң", "заңсыз"));
    }

    #[test]
    fn russian_stems_and_names() {
        assert!(hit("политзаключенный", "политзаключённых"));
        assert!(hit("Токаев", "Токаева"));
        assert!(hit("Назарбаев", "Назарбаевым"));
        assert!(hit("митинг", "митингов"));
        assert!(!hit("рот", "против"));
        assert!(!hit("суд", "судья"));
        assert!(hit("суд", "суда"));
        assert!(!hit("закон", "законными"));
        assert!(hit("политзаключенный", "политзаключенные"));
        assert!(hit("взятка", "взяток"));
        assert!(hit("день", "дня"));
        assert!(!hit("жыл", "жылу"));
    }

    #[test]
    fn russian_letter_spelling_of_kazakh_words() {
        assert!(hit("Нұрсұлтан", "Нурсултан"));
        assert!(hit("Нұрсұлтан", "Нурсултана"));
        assert!(hit("Жаңаөзен", "Жанаозене"));
        assert!(hit("Ақтөбе", "Актобеде"));
        assert!(!hit("тұз", "түзде"));
        assert!(!hit("қол", "көлде"));
    }

    #[test]
    fn latin_script_on_either_side() {
        assert!(hit("zauyt", "зауыт"));
        assert!(hit("қаңтар", "qañtarda"));
        assert!(hit("жалғыз", "jalǵyz"));
        assert!(hit("пикет", "piketter"));
        assert!(hit("Qazaqstan", "Қазақстанның"));
    }

    #[test]
    fn short_words_ignore_guessed_transliterations_of_foreign_words() {
        assert!(!hit("он", "on"));
        assert!(!hit("ат", "at"));
        let p = WordPattern::compile("ат", WordKind::Plain, &ALL_SCHEMES);
        let known = analyse("Aty", &[Scheme::Y2021]);
        assert!(p.is_some_and(|p| known.iter().any(|f| p.matches_keyed(f))));
    }

    #[test]
    fn exact_and_prefix_kinds() {
        let exact = WordPattern::compile("Абай", WordKind::Exact, &ALL_SCHEMES);
        let f = analyse("Абайдың", &ALL_SCHEMES);
        assert!(exact.is_some_and(|p| !p.matches_keyed(&f[0])));
        let prefix = WordPattern::compile("тәуелсіз", WordKind::Prefix, &ALL_SCHEMES);
        let f = analyse("Тәуелсіздік", &ALL_SCHEMES);
        assert!(prefix.is_some_and(|p| p.matches_keyed(&f[0])));
    }

    #[test]
    fn keys_are_prefixes_of_matches() {
        let p = WordPattern::compile("ауыз", WordKind::Plain, &ALL_SCHEMES);
        let keys: Vec<String> = p.iter().flat_map(|p| p.keys().map(String::from)).collect();
        for text in ["аузынан", "ауызы"] {
            let skel = skeleton(text);
            assert!(keys.iter().any(|k| skel.starts_with(k.as_str())), "{text}");
        }
        assert!(keys.iter().all(|k| k.chars().count() >= 3));
    }
}
