//! Query language and matching tests over small documents.

use super::*;

mod forms;
mod guide;
mod prepared;
mod robustness;

fn fires(query: &str, title: &str, body: &str) -> bool {
    let q = Query::parse(query);
    assert!(q.is_ok(), "{query}: {q:?}");
    q.is_ok_and(|q| q.find(&Document::new(title, body)).is_some())
}

fn error(query: &str) -> Option<(usize, String)> {
    Query::parse(query).err().map(|e| (e.position, e.reason))
}

#[test]
fn phrase_words_must_be_adjacent_in_one_sentence() {
    let body = "Саяси тұтқындарды босатыңдар. Саяси\nтұтқын емес.";
    assert!(fires("\"саяси тұтқын\"", "", body));
    assert!(!fires("\"босатыңдар саяси\"", "", body));
    assert!(!fires("\"тұтқын саяси\"", "", "тұтқын. Саяси"));
    assert!(fires("\"жалғыз адамдық\"", "", "«Жалғыз», адамдық"));
}

#[test]
fn boolean_operators_and_exclusion() {
    let body = "Алматыда митинг өтті.";
    assert!(fires("митинг AND Алматы", "", body));
    assert!(!fires("митинг Алматы", "", body), "bare words are a phrase");
    assert!(fires("Алматы митинг", "", body));
    assert!(!fires("митинг AND Астана", "", body));
    assert!(fires("Астана OR Алматы", "", body));
    assert!(!fires("митинг -Алматы", "", body));
    assert!(fires("митинг -(Астана OR Шымкент)", "", body));
    assert!(fires("(Астана OR Алматы) митинг", "", body));
}

#[test]
fn near_counts_words_between() {
    let body = "Токаев бүгін Алматыда сөз сөйледі";
    assert!(fires("Токаев NEAR/1 Алматы", "", body));
    assert!(!fires("Токаев NEAR/1 сөйлеу", "", body));
    assert!(fires("сөйледі NEAR/3 Токаев", "", body));
}

#[test]
fn field_scopes() {
    assert!(fires("title:митинг", "Митинг өтті", "жоқ"));
    assert!(!fires("title:митинг", "Жаңалық", "митинг өтті"));
    assert!(fires("body:\"митинг өтті\"", "", "митинг өтті"));
    assert!(fires("title:(Астана OR Алматы)", "Алматыда", ""));
}

#[test]
fn exact_and_prefix_words() {
    assert!(fires("=Абай", "", "Абай ескерткіші"));
    assert!(!fires("=Абай", "", "Абайдың ескерткіші"));
    assert!(fires("тәуелсіз*", "", "Тәуелсіздік монументі"));
}

#[test]
fn bad_queries_are_rejected_with_column_and_reason() {
    assert_eq!(error(""), Some((1, "empty query".into())));
    assert_eq!(error("-митинг").map(|e| e.0), Some(1));
    assert_eq!(error("митинг OR").map(|e| e.0), Some(10));
    assert_eq!(error("(митинг").map(|e| e.0), Some(1));
    assert_eq!(error("митинг)").map(|e| e.0), Some(7));
    assert_eq!(error("а OR -б").map(|e| e.0), Some(6));
    assert_eq!(error("а NEAR/2 -б").map(|e| e.0), Some(3));
    assert_eq!(error("()").map(|e| e.0), Some(1));
    assert_eq!(error("\"  \"").map(|e| e.0), Some(1));
    let e = Query::parse("foo:bar").err().map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("at column 1: unknown field 'foo' (use title: or body:)")
    );
    assert!(error(&"(".repeat(100)).is_some());
    assert_eq!(error(&"title: ".repeat(500)).map(|e| e.0), Some(1));
    assert_eq!(error("title:title:x").map(|e| e.0), Some(1));
    assert_eq!(error("x body:title:(y)").map(|e| e.0), Some(3));
    assert!(error(&"title:".repeat(600)).is_some());
    assert!(error(&"-".repeat(100_000)).is_some());
}

#[test]
fn oversized_queries_are_rejected_before_any_work() {
    let e = error(&"саяси ".repeat(10_000));
    assert_eq!(e.as_ref().map(|e| e.0), Some(4097));
    assert!(e.is_some_and(|e| e.1.contains("at most 4096 characters")));
    assert!(error(&"title:".repeat(100_000)).is_some());
    assert!(Query::parse(&"а ".repeat(2000)).is_err());
}

#[test]
fn match_reports_terms_as_written_and_snippet() {
    let q = Query::parse("\"саяси тұтқын\" Сабаншиев");
    let doc = Document::new(
        "",
        "Еркін Сабаншиевтің талабы: САЯСИ тұтқындарға бостандық.",
    );
    let m = q.ok().and_then(|q| q.find(&doc));
    assert_eq!(
        m.as_ref().map(|m| m.terms.clone()),
        Some(vec![
            "Сабаншиевтің".to_string(),
            "САЯСИ тұтқындарға".to_string()
        ])
    );
    assert_eq!(
        m.map(|m| m.snippet),
        Some("Еркін **Сабаншиевтің** талабы: **САЯСИ тұтқындарға** бостандық.".to_string())
    );
}

#[test]
fn rule_set_agrees_with_single_queries() {
    let texts = [
        "Алматыда митинг өтті",
        "Токаев Астанада",
        "Нурсултан Назарбаев",
    ];
    let queries = [
        "митинг",
        "Токаев Астана",
        "Нұрсұлтан",
        "алма",
        "title:митинг",
        "\"митинг өтті\"",
    ];
    let parsed: Vec<Query> = queries
        .iter()
        .filter_map(|q| Query::parse(q).ok())
        .collect();
    assert_eq!(parsed.len(), queries.len());
    let set = RuleSet::new(parsed.clone());
    for t in texts {
        let doc = Document::new("", t);
        let got: Vec<usize> = set.matches(&doc).into_iter().map(|m| m.0).collect();
        let want: Vec<usize> = (0..parsed.len())
            .filter(|i| parsed[*i].find(&doc).is_some())
            .collect();
        assert_eq!(got, want, "{t}");
    }
}

#[test]
fn odd_documents_never_panic() {
    let q = Query::parse("тұтқын OR митинг*");
    let long = "ә".repeat(100_000);
    for body in [
        "",
        "\u{0301}",
        "a\u{0000}b",
        "-.-'’",
        long.as_str(),
        "İİİ ıIı ǵǵ",
    ] {
        let doc = Document::new(body, body);
        assert!(q.as_ref().is_ok_and(|q| q.find(&doc).is_none()));
    }
}

#[test]
fn a_part_inside_a_matched_whole_word_is_reported_once() {
    let q = Query::parse("Facebook");
    let m = q
        .ok()
        .and_then(|q| q.find(&Document::new("", "Facebook-тағы жазба")));
    assert_eq!(m.map(|m| m.terms), Some(vec!["Facebook-тағы".to_string()]));
}

#[test]
fn yo_and_e_are_one_letter() {
    assert!(fires("ещё", "", "Еще один митинг"));
    assert!(fires("еще", "", "Ещё один митинг"));
}

#[test]
fn types_can_be_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Query>();
    shared::<Document>();
    shared::<RuleSet>();
    shared::<Match>();
}
