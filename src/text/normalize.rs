//! Character-level normalisation shared by rule queries and article text.
//!
//! Owns case folding (Kazakh capitals included), ё→е, invisible characters, apostrophe and
//! hyphen unification, letter classes and the lossy "skeleton" fold. It must not split text
//! into words nor guess spelling schemes (see `script`).

use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// Characters that carry no text and are dropped wherever they appear.
pub fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Unifies the apostrophe and in-word hyphen look-alikes (and the underscore) to `'` and `-`.
pub fn unify_punct(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '\u{0060}' | '\u{00B4}' => '\'',
        // An underscore joins words in hashtags (#санкт_петербург).
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '_' => '-',
        other => other,
    }
}

/// Characters allowed inside a token between two word characters.
pub fn is_joiner(c: char) -> bool {
    matches!(unify_punct(c), '\'' | '-' | '.')
}

/// Part of a word: letters, digits, combining marks and invisible characters.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // Cyrillic is most of the text; the generic lookup is slow for it.
    if ('\u{0400}'..='\u{04FF}').contains(&c) {
        return c != '\u{0482}';
    }
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) || is_ignorable(c)
}

/// Stand-ins for Kazakh letters (Latin schwa and barred o, the Bashkir/Mari forms some
/// keyboards and fonts produce), mapped to the real letters.
pub fn fix_letter(c: char) -> char {
    match c {
        'ə' => 'ә',
        'Ə' => 'Ә',
        'ɵ' => 'ө',
        'Ɵ' => 'Ө',
        'ҡ' => 'қ',
        'Ҡ' => 'Қ',
        'ӊ' | 'ҥ' => 'ң',
        'Ӊ' | 'Ҥ' => 'Ң',
        'ӷ' => 'ғ',
        'Ӷ' => 'Ғ',
        other => other,
    }
}

/// Hands the lower-case form of `c` to `emit`; `İ` becomes a plain `i` (Rust would add a
/// combining dot).
pub fn each_lower(c: char, mut emit: impl FnMut(char)) {
    match c {
        'İ' => emit('i'),
        'ё' | 'Ё' => emit('е'),
        c if c.is_lowercase() => emit(c),
        c => c.to_lowercase().for_each(emit),
    }
}

/// Pushes the lower-case form of `c` (see [`each_lower`]).
pub fn push_lower(c: char, out: &mut String) {
    each_lower(c, |l| out.push(l));
}

/// The characters of [`normalise`]`(word)`, handed one by one to `emit` without building
/// the string.
pub fn each_normalised(word: &str, mut emit: impl FnMut(char)) {
    if word.is_ascii() {
        // ASCII is already NFC and holds no invisible character nor look-alike letter: only
        // its case and the two look-alike punctuation marks change. Most words of a Latin
        // text take this path, without the per-character Unicode lookups below.
        word.chars()
            .for_each(|c| emit(unify_punct(c).to_ascii_lowercase()));
        return;
    }
    each_normalised_unicode(word, emit);
}

/// [`each_normalised`] for any text: NFC, then each character cleaned and lowered.
fn each_normalised_unicode(word: &str, mut emit: impl FnMut(char)) {
    let mut push = |c: char| {
        if !is_ignorable(c) {
            each_lower(fix_letter(unify_punct(c)), &mut emit);
        }
    };
    if unicode_normalization::is_nfc_quick(word.chars()) == IsNormalized::Yes {
        word.chars().for_each(&mut push);
    } else {
        word.nfc().for_each(&mut push);
    }
}

/// Full normalisation of one word: NFC, invisible characters removed, apostrophes and
/// hyphens unified, look-alike Latin letters fixed, lower case, ё→е.
pub fn normalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    each_normalised(word, |c| out.push(c));
    out
}

/// Lower case with İ→i and ё→е, for text already [`clean`]ed.
pub fn lower(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        push_lower(c, &mut out);
    }
    out
}

/// NFC with invisible characters removed and punctuation unified, case kept.
pub fn clean(word: &str) -> String {
    let fix = |c: char| fix_letter(unify_punct(c));
    let ignorable = |c: &char| !is_ignorable(*c);
    if unicode_normalization::is_nfc_quick(word.chars()) == IsNormalized::Yes {
        word.chars().filter(ignorable).map(fix).collect()
    } else {
        word.nfc().filter(ignorable).map(fix).collect()
    }
}

/// True if the (lower-case) word holds a letter that only Kazakh uses.
pub fn has_kazakh_letter(word: &str) -> bool {
    word.chars().any(is_kazakh_letter)
}

