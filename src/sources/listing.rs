//! Listing pages (a section front, "latest news"): the article links on the page are the items.
//!
//! Links are taken with the source's CSS selector, or found automatically: same-site links
//! outside navigation, header, footer, aside and menu blocks, whose address looks like an article
//! (a long number or date, a slug of several words, or a deep path) or which sit in an
//! `<article>` or a heading. Links repeated on every poll are navigation; that memory is the
//! store's (`Store::listing_poll`).

use std::collections::HashSet;
use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::FeedItem;

/// Links read from one page at most; a larger page is cut here, so a hostile listing costs a
/// bounded amount of work.
pub const MAX_LINKS: usize = 2000;

static ANCHOR: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("a[href]").ok());
static REL_NEXT: LazyLock<Option<Selector>> =
    LazyLock::new(|| Selector::parse("link[rel~=next][href], a[rel~=next][href]").ok());

/// Container elements whose links are site chrome, not articles.
const CHROME: &[&str] = &["nav", "header", "footer", "aside", "form", "menu"];
/// Class or id fragments of containers that are site chrome (menus built from `div`s).
const CHROME_NAMES: &[&str] = &[
    "menu",
    "burger",
    "navbar",
    "breadcrumb",
    "footer",
    "sidebar",
];
/// Path segments of index pages, not articles.
const INDEX_SEGMENTS: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "author",
    "authors",
    "search",
    "login",
    "register",
    "rubric",
    "page",
];
/// File types that are never article pages.
const FILE_TYPES: &[&str] = &[
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".pdf", ".zip", ".mp3", ".mp4", ".doc",
    ".docx", ".xls", ".xlsx", ".css", ".js", ".xml", ".rss",
];

/// What one listing page offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Article links, first occurrence only, in page order, fragments removed.
    pub links: Vec<Url>,
    /// The next listing page (pagination), if the page links one.
    pub next: Option<Url>,
}

/// Parses a listing page fetched from `page_url`: links by `links` (or found automatically),
/// the next page by `next` (or `rel=next`).
pub fn parse_listing(
    html: &str,
    page_url: &Url,
    links: Option<&Selector>,
    next: Option<&Selector>,
) -> Listing {
    let doc = Html::parse_document(html);
    let root = doc.root_element();
    let mut seen = HashSet::new();
    let found: Vec<Url> = match links {
        Some(selector) => root
            .select(selector)
            .filter_map(anchor_of)
            .filter_map(|a| resolve(a, page_url))
            .filter(|u| seen.insert(u.clone()))
            .take(MAX_LINKS)
            .collect(),
        None => ANCHOR
            .iter()
            .flat_map(|s| root.select(s))
            .filter(|a| !in_chrome(*a))
            .filter_map(|a| resolve(a, page_url).map(|u| (a, u)))
            .filter(|(a, u)| same_site(u, page_url) && looks_like_article(*a, u))
            .map(|(_, u)| u)
            .filter(|u| u != page_url && seen.insert(u.clone()))
            .take(MAX_LINKS)
            .collect(),
    };
    let next_link = match next {
        Some(selector) => root.select(selector).find_map(anchor_of),
        None => REL_NEXT.iter().flat_map(|s| root.select(s)).next(),
    };
    Listing {
        links: found,
        next: next_link
            .and_then(|a| resolve(a, page_url))
            .filter(|u| u != page_url),
    }
}

/// A listing link as a pipeline item: the page will name and date it.
pub fn link_item(url: Url) -> FeedItem {
    FeedItem {
        guid: url.to_string(),
        link: Some(url),
        title: None,
        summary: None,
        content: None,
        author: None,
        published: None,
    }
}

/// The element itself when it is a link, else its first link inside.
fn anchor_of(element: ElementRef) -> Option<ElementRef> {
    if element.value().name() == "a" && element.value().attr("href").is_some() {
        return Some(element);
    }
    ANCHOR.as_ref().and_then(|s| element.select(s).next())
}

fn resolve(anchor: ElementRef, page_url: &Url) -> Option<Url> {
    let href = anchor.value().attr("href")?.trim();
    let mut url = page_url.join(href).ok()?;
    url.set_fragment(None);
    matches!(url.scheme(), "http" | "https").then_some(url)
}

