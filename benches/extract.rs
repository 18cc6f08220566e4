//! Extraction throughput on one core: runs `newswatch::extract::extract` over every page of
//! the shared readability corpus (already in memory) and prints pages/s and MB/s.
//! Run with `cargo bench --bench extract [-- ROUNDS]`. Also prints pages per CPU-second (from
//! Linux `/proc/self/schedstat`), which stays fair when other processes share the core.

use std::path::Path;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/readability");
    let rounds: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
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
}

/// CPU time this thread's process has run, from the scheduler's statistics.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}
