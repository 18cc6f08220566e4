//! Story grouping quality and per-article dedup cost, on a generated corpus whose truth is
//! known (docs/benchmarks.md, "Deduplication").
//!
//! `cargo bench --bench dedup -- eval` sweeps the story thresholds and prints pairwise
//! precision and recall, then scores the default rule on a held-out corpus (`-- held-out`
//! alone); `cargo bench --bench dedup -- cost N [BATCH]` fills a database with N
//! articles and times the dedup-and-store path for new ones, BATCH (default 1) per transaction
//! (`DEDUP_COST_DB=FILE` keeps the filled database in FILE for the next run of the same N);
//! `cargo bench --bench dedup -- rebuild N` times the near-copy index's rebuild over N
//! windowed articles of random band keys (the index's part of a start, without the database).

use std::collections::HashSet;
use std::time::Instant;

use chrono::Utc;
use corpus::{Doc, Rng, Vocab, corpus, sentence};
use newswatch::dedup::{self, Fingerprint, StoryRule};
use newswatch::poll::{Stages, thread_cpu};
use newswatch::store::{ArticleKeys, NewArticle, Store, StoreOutcome};
use newswatch::writer::{Ingest, NearCopies, write_batch};

#[path = "dedup/corpus.rs"]
mod corpus;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args.first().map(String::as_str) {
        Some("held-out") => held_out(),
        Some("cost") => {
            let n = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10_000);
            let batch = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
            cost(n, batch);
        }
        Some("rebuild") => {
            let n = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
            rebuild(n);
        }
        _ => eval(),
    }
}

/// Rebuilds the near-copy index over `n` articles of [`dedup::BANDS`] random band keys each,
/// and prints the time it took beside the time of generating the keys alone, the memory it
/// holds and the process's peak resident memory; then times one merge of new articles.
fn rebuild(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let scan = |visit: &mut dyn FnMut(i64, &[i64])| {
        let mut rng = Rng(7);
        let mut bands = vec![0i64; dedup::BANDS];
        for id in 0..n {
            bands.fill_with(|| (rng.next() & 0xffff_ffff) as i64);
            visit(id as i64, &bands);
        }
        Ok::<(), std::convert::Infallible>(())
    };
    let t = Instant::now();
    scan(&mut |id, bands| {
        std::hint::black_box((id, bands));
    })
    .unwrap();
    let generate = t.elapsed().as_secs_f64() * 1e3;
    let (t, c) = (Instant::now(), thread_cpu());
    let mut index = dedup::BandIndex::rebuild(dir.path(), 0, scan).unwrap();
    let rebuilt = (t.elapsed(), thread_cpu() - c);
    println!(
        "rebuilt the index of {n} articles: {:.0} ms wall, {:.0} ms CPU (of which generating the \
         keys twice about {:.0} ms); {} entries, {:.1} MB in memory, {:.1} MB in its file; peak \
         RSS {} MB",
        rebuilt.0.as_secs_f64() * 1e3,
        rebuilt.1.as_secs_f64() * 1e3,
        2.0 * generate,
        index.len(),
        index.bytes() as f64 / 1e6,
        index.file_bytes() as f64 / 1e6,
        peak_rss_kb() / 1024
    );
    // As the writer does every ~3,800 articles: fill the recent entries, merge them in.
    let mut rng = Rng(8);
    let mut id = n as i64;
    while !index.merge_due() {
        let mut pending = dedup::Pending::default();
        let bands: Vec<i64> = (0..dedup::BANDS)
            .map(|_| (rng.next() & 0xffff_ffff) as i64)
            .collect();
        pending.add(id, &bands).unwrap();
        index.absorb(pending);
        id += 1;
    }
    let (m, mc) = (Instant::now(), thread_cpu());
    index.merge().unwrap();
    println!(
        "merged {} new articles into it: {:.0} ms wall, {:.0} ms CPU",
        id - n as i64,
        m.elapsed().as_secs_f64() * 1e3,
        (thread_cpu() - mc).as_secs_f64() * 1e3
    );
}

