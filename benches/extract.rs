//! Extraction benchmarks on one core, over the shared corpora (already in memory).
//!
//! `cargo bench --bench extract -- [ROUNDS] [--corpus readability|fundus] [--depth N]...`
//! prints pages/s, MB/s and pages per CPU-second (from Linux `/proc/self/schedstat`, fair when
//! other processes share the core), then times one extraction of a hostile page nested
//! 20,000 and 100,000 elements deep (`--depth N`, repeatable, replaces those depths).
//!
//! `-- --same-site` runs the daemon's path (`extract_learning`, with the per-host template
//! memory) over the pages of each site that has several in the readability corpus, in order,
//! and counts the blocks the memory dropped and how many of them the expected text holds.
//! Then it builds one site of 30 pages whose article container carries template lines no
//! markup betrays (the articles: the first 30 fundus texts), and counts the template lines
//! and article paragraphs kept without and with the memory.
//!
//! `-- --memory tags|prose|comments|PATH` extracts one page — synthetic 10 MiB pages of tiny
//! link rows, long paragraphs, or paragraphs with comments and unread attributes, or the page
//! at PATH — and prints the peak memory it added (`VmHWM`) as a multiple of the page size
//! (one page per run: the peak is the process's).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use scraper::Html;

#[path = "common/corpus.rs"]
mod corpus;

use corpus::{page_dirs, read};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| -> Vec<String> {
        args.windows(2)
            .filter(|w| w[0] == flag)
            .map(|w| w[1].clone())
            .collect()
    };
    if let Some(kind) = value("--memory").first() {
        memory(kind);
        return;
    }
    if args.iter().any(|a| a == "--same-site") {
        same_site();
        return;
    }
    let corpus = value("--corpus")
        .first()
        .cloned()
        .unwrap_or_else(|| "readability".into());
    let depths: Vec<usize> = value("--depth")
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect();
    let rounds: usize = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || !args[i - 1].starts_with("--"))
        .find_map(|(_, a)| a.parse().ok())
        .unwrap_or(5);
    throughput(&corpus, rounds);
    let depths = if depths.is_empty() {
        vec![20_000, 100_000]
    } else {
        depths
    };
    for depth in depths {
        hostile(depth);
    }
}

