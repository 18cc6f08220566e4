//! CPU of the worker-side article stages other than extraction: fingerprinting
//! (`dedup::Fingerprint::of`: words, paragraph hashes, MinHash signatures) and matching
//! (`RuleSet::document` + `RuleSet::matches`), on the text of the readability corpus pages
//! as the extractor gives it, every 10th with the Kazakh phrase the peers farm plants, and the
//! farm's one rule (`"саяси тұтқын"`).
//!
//! `cargo bench --bench signing -- [ROUNDS] [fingerprint|match]` prints CPU microseconds per
//! article for each stage (thread CPU time from `/proc/thread-self/schedstat`, fair when other
//! processes share the core), and a checksum of the results so two builds can be compared.
//! Under `valgrind --tool=callgrind --toggle-collect='signing::fingerprint_all'` (or
//! `signing::match_all`) it gives each stage's instruction count without the extraction
//! that prepares the texts.

use std::hint::black_box;

use newswatch::dedup::Fingerprint;
use newswatch::extract::extract;
use newswatch::watch::{Query, RuleSet};

#[path = "common/corpus.rs"]
mod corpus;

use corpus::{page_dirs, read};

/// The sentence the peers farm plants in every 10th article (`../shared/bench/peers/farm.py`).
const PHRASE: &str = "Құқық қорғаушылар саяси тұтқындарға қатысты жаңа мәлімдеме жасады.";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(20);
    let skip = |stage: &str| {
        !args.iter().any(|a| a == stage) && args.iter().any(|a| a == "fingerprint" || a == "match")
    };
    let texts = texts();
    let bytes: usize = texts.iter().map(|(t, b)| t.len() + b.len()).sum();
    println!(
        "{} texts, mean body {} bytes, {rounds} rounds",
        texts.len(),
        bytes / texts.len().max(1)
    );
    let articles = (texts.len() * rounds) as f64;
    if !skip("fingerprint") {
        let start = cpu_seconds();
        let sum = fingerprint_all(&texts, rounds);
        let us = (cpu_seconds() - start) * 1e6 / articles;
        println!("fingerprint: {us:.1} µs CPU per article (checksum {sum:#x})");
    }
    if !skip("match") {
        let rules = RuleSet::new(vec![
            Query::parse("\"саяси тұтқын\"").unwrap_or_else(|e| panic!("farm rule: {e}")),
        ]);
        let start = cpu_seconds();
        let hits = match_all(&rules, &texts, rounds);
        let us = (cpu_seconds() - start) * 1e6 / articles;
        println!("match: {us:.1} µs CPU per article ({hits} matches)");
    }
}

/// Fingerprints every text `rounds` times; a checksum of the body hashes, paragraph hashes
/// and signatures.
#[inline(never)]
fn fingerprint_all(texts: &[(String, String)], rounds: usize) -> u64 {
    let mut sum = 0u64;
    let none = std::collections::HashSet::new();
    for _ in 0..rounds {
        for (_, body) in texts {
            let fp = black_box(Fingerprint::of("https://example.kz/a", body));
            let keys = fp.keys(&none);
            let mut add = |v: u64| sum = (sum ^ v).wrapping_mul(0x0000_0100_0000_01b3);
            add(keys.body_hash.unwrap_or(0) as u64);
            keys.paragraphs.iter().for_each(|&p| add(p as u64));
            if let Some(sig) = keys.signature {
                add(sig.shingles as u64);
                sig.minhash.iter().for_each(|&m| add(u64::from(m)));
            }
        }
    }
    sum
}

/// Prepares and matches every text `rounds` times; the number of matches.
#[inline(never)]
fn match_all(rules: &RuleSet, texts: &[(String, String)], rounds: usize) -> usize {
    let mut hits = 0;
    for _ in 0..rounds {
        for (title, body) in texts {
            let doc = rules.document(title, body);
            hits += black_box(rules.matches(&doc)).len();
        }
    }
    hits
}

/// (title, body) of each readability corpus page with a non-empty body, as extracted; every
/// 10th body gets the planted sentence after its first paragraph.
fn texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in page_dirs("readability") {
        let html = read(&dir.join("source.html"));
        let page = extract(&html, None);
        if page.body.trim().is_empty() {
            continue;
        }
        let mut body = page.body;
        if out.len() % 10 == 0 {
            let at = body.find("\n\n").unwrap_or(body.len());
            body.insert_str(at, &format!("\n\n{PHRASE}"));
        }
        out.push((page.title.unwrap_or_default(), body));
    }
    out
}

/// CPU seconds this thread has run.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}
