//! Quality floors for article extraction: runs the extractor in-process over the shared
//! readability and fundus corpora and scores it exactly like `shared/tools/extraction_score.py`
//! (4-word shingles, per-page tp/fp/fn shares, precision and recall averaged over pages).
//! Fails if F1 drops below the level reached when the floor was set (docs/extraction.md).
//!
//! The corpora live in the shared repository, not in a user's clone, so the tests are opt-in:
//! `cargo test --test extraction_quality -- --ignored` (`.ci/run` does this).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use scraper::{Html, Node};

/// Readability F1 measured in-process when this floor was set (0.9826 after the seventh pass
/// of issue 13; 0.9825 after the sixth), minus 0.002 of slack. It was 0.9884 − 0.01 before:
/// 0.9865 since the rules for repeated lines and bylines, 0.9863 since the date-line and
/// class-word rules, 0.9825 since no space is put at markup inside scripts written without
/// spaces (the scorer's artifact, docs/extraction.md).
const READABILITY_F1_FLOOR: f64 = 0.9826 - 0.002;
/// Fundus F1 measured in-process when this floor was set (0.9706, up from 0.9705 with
/// WordPress's embedded posts; 0.9705, up from 0.9693 with standfirsts the JSON-LD description names or the metadata cuts short, lone paragraphs with
/// links kept by conditional cleaning and CJK characters counting two for tiny fragments;
/// 0.9693, up from 0.9658 with link
/// lists after a "read also" label, no sibling joined for its bulk alone, no sibling after a
/// pager, Japanese caption marks and the captions JSON-LD gives images and videos; 0.9658, up
/// from 0.9643 with date lines marked by `<time>`, opt-in boxes, subheadings kept beside the
/// articleBody and no sibling with buttons after the story; 0.9643 up from 0.9590 with the
/// unescaped articleBody, no space at markup inside unspaced scripts and teaser cards; 0.9590
/// up from 0.9546 with the standfirst named by the page's description; 0.9536 before the
/// embedded social-media posts; 0.9484 before the credited-caption, "read also", CJK-length
/// and alert-box rules; 0.9439 before the date-line, hidden-class, newsletter and class-word
/// rules), minus 0.002 of slack.
const FUNDUS_F1_FLOOR: f64 = 0.9706 - 0.002;

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name)
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

/// Precision, recall and F1 of the extractor over a corpus (pages with an `expected.html`,
/// whose text is the truth, or an `expected.txt` taken verbatim); prints them.
fn score(name: &str, min_pages: usize) -> (f64, f64, f64) {
    let root = corpus(name);
    assert!(
        root.is_dir(),
        "extraction corpus missing at {}: clone the shared/ repository beside this one",
        root.display()
    );
    let word = Regex::new(r"[\p{L}\p{N}_]+").unwrap();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.html").is_file() || p.join("expected.txt").is_file())
        .collect();
    pages.sort();
    assert!(
        pages.len() >= min_pages,
        "corpus at {} looks truncated",
        root.display()
    );
    let (mut precs, mut recs) = (Vec::new(), Vec::new());
    for page in &pages {
        let read =
            |f: &str| String::from_utf8_lossy(&std::fs::read(page.join(f)).unwrap()).into_owned();
        let pred = newswatch::extract::extract(&read("source.html"), None).body;
        let truth = if page.join("expected.txt").is_file() {
            read("expected.txt")
        } else {
            html_text(&read("expected.html"))
        };
        let (tp, fp, fn_) = page_counts(&truth, &pred, &word);
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
        "{name}: pages {} precision {p:.4} recall {r:.4} F1 {f1:.4}",
        pages.len()
    );
    (p, r, f1)
}

#[test]
#[ignore = "needs ../shared/corpus/readability; run: cargo test --test extraction_quality -- --ignored"]
fn f1_on_the_readability_corpus_stays_above_the_floor() {
    let (_, _, f1) = score("readability", 100);
    assert!(
        f1 >= READABILITY_F1_FLOOR,
        "readability F1 {f1:.4} fell below the floor {READABILITY_F1_FLOOR:.4}"
    );
}

#[test]
#[ignore = "needs ../shared/corpus/fundus; run: cargo test --test extraction_quality -- --ignored"]
fn f1_on_the_fundus_corpus_stays_above_the_floor() {
    let (_, _, f1) = score("fundus", 150);
    assert!(
        f1 >= FUNDUS_F1_FLOOR,
        "fundus F1 {f1:.4} fell below the floor {FUNDUS_F1_FLOOR:.4}"
    );
}

/// `page` of the readability corpus with `sentence` put at the start of a paragraph's text,
/// as the peers farm plants its sentences: right after `lead` in the one occurrence of
/// `lead` + `text` in the source.
fn planted(page: &str, (lead, text): (&str, &str), sentence: &str) -> String {
    let path = corpus("readability").join(page).join("source.html");
    let html = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
    let anchor = format!("{lead}{text}");
    let mut hits = html.match_indices(&anchor);
    let (at, _) = hits
        .next()
        .unwrap_or_else(|| panic!("{page}: {anchor:?} not in {}", path.display()));
    assert!(hits.next().is_none(), "{page}: {anchor:?} is not unique");
    let at = at + lead.len();
    format!("{}{sentence} {}", &html[..at], &html[at..])
}

/// A unique sentence planted in each of `body` (paragraphs and list items of the article)
/// is kept by `extract`; one planted where the peers farm put it (`outside`) is not, because
/// that paragraph is not part of the article (see docs/extraction.md).
fn planted_sentences_follow_the_article(page: &str, body: &[(&str, &str)], outside: (&str, &str)) {
    for (i, &anchor) in body.iter().enumerate() {
        let sentence = format!("Farm editors planted note nw{i:03}x{page} in the story.");
        let out = newswatch::extract::extract(&planted(page, anchor, &sentence), None).body;
        assert!(
            out.contains(&sentence),
            "{page}: the sentence planted before {anchor:?} was dropped"
        );
    }
    let sentence = "Farm editors planted this note outside the story.";
    let out = newswatch::extract::extract(&planted(page, outside, sentence), None).body;
    assert!(
        !out.contains(sentence),
        "{page}: the paragraph at {outside:?} is outside the article but was kept"
    );
}

#[test]
#[ignore = "needs ../shared/corpus/readability; run: cargo test --test extraction_quality -- --ignored"]
fn a_sentence_planted_in_the_firefox_nightly_blog_post_is_kept() {
    planted_sentences_follow_the_article(
        "firefox-nightly-blog",
        &[
            ("", "Marionette, the framework that allows Firefox"),
            (
                "<li>",
                "DevTools and Marionette are now fully Fission compatible!",
            ),
            (
                "<li>",
                "Firefox now supports printing non-contiguous page ranges",
            ),
        ],
        // The farm's point: a reader comment in `section#comments` below the post.
        ("", "Enhancement: Are there plans"),
    );
}

#[test]
#[ignore = "needs ../shared/corpus/readability; run: cargo test --test extraction_quality -- --ignored"]
fn a_sentence_planted_in_the_yahoo_2_story_is_kept() {
    planted_sentences_follow_the_article(
        "yahoo-2",
        &[
            (">", "MOSCOW (AP) "),
            (
                ">",
                "The Progress MS-04 cargo craft broke up at an altitude",
            ),
        ],
        // The farm's point: a teaser card in the news stream beside the story
        // (`#tgtm-YDC-Stream`), whose text repeats the story's lede.
        (
            "data-reactid=\"89\">",
            "An unmanned Russian cargo spaceship",
        ),
    );
}
