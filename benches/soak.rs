//! Soak: the real daemon in this process runs pass after pass (`run --once` semantics, one
//! database) against a local farm that keeps publishing: every feed request lists 20 new
//! items, each a real corpus page (`../shared/corpus/readability`) with a unique sentence in
//! its longest paragraph, every 10th carrying a watched Kazakh phrase. The farm is a child
//! process, so its CPU and memory are not counted. After every 10,000 stored articles it
//! prints resident and peak memory and the CPU spent per article since the last line.
//!
//! Run: `cargo bench --bench soak -- 100000` (articles; default 100,000). See
//! docs/benchmarks.md.

#[path = "common/process.rs"]
mod process;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use process::{ChildServer, cpu_seconds, status_kb};

/// The binary's allocator, so the soak measures the memory the daemon would use.
#[global_allocator]
static ALLOCATOR: newswatch::allocator::Jemalloc = newswatch::allocator::Jemalloc;

/// Feeds (sources), spread over [`HOSTS`] ports.
const SITES: usize = 50;
/// Hosts (ports); per-host limits apply to each.
const HOSTS: usize = 10;
/// New items per feed request.
const ITEMS: u64 = 20;
/// Articles between two report lines.
const REPORT_EVERY: usize = 10_000;
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/readability");
const PHRASE: &str = "Құқық қорғаушылар саяси тұтқындарға қатысты жаңа мәлімдеме жасады";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        serve();
        return;
    }
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    newswatch::allocator::tune_c_malloc();
    soak(n);
}

fn soak(n: usize) {
    let server = ChildServer::start();
    let ports = &server.ports;
    let dir = tempfile::tempdir().expect("temp dir");
    let config_path = dir.path().join("soak.toml");
    std::fs::write(&config_path, config(ports)).expect("write config");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("soak: {SITES} feeds x {ITEMS} new items per pass, concurrency 8, extraction on");
    println!(
        "| stored | passes | RSS now MB | of it anonymous / file MB | peak RSS MB | \
         CPU ms/article (since last line) | wall s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let (started, mut stored, mut passes) = (Instant::now(), 0usize, 0usize);
    let (mut next_report, mut cpu_mark, mut stored_mark) = (REPORT_EVERY, cpu_seconds(), 0usize);
    while stored < n {
        let config = newswatch::config::Config::load(&config_path).expect("config");
        let summary = runtime
            .block_on(newswatch::daemon::run(
                config,
                true,
                CancellationToken::new(),
            ))
            .expect("run");
        passes += 1;
        stored += summary.stored;
        if summary.stored == 0 {
            println!("no new article in pass {passes}; stopping");
            break;
        }
        if stored >= next_report || stored >= n {
            let cpu = cpu_seconds();
            println!(
                "| {stored} | {passes} | {} | {} / {} | {} | {:.2} | {:.0} |",
                status_kb("VmRSS:") / 1024,
                status_kb("RssAnon:") / 1024,
                status_kb("RssFile:") / 1024,
                status_kb("VmHWM:") / 1024,
                (cpu - cpu_mark) * 1e3 / (stored - stored_mark).max(1) as f64,
                started.elapsed().as_secs_f64()
            );
            (cpu_mark, stored_mark) = (cpu, stored);
            next_report += REPORT_EVERY;
        }
    }
    server.stop();
}

fn config(ports: &[u16]) -> String {
    let mut toml = String::from(
        "[storage]\ndatabase = \"soak.db\"\n\n[fetch]\nconcurrency = 8\n\
         per_host_concurrency = 2\nper_host_delay = \"0s\"\nallow_private_addresses = true\n\n",
    );
    for i in 0..SITES {
        let port = ports[i % ports.len()];
        toml.push_str(&format!(
            "[[source]]\nname = \"site-{i}\"\nurl = \"http://127.0.0.1:{port}/feed/{i}\"\nextract = true\n\n"
        ));
    }
    toml.push_str("[[rule]]\nname = \"political-prisoners\"\nquery = '\"саяси тұтқын\"'\n\n");
    toml.push_str("[[sink]]\nkind = \"log\"\n");
    toml
}

/// A corpus page and where its longest paragraph's text starts.
struct Page {
    html: String,
    insert_at: usize,
}

/// Corpus pages with a `<p>` to carry the unique sentence.
fn pages() -> Vec<Page> {
    let mut dirs: Vec<_> = std::fs::read_dir(CORPUS)
        .expect("the readability corpus in ../shared")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs.iter()
        .filter_map(|d| std::fs::read(d.join("source.html")).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .filter_map(|html| {
            let insert_at = longest_paragraph(&html)?;
            Some(Page { html, insert_at })
        })
        .collect()
}

/// Byte offset of the text of the page's longest `<p>` element.
fn longest_paragraph(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let mut best: Option<(usize, usize)> = None;
    let mut from = 0;
    while let Some(open) = lower[from..].find("<p").map(|i| i + from) {
        from = open + 2;
        if !matches!(lower.as_bytes().get(open + 2), Some(b'>' | b' ')) {
            continue;
        }
        let Some(start) = lower[open..].find('>').map(|i| i + open + 1) else {
            break;
        };
        let Some(end) = lower[start..].find("</p").map(|i| i + start) else {
            break;
        };
        if best.is_none_or(|(_, len)| end - start > len) {
            best = Some((start, end - start));
        }
    }
    best.map(|(start, _)| start)
}

/// The farm: HOSTS listeners, keep-alive, one thread per connection, until stdin closes.
fn serve() {
    let pages = Arc::new(pages());
    let published = Arc::new(Mutex::new(vec![0u64; SITES]));
    let mut ports = Vec::new();
    for _ in 0..HOSTS {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        ports.push(port);
        let (pages, published) = (Arc::clone(&pages), Arc::clone(&published));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (pages, published) = (Arc::clone(&pages), Arc::clone(&published));
                std::thread::spawn(move || connection(stream, port, &pages, &published));
            }
        });
    }
    let line: Vec<String> = ports.iter().map(u16::to_string).collect();
    println!("{}", line.join(" "));
    let _ = std::io::stdout().flush();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

