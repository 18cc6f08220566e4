//! Sitemaps (the sitemaps.org protocol 0.9), sitemap indexes, Google News sitemaps, and the
//! `Sitemap:` lines of robots.txt.
//!
//! A sitemap is read as a stream: gzip is inflated on the fly (detected by its magic bytes, not
//! by headers), the XML is read event by event, and each entry goes to a callback; the
//! document is never built in memory. Sitemaps are UTF-8 by the protocol
//! (<https://www.sitemaps.org/protocol.html>, "XML tag definitions"), which also caps one at
//! 50 MB uncompressed and 50,000 URLs. Google News fields (`news:publication_date`,
//! `news:title`) follow <https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap>.

use std::io::{BufReader, Read};

use chrono::{DateTime, NaiveDate, Utc};
use flate2::bufread::GzDecoder;
use quick_xml::Reader;
use quick_xml::events::Event;
use url::Url;

/// Uncompressed bytes read from one sitemap at most (the protocol's own limit); a gzip bomb
/// stops here.
pub const MAX_SITEMAP_BYTES: u64 = 50 * 1024 * 1024;

/// One `<url>` or `<sitemap>` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// `<loc>`, resolved against the sitemap's URL.
    pub loc: Url,
    /// `<lastmod>` as written (compared as text to see a child sitemap change).
    pub lastmod: Option<String>,
    /// `<news:title>`.
    pub title: Option<String>,
    /// `<news:publication_date>`, as a time.
    pub published: Option<DateTime<Utc>>,
    /// `<news:publication_date>`, else `<lastmod>`: what "newest" is judged by.
    pub date: Option<DateTime<Utc>>,
}

/// What an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SitemapItem {
    /// A page (`<urlset><url>`).
    Page(SitemapEntry),
    /// A child sitemap (`<sitemapindex><sitemap>`).
    Sitemap(SitemapEntry),
}

/// How reading a document ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitemapRead {
    /// Entries handed to the callback.
    pub entries: usize,
    /// Whether [`MAX_SITEMAP_BYTES`] cut the document short.
    pub truncated: bool,
}

