//! Watch-rule throughput: articles per second for 1, 10, 1,000 and 10,000 rules on ~5 KB
//! Cyrillic articles, each prepared for its rule set (`RuleSet::document`: only words some
//! rule may match are analysed). Run with `cargo bench --bench watch`.
//!
//! Articles are shuffled sentences of real-looking Kazakh and Russian news (the matching
//! fixtures). Rule words come from generated Kazakh surnames, place names and Kazakh-shaped
//! words that share prefixes with real ones (so the prefilter is exercised), and in the
//! "busy" mix 1 in 20 from the articles' own words (so many rules fire and build snippets).
//! Rule shapes are the ones users write (word, AND, "phrase", OR, exclusion).

use std::hint::black_box;
use std::time::Instant;

use newswatch::watch::{Document, Query, RuleSet};

const SEED: &str = include_str!("../tests/fixtures/matching/seed_s.txt");
const EVAL: &str = include_str!("../tests/fixtures/matching/eval.tsv");

const ROOTS: [&str; 24] = [
    "Жексеба",
    "Сабанши",
    "Назарба",
    "Тоқа",
    "Мамырба",
    "Серікба",
    "Ахмет",
    "Нұрпейіс",
    "Оспан",
    "Төлеге",
    "Қасымба",
    "Ермекба",
    "Дәулетба",
    "Сейітқали",
    "Жұмаба",
    "Бекмұхамбет",
    "Әбіл",
    "Құрманғали",
    "Есенба",
    "Смайыл",
    "Тұрсынба",
    "Жақып",
    "Омарба",
    "Ибраим",
];
const ENDS: [&str; 6] = ["ев", "ева", "ов", "ұлы", "қызы", "бек"];
const PLACES: [&str; 12] = [
    "Қостанай",
    "Павлодар",
    "Семей",
    "Түркістан",
    "Тараз",
    "Орал",
    "Атырау",
    "Ақтау",
    "Қызылорда",
    "Петропавл",
    "Көкшетау",
    "Талдықорған",
];

/// Deterministic pseudo-random numbers (no extra dependency; the bench must be repeatable).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn sentences() -> Vec<String> {
    let eval = EVAL
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').nth(2));
    SEED.lines().chain(eval).map(str::to_string).collect()
}

