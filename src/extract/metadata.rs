//! Page metadata: title (cleaned of the site name), author, published/modified dates and
//! canonical URL, from JSON-LD, `<meta>` tags, `<time>`, `<h1>`, `<title>` and `<link>`.
//! Reads only the document; never fetches anything. The elements it reads are gathered in one
//! walk over the tree (`metadata/elements.rs`), not one selector walk per kind.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::tree::{Html, NodeRef, Selector};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use url::Url;

use super::jsonld;
use elements::MetaElements;

mod elements;

static CONTENT_LANGUAGE: LazyLock<Option<Selector>> = LazyLock::new(|| {
    Selector::parse(r#"meta[http-equiv="content-language" i], meta[property="og:locale"]"#).ok()
});

/// Separators between a headline and the site name in `<title>`.
const TITLE_SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " / ", " » ", " « ", " · ",
];

/// Metadata found on one page.
#[derive(Debug, Default)]
pub struct Metadata {
    /// Headline without the site name.
    pub title: Option<String>,
    /// `<title>` without the site name: a body heading repeating it is dropped.
    pub document_title: Option<String>,
    /// Author name(s) as written on the page.
    pub author: Option<String>,
    /// First publication time.
    pub published: Option<DateTime<FixedOffset>>,
    /// Last modification time.
    pub modified: Option<DateTime<FixedOffset>>,
    /// Canonical URL, absolute.
    pub canonical_url: Option<Url>,
    /// JSON-LD `articleBody`, evidence for the body found in the markup.
    pub article_body: Option<String>,
    /// Captions JSON-LD gives the page's images and videos: evidence that a body block with
    /// their words is a caption.
    pub media_captions: Vec<String>,
    /// The page's summary of itself (`description`, `og:description`, `twitter:description`),
    /// distinct values in that order: how the standfirst is recognised.
    pub descriptions: Vec<String>,
    /// The JSON-LD article's `description`: publishers often write a shorter summary for
    /// search results in the meta tags and state the printed standfirst here.
    pub ld_description: Option<String>,
    /// The language a content-language (or `og:locale`) meta tag declares.
    pub meta_language: Option<String>,
}

/// Metadata of a parsed page; `page_url` resolves relative canonical links.
pub fn read(doc: &Html, page_url: Option<&Url>) -> Metadata {
    let found = MetaElements::of(doc);
    let meta = meta_tags(&found.metas);
    let ld = jsonld::article(&found.json_ld);
    let get = |keys: &[&str]| keys.iter().find_map(|k| meta.get(*k).cloned());
    let site = get(&["og:site_name", "application-name"]).or_else(|| ld.publisher.clone());
    let title_text = first_text(&found.titles);
    let raw_title = get(&["og:title", "twitter:title"])
        .or_else(|| ld.headline.clone())
        .or_else(|| single_h1(&found.h1s))
        .or_else(|| title_text.clone());
    Metadata {
        title: raw_title.map(|t| clean_title(&t, site.as_deref())),
        document_title: title_text.map(|t| clean_title(&t, site.as_deref())),
        author: ld.author.clone().or_else(|| author(&found, &meta)),
        published: ld.published.as_deref().and_then(parse_date).or_else(|| {
            let m = get(&[
                "article:published_time",
                "datepublished",
                "pubdate",
                "publishdate",
                "dc.date",
                "dc.date.issued",
                "parsely-pub-date",
                "sailthru.date",
                "date",
            ]);
            m.as_deref()
                .and_then(parse_date)
                .or_else(|| time_element(&found.times))
        }),
        modified: ld.modified.as_deref().and_then(parse_date).or_else(|| {
            get(&[
                "article:modified_time",
                "og:updated_time",
                "datemodified",
                "last-modified",
            ])
            .as_deref()
            .and_then(parse_date)
        }),
        canonical_url: canonical(&found, page_url, get(&["og:url"]).as_deref()),
        article_body: ld.body,
        media_captions: ld.media_captions,
        descriptions: descriptions(&meta),
        ld_description: ld.description,
        meta_language: meta_language(&found.metas),
    }
}

/// The `content` of the first content-language or `og:locale` meta tag that has one.
fn meta_language(metas: &[NodeRef]) -> Option<String> {
    let sel = CONTENT_LANGUAGE.as_ref()?;
    metas
        .iter()
        .filter(|m| sel.matches(m))
        .find_map(|m| m.attr("content").map(str::to_string))
}

/// The distinct values of the description meta tags.
fn descriptions(meta: &HashMap<String, String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in ["description", "og:description", "twitter:description"] {
        if let Some(d) = meta.get(key).filter(|d| !out.contains(d)) {
            out.push(d.clone());
        }
    }
    out
}

fn meta_tags(metas: &[NodeRef]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for m in metas {
        let Some(content) = m.attr("content").map(normalize).filter(|c| !c.is_empty()) else {
            continue;
        };
        for key in ["property", "name", "itemprop"]
            .iter()
            .filter_map(|a| m.attr(a))
        {
            for k in key.split_whitespace() {
                out.entry(k.to_lowercase())
                    .or_insert_with(|| content.clone());
            }
        }
    }
    out
}

