//! Cost of pruning (`[storage] keep_articles`): how long each short transaction holds the
//! store, so polling's writer never waits long (docs/benchmarks.md, "Retention").
//!
//! `cargo bench --bench retention -- N` (default 20,000) stores N generated articles through
//! the real dedup-and-store path (signature, paragraphs; 1 in 100 with an alert; the band
//! index lives in the writer's memory), 90 % of them fetched 400 days ago, then prunes with
//! `keep_articles = 365d` step by step and prints the wall and CPU time per step, then stores N/10 new articles to show the
//! freed pages taken again.

use std::time::{Duration, Instant};

use chrono::Utc;
use corpus::{Rng, Vocab, sentence};
use newswatch::dedup::{Fingerprint, StoryRule};
use newswatch::poll::{Stages, thread_cpu};
use newswatch::store::{NewAlert, NewArticle, PruneCounts, PruneCursor, Store};
use newswatch::writer::{Ingest, NearCopies, write_batch};

/// Only its sentence generator is used here.
#[allow(dead_code)]
#[path = "dedup/corpus.rs"]
mod corpus;

/// Articles per fill transaction.
const FILL_BATCH: usize = 1_000;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("retention.db")).unwrap();
    let src = store.sync_sources([("bench", "http://bench/")]).unwrap()[0].id;
    let mut rng = Rng(7);
    let vocab = Vocab::new(&mut rng, 20_000);
    let started = Instant::now();
    fill(&mut store, src, &mut rng, &vocab, 0, n, |i| i < n * 9 / 10);
    let pages = store.page_count().unwrap();
    println!(
        "filled {n} articles in {:.0}s: {pages} pages",
        started.elapsed().as_secs_f64()
    );

    let cutoff = Utc::now() - chrono::Duration::days(365);
    let (mut articles, mut paragraphs) = (Vec::new(), Vec::new());
    let mut total = PruneCounts::default();
    let mut cursor = PruneCursor::default();
    let started = Instant::now();
    loop {
        let (wall, cpu) = (Instant::now(), thread_cpu());
        let Some((counts, next)) = store.prune_step(cutoff, cursor).unwrap() else {
            break;
        };
        let spent = (wall.elapsed(), thread_cpu().saturating_sub(cpu));
        match cursor {
            PruneCursor::Articles if counts.articles > 0 => articles.push(spent),
            _ => paragraphs.push(spent),
        }
        total += counts;
        cursor = next;
    }
    println!(
        "pruned in {:.1}s: {total:?}",
        started.elapsed().as_secs_f64()
    );
    report("article steps (<=100 articles)", &mut articles);
    report("paragraph steps (<=5000 rows)", &mut paragraphs);
    let free = store.free_pages().unwrap();
    println!("free pages after pruning: {free} of {pages}");

    fill(&mut store, src, &mut rng, &vocab, n, n / 10, |_| false);
    println!(
        "after storing {} new articles: {} pages, {} free",
        n / 10,
        store.page_count().unwrap(),
        store.free_pages().unwrap()
    );
}

/// Stores `count` articles numbered from `first`; `old(i)` backdates article `i`.
fn fill(
    store: &mut Store,
    src: i64,
    rng: &mut Rng,
    vocab: &Vocab,
    first: usize,
    count: usize,
    old: impl Fn(usize) -> bool,
) {
    let mut near = NearCopies::empty(StoryRule::default(), &store.folder());
    let numbers: Vec<usize> = (first..first + count).collect();
    for chunk in numbers.chunks(FILL_BATCH) {
        let ingests: Vec<Ingest> = chunk
            .iter()
            .map(|&i| {
                let body = (0..20)
                    .map(|_| sentence(rng, vocab, &[]))
                    .collect::<Vec<_>>()
                    .join(" ");
                let age = if old(i) { 400 } else { 0 };
                ingest(src, i, body, age, i % 100 == 0)
            })
            .collect();
        let refs: Vec<&Ingest> = ingests.iter().collect();
        write_batch(store, &mut near, &[], &refs, &Stages::default()).unwrap();
    }
}

fn ingest(src: i64, i: usize, body: String, days_old: i64, alert: bool) -> Ingest {
    let url = format!("https://outlet.example/{i}");
    let article = NewArticle {
        source_id: src,
        guid: format!("g{i}"),
        url: url.clone(),
        canonical_url: url.clone(),
        title: Some(format!("Headline {i}")),
        author: None,
        published_at: None,
        language: Some("ru".into()),
        summary: None,
        body,
        extract_error: None,
        fetched_at: Utc::now() - chrono::Duration::days(days_old),
    };
    let alerts = alert
        .then(|| NewAlert {
            rule_name: "bench".into(),
            matched_terms: vec!["word".into()],
            snippet: "**word**".into(),
        })
        .into_iter()
        .collect();
    Ingest {
        fingerprint: Fingerprint::of(&url, &article.body),
        article,
        alerts,
        next_check_at: None,
    }
}

/// Prints the count, median, 99th percentile and maximum of wall and CPU time per step.
fn report(what: &str, steps: &mut [(Duration, Duration)]) {
    if steps.is_empty() {
        return;
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let at = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    let mut wall: Vec<f64> = steps.iter().map(|s| ms(s.0)).collect();
    let mut cpu: Vec<f64> = steps.iter().map(|s| ms(s.1)).collect();
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    println!(
        "{what}: {} steps; wall ms median {:.1} p99 {:.1} max {:.1}; CPU ms median {:.1} p99 {:.1} max {:.1}",
        steps.len(),
        at(&wall, 0.5),
        at(&wall, 0.99),
        at(&wall, 1.0),
        at(&cpu, 0.5),
        at(&cpu, 0.99),
        at(&cpu, 1.0)
    );
}