fn connection(stream: TcpStream, port: u16, pages: &[Page], published: &Mutex<Vec<u64>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_string();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line.trim_end().is_empty() {
                break;
            }
        }
        let parts: Vec<u64> = path.split('/').filter_map(|p| p.parse().ok()).collect();
        let (status, kind, body) = match (path.split('/').nth(1), parts.as_slice()) {
            (Some("feed"), [site]) => {
                let first = {
                    let mut published = published.lock().unwrap_or_else(|p| p.into_inner());
                    let slot = &mut published[*site as usize % SITES];
                    *slot += ITEMS;
                    *slot - ITEMS
                };
                ("200 OK", "application/rss+xml", feed(port, *site, first))
            }
            (Some("page"), [site, item]) => ("200 OK", "text/html", page(pages, *site, *item)),
            _ => ("404 Not Found", "text/plain", String::new()),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {kind}; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(body.as_bytes()).is_err()
        {
            return;
        }
    }
}

fn feed(port: u16, site: u64, first: u64) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Farm</title><link>http://farm.example/</link>\n",
    );
    for item in (first..first + ITEMS).rev() {
        xml.push_str(&format!(
            "<item><title>Article {site}-{item}</title><link>http://127.0.0.1:{port}/page/{site}/{item}</link>\
             <guid>{site}-{item}</guid><description>Farm article {site}-{item}.</description></item>\n"
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}

fn page(pages: &[Page], site: u64, item: u64) -> String {
    let Some(page) = pages.get(((site * 7919 + item) % pages.len().max(1) as u64) as usize) else {
        return String::new();
    };
    let sentence = if item.is_multiple_of(10) {
        format!("{PHRASE} (farm id {site}-{item}). ")
    } else {
        format!("Farm editors added this note to the story (farm id {site}-{item}). ")
    };
    let (head, tail) = page.html.split_at(page.insert_at);
    format!("{head}{sentence}{tail}")
}
