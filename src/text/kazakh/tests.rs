//! Morphology tests: one group per rule of the Kazakh ending chain and stem changes.

use super::*;

/// Does `text` (normalised) inflect `query` (normalised) by the chain rule alone?
fn inflects(query: &str, text: &str) -> bool {
    stem_variants(query).iter().any(|v| {
        text.strip_prefix(v.stem.as_str())
            .is_some_and(|rest| v.accepts(rest, false))
    })
}

#[test]
fn harmony_both_variants() {
    assert!(inflects("тұтқын", "тұтқындар"));
    assert!(inflects("пікір", "пікірлер"));
    assert!(inflects("пікір", "пікірі"));
    assert!(inflects("тұтқын", "тұтқындарға"));
    assert!(inflects("тұтқын", "тұтқындарды"));
}

#[test]
fn consonant_assimilation_after_each_sound_class() {
    assert!(inflects("бала", "балаларға"));
    assert!(!inflects("бала", "баладар"));
    assert!(inflects("адам", "адамдар"));
    assert!(inflects("адам", "адамнан"));
    assert!(!inflects("адам", "адамдан"));
    assert!(inflects("ел", "елдің"));
    assert!(inflects("шеру", "шерулер"));
    assert!(inflects("шеру", "шеруді"));
    assert!(inflects("қыз", "қыздар"));
    assert!(inflects("қыз", "қызбен"));
    assert!(inflects("пикет", "пикеттер"));
    assert!(inflects("пикет", "пикетті"));
    assert!(inflects("жетістік", "жетістікке"));
    assert!(!inflects("жетістік", "жетістікга"));
    assert!(inflects("мектеп", "мектепте"));
    assert!(!inflects("мектеп", "мектепде"));
    assert!(inflects("кітап", "кітаппен"));
}

#[test]
fn surnames_in_ov_ev_take_voiceless_endings() {
    assert!(inflects("сабаншиев", "сабаншиевтің"));
    assert!(inflects("жексебаев", "жексебаевқа"));
    assert!(inflects("токаев", "токаевтың"));
    assert!(!inflects("жексебаев", "жексебаевға"));
}

#[test]
fn final_consonant_voicing_before_vowels_only() {
    assert!(inflects("құқық", "құқығы"));
    assert!(inflects("құқық", "құқығының"));
    assert!(inflects("кітап", "кітабы"));
    assert!(inflects("жетістік", "жетістігі"));
    assert!(!inflects("кітап", "кітабтар"));
    assert!(!inflects("құқық", "құқығ"));
}

#[test]
fn loanwords_in_st_and_g() {
    assert!(inflects("журналист", "журналистер"));
    assert!(inflects("журналист", "журналистің"));
    assert!(!inflects("журналист", "журналис"));
    assert!(inflects("митинг", "митингке"));
    assert!(inflects("митинг", "митингтің"));
}

#[test]
fn dropped_second_vowel() {
    assert!(inflects("ауыз", "аузы"));
    assert!(inflects("ауыз", "аузынан"));
    assert!(inflects("ерін", "ерні"));
    assert!(inflects("мұрын", "мұрнын"));
    assert!(inflects("халық", "халқы"));
    assert!(!inflects("ауыз", "ауз"));
}

#[test]
fn third_person_possessive_changes_case_shapes() {
    assert!(inflects("кезең", "кезеңінен"));
    assert!(inflects("құқық", "құқығын"));
    assert!(inflects("қала", "қаласына"));
    assert!(inflects("қала", "қаласында"));
    assert!(inflects("қала", "қаласының"));
    assert!(!inflects("қала", "қаласыға"));
    assert!(inflects("шеру", "шерулері"));
    assert!(inflects("ескерткіш", "ескерткішінің"));
}

#[test]
fn first_and_second_person_possessives_and_personal_endings() {
    assert!(inflects("үй", "үйіме"));
    assert!(inflects("үй", "үйімізде"));
    assert!(inflects("наразы", "наразымын"));
    assert!(inflects("мұғалім", "мұғаліммін"));
    assert!(inflects("қала", "қалаңызда"));
}

#[test]
fn gy_after_locative() {
    assert!(inflects("алаң", "алаңындағы"));
    assert!(inflects("кез", "кездегі"));
    assert!(inflects("алды", "алдындағы"));
}

#[test]
fn derivational_suffixes_are_not_endings() {
    assert!(!inflects("тіл", "тілші"));
    assert!(!inflects("жұмыс", "жұмысшы"));
    assert!(!inflects("заң", "заңсыз"));
    assert!(!inflects("тәуелсіз", "тәуелсіздік"));
    assert!(!inflects("бала", "балалы"));
    assert!(!inflects("тау", "таулы"));
}

#[test]
fn short_stems_do_not_fire_inside_longer_words() {
    assert!(!inflects("алма", "алматы"));
    assert!(!inflects("қаз", "қазақстан"));
    assert!(!inflects("қаз", "қазіргі"));
    assert!(!inflects("бас", "басқарамыз"));
    assert!(!inflects("ал", "алаң"));
}

#[test]
fn typed_plural_or_possessive_is_undone() {
    assert!(inflects("шеруі", "шерулері"));
    assert!(inflects("құқығы", "құқығының"));
    assert!(inflects("құқығы", "құқықтар"));
    assert!(inflects("кітабы", "кітаптар"));
    assert!(!inflects("басы", "басқа"));
}

#[test]
fn skeleton_chain_accepts_russian_letter_spelling() {
    let stem = crate::text::normalize::skeleton("жаңаөзен");
    let text = crate::text::normalize::skeleton("жанаозенде");
    let rest = text.strip_prefix(stem.as_str()).unwrap_or("x");
    assert!(is_ending_chain(rest, Class::Nasal, Start::Any, true));
    assert!(!is_ending_chain("ти", Class::Vowel, Start::Any, true));
}

#[test]
fn odd_inputs_are_safe() {
    assert!(stem_variants("").is_empty());
    assert!(stem_variants("2019").is_empty());
    assert!(!is_ending_chain("", Class::Vowel, Start::Vowel, false));
    assert!(is_ending_chain("", Class::Vowel, Start::Any, false));
}
