//! Feed reading benchmark: CPU time per item of `sources::parse_feed` over feeds shaped like
//! the ones we poll, on each reading path: well-formed RSS 2.0 and Atom 1.0 (feed-rs), RSS
//! without `version` and Atom 0.3 (pre-normalised, then feed-rs), and broken XML (feed-rs
//! fails, the lenient reader recovers every item), broken early or only at the very end.
//!
//! Run: `cargo bench --bench feeds -- 200` (items per feed; default 100). CPU time is the
//! thread's own (`/proc/thread-self/schedstat`), so other processes on the machine do not
//! count. See docs/benchmarks.md.

use std::hint::black_box;

use newswatch::sources::parse_feed;
use url::Url;

/// Items parsed per measurement, at least (feeds are parsed repeatedly to reach it).
const ITEMS_PER_RUN: usize = 20_000;

fn main() {
    let per_feed: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100);
    let url = Url::parse("https://news.example.kz/rss").expect("static URL");
    println!("| feed | items | bytes | CPU per item | CPU per feed |");
    println!("|---|---|---|---|---|");
    for (name, text) in feeds(per_feed) {
        let parsed = parse_feed(&text, &url).map(|f| f.items.len());
        assert_eq!(
            parsed.ok(),
            Some(per_feed),
            "{name} did not give every item"
        );
        let rounds = ITEMS_PER_RUN.div_ceil(per_feed);
        let start = thread_cpu_ns();
        for _ in 0..rounds {
            black_box(parse_feed(black_box(&text), &url).ok());
        }
        let ns = thread_cpu_ns().saturating_sub(start) as f64;
        let per_item = ns / (rounds * per_feed) as f64 / 1000.0;
        println!(
            "| {name} | {per_feed} | {} | {per_item:.1} µs | {:.2} ms |",
            text.len(),
            ns / rounds as f64 / 1e6
        );
    }
}

/// CPU time of this thread so far, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (Linux only)")
}

fn description(i: usize) -> String {
    format!(
        "&lt;p&gt;Правозащитники сообщили о новых задержаниях в Алматы и Астане ({i}). \
         Белсенділер саяси тұтқындарды босатуды талап етті; сот әкімшілік қамауға алды.&lt;/p&gt;\
         &lt;p&gt;&lt;a href=\"https://news.example.kz/tag/{i}\"&gt;Тег&lt;/a&gt; · \
         &lt;img src=\"https://news.example.kz/i/{i}.jpg\"&gt;&lt;/p&gt;"
    )
}

fn rss(root: &str, n: usize, broken: bool) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{root}<channel><title>Лента</title>\
         <link>https://news.example.kz/</link><description>Новости</description><ttl>10</ttl>\n"
    );
    for i in 0..n {
        let amp = if broken { "&nbsp;&" } else { "" };
        xml.push_str(&format!(
            "<item><title>Саяси тұтқындар {i}{amp}</title><link>https://news.example.kz/a/{i}</link>\
             <guid isPermaLink=\"false\">id-{i}</guid><pubDate>Mon, 12 Jan 2026 18:00:00 +0500</pubDate>\
             <dc:creator>Редакция</dc:creator><description>{}</description></item>\n",
            description(i)
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}

fn atom(namespace: &str, n: usize) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"{namespace}\"><title>Лента</title>\
         <id>tag:news.example.kz,2026:f</id><updated>2026-01-12T18:00:00Z</updated>\n"
    );
    for i in 0..n {
        xml.push_str(&format!(
            "<entry><title type=\"text/plain\">Саяси тұтқындар {i}</title><id>tag:news.example.kz,2026:{i}</id>\
             <link rel=\"alternate\" href=\"https://news.example.kz/a/{i}\"/><updated>2026-01-12T18:00:00Z</updated>\
             <author><name>Редакция</name></author><summary type=\"html\">{}</summary></entry>\n",
            description(i)
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

fn feeds(n: usize) -> Vec<(&'static str, String)> {
    let dc = "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"";
    let whole = rss(&format!("<rss version=\"2.0\" {dc}>"), n, false);
    let truncated = whole.replace("</channel></rss>\n", "");
    vec![
        (
            "RSS 2.0",
            rss(&format!("<rss version=\"2.0\" {dc}>"), n, false),
        ),
        ("RSS without version", rss(&format!("<rss {dc}>"), n, false)),
        (
            "Atom 1.0, MIME text types",
            atom("http://www.w3.org/2005/Atom", n),
        ),
        ("Atom 0.3", atom("http://purl.org/atom/ns#", n)),
        (
            "broken RSS (lenient reader)",
            rss(&format!("<rss version=\"2.0\" {dc}>"), n, true),
        ),
        (
            "truncated RSS (strict fails at the end, then lenient)",
            truncated,
        ),
    ]
}
