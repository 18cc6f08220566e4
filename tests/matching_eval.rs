//! Precision/recall of the matcher on a hand-made set of Kazakh, Russian and Latin-script
//! Kazakh sentences (tests/fixtures/matching/eval.tsv): positives in many grammatical forms
//! and hard negatives that share letters with the query.

use newswatch::watch::{Document, Query};

const DATA: &str = include_str!("fixtures/matching/eval.tsv");

struct Row<'a> {
    expected: bool,
    query: &'a str,
    text: &'a str,
}

fn rows() -> Vec<Row<'static>> {
    DATA.lines()
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

#[test]
fn precision_and_recall_meet_targets() {
    let rows = rows();
    assert!(rows.len() >= 150, "only {} rows", rows.len());
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for r in &rows {
        let q = Query::parse(r.query).unwrap_or_else(|e| panic!("{}: {e}", r.query));
        let got = q.find(&Document::new("", r.text)).is_some();
        match (r.expected, got) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            (false, false) => {}
        }
        if got != r.expected {
            println!(
                "MISS expected={} query={} text={}",
                r.expected, r.query, r.text
            );
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "rows={} positives={} precision={precision:.3} recall={recall:.3}",
        rows.len(),
        tp + fn_
    );
    assert!(precision >= 0.98, "precision {precision:.3}");
    assert!(recall >= 0.95, "recall {recall:.3}");
}