/// True for a Kazakh-only Cyrillic letter (lower case): a word holding one is Kazakh, not
/// Russian.
pub fn is_kazakh_letter(c: char) -> bool {
    matches!(c, 'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' | 'і')
}

/// Cyrillic letter (Russian or Kazakh).
pub fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{052F}').contains(&c)
}

/// Latin letter, with the accented letters of the Kazakh Latin alphabets.
pub fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (('\u{00C0}'..='\u{024F}').contains(&c) && c != '×' && c != '÷')
        || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

/// Vowel letter of Kazakh or Russian Cyrillic.
pub fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'а' | 'ә' | 'е' | 'ё' | 'и' | 'о' | 'ө' | 'у' | 'ұ' | 'ү' | 'ы' | 'і' | 'э' | 'ю' | 'я'
    )
}

/// The lossy skeleton of one lower-case letter: Kazakh-only letters fold to their nearest
/// Russian letter and the i-like letters merge, so Нурсултан and Нұрсұлтан meet; х and һ
/// join к because Russian writes қ as х in some names (Қазақстан, Казахстан).
pub fn skeleton_char(c: char) -> char {
    match c {
        'ә' => 'а',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'і' | 'ы' | 'й' => 'и',
        'қ' | 'х' | 'һ' => 'к',
        'ғ' => 'г',
        'ң' => 'н',
        'э' => 'е',
        other => other,
    }
}

/// Skeleton of a normalised word (see [`skeleton_char`]); in-word hyphens and apostrophes
/// are dropped too, so Нұр-Сұлтан meets Нурсултан.
pub fn skeleton(word: &str) -> String {
    word.chars().filter_map(skeleton_of).collect()
}

/// What one character of a normalised word becomes in its [`skeleton`]: nothing for an
/// in-word hyphen or apostrophe.
pub fn skeleton_of(c: char) -> Option<char> {
    (!matches!(c, '-' | '\'')).then(|| skeleton_char(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_kazakh_capitals_and_dotted_i() {
        assert_eq!(normalise("ҚАЗАҚСТАН"), "қазақстан");
        assert_eq!(normalise("ӘҒҢӨҰҮҺІ"), "әғңөұүһі");
        assert_eq!(normalise("İslam"), "islam");
    }

    #[test]
    fn folds_yo_and_removes_invisible_characters() {
        assert_eq!(normalise("политзаключённых"), "политзаключенных");
        assert_eq!(normalise("тұт\u{00AD}қын\u{200B}дар"), "тұтқындар");
    }

    #[test]
    fn unifies_apostrophes_hyphens_and_schwa() {
        assert_eq!(normalise("Twitter’де"), "twitter'де");
        assert_eq!(normalise("зауыт‑фабрика"), "зауыт-фабрика");
        assert_eq!(normalise("санкт_петербург"), "санкт-петербург");
        assert_eq!(normalise("əкім"), "әкім");
        assert_eq!(normalise("Ҡазаҡстан"), "қазақстан");
    }

    #[test]
    fn ascii_words_normalise_as_any_other_text() {
        for c in (0u8..128).map(char::from) {
            let word = format!("Ab{c}Z9");
            let (mut fast, mut general) = (String::new(), String::new());
            each_normalised(&word, |c| fast.push(c));
            each_normalised_unicode(&word, |c| general.push(c));
            assert_eq!(fast, general, "{word:?}");
        }
    }

    #[test]
    fn composes_decomposed_letters() {
        assert_eq!(normalise("е\u{0308}ще"), "еще");
        assert_eq!(normalise("и\u{0306}"), "й");
    }

    #[test]
    fn skeleton_merges_kazakh_and_russian_spellings() {
        assert_eq!(skeleton("нұрсұлтан"), skeleton("нурсултан"));
        assert_eq!(skeleton("жаңаөзен"), "жанаозен");
        assert_eq!(skeleton("нұр-сұлтан"), "нурсултан");
        assert_eq!(skeleton("қазақстан"), skeleton("казахстан"));
        assert!(has_kazakh_letter("құқық"));
        assert!(!has_kazakh_letter("закон"));
    }

    #[test]
    fn letter_classes_of_the_kazakh_alphabet() {
        let alphabet = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя";
        let of =
            |class: fn(char) -> bool| alphabet.chars().filter(|c| class(*c)).collect::<String>();
        assert_eq!(of(is_kazakh_letter), "әғқңөұүһі");
        assert_eq!(of(is_vowel), "аәеёиоөуұүыіэюя");
    }
}