/// The process's peak resident memory (`VmHWM`), in KiB.
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn new_article(source_id: i64, i: usize, body: &str) -> NewArticle {
    NewArticle {
        source_id,
        guid: format!("g{i}"),
        url: format!("https://outlet.example/{i}"),
        canonical_url: format!("https://outlet.example/{i}"),
        title: Some(format!("Headline {i}")),
        author: None,
        published_at: None,
        language: Some("ru".into()),
        summary: None,
        body: body.to_string(),
        extract_error: None,
        fetched_at: Utc::now(),
    }
}

/// Stores `docs` through the real dedup path; returns each doc's story id.
fn group(
    store: &mut Store,
    source_id: i64,
    docs: &[Doc],
    offset: usize,
    rule: StoryRule,
) -> Vec<i64> {
    let mut near = NearCopies::empty(rule, &store.folder());
    docs.iter()
        .enumerate()
        .map(|(i, doc)| {
            let article = new_article(source_id, offset + i, &doc.body);
            let outcome = store_one(store, &mut near, ingest(article));
            match outcome {
                StoreOutcome::Stored { story_id, .. } => story_id,
                StoreOutcome::Linked { article_id } => store.story_of(article_id).unwrap().unwrap(),
                StoreOutcome::AlreadySeen => unreachable!("every guid is new"),
            }
        })
        .collect()
}

/// An article as the workers hand it to the writer: fingerprinted, no alerts.
fn ingest(article: NewArticle) -> Ingest {
    Ingest {
        fingerprint: Fingerprint::of(&article.canonical_url, &article.body),
        article,
        alerts: Vec::new(),
        next_check_at: None,
    }
}

/// Stores one article through the writer's path, in a transaction of its own.
fn store_one(store: &mut Store, near: &mut NearCopies, ingest: Ingest) -> StoreOutcome {
    let outcomes = write_batch(store, near, &[], &[&ingest], &Stages::default()).unwrap();
    outcomes.into_iter().next().unwrap().unwrap()
}

/// Pairwise precision and recall of `predicted` against the docs' true stories.
fn score(docs: &[Doc], predicted: &[i64]) -> (f64, f64) {
    let (mut tp, mut fp, mut fneg) = (0u64, 0u64, 0u64);
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            match (docs[i].story == docs[j].story, predicted[i] == predicted[j]) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fneg += 1,
                (false, false) => {}
            }
        }
    }
    (
        tp as f64 / (tp + fp).max(1) as f64,
        tp as f64 / (tp + fneg).max(1) as f64,
    )
}

fn fresh_store(dir: &tempfile::TempDir, name: &str) -> (Store, i64) {
    let mut store = Store::open(&dir.path().join(name)).unwrap();
    let id = store.sync_sources([("bench", "http://bench/")]).unwrap()[0].id;
    (store, id)
}

fn eval() {
    let docs = corpus(7);
    let stories = docs.iter().map(|d| d.story).max().unwrap_or(0) + 1;
    println!("corpus: {} articles, {} stories", docs.len(), stories);
    candidate_recall(&docs);
    let dir = tempfile::tempdir().unwrap();
    println!("| min_jaccard | min_containment | precision | recall |");
    println!("|---|---|---|---|");
    for (n, jac) in [0.2, 0.25, 0.3, 0.35, 0.4].into_iter().enumerate() {
        for (m, con) in [0.4, 0.5, 0.6, 0.7].into_iter().enumerate() {
            let rule = StoryRule {
                min_jaccard: jac,
                min_containment: con,
                ..StoryRule::default()
            };
            let (mut store, src) = fresh_store(&dir, &format!("e{n}{m}.db"));
            let predicted = group(&mut store, src, &docs, 0, rule);
            let (p, r) = score(&docs, &predicted);
            println!("| {jac} | {con} | {p:.4} | {r:.4} |");
        }
    }
    held_out();
}