/// Reads the sitemap (or sitemap index) in `body`, fetched from `url`, handing each entry to
/// `on`. A document that is not a sitemap is an error saying so.
pub fn read_sitemap(
    body: &[u8],
    url: &Url,
    mut on: impl FnMut(SitemapItem),
) -> Result<SitemapRead, String> {
    let gzip = body.starts_with(&[0x1f, 0x8b]);
    let raw: Box<dyn Read + '_> = if gzip {
        Box::new(GzDecoder::new(body))
    } else {
        Box::new(body)
    };
    let mut capped = raw.take(MAX_SITEMAP_BYTES);
    let mut reader = Reader::from_reader(BufReader::new(&mut capped));
    let mut state = Parse::default();
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(_) if reader_exhausted(&reader) => break,
            Err(err) => {
                if state.root.is_some() {
                    tracing::warn!(%url, error = %err, "sitemap is malformed past this point; entries before it are kept");
                    break;
                }
                return Err(format!("is not a readable sitemap ({err})"));
            }
        };
        match event {
            Event::Start(e) => state.start(e.local_name().as_ref()),
            Event::Empty(e) => {
                state.start(e.local_name().as_ref());
                state.end(e.local_name().as_ref(), url, &mut on);
            }
            Event::End(e) => state.end(e.local_name().as_ref(), url, &mut on),
            Event::Text(t) => state.text(&t),
            Event::CData(t) => state.text(&t),
            Event::GeneralRef(r) => {
                let resolved = r
                    .resolve_char_ref()
                    .ok()
                    .flatten()
                    .map(String::from)
                    .or_else(|| quick_xml::escape::resolve_xml_entity(&r).map(String::from));
                state.text(&resolved.unwrap_or_default());
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if state.root.is_none() {
        return Err("is not a sitemap: no <urlset> or <sitemapindex> element".into());
    }
    Ok(SitemapRead {
        entries: state.entries,
        truncated: reader_exhausted(&reader),
    })
}

/// Whether the byte cap ran out (the limited reader has nothing left to give).
fn reader_exhausted<R>(reader: &Reader<BufReader<&mut std::io::Take<R>>>) -> bool {
    reader.get_ref().get_ref().limit() == 0
}

/// The `Sitemap:` lines of a robots.txt, resolved against its URL.
pub fn robots_sitemaps(text: &str, url: &Url) -> Vec<Url> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case("sitemap").then_some(value)
        })
        .filter_map(|value| url.join(value.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .collect()
}

/// Whether `body` is text that is not XML (so maybe a robots.txt).
pub fn is_plain_text(body: &[u8]) -> bool {
    let head = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    !body.starts_with(&[0x1f, 0x8b]) && first.is_some_and(|b| *b != b'<')
}

/// Parser state: where we are and the entry being built.
#[derive(Default)]
struct Parse {
    root: Option<bool>,
    path: Vec<String>,
    text: String,
    entry: Fields,
    entries: usize,
}

#[derive(Default)]
struct Fields {
    loc: Option<String>,
    lastmod: Option<String>,
    title: Option<String>,
    published: Option<String>,
}

impl Parse {
    fn start(&mut self, name: &str) {
        let name = name.to_string();
        if self.path.is_empty() {
            self.root = match name.as_str() {
                "urlset" => Some(false),
                "sitemapindex" => Some(true),
                _ => None,
            };
        }
        if matches!(name.as_str(), "url" | "sitemap") {
            self.entry = Fields::default();
        }
        self.path.push(name);
        self.text.clear();
    }

    fn text(&mut self, text: &str) {
        if self.text.len() < 8192 {
            self.text.push_str(text);
        }
    }

    fn end(&mut self, name: &str, url: &Url, on: &mut impl FnMut(SitemapItem)) {
        let value = || Some(self.text.trim().to_string()).filter(|t| !t.is_empty());
        let parent = self
            .path
            .len()
            .checked_sub(2)
            .and_then(|i| self.path.get(i));
        let in_news = parent.is_some_and(|p| p == "news");
        match name {
            "loc" if !in_news => self.entry.loc = value(),
            "lastmod" => self.entry.lastmod = value(),
            "title" if in_news => self.entry.title = value(),
            "publication_date" => self.entry.published = value(),
            "url" | "sitemap" if self.root.is_some() => {
                let fields = std::mem::take(&mut self.entry);
                if let Some(entry) = entry(fields, url) {
                    self.entries += 1;
                    on(if name == "sitemap" {
                        SitemapItem::Sitemap(entry)
                    } else {
                        SitemapItem::Page(entry)
                    });
                }
            }
            _ => {}
        }
        self.path.pop();
        self.text.clear();
    }
}

fn entry(fields: Fields, url: &Url) -> Option<SitemapEntry> {
    let loc = url.join(fields.loc?.trim()).ok()?;
    if !matches!(loc.scheme(), "http" | "https") {
        return None;
    }
    let published = fields.published.as_deref().and_then(w3c_date);
    let date = published.or_else(|| fields.lastmod.as_deref().and_then(w3c_date));
    Some(SitemapEntry {
        loc,
        lastmod: fields.lastmod,
        title: fields.title,
        published,
        date,
    })
}

/// A W3C datetime (<https://www.w3.org/TR/NOTE-datetime>): a date, or a date and time with a
/// zone, with or without seconds.
pub fn w3c_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M%:z") {
        return Some(d.with_timezone(&Utc));
    }
    if let Some(stripped) = text.strip_suffix('Z')
        && let Ok(d) = DateTime::parse_from_str(&format!("{stripped}+00:00"), "%Y-%m-%dT%H:%M%:z")
    {
        return Some(d.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// Keeps the newest `limit` pages of a sitemap read (undated ones after dated ones, in document
/// order), so a huge sitemap costs bounded memory.
#[derive(Debug, Default)]
pub struct Newest {
    limit: usize,
    pages: Vec<SitemapEntry>,
}

impl Newest {
    /// Keeps at most `limit` pages.
    pub fn new(limit: usize) -> Newest {
        Newest {
            limit,
            pages: Vec::new(),
        }
    }

    /// Offers a page.
    pub fn push(&mut self, page: SitemapEntry) {
        self.pages.push(page);
        if self.pages.len() >= self.limit.saturating_mul(2).max(1) {
            self.trim();
        }
    }

    /// The kept pages, newest first.
    pub fn into_sorted(mut self) -> Vec<SitemapEntry> {
        self.trim();
        self.pages
    }

    fn trim(&mut self) {
        // Stable sort: undated pages keep their document order after the dated ones.
        self.pages.sort_by_key(|p| std::cmp::Reverse(p.date));
        self.pages.truncate(self.limit);
    }
}

#[cfg(test)]
mod tests;