/// Words of the article texts themselves.
fn text_words(sentences: &[String]) -> Vec<String> {
    let mut words: Vec<String> = sentences
        .iter()
        .flat_map(|s| s.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 4 && w.chars().all(|c| !c.is_ascii()))
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Names, places and Kazakh-shaped words that mostly do not occur in the articles.
fn other_words(rng: &mut Lcg, count: usize) -> Vec<String> {
    const ONSETS: [&str; 18] = [
        "б", "д", "ғ", "ж", "з", "қ", "к", "л", "м", "н", "п", "р", "с", "т", "ш", "т", "с", "",
    ];
    const VOWELS: [&str; 9] = ["а", "е", "і", "ы", "о", "ұ", "ү", "ө", "ә"];
    const CODAS: [&str; 8] = ["", "", "н", "р", "л", "қ", "с", "т"];
    let mut words: Vec<String> = Vec::new();
    for r in ROOTS {
        words.extend(ENDS.iter().map(|e| format!("{r}{e}")));
    }
    words.extend(PLACES.iter().map(|p| p.to_string()));
    while words.len() < count {
        let syllables = 2 + rng.next(2);
        let w: String = (0..syllables)
            .map(|_| {
                let o = ONSETS[rng.next(ONSETS.len())];
                let v = VOWELS[rng.next(VOWELS.len())];
                let c = CODAS[rng.next(CODAS.len())];
                format!("{o}{v}{c}")
            })
            .collect();
        words.push(w);
    }
    words
}

struct Vocabulary {
    text: Vec<String>,
    other: Vec<String>,
}

fn rule(rng: &mut Lcg, vocab: &Vocabulary, busy: bool) -> String {
    let shape = rng.next(10);
    let mut w = || {
        let pool = if busy && rng.next(20) == 0 {
            &vocab.text
        } else {
            &vocab.other
        };
        pool[rng.next(pool.len())].clone()
    };
    match shape {
        0..=4 => w(),
        5 | 6 => format!("{} {}", w(), w()),
        7 => format!("\"{} {}\"", w(), w()),
        8 => format!("{} OR {}", w(), w()),
        _ => format!("{} -{}", w(), w()),
    }
}

fn article(rng: &mut Lcg, sentences: &[String]) -> String {
    let mut out = String::new();
    while out.len() < 5_000 {
        out.push_str(&sentences[rng.next(sentences.len())]);
        out.push('\n');
    }
    out
}

/// Passes over all articles per rule set. Passes for the different rule sets are
/// interleaved and the fastest is kept, so load from other work on the shared machine
/// disturbs every configuration alike.
const PASSES: usize = 9;

fn pass(set: &RuleSet, articles: &[String]) -> (f64, usize) {
    let start = Instant::now();
    let fired = articles
        .iter()
        .map(|a| black_box(set.matches(&set.document("Жаңалықтар", a))).len())
        .sum();
    (start.elapsed().as_secs_f64() / articles.len() as f64, fired)
}

fn run(mix: &str, busy: bool, rng: &mut Lcg, vocab: &Vocabulary, articles: &[String]) {
    let counts = [1usize, 10, 1_000, 10_000];
    let sets: Vec<RuleSet> = counts
        .iter()
        .map(|&count| {
            let rules = (0..count).map(|_| rule(rng, vocab, busy));
            RuleSet::new(rules.filter_map(|r| Query::parse(&r).ok()).collect())
        })
        .collect();
    let mut best = vec![(f64::MAX, 0usize); sets.len()];
    for _ in 0..PASSES {
        for (set, b) in sets.iter().zip(best.iter_mut()) {
            let (secs, fired) = pass(set, articles);
            *b = (b.0.min(secs), fired);
        }
    }
    for (count, (secs, fired)) in counts.iter().zip(&best) {
        println!(
            "{mix} {count:>6} rules: {:>5.0} articles/s, {:.3} ms/article, {:.2}x the 1-rule time, {:.1} rules fired/article",
            1.0 / secs,
            secs * 1000.0,
            secs / best[0].0,
            *fired as f64 / articles.len() as f64
        );
    }
}

/// `bodies DIR [full]`: each file of DIR is an article's title on its first line and body
/// after it; prepares each for the farm's one rule (`"саяси тұтқын"`, see
/// `../shared/bench/peers/`) and matches it, once — a short run to read under
/// `valgrind --tool=callgrind`. With `full`, every word is analysed (`Document::new`).
fn bodies(dir: &str, full: bool) {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let set = RuleSet::new(Query::parse("\"саяси тұтқын\"").into_iter().collect());
    let start = Instant::now();
    let mut fired = 0;
    for text in &texts {
        let (title, body) = text.split_once('\n').unwrap_or(("", text));
        let doc = if full {
            Document::new(title, body)
        } else {
            set.document(title, body)
        };
        fired += black_box(set.matches(&doc)).len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} articles, {fired} fired, {:.3} ms/article",
        texts.len(),
        secs * 1000.0 / texts.len().max(1) as f64
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "bodies") {
        let dir = args.get(i + 1).map_or(".", String::as_str);
        return bodies(dir, args.iter().any(|a| a == "full"));
    }
    let sentences = sentences();
    let mut rng = Lcg(42);
    let vocab = Vocabulary {
        text: text_words(&sentences),
        other: other_words(&mut rng, 20_000),
    };
    let articles: Vec<String> = (0..50).map(|_| article(&mut rng, &sentences)).collect();
    let prep = (0..PASSES)
        .map(|_| {
            let start = Instant::now();
            articles.iter().for_each(|a| {
                black_box(Document::new("Жаңалықтар", a));
            });
            start.elapsed().as_secs_f64() / articles.len() as f64
        })
        .fold(f64::MAX, f64::min);
    println!(
        "vocabulary {} text words + {} other words; {} articles of ~5 KB",
        vocab.text.len(),
        vocab.other.len(),
        articles.len()
    );
    println!(
        "Document::new only (every word analysed): {:.0} articles/s, {:.3} ms/article",
        1.0 / prep,
        prep * 1000.0
    );
    run("quiet", false, &mut rng, &vocab, &articles);
    run("busy ", true, &mut rng, &vocab, &articles);
}
