//! Tests of look-alike repair, transliteration and scheme detection.

use super::*;

#[test]
fn repairs_latin_lookalikes_in_cyrillic_words() {
    assert_eq!(repair("Aлмaты"), ("Алматы".to_string(), Script::Cyrillic));
    assert_eq!(
        repair("тұтқындaр"),
        ("тұтқындар".to_string(), Script::Cyrillic)
    );
}

#[test]
fn repairs_cyrillic_lookalikes_in_latin_words_but_keeps_kazakh_i() {
    assert_eq!(repair("qаñtаrdа"), ("qañtarda".to_string(), Script::Latin));
    assert_eq!(repair("bіrneşe"), ("bіrneşe".to_string(), Script::Latin));
}

#[test]
fn transliterates_2021() {
    assert_eq!(to_cyrillic("qañtarda", Scheme::Y2021), "қаңтарда");
    assert_eq!(to_cyrillic("bırneşe", Scheme::Y2021), "бірнеше");
    assert_eq!(to_cyrillic("öttı", Scheme::Y2021), "өтті");
    assert_eq!(to_cyrillic("Qazaqstan", Scheme::Y2021), "қазақстан");
    assert_eq!(to_cyrillic("Ilebai", Scheme::Y2021), "ілебай");
    assert_eq!(to_cyrillic("covid", Scheme::Y2021), "ковид");
    assert_eq!(to_cyrillic("bіrneşe", Scheme::Y2021), "бірнеше");
}

#[test]
fn transliterates_2018() {
    assert_eq!(to_cyrillic("jalǵyz", Scheme::Y2018), "жалғыз");
    assert_eq!(to_cyrillic("birneshe", Scheme::Y2018), "бірнеше");
    assert_eq!(to_cyrillic("Nursultan", Scheme::Y2018), "нұрсұлтан");
    assert_eq!(to_cyrillic("úkimet", Scheme::Y2018), "үкімет");
}

#[test]
fn transliterates_informal() {
    assert_eq!(to_cyrillic("jalghyz", Scheme::Informal), "жалғыз");
    assert_eq!(to_cyrillic("qangtar", Scheme::Informal), "қаңтар");
    assert_eq!(to_cyrillic("әkimdik", Scheme::Informal), "әкімдік");
}

#[test]
fn transliterates_2017_apostrophes() {
    let t = |w| to_cyrillic(w, Scheme::Y2017);
    assert_eq!(t("Qazaqstan"), "қазақстан");
    assert_eq!(t("Respy'bli'kasy"), "республикасы");
    assert_eq!(t("qan'tarda"), "қаңтарда");
    assert_eq!(t("jalg'yz"), "жалғыз");
    assert_eq!(t("u'kimet"), "үкімет");
    assert_eq!(t("s'ery'"), "шеру");
    assert_eq!(t("a'kim"), "әкім");
    assert_eq!(t("o'tti"), "өтті");
    assert_eq!(t("Nursultan"), "нұрсұлтан");
    assert_eq!(t("ty'ysqan"), "туысқан");
    assert_eq!(t("c'ek"), "чек");
    assert_eq!(t("ai'tty"), "айтты");
    assert_eq!(t("ki'ik"), "киік");
}

#[test]
fn transliterates_english_style_spellings() {
    let t = |w| to_cyrillic(w, Scheme::Informal);
    assert_eq!(t("zhanaozen"), "жанаозен");
    assert_eq!(t("nazarbayev"), "назарбаев");
    assert_eq!(t("kazakhstan"), "казахстан");
}

#[test]
fn detects_scheme_from_telling_letters() {
    let mut votes = Votes::default();
    for w in ["qañtarda", "Almatyda", "jalğyz"] {
        scheme_votes(w, &mut votes);
    }
    assert_eq!(pick_scheme(&votes), Some(Scheme::Y2021));
    let mut votes = Votes::default();
    scheme_votes("jalǵyz", &mut votes);
    assert_eq!(pick_scheme(&votes), Some(Scheme::Y2018));
    let mut votes = Votes::default();
    for w in ["jalg'yz", "don't", "it's"] {
        scheme_votes(w, &mut votes);
    }
    assert_eq!(pick_scheme(&votes), Some(Scheme::Y2017));
    let mut votes = Votes::default();
    scheme_votes("don't", &mut votes);
    assert_eq!(pick_scheme(&votes), None);
    scheme_votes("Rights", &mut votes);
    assert_eq!(pick_scheme(&votes), None);
    scheme_votes("jalghyz", &mut votes);
    assert_eq!(pick_scheme(&votes), Some(Scheme::Informal));
    let mut votes = Votes::default();
    for w in ["qalalaryndaghy", "ústandy"] {
        scheme_votes(w, &mut votes);
    }
    assert_eq!(pick_scheme(&votes), Some(Scheme::Informal));
    assert_eq!(pick_scheme(&Votes::default()), None);
}

#[test]
fn the_first_letter_of_an_ascii_word_is_its_transliterations() {
    let alnum: Vec<u8> = (b'0'..=b'9')
        .chain(b'A'..=b'Z')
        .chain(b'a'..=b'z')
        .collect();
    let mut words: Vec<Vec<u8>> = Vec::new();
    for &a in &alnum {
        words.push(vec![a]);
        for &b in &alnum {
            words.push(vec![a, b]);
            // The letters that start a digraph or a glide, followed by any third.
            if b"aceghiknostuyzACEGHIKNOSTUYZ".contains(&b) {
                words.extend(alnum.iter().map(|&c| vec![a, b, c]));
            }
        }
    }
    words.extend(["i'a", "a'", "s-h", "-x", "y`"].map(|w| w.as_bytes().to_vec()));
    for word in &words {
        let text = std::str::from_utf8(word).unwrap_or_default();
        for scheme in ALL_SCHEMES {
            let want = to_cyrillic(text, scheme).chars().next();
            assert_eq!(first_of_ascii(word, scheme), want, "{text} {scheme:?}");
        }
    }
}

#[test]
fn ascii_letters_are_read_as_any_other_letters() {
    let ascii: String = (' '..='~').collect();
    for scheme in ALL_SCHEMES {
        let fast: String = ascii.bytes().map(|b| ascii_letter(scheme, b)).collect();
        assert_eq!(
            fast,
            letters(scheme, &ascii).collect::<String>(),
            "{scheme:?}"
        );
    }
}
