//! Cost of the source parsers on hostile-sized input (docs/benchmarks.md, "Sources"): a
//! 50,000-URL gzipped news sitemap (the protocol's maximum) read as a stream, and a listing
//! page with 10,000 links.
//!
//! `cargo bench --bench sources` prints, for each, the best of 5 runs, and for the sitemap the
//! growth of the process's peak resident memory while reading (Linux `VmHWM`, reset first).

use std::io::Write;
use std::time::{Duration, Instant};

use newswatch::sources::{Newest, SitemapItem, parse_listing, read_sitemap};
use url::Url;

const RUNS: usize = 5;

fn main() {
    sitemap();
    listing();
}

fn sitemap() {
    let gz = {
        let mut xml = String::from(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
             xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">",
        );
        for i in 0..50_000 {
            xml.push_str(&format!(
                "<url><loc>https://example.kz/news/2026/01/{:02}/{i:06}-sud-arestoval-aktivistov</loc>\
                 <news:news><news:publication><news:name>Example</news:name><news:language>ru</news:language>\
                 </news:publication><news:publication_date>2026-01-{:02}T10:00:00+05:00</news:publication_date>\
                 <news:title>Суд арестовал активистов номер {i}</news:title></news:news></url>",
                i % 28 + 1,
                i % 28 + 1
            ));
        }
        xml.push_str("</urlset>");
        println!("sitemap: {} bytes of XML, 50000 URLs", xml.len());
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(xml.as_bytes()).expect("gzip in memory");
        enc.finish().expect("gzip in memory")
    };
    println!("sitemap: {} bytes gzipped", gz.len());
    let url = Url::parse("https://example.kz/news-sitemap.xml.gz").expect("static URL");
    // Reset the peak to the current size, so the growth is the read's alone (Linux).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmRSS:");
    let best = best_of(|| {
        let mut newest = Newest::new(1000);
        let read = read_sitemap(&gz, &url, |item| {
            if let SitemapItem::Page(page) = item {
                newest.push(page);
            }
        })
        .expect("a valid sitemap");
        assert_eq!(read.entries, 50_000);
        assert_eq!(newest.into_sorted().len(), 1000);
    });
    let growth = status_kib("VmHWM:").saturating_sub(before);
    println!("sitemap: read + keep newest 1000: best {best:?}; peak RSS growth {growth} KiB");
}

fn listing() {
    let mut html = String::from("<html><body><nav><a href=\"/about\">About</a></nav><main>");
    for i in 0..10_000 {
        html.push_str(&format!(
            "<article><h3><a href=\"/news/{i:05}-sud-arestoval-aktivistov\">Суд арестовал активистов {i}</a></h3></article>"
        ));
    }
    html.push_str("</main></body></html>");
    println!("listing: {} bytes, 10000 links", html.len());
    let url = Url::parse("https://example.kz/latest").expect("static URL");
    let best = best_of(|| {
        let listing = parse_listing(&html, &url, None, None);
        assert_eq!(listing.links.len(), newswatch::sources::MAX_LINKS);
    });
    println!("listing: parse + automatic link finding: best {best:?}");
}

fn best_of(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// A `/proc/self/status` size field (`VmRSS:`, `VmHWM:`) in KiB; 0 where /proc is missing.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