/// The default rule on a corpus generated with another seed (thresholds were chosen on seed 7).
fn held_out() {
    let dir = tempfile::tempdir().unwrap();
    let held_out = corpus(11);
    let (mut store, src) = fresh_store(&dir, "held-out.db");
    let predicted = group(&mut store, src, &held_out, 0, StoryRule::default());
    let (p, r) = score(&held_out, &predicted);
    println!(
        "held-out corpus (seed 11, {} articles), default rule: precision {p:.4}, recall {r:.4}",
        held_out.len()
    );
    recall_by_kind(&held_out, &predicted);
}

/// Share of truly-same pairs that share at least one LSH band (the most recall can be).
fn candidate_recall(docs: &[Doc]) {
    let bands: Vec<Vec<i64>> = docs
        .iter()
        .map(|d| {
            dedup::keys("x", &d.body, &HashSet::new())
                .signature
                .map(|s| s.bands)
                .unwrap_or_default()
        })
        .collect();
    let (mut same, mut found, mut other, mut noise) = (0u64, 0u64, 0u64, 0u64);
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let shared = bands[i].iter().any(|b| bands[j].contains(b));
            if docs[i].story == docs[j].story {
                same += 1;
                found += u64::from(shared);
            } else {
                other += 1;
                noise += u64::from(shared);
            }
        }
    }
    println!(
        "LSH ({} bands): {:.4} of same-story pairs share a band; {:.6} of other pairs do",
        dedup::BANDS,
        found as f64 / same.max(1) as f64,
        noise as f64 / other.max(1) as f64
    );
}

/// For the default rule: share of copies grouped with their original, by how they were made.
fn recall_by_kind(docs: &[Doc], predicted: &[i64]) {
    let mut original = std::collections::HashMap::new();
    for (d, p) in docs.iter().zip(predicted) {
        if d.kind.starts_with("original") {
            original.insert(d.story, *p);
        }
    }
    let mut kinds: std::collections::BTreeMap<&str, (u32, u32)> = Default::default();
    for (d, p) in docs.iter().zip(predicted) {
        if !d.kind.starts_with("original") {
            let e = kinds.entry(d.kind).or_default();
            e.0 += 1;
            e.1 += u32::from(original.get(&d.story) == Some(p));
        }
    }
    println!(
        "default rule {:?}: copies joined to their original",
        StoryRule::default()
    );
    for (kind, (n, ok)) in kinds {
        println!(
            "| {kind} | {n} | {:.3} |",
            f64::from(ok) / f64::from(n.max(1))
        );
    }
}

/// Articles of a cost run's fill inside the near-copy window.
const COST_WINDOW: usize = 10_000;