fn in_chrome(anchor: ElementRef) -> bool {
    let named = |value: Option<&str>| {
        value.is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            CHROME_NAMES.iter().any(|n| v.contains(n))
        })
    };
    anchor.ancestors().filter_map(ElementRef::wrap).any(|e| {
        let el = e.value();
        CHROME.contains(&el.name())
            || el.attr("role") == Some("navigation")
            || named(el.attr("class"))
            || named(el.attr("id"))
    })
}

/// Same host, `www.` aside.
fn same_site(url: &Url, page_url: &Url) -> bool {
    let host = |u: &Url| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
    };
    host(url) == host(page_url)
}

fn looks_like_article(anchor: ElementRef, url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    if FILE_TYPES.iter().any(|t| path.ends_with(t)) {
        return false;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| INDEX_SEGMENTS.contains(s)) {
        return false;
    }
    let Some(last) = segments.last() else {
        return false;
    };
    let long_number = last
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 4);
    let slug_words = last
        .split(['-', '_', '.'])
        .filter(|w| w.len() >= 2 && *w != "html" && *w != "htm")
        .count();
    let by_address = long_number || slug_words >= 3 || segments.len() >= 3;
    by_address || in_story_block(anchor)
}

/// Inside an `<article>` or a heading, with a headline-length text.
fn in_story_block(anchor: ElementRef) -> bool {
    let words = anchor.text().flat_map(str::split_whitespace).count();
    words >= 3
        && anchor
            .ancestors()
            .filter_map(ElementRef::wrap)
            .any(|e| matches!(e.value().name(), "article" | "h1" | "h2" | "h3" | "h4"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><head><link rel="next" href="/politics?page=2"></head><body>
<header><a href="/kk/news/2026/01/12/header-promo-link">promo</a><nav><a href="/politics">Саясат</a><a href="/society/">Қоғам</a></nav></header>
<div class="burger__menu"><a href="/kak-rabotaet-nash-sait/">Как работает сайт</a></div>
<main>
  <article><h2><a href="/politics/2086925-sud-arestoval-aktivistov">Суд арестовал активистов</a></h2></article>
  <div class="card"><a href="https://www.example.kz/kk/news/parlament-zan-qabyldady-bugin#comments">Парламент заң қабылдады</a></div>
  <h3><a href="/short">Алматыда бейбіт митинг өтті</a></h3>
  <a href="/politics/2086925-sud-arestoval-aktivistov">дубль</a>
  <a href="/tag/miting-almaty-2026">тег</a>
  <a href="/about">Біз туралы</a>
  <a href="https://other.kz/news/2026/01/12/elsewhere">басқа сайт</a>
  <a href="/files/report-2026-01-12.pdf">PDF</a>
  <a href="mailto:news@example.kz">mail</a>
</main>
<footer><a href="/contacts/2026/editorial-office-address">Байланыс</a></footer>
</body></html>"#;

    fn page_url() -> Url {
        Url::parse("https://example.kz/politics").unwrap()
    }

    #[test]
    fn article_links_are_found_without_a_selector() {
        let listing = parse_listing(PAGE, &page_url(), None, None);
        let links: Vec<&str> = listing.links.iter().map(Url::as_str).collect();
        assert_eq!(
            links,
            [
                "https://example.kz/politics/2086925-sud-arestoval-aktivistov",
                "https://www.example.kz/kk/news/parlament-zan-qabyldady-bugin",
                "https://example.kz/short",
            ]
        );
        assert_eq!(
            listing.next.unwrap().as_str(),
            "https://example.kz/politics?page=2"
        );
    }

    #[test]
    fn a_selector_takes_exactly_its_links() {
        let links = Selector::parse("div.card, h2 a").unwrap();
        let next = Selector::parse("a[href='/about']").unwrap();
        let listing = parse_listing(PAGE, &page_url(), Some(&links), Some(&next));
        assert_eq!(listing.links.len(), 2, "{:?}", listing.links);
        assert_eq!(
            listing.links[1].path(),
            "/kk/news/parlament-zan-qabyldady-bugin"
        );
        assert_eq!(listing.next.unwrap().path(), "/about");
    }

    #[test]
    fn a_huge_page_is_cut_at_the_link_bound() {
        let mut html = String::from("<main>");
        for i in 0..(MAX_LINKS + 500) {
            html.push_str(&format!("<a href=\"/news/{i:06}-item\">x</a>"));
        }
        let listing = parse_listing(&html, &page_url(), None, None);
        assert_eq!(listing.links.len(), MAX_LINKS);
    }
}