/// Text with whitespace runs collapsed and trimmed.
pub fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_text(elements: &[NodeRef]) -> Option<String> {
    elements.iter().map(text_of).find(|t| !t.is_empty())
}

fn text_of(e: &NodeRef) -> String {
    normalize(&e.text().collect::<String>())
}

fn single_h1(h1s: &[NodeRef]) -> Option<String> {
    match h1s {
        [only] => Some(text_of(only)).filter(|t| !t.is_empty()),
        _ => None,
    }
}

/// The headline without a leading or trailing site name.
pub fn clean_title(title: &str, site: Option<&str>) -> String {
    let title = normalize(title);
    if let Some(site) = site.map(normalize).filter(|s| !s.is_empty() && *s != title) {
        for sep in TITLE_SEPARATORS {
            if let Some(head) = title.strip_suffix(&format!("{sep}{site}")) {
                return head.to_string();
            }
            if let Some(tail) = title.strip_prefix(&format!("{site}{sep}")) {
                return tail.to_string();
            }
        }
    }
    let words = |s: &str| s.split_whitespace().count();
    for sep in TITLE_SEPARATORS {
        if let Some((head, tail)) = title.rsplit_once(sep)
            && words(tail) <= 4
            && words(head) >= 3
        {
            return head.to_string();
        }
        if let Some((head, tail)) = title.split_once(sep)
            && words(head) <= 3
            && words(tail) >= 3
        {
            return tail.to_string();
        }
    }
    title
}

fn author(found: &MetaElements, meta: &HashMap<String, String>) -> Option<String> {
    let from_meta = [
        "author",
        "article:author",
        "byl",
        "sailthru.author",
        "parsely-author",
    ]
    .iter()
    .filter_map(|k| meta.get(*k))
    .find(|v| !v.starts_with("http"))
    .map(|v| {
        v.trim_start_matches("By ")
            .trim_start_matches("by ")
            .to_string()
    });
    from_meta.or_else(|| {
        found
            .author_nodes()
            .map(|e| text_of(&e))
            .find(|t| !t.is_empty() && t.chars().count() < 100)
    })
}

fn time_element(times: &[NodeRef]) -> Option<DateTime<FixedOffset>> {
    let preferred = times.iter().find(|t| {
        t.attr("pubdate").is_some()
            || t.attr("itemprop")
                .is_some_and(|p| p.eq_ignore_ascii_case("datePublished"))
    });
    preferred
        .into_iter()
        .chain(times.iter())
        .find_map(|t| t.attr("datetime").and_then(parse_date))
}

/// Parses the date formats found on news pages; times without zone are taken as UTC.
pub fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d);
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d);
    }
    let utc = FixedOffset::east_opt(0)?;
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%d.%m.%Y %H:%M",
        "%d.%m.%Y, %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return d.and_local_timezone(utc).single();
        }
    }
    let day = s
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())?;
    day.and_hms_opt(0, 0, 0)?.and_local_timezone(utc).single()
}

fn canonical(found: &MetaElements, page_url: Option<&Url>, og_url: Option<&str>) -> Option<Url> {
    let base_href = found.base.and_then(|b| b.attr("href"));
    let base = match (page_url, base_href) {
        (Some(p), Some(b)) => p.join(b).ok(),
        (None, Some(b)) => Url::parse(b).ok(),
        (p, None) => p.cloned(),
    };
    let link = found.canonical.and_then(|l| l.attr("href"));
    [link, og_url]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .find_map(|h| match &base {
            Some(b) => b.join(h).ok(),
            None => Url::parse(h).ok(),
        })
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_title_strips_site_names_at_either_end() {
        assert_eq!(
            clean_title("Тенге укрепился к доллару | Kursiv", Some("Kursiv")),
            "Тенге укрепился к доллару"
        );
        assert_eq!(
            clean_title("Tengrinews.kz - Токаев подписал закон о СМИ", None),
            "Токаев подписал закон о СМИ"
        );
        assert_eq!(
            clean_title("Астанада қар жауды – Azattyq Rýhy", None),
            "Астанада қар жауды"
        );
        assert_eq!(clean_title("Short - title", None), "Short - title");
    }

    #[test]
    fn parses_news_date_formats() {
        let iso = |s: &str| parse_date(s).map(|d| d.to_rfc3339());
        assert_eq!(
            iso("2024-05-12T10:30:00+05:00").as_deref(),
            Some("2024-05-12T10:30:00+05:00")
        );
        assert_eq!(
            iso("2024-05-12T10:30:00+0500").as_deref(),
            Some("2024-05-12T10:30:00+05:00")
        );
        assert_eq!(
            iso("2024-05-12 10:30:00").as_deref(),
            Some("2024-05-12T10:30:00+00:00")
        );
        assert_eq!(
            iso("Sun, 12 May 2024 10:30:00 GMT").as_deref(),
            Some("2024-05-12T10:30:00+00:00")
        );
        assert_eq!(
            iso("12.05.2024 10:30").as_deref(),
            Some("2024-05-12T10:30:00+00:00")
        );
        assert_eq!(iso("вчера"), None);
    }
}
