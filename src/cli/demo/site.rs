//! The demo's sample news site: two feeds (Kazakh and Russian) and their article pages,
//! compiled into the binary and served over HTTP/1.1 on 127.0.0.1 by a deliberately small
//! server. It answers `GET`/`HEAD` for the fixed pages and 404 for anything else; it is no
//! general web server and never listens beyond loopback.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Largest request head read; the demo's client sends a few hundred bytes.
const MAX_REQUEST_BYTES: usize = 8 * 1024;

/// How long one connection may take to send its request and read the answer.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);

const RSS: &str = "application/rss+xml; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// Every page of the site: its path, content type and text. `{base}` in a text becomes the
/// site's `http://127.0.0.1:PORT`, `{date}` the time the demo runs (RFC 2822).
const PAGES: &[(&str, &str, &str)] = &[
    ("/kk/feed.xml", RSS, include_str!("site/kk-feed.xml")),
    ("/ru/feed.xml", RSS, include_str!("site/ru-feed.xml")),
    (
        "/kk/saiasi-tutqyndar.html",
        HTML,
        include_str!("site/kk-saiasi-tutqyndar.html"),
    ),
    (
        "/kk/kitaphana.html",
        HTML,
        include_str!("site/kk-kitaphana.html"),
    ),
    ("/ru/miting.html", HTML, include_str!("site/ru-miting.html")),
    ("/ru/dorogi.html", HTML, include_str!("site/ru-dorogi.html")),
    ("/robots.txt", TEXT, include_str!("site/robots.txt")),
];

/// The feeds the demo config polls: source name, path, tag.
pub const FEEDS: &[(&str, &str, &str)] = &[
    ("demo-kk", "/kk/feed.xml", "kk"),
    ("demo-ru", "/ru/feed.xml", "ru"),
];

/// Article pages on the site (every page that is neither a feed nor robots.txt).
pub const ARTICLES: usize = 4;

/// The sample site, bound to a port on 127.0.0.1.
pub struct Site {
    listener: TcpListener,
    base: String,
}

impl Site {
    /// Binds a random free port on 127.0.0.1.
    pub async fn bind() -> std::io::Result<Site> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let base = format!("http://{}", listener.local_addr()?);
        Ok(Site { listener, base })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Serves requests until `stop`; a connection that fails only ends itself.
    pub async fn serve(self, stop: CancellationToken) {
        let date = chrono::Utc::now().to_rfc2822();
        loop {
            let stream = tokio::select! {
                () = stop.cancelled() => return,
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(err) => {
                        tracing::warn!(error = %err, "demo site: accept failed");
                        continue;
                    }
                },
            };
            let base = self.base.clone();
            let date = date.clone();
            tokio::spawn(async move {
                let answered =
                    tokio::time::timeout(CONNECTION_TIMEOUT, answer(stream, &base, &date));
                if let Ok(Err(err)) = answered.await {
                    tracing::debug!(error = %err, "demo site: connection failed");
                }
            });
        }
    }
}

/// Reads one request head and writes the page it names (or 404), then closes.
async fn answer(mut stream: TcpStream, base: &str, date: &str) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST_BYTES {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.lines().next().unwrap_or("").split_whitespace();
    let method = words.next().unwrap_or("");
    let path = words.next().unwrap_or("").split('?').next().unwrap_or("");
    let page = PAGES.iter().find(|(p, _, _)| *p == path);
    let (status, content_type, body) = match page {
        Some((_, content_type, text)) => (
            "200 OK",
            *content_type,
            text.replace("{base}", base).replace("{date}", date),
        ),
        None => ("404 Not Found", TEXT, "not found\n".to_string()),
    };
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        response.extend_from_slice(body.as_bytes());
    }
    stream.write_all(&response).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feed_link_names_a_served_page() {
        let feeds = PAGES.iter().filter(|(_, t, _)| *t == RSS);
        let mut linked = 0;
        for (_, _, feed) in feeds {
            for link in feed.split("<link>{base}").skip(1) {
                let path = link.split('<').next().unwrap_or("");
                if path.ends_with(".html") {
                    assert!(PAGES.iter().any(|(p, _, _)| *p == path), "{path}");
                    linked += 1;
                }
            }
        }
        assert_eq!(linked, ARTICLES);
        assert_eq!(
            FEEDS.len(),
            PAGES.iter().filter(|(_, t, _)| *t == RSS).count()
        );
    }
}
