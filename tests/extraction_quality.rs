//! Quality floor for article extraction: runs the extractor in-process over the shared
//! readability corpus and scores it exactly like `shared/tools/extraction_score.py`
//! (4-word shingles, per-page tp/fp/fn shares, precision and recall averaged over pages).
//! Fails if F1 drops below the level reached when the floor was set (docs/benchmarks.md).
//!
//! The corpus lives in the shared repository, not in a user's clone, so the test is opt-in:
//! `cargo test --test extraction_quality -- --ignored` (`.ci/run` does this).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use scraper::{Html, Node};

/// F1 measured when this floor was set, minus 0.01 of slack for harmless changes.
const F1_FLOOR: f64 = 0.9884 - 0.01;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/readability")
}

/// Text of an HTML file the way Python's HTMLParser sees it: every text run outside
/// script/style, joined with spaces.
fn html_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    doc.tree
        .root()
        .descendants()
        .filter_map(|n| match n.value() {
            Node::Text(t) => Some((n, t)),
            _ => None,
        })
        .filter(|(n, _)| {
            !n.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style"))
            })
        })
        .map(|(_, t)| t.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Counts of 4-token shingles (a shorter text is one shingle), tokens as Python's `\w+`.
fn shingles(text: &str, word: &Regex) -> HashMap<Vec<String>, usize> {
    let toks: Vec<String> = word
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect();
    let mut out = HashMap::new();
    let windows = toks.len().saturating_sub(3).max(1);
    for i in 0..windows {
        let end = (i + 4).min(toks.len());
        if i < end {
            *out.entry(toks[i..end].to_vec()).or_insert(0) += 1;
        }
    }
    out
}

/// (tp, fp, fn) shares of one page.
fn page_counts(truth: &str, pred: &str, word: &Regex) -> (f64, f64, f64) {
    let (t, p) = (shingles(truth, word), shingles(pred, word));
    let get = |m: &HashMap<Vec<String>, usize>, k: &Vec<String>| m.get(k).copied().unwrap_or(0);
    let tp: usize = t.iter().map(|(k, n)| (*n).min(get(&p, k))).sum();
    let fp: usize = p.iter().map(|(k, n)| n.saturating_sub(get(&t, k))).sum();
    let fn_: usize = t.iter().map(|(k, n)| n.saturating_sub(get(&p, k))).sum();
    let s = (tp + fp + fn_) as f64;
    if s == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    (tp as f64 / s, fp as f64 / s, fn_ as f64 / s)
}

fn share(tp: f64, other: f64, fp: f64, fn_: f64) -> f64 {
    if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp + other > 0.0 {
        tp / (tp + other)
    } else {
        0.0
    }
}

#[test]
#[ignore = "needs ../shared/corpus/readability; run: cargo test --test extraction_quality -- --ignored"]
fn f1_on_the_readability_corpus_stays_above_the_floor() {
    let root = corpus();
    assert!(
        root.is_dir(),
        "extraction corpus missing at {}: clone the shared/ repository beside this one",
        root.display()
    );
    let word = Regex::new(r"[\p{L}\p{N}_]+").unwrap();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.html").is_file())
        .collect();
    pages.sort();
    assert!(
        pages.len() >= 100,
        "corpus at {} looks truncated",
        root.display()
    );
    let (mut precs, mut recs) = (Vec::new(), Vec::new());
    for page in &pages {
        let read =
            |f: &str| String::from_utf8_lossy(&std::fs::read(page.join(f)).unwrap()).into_owned();
        let pred = newswatch::extract::extract(&read("source.html"), None).body;
        let (tp, fp, fn_) = page_counts(&html_text(&read("expected.html")), &pred, &word);
        if tp + fp > 0.0 {
            precs.push(share(tp, fp, fp, fn_));
        }
        if tp + fn_ > 0.0 {
            recs.push(share(tp, fn_, fp, fn_));
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let (p, r) = (mean(&precs), mean(&recs));
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    eprintln!(
        "pages {} precision {p:.4} recall {r:.4} F1 {f1:.4}",
        pages.len()
    );
    assert!(
        f1 >= F1_FLOOR,
        "extraction F1 {f1:.4} fell below the floor {F1_FLOOR:.4}"
    );
}