fn throughput(corpus: &str, rounds: usize) {
    let pages: Vec<String> = page_dirs(corpus)
        .iter()
        .map(|p| read(&p.join("source.html")))
        .collect();
    let bytes: usize = pages.iter().map(String::len).sum();
    let mut chars = 0usize;
    for page in &pages {
        chars += newswatch::extract::extract(page, None).body.len();
    }
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    for _ in 0..rounds {
        for page in &pages {
            chars += std::hint::black_box(newswatch::extract::extract(page, None))
                .body
                .len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_start.zip(cpu_seconds()).map(|(a, b)| b - a);
    let n = pages.len() * rounds;
    println!(
        "extract {corpus}: {n} pages ({rounds} rounds of {}) in {secs:.2}s = {:.1} pages/s, {:.1} MB/s (checksum {chars})",
        pages.len(),
        n as f64 / secs,
        (bytes * rounds) as f64 / secs / 1e6,
    );
    if let Some(cpu) = cpu {
        println!(
            "extract {corpus}: {cpu:.2} CPU-s = {:.1} pages per CPU-second",
            n as f64 / cpu
        );
    }
}

/// Readability pages grouped by site: the name without a trailing `-N`, groups of two or more.
fn sites() -> BTreeMap<String, Vec<PathBuf>> {
    let mut groups: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for dir in page_dirs("readability") {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let site = match name.rsplit_once('-') {
            Some((site, n)) if n.chars().all(|c| c.is_ascii_digit()) => site.to_string(),
            _ => name,
        };
        groups.entry(site).or_default().push(dir);
    }
    groups.retain(|_, pages| pages.len() >= 2);
    groups
}

/// Words of a text joined by single spaces, lowercased.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn same_site() {
    let (mut pages, mut dropped, mut in_truth) = (0usize, 0usize, 0usize);
    for (site, dirs) in sites() {
        let url = |i: usize| url::Url::parse(&format!("https://{site}.example/{i}")).ok();
        for (i, dir) in dirs.iter().enumerate() {
            let Some(page_url) = url(i) else { continue };
            let html = read(&dir.join("source.html"));
            let plain = newswatch::extract::extract(&html, Some(&page_url)).body;
            let learned = newswatch::extract::extract_learning(&html, &page_url, &[]).body;
            let truth = words(
                &Html::parse_document(&read(&dir.join("expected.html")))
                    .root_element()
                    .text()
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            let kept: Vec<&str> = learned.split("\n\n").collect();
            for block in plain.split("\n\n").filter(|b| !kept.contains(b)) {
                dropped += 1;
                let known = truth.contains(&words(block));
                in_truth += usize::from(known);
                println!(
                    "{site} page {}: dropped {block:?} (in expected text: {known})",
                    i + 1
                );
            }
            pages += 1;
        }
    }
    println!(
        "same-site: {pages} pages of {} sites; template memory dropped {dropped} blocks, {in_truth} of them in the expected text",
        sites().len()
    );
    templated_site();
}

/// Lines a site repeats inside its article container (subscription calls, notes, teasers).
const TEMPLATE_LINES: &[&str] = &[
    "Біздің Telegram-арнамызға жазылыңыз — ең маңызды жаңалықтар бірінші болып сізде.",
    "Lesen Sie auch: Die wichtigsten Nachrichten des Tages im Überblick",
    "本記事の無断転載を禁じます。最新ニュースはアプリでお読みください。",
    "Нашли ошибку? Выделите текст и нажмите Ctrl+Enter, редакция исправит её.",
];

/// One site, 30 pages: template lines around real article paragraphs, extracted in order.
fn templated_site() {
    let texts: Vec<String> = page_dirs("fundus")
        .iter()
        .map(|d| read(&d.join("expected.txt")))
        .filter(|t| t.len() > 500)
        .take(30)
        .collect();
    let Some(page_url) = url::Url::parse("https://templated.example/").ok() else {
        return;
    };
    let (mut kept_plain, mut kept_learned, mut lost_plain, mut lost_learned) = (0, 0, 0, 0);
    for (i, text) in texts.iter().enumerate() {
        let paragraphs: Vec<&str> = text.split('\n').filter(|p| p.len() > 80).collect();
        let mut html = String::from("<html><body><article><h1>Story</h1>");
        for (n, p) in paragraphs.iter().enumerate() {
            html.push_str(&format!("<p>{p}</p>"));
            if n == 1 {
                html.push_str(&format!(
                    "<p>{}</p><p>{}</p>",
                    TEMPLATE_LINES[0], TEMPLATE_LINES[1]
                ));
            }
        }
        html.push_str(&format!(
            "<p>{}</p><p>{}</p></article></body></html>",
            TEMPLATE_LINES[2], TEMPLATE_LINES[3]
        ));
        let url = page_url
            .join(&format!("{i}"))
            .unwrap_or_else(|_| page_url.clone());
        let plain = newswatch::extract::extract(&html, Some(&url)).body;
        let learned = newswatch::extract::extract_learning(&html, &url, &[]).body;
        let count = |body: &str| TEMPLATE_LINES.iter().filter(|l| body.contains(*l)).count();
        let lost = |body: &str| {
            paragraphs
                .iter()
                .filter(|p| !body.contains(p.trim()))
                .count()
        };
        kept_plain += count(&plain);
        kept_learned += count(&learned);
        lost_plain += lost(&plain);
        lost_learned += lost(&learned);
    }
    let lines = texts.len() * TEMPLATE_LINES.len();
    println!(
        "same-site templated: {} pages; template lines kept {kept_plain}/{lines} without memory, {kept_learned}/{lines} with; article paragraphs lost {lost_plain} without, {lost_learned} with",
        texts.len()
    );
}

/// Peak memory one extraction of a page adds, in multiples of the page.
fn memory(kind: &str) {
    let row = match kind {
        "tags" => "<div class=\"item\"><a href=\"/x/1\">link</a> <span>word</span></div>\n",
        "prose" => {
            "<p>Саяси тұтқындарға қатысты жаңалық, деді ол. The council met and voted.</p>\n"
        }
        "comments" => {
            "<p data-track=\"paragraph-body-text\" onclick=\"track(this)\" data-index=\"1\">\
             Саяси тұтқындарға<!-- paragraph end marker --> қатысты.</p>\n"
        }
        _ => "",
    };
    let page = if row.is_empty() {
        read(Path::new(kind))
    } else {
        let mut page = String::with_capacity((10 << 20) + 100);
        page.push_str("<html><body><article>");
        for _ in 0..(10 << 20) / row.len() {
            page.push_str(row);
        }
        page.push_str("</article></body></html>");
        page
    };
    assert!(
        !page.is_empty(),
        "--memory takes tags, prose, comments or a page's path"
    );
    // Resets the peak to the current resident set, so reading the page does not count.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = peak_kib();
    let cpu_start = cpu_seconds();
    let body = newswatch::extract::extract(&page, None).body;
    let cpu = cpu_start.zip(cpu_seconds()).map_or(0.0, |(a, b)| b - a);
    if let Some((a, b)) = before.zip(peak_kib()) {
        let added = (b.saturating_sub(a) * 1024) as f64;
        println!(
            "extract memory ({kind}): {:.1} MB page, peak +{:.1} MB = {:.1}x the page, {cpu:.2} CPU-s, {} chars kept",
            page.len() as f64 / 1e6,
            added / 1e6,
            added / page.len() as f64,
            body.len()
        );
    }
}

/// Peak resident memory of the process so far (KiB), from `/proc/self/status`.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Times one extraction of a page of `depth` nested divs, each holding a word.
fn hostile(depth: usize) {
    let page = format!(
        "<html><body>{}{}</body></html>",
        "<div>deep ".repeat(depth),
        "</div>".repeat(depth)
    );
    let start = Instant::now();
    let body = newswatch::extract::extract(&page, None).body;
    println!(
        "extract: hostile page nested {depth} deep ({} KB) in {:.3}s ({} words kept)",
        page.len() / 1000,
        start.elapsed().as_secs_f64(),
        body.split_whitespace().count()
    );
}

/// CPU time this thread's process has run, from the scheduler's statistics.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}
