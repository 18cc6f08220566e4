//! A live news site on 127.0.0.1 and a config watching it, for the tests that run a daemon
//! (`metrics`, `poll`): one feed with an article about a rally and an item whose page is gone.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common::article::{RUSSIAN_PARAGRAPHS, article_page};
use crate::common::feeds::{FeedItem, rss_feed};
use crate::common::process::TestDir;
use crate::common::response::Response;
use crate::common::server::TestServer;

/// The feed's path on the site.
pub const FEED: &str = "/rss";

/// Serves the feed: `/a/1.html` is a full article about a rally, `/a/gone.html` a 404.
pub fn serve_site(server: &TestServer) {
    let items = [
        FeedItem {
            title: "Митинг у памятника Абаю",
            link: &server.url("/a/1.html"),
            guid: "a-1",
            pub_date: "2026-01-08T14:30:00+05:00",
            description: "Участников мирного митинга арестовали.",
        },
        FeedItem {
            title: "Снятая новость",
            link: &server.url("/a/gone.html"),
            guid: "a-gone",
            pub_date: "2026-01-08T15:00:00+05:00",
            description: "Текст снят с сайта.",
        },
    ];
    server.route(
        FEED,
        Response::ok("application/rss+xml", rss_feed("Vlast", &items)),
    );
    let page = article_page(
        "Митинг у памятника Абаю",
        "Редакция",
        "2026-01-08T14:30:00+05:00",
        RUSSIAN_PARAGRAPHS,
        "ru",
    );
    server.route("/a/1.html", Response::ok("text/html; charset=utf-8", page));
    server.route("/a/gone.html", Response::status(404));
}

/// Writes a config watching the site's feed as source `vlast` (page text extracted), with a
/// rule `rally` and the log sink; `extra` is appended.
pub fn site_config(dir: &TestDir, server: &TestServer, extra: &str) -> PathBuf {
    dir.write_config(&format!(
        "[storage]\ndatabase = \"n.db\"\n\n[fetch]\nallow_private_addresses = true\n\
         timeout = \"3s\"\nconnect_timeout = \"1s\"\nper_host_delay = \"0s\"\n\n\
         [[source]]\nname = \"vlast\"\nurl = \"{}\"\ninterval = \"10m\"\nobey_robots = false\n\n\
         [[rule]]\nname = \"rally\"\nquery = 'митинг'\n\n[[sink]]\nkind = \"log\"\n{extra}",
        server.url(FEED)
    ))
}

/// A loopback address no one listens on now (bound, then let go).
pub fn free_address() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address")
}

/// Sends `method path` to `address` over HTTP/1.1; the status and body, or `None` when
/// nothing answers.
pub fn http(address: SocketAddr, method: &str, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

/// Waits up to 30 s for `done`, checking every 100 ms.
pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(done(), "timed out waiting for {what}");
}
