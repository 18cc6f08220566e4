//! Extraction throughput on one core: runs `newswatch::extract::extract` over every page of
//! the shared readability corpus (already in memory) and prints pages/s and MB/s.
//! Run with `cargo bench --bench extract [-- ROUNDS]`. Also prints pages per CPU-second (from
//! Linux `/proc/self/schedstat`), which stays fair when other processes share the core.
//! Then times one extraction of a hostile page nested 20,000 and 100,000 elements deep
//! (`--depth N`, repeatable, replaces those depths), which must stay far from quadratic.

use std::path::Path;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/readability");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let depths: Vec<usize> = args
        .windows(2)
        .filter(|w| w[0] == "--depth")
        .filter_map(|w| w[1].parse().ok())
        .collect();
    let rounds: usize = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || args[i - 1] != "--depth")
        .find_map(|(_, a)| a.parse().ok())
        .unwrap_or(5);
    let mut pages: Vec<String> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("corpus missing at {}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.html").is_file())
        .filter_map(|p| std::fs::read(p.join("source.html")).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    pages.sort();
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
        "extract: {n} pages ({rounds} rounds of {}) in {secs:.2}s = {:.1} pages/s, {:.1} MB/s (checksum {chars})",
        pages.len(),
        n as f64 / secs,
        (bytes * rounds) as f64 / secs / 1e6,
    );
    if let Some(cpu) = cpu {
        println!(
            "extract: {cpu:.2} CPU-s = {:.1} pages per CPU-second",
            n as f64 / cpu
        );
    }
    let depths = if depths.is_empty() {
        vec![20_000, 100_000]
    } else {
        depths
    };
    for depth in depths {
        hostile(depth);
    }
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
