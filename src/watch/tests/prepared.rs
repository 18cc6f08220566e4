//! A document prepared for a rule set analyses only the words its rules may need: matching it
//! must give exactly what a fully prepared document gives — same rules, terms and snippets —
//! and so must one whose body's tokens were found by the caller.

use crate::watch::{Document, Query, RuleSet};

const EVAL: &str = include_str!("../../../tests/fixtures/matching/eval.tsv");
const EVAL_NEW: &str = include_str!("../../../tests/fixtures/matching/eval_new.tsv");
const SEED: &str = include_str!("../../../tests/fixtures/matching/seed_s.txt");

/// (query, text) of every labelled row.
fn rows() -> Vec<(&'static str, &'static str)> {
    EVAL.lines()
        .chain(EVAL_NEW.lines())
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t').skip(1);
            Some((cols.next()?, cols.next()?))
        })
        .collect()
}

/// The labelled texts one by one, then glued into longer articles (so the text-wide spelling
/// scheme and Kazakh-share decisions see many words), then English-heavy text around them.
fn texts() -> Vec<String> {
    let single: Vec<String> = rows().iter().map(|(_, t)| t.to_string()).collect();
    let mut out = single.clone();
    out.extend(single.chunks(7).map(|c| c.join("\n")));
    out.extend(SEED.lines().map(str::to_string));
    out.extend(single.chunks(5).map(|c| {
        format!(
            "Police said on Tuesday that {} and the report, published by Human Rights Watch, \
             cites Nazarbayev's ken' dala shahar Qazaqstan.",
            c.join(" ")
        )
    }));
    out
}

#[test]
fn a_document_prepared_for_the_rules_matches_like_a_full_one() {
    let queries: Vec<Query> = rows()
        .iter()
        .filter_map(|(q, _)| Query::parse(q).ok())
        .collect();
    assert!(queries.len() > 400);
    let all = RuleSet::new(queries.clone());
    let mut fired = 0;
    for text in texts() {
        let full = all.matches(&Document::new("Жаңалықтар", &text));
        let lean = all.matches(&all.document("Жаңалықтар", &text));
        assert_eq!(lean, full, "{text}");
        let tokens = crate::text::Tokens::of(&text);
        let shared = all.matches(&all.document_of("Жаңалықтар", &text, &tokens));
        assert_eq!(shared, full, "{text}");
        fired += full.len();
    }
    assert!(fired > 500, "{fired}");
}

#[test]
fn one_rule_at_a_time_matches_like_the_query_alone() {
    for (query, text) in rows() {
        let Ok(q) = Query::parse(query) else {
            continue;
        };
        let want = q.find(&Document::new("", text));
        let set = RuleSet::new(vec![q]);
        let got = set.matches(&set.document("", text)).pop().map(|(_, m)| m);
        assert_eq!(got, want, "{query}: {text}");
    }
}

#[test]
fn a_document_prepared_for_other_rules_is_prepared_again() {
    let text = "Саяси тұтқындарды босатыңдар. Алматыда митинг өтті.";
    let parse = |q: &str| Query::parse(q).ok().into_iter().collect::<Vec<_>>();
    let (politics, rally) = (RuleSet::new(parse("саяси")), RuleSet::new(parse("митинг")));
    let for_politics = politics.document("", text);
    assert_eq!(politics.matches(&for_politics).len(), 1);
    assert_eq!(rally.matches(&for_politics).len(), 1);
    let q = parse("митинг").pop();
    assert!(q.is_some_and(|q| q.find(&for_politics).is_some()));
}
