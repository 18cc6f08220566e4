//! Precision/recall of the matcher on two labelled sets, reported separately so tuning
//! shows: `eval.tsv`, the hand-made set the matcher was developed on (Kazakh, Russian and
//! Latin-script Kazakh sentences with hard negatives), and `eval_new.tsv`, real news
//! sentences gathered and labelled before the matcher was run on them (2017 apostrophe,
//! 2018, 2021 and informal Latin Kazakh, English-style names, Russian stem changes).

use newswatch::watch::{Document, Query, RuleSet};

const OLD: &str = include_str!("fixtures/matching/eval.tsv");
const NEW: &str = include_str!("fixtures/matching/eval_new.tsv");

struct Row<'a> {
    expected: bool,
    query: &'a str,
    text: &'a str,
}

fn rows(data: &'static str) -> Vec<Row<'static>> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "bad row: {l}");
            Row {
                expected: cols[0] == "1",
                query: cols[1],
                text: cols[2],
            }
        })
        .collect()
}

/// (precision, recall) of the matcher on `data`, printing every disagreement.
fn score(name: &str, data: &'static str) -> (f64, f64) {
    let rows = rows(data);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for r in &rows {
        let q = Query::parse(r.query).unwrap_or_else(|e| panic!("{}: {e}", r.query));
        let got = q.find(&Document::new("", r.text)).is_some();
        // The daemon's path: a document prepared for the rule set decides the same.
        let set = RuleSet::new(vec![q]);
        let lean = !set.matches(&set.document("", r.text)).is_empty();
        assert_eq!(lean, got, "{}: {}", r.query, r.text);
        match (r.expected, got) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            (false, false) => {}
        }
        if got != r.expected {
            println!(
                "{name} MISS expected={} query={} text={}",
                r.expected, r.query, r.text
            );
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "{name}: rows={} positives={} false_hits={fp} misses={fn_} precision={precision:.3} recall={recall:.3}",
        rows.len(),
        tp + fn_
    );
    (precision, recall)
}

#[test]
fn development_set_meets_targets() {
    assert!(rows(OLD).len() >= 150);
    let (precision, recall) = score("development", OLD);
    assert!(precision >= 0.99, "precision {precision:.3}");
    assert!(recall >= 0.98, "recall {recall:.3}");
}

#[test]
fn new_real_texts_meet_targets() {
    assert!(rows(NEW).len() >= 100);
    let (precision, recall) = score("new", NEW);
    assert!(precision >= 0.99, "precision {precision:.3}");
    assert!(recall >= 0.98, "recall {recall:.3}");
}
