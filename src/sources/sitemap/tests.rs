use std::io::Write;

use super::*;

fn url() -> Url {
    Url::parse("https://example.kz/sitemap.xml").unwrap()
}

fn read(body: &[u8]) -> Result<(Vec<SitemapItem>, SitemapRead), String> {
    let mut items = Vec::new();
    let read = read_sitemap(body, &url(), |i| items.push(i))?;
    Ok((items, read))
}

const NEWS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://example.kz/news/2026/01/12/sud?id=1&amp;lang=ru</loc>
    <news:news>
      <news:publication><news:name>Example</news:name><news:language>ru</news:language></news:publication>
      <news:publication_date>2026-01-12T10:00:00+05:00</news:publication_date>
      <news:title>Суд арестовал активистов</news:title>
    </news:news>
  </url>
  <url><loc>/kk/news/2</loc><lastmod>2026-01-11</lastmod></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><lastmod>2026-01-11</lastmod></url>
</urlset>"#;

#[test]
fn google_news_fields_and_lastmod_are_read() {
    let (items, read) = read(NEWS.as_bytes()).unwrap();
    assert_eq!(read.entries, 2);
    assert!(!read.truncated);
    let SitemapItem::Page(first) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(
        first.loc.as_str(),
        "https://example.kz/news/2026/01/12/sud?id=1&lang=ru"
    );
    assert_eq!(first.title.as_deref(), Some("Суд арестовал активистов"));
    assert_eq!(
        first.published.unwrap().to_rfc3339(),
        "2026-01-12T05:00:00+00:00"
    );
    assert_eq!(first.date, first.published);
    let SitemapItem::Page(second) = &items[1] else {
        panic!("{items:?}")
    };
    assert_eq!(second.loc.as_str(), "https://example.kz/kk/news/2");
    assert_eq!(second.lastmod.as_deref(), Some("2026-01-11"));
    assert_eq!(second.title, None, "the publication's name is not a title");
}

#[test]
fn an_index_lists_child_sitemaps_and_gzip_is_inflated() {
    let index = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://example.kz/sitemap-1.xml.gz</loc><lastmod>2026-01-12T10:00+05:00</lastmod></sitemap>
</sitemapindex>"#;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(index.as_bytes()).unwrap();
    let (items, _) = read(&gz.finish().unwrap()).unwrap();
    let SitemapItem::Sitemap(child) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(child.loc.path(), "/sitemap-1.xml.gz");
    assert_eq!(
        child.date.unwrap().to_rfc3339(),
        "2026-01-12T05:00:00+00:00"
    );
}

#[test]
fn non_sitemaps_are_errors_and_robots_lines_are_found() {
    let err = read(b"<html><body>404</body></html>").unwrap_err();
    assert!(err.contains("not a sitemap"), "{err}");
    assert!(read(b"\x1f\x8bnot really gzip").is_err());
    let robots = "User-agent: *\nDisallow: /admin\nSitemap: https://example.kz/sitemap/index.xml\nsitemap:/gnews-sitemap.xml\n";
    let found = robots_sitemaps(
        robots,
        &Url::parse("https://example.kz/robots.txt").unwrap(),
    );
    assert_eq!(found.len(), 2);
    assert_eq!(found[1].as_str(), "https://example.kz/gnews-sitemap.xml");
    assert!(is_plain_text(robots.as_bytes()));
    assert!(!is_plain_text(NEWS.as_bytes()));
}

#[test]
fn a_gzip_bomb_stops_at_the_byte_cap_keeping_earlier_entries() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(
        b"<urlset><url><loc>https://example.kz/a/1</loc></url><url><loc>https://example.kz/",
    )
    .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..(MAX_SITEMAP_BYTES >> 20) + 1 {
        gz.write_all(&chunk).unwrap();
    }
    let bomb = gz.finish().unwrap();
    assert!(
        bomb.len() < 1 << 20,
        "compressed bomb is small: {}",
        bomb.len()
    );
    let (items, read) = read(&bomb).unwrap();
    assert_eq!(items.len(), 1);
    assert!(read.truncated);
}

#[test]
fn newest_keeps_a_bounded_set_newest_first() {
    let entry = |n: u32, day: Option<u32>| SitemapEntry {
        loc: Url::parse(&format!("https://example.kz/{n}")).unwrap(),
        lastmod: None,
        title: None,
        published: None,
        date: day.map(|d| w3c_date(&format!("2026-01-{d:02}")).unwrap()),
    };
    let mut newest = Newest::new(3);
    for n in 0..20 {
        newest.push(entry(n, (n % 2 == 0).then_some(n / 2 + 1)));
    }
    let kept: Vec<String> = newest
        .into_sorted()
        .iter()
        .map(|e| e.loc.path().to_string())
        .collect();
    assert_eq!(kept, ["/18", "/16", "/14"]);
    assert_eq!(
        w3c_date("2026-01-12T10:00:00Z").unwrap().to_rfc3339(),
        "2026-01-12T10:00:00+00:00"
    );
    assert!(w3c_date("yesterday").is_none());
}