/// Fills `n` articles (the newest 10k inside the near-copy window, the rest indexed by URL
/// and body hash only, as after pruning), then stores 2,000 new articles through the writer's
/// path, `batch` per transaction, and prints the cost per article: the fingerprint (computed on
/// a worker in the daemon) and the writer's share (lookups, story decision, inserts, and the
/// batch's commit divided among its articles). With `DEDUP_COST_DB=FILE` the filled database
/// is saved to FILE, or copied from it when FILE exists (filled by an earlier run of the same
/// N).
fn cost(n: usize, batch: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cost.db");
    // A filled database kept from an earlier run of the same N, if asked for: filling
    // 1,000,000 articles takes minutes, the measured part seconds.
    let saved = std::env::var_os("DEDUP_COST_DB").map(std::path::PathBuf::from);
    let (mut store, src) = match saved.as_ref().filter(|p| p.exists()) {
        Some(saved) => {
            std::fs::copy(saved, &path).unwrap();
            println!("filled database copied from {}", saved.display());
            fresh_store(&dir, "cost.db")
        }
        None => {
            let (store, src) = fill(&dir, n);
            match &saved {
                Some(saved) => {
                    drop(store);
                    std::fs::copy(&path, saved).unwrap();
                    fresh_store(&dir, "cost.db")
                }
                None => (store, src),
            }
        }
    };
    let rule = StoryRule::default();
    let stored: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored as usize, n, "the saved database holds another N");
    // As at a daemon's start: the near-copy index rebuilt from the window's signatures.
    let (t, c) = (Instant::now(), thread_cpu());
    let mut near = NearCopies::load(&store, rule).unwrap();
    println!(
        "near-copy index rebuilt: {} entries ({:.1} MB in memory, {:.1} MB in its file; {:.0} \
         bytes in memory per windowed article), {:.0} ms wall, {:.0} ms CPU",
        near.entries(),
        near.bytes() as f64 / 1e6,
        near.file_bytes() as f64 / 1e6,
        near.bytes() as f64 / n.min(COST_WINDOW) as f64,
        t.elapsed().as_secs_f64() * 1e3,
        (thread_cpu() - c).as_secs_f64() * 1e3
    );
    let docs = corpus(11);
    let docs = &docs[..docs.len().min(2_000)];
    let (mut fingerprint, mut times, mut cpu) = (0.0, Vec::new(), 0.0);
    let stages = Stages::default();
    for (b, chunk) in docs.chunks(batch.max(1)).enumerate() {
        let t = thread_cpu();
        let ingests: Vec<Ingest> = chunk
            .iter()
            .enumerate()
            .map(|(i, doc)| ingest(new_article(src, n + b * batch + i, &doc.body)))
            .collect();
        fingerprint += (thread_cpu() - t).as_secs_f64() * 1e6;
        let refs: Vec<&Ingest> = ingests.iter().collect();
        let (t, c) = (Instant::now(), thread_cpu());
        write_batch(&mut store, &mut near, &[], &refs, &stages).unwrap();
        cpu += (thread_cpu() - c).as_secs_f64() * 1e6;
        let per_article = t.elapsed().as_secs_f64() * 1e6 / chunk.len() as f64;
        times.extend(std::iter::repeat_n(per_article, chunk.len()));
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!(
        "{n} stored, {batch} per transaction: writer per article wall mean {mean:.0} µs, p50 {:.0} µs, \
         p99 {:.0} µs, CPU mean {:.0} µs; fingerprint (worker) CPU mean {:.0} µs ({} articles)",
        pct(0.5),
        pct(0.99),
        cpu / times.len() as f64,
        fingerprint / times.len() as f64,
        times.len()
    );
    println!("writer stages (CPU): {stages}");
}

/// A database of `n` articles (see [`cost`]) and its source's id.
fn fill(dir: &tempfile::TempDir, n: usize) -> (Store, i64) {
    const FILL_BATCH: usize = 1_000;
    let (mut store, src) = fresh_store(dir, "cost.db");
    let mut rng = Rng(99);
    let vocab = Vocab::new(&mut rng, 20_000);
    let started = Instant::now();
    let mut near = NearCopies::empty(StoryRule::default(), &store.folder());
    for chunk in (0..n).collect::<Vec<_>>().chunks(FILL_BATCH) {
        let ingests: Vec<Ingest> = chunk
            .iter()
            .map(|&i| {
                let body = (0..3)
                    .map(|_| sentence(&mut rng, &vocab, &[]))
                    .collect::<Vec<_>>()
                    .join(" ");
                ingest(new_article(src, i, &body))
            })
            .collect();
        if chunk[0] + COST_WINDOW >= n {
            let refs: Vec<&Ingest> = ingests.iter().collect();
            write_batch(&mut store, &mut near, &[], &refs, &Stages::default()).unwrap();
            continue;
        }
        let mut fill = store.batch().unwrap();
        for ingest in &ingests {
            let keys = ArticleKeys {
                signature: None,
                ..ingest.fingerprint.keys(&HashSet::new())
            };
            fill.article(|b| b.insert(&ingest.article, &keys, None, &[], &[]))
                .unwrap();
        }
        fill.commit().unwrap();
    }
    println!(
        "filled {n} articles in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    (store, src)
}
