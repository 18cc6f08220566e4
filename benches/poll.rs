//! Polling benchmark: N feeds on a local keep-alive server (a child process, so its work is
//! not counted), polled twice by the real daemon in this process: a first round of 200s, a
//! second of 304s. Reports polls/s, CPU seconds and peak RSS per round.
//!
//! Run: `cargo bench --bench poll -- 10000` (sources; default 1000). See docs/benchmarks.md.

#[path = "common/process.rs"]
mod process;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use process::{ChildServer, cpu_seconds, status_kb};

/// Hosts (ports) the feeds are spread over; per-host limits apply to each.
const HOSTS: usize = 50;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        serve();
        return;
    }
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1000);
    bench(n);
}

fn bench(n: usize) {
    let server = ChildServer::start();
    let ports = &server.ports;
    let dir = tempfile::tempdir().expect("temp dir");
    let config_path = dir.path().join("bench.toml");
    std::fs::write(&config_path, config(n, ports)).expect("write config");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("sources={n} hosts={HOSTS}");
    for round in ["200 (first poll)", "304 (second poll)"] {
        let config = newswatch::config::Config::load(&config_path).expect("config");
        let (cpu_before, wall) = (cpu_seconds(), Instant::now());
        let summary = runtime
            .block_on(newswatch::daemon::run(
                config,
                true,
                CancellationToken::new(),
            ))
            .expect("run");
        let (cpu, secs) = (cpu_seconds() - cpu_before, wall.elapsed().as_secs_f64());
        println!(
            "round {round}: polled {} failed {} stored {} | {:.2} s wall, {:.0} polls/s, {:.2} CPU s, {:.0} us CPU/poll, peak RSS {} MB",
            summary.polled,
            summary.failed,
            summary.stored,
            secs,
            summary.polled as f64 / secs,
            cpu,
            cpu * 1e6 / summary.polled.max(1) as f64,
            status_kb("VmHWM:") / 1024
        );
    }
    server.stop();
}

fn config(n: usize, ports: &[u16]) -> String {
    let mut toml = String::from(
        "[storage]\ndatabase = \"bench.db\"\n\n[fetch]\nconcurrency = 64\n\
         per_host_concurrency = 8\nper_host_delay = \"0s\"\nallow_private_addresses = true\n\n",
    );
    for i in 0..n {
        let port = ports[i % ports.len()];
        toml.push_str(&format!(
            "[[source]]\nname = \"s{i}\"\nurl = \"http://127.0.0.1:{port}/feed/{i}\"\nextract = false\n\n"
        ));
    }
    toml
}

/// The feed server: HOSTS listeners, keep-alive, one thread per connection, until stdin closes.
fn serve() {
    let mut ports = Vec::new();
    for _ in 0..HOSTS {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        ports.push(listener.local_addr().expect("addr").port());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || connection(stream));
            }
        });
    }
    let line: Vec<String> = ports.iter().map(u16::to_string).collect();
    println!("{}", line.join(" "));
    let _ = std::io::stdout().flush();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

fn connection(stream: TcpStream) {
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
        let mut if_none_match = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("if-none-match")
            {
                if_none_match = Some(value.trim().to_string());
            }
        }
        let etag = format!("\"{}\"", path.replace('/', "-"));
        let response = if if_none_match.as_deref() == Some(etag.as_str()) {
            format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nContent-Length: 0\r\n\r\n")
        } else {
            let body = feed(&path);
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\nETag: {etag}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
        };
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn feed(path: &str) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Жаңалықтар</title><link>http://news.example.kz/</link>\n",
    );
    for item in 0..3 {
        xml.push_str(&format!(
            "<item><title>Мақала {item}</title><link>http://news.example.kz{path}/{item}</link><guid>{path}/{item}</guid>\
             <pubDate>Mon, 12 Jan 2026 18:00:00 +0500</pubDate><description>Белсенділер сот ғимаратының алдында пикетке шықты. Активисты вышли на пикет.</description></item>\n"
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}
