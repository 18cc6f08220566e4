//! Every row of the "Public examples" table of the matching guide (section 9), with each query
//! exactly as the guide writes it.

use crate::watch::{Document, Query};

const SEED: &str = include_str!("../../../tests/fixtures/matching/seed_s.txt");
const L21: &str = "8 qañtarda Almatyda bırneşe jerde jalğyz adamdyq piketter öttı";
const L18: &str = "8 qańtarda Almatyda birneshe jerde jalǵyz adamdyq piketter ótti";
const R1: &str = "Правозащитники требуют освободить политзаключённых.";
const R2: &str = "Активисты выступили против закона.";
const R3: &str = "Нурсултан Назарбаев ушёл в отставку в 2019 году.";
const R4: &str = "Полиция задержала участников мирного митинга.";

fn seed() -> Document {
    let (title, body) = SEED.split_once('\n').unwrap_or((SEED, ""));
    Document::new(title, body)
}

fn check(query: &str, doc: &Document, expected: bool) {
    let q = Query::parse(query).unwrap();
    let found = q.find(doc);
    assert_eq!(found.is_some(), expected, "{query}: {found:?}");
}

#[test]
fn seed_article_rows() {
    let s = seed();
    let rows = [
        ("пикет", true),
        ("Сабаншиев", true),
        ("наразылық шеруі", true),
        ("халықаралық ұйым", true),
        ("пікір айту құқығы", true),
        ("жетістік", true),
        ("zauyt", true),
        ("заң", false),
        ("қаз", false),
        ("бас", false),
        ("жалғыз пикет", false),
    ];
    for (query, expected) in rows {
        check(query, &s, expected);
    }
}

#[test]
fn latin_title_rows() {
    check("қаңтар", &Document::new(L21, ""), true);
    check("жалғыз", &Document::new(L18, ""), true);
}

#[test]
fn russian_rows() {
    check("политзаключенный", &Document::new("", R1), true);
    check("рот", &Document::new("", R2), false);
    check("Нұрсұлтан Назарбаев", &Document::new("", R3), true);
    check("мирный митинг", &Document::new("", R4), true);
}

#[test]
fn seed_matches_report_the_words_as_written() {
    let q = Query::parse("пікір айту құқығы").unwrap();
    let m = q.find(&seed()).unwrap();
    assert_eq!(m.terms, vec!["пікір айту құқығының"]);
    assert!(m.snippet.contains("**пікір айту құқығының**"));
    let m = Query::parse("Сабаншиев").unwrap().find(&seed()).unwrap();
    assert_eq!(m.terms, vec!["Сабаншиев", "Сабаншиевтің"]);
}

#[test]
fn bare_words_are_a_phrase_and_operators_make_an_and() {
    let s = seed();
    check("жалғыз пикет", &s, false);
    check("жалғыз AND пикет", &s, true);
    check("жалғыз пикет -крокодил", &s, true);
    check("(жалғыз пикет)", &s, true);
}
