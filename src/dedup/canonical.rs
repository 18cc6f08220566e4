//! Canonical URLs: one spelling for every URL of the same page.

use url::Url;

/// Query parameters that only track where a click came from.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "yclid",
    "ysclid",
    "msclkid",
    "_openstat",
    "mc_cid",
    "mc_eid",
    "igshid",
    "_ga",
    "_gl",
    "gbraid",
    "wbraid",
    "gad_source",
    "ymclid",
    "twclid",
    "ttclid",
    "mkt_tok",
    "_hsenc",
    "_hsmi",
    "s_cid",
];

/// The canonical form of `url`: no fragment, no tracking parameters, remaining parameters sorted.
///
/// Host lower-casing and default-port removal come from URL parsing itself.
pub fn canonical_url(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| !is_tracking(key))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    if params.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(params);
    }
    url.to_string()
}

/// The identity key of a canonical URL: its host without a leading `www.` or `m.`, so the
/// desktop, `www.` and mobile spellings of one path meet in one lookup.
///
/// News sites that answer on both spellings serve the same page under the same path; a site
/// that answers on only one never produces the other spelling, so folding cannot merge two
/// different pages in practice. The stored `canonical_url` keeps the spelling first seen.
pub fn url_key(canonical: &str) -> String {
    let Ok(mut url) = Url::parse(canonical) else {
        return canonical.to_string();
    };
    let Some(host) = url.host_str() else {
        return canonical.to_string();
    };
    let folded = site_host(host).to_string();
    if folded != host && url.set_host(Some(&folded)).is_err() {
        return canonical.to_string();
    }
    url.to_string()
}

/// The page's own canonical URL (`rel=canonical`, else `og:url`) in canonical form, when it
/// is on the same site as `link` and names an article rather than the site's front page.
///
/// A page on another site is ignored: syndication partners point at the original outlet, and
/// that copy is a separate article of the same story. A canonical pointing at `/` is a broken
/// template, and trusting it would fold a whole site into one article.
pub fn page_canonical(link: &Url, page: Option<&Url>) -> Option<String> {
    let page = page?;
    let same_site = match (link.host_str(), page.host_str()) {
        (Some(a), Some(b)) => site_host(a) == site_host(b),
        _ => false,
    };
    let is_article = page.path().trim_matches('/').len() > 1 || page.query().is_some();
    (same_site && is_article && matches!(page.scheme(), "http" | "https"))
        .then(|| canonical_url(page))
}

/// A host without its `www.` and `m.` prefixes (kept when nothing would remain but a TLD).
fn site_host(host: &str) -> &str {
    let mut rest = host;
    for prefix in ["www.", "m."] {
        if let Some(stripped) = rest.strip_prefix(prefix).filter(|r| r.contains('.')) {
            rest = stripped;
        }
    }
    rest
}

fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_") || TRACKING_PARAMS.contains(&key.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonical_url(&Url::parse(s).unwrap())
    }

    #[test]
    fn tracking_fragment_case_and_port_are_dropped() {
        assert_eq!(
            canon("HTTPS://Www.Azattyq.ORG:443/a/32.html?utm_source=tg&b=2&fbclid=x&a=1#comments"),
            "https://www.azattyq.org/a/32.html?a=1&b=2"
        );
        assert_eq!(
            canon("http://kz.kursiv.media/news?utm_medium=rss"),
            "http://kz.kursiv.media/news"
        );
    }

    #[test]
    fn www_and_mobile_hosts_share_one_key() {
        let desktop = url_key(&canon("https://tengrinews.kz/news/a-1/"));
        assert_eq!(
            url_key(&canon("https://www.tengrinews.kz/news/a-1/")),
            desktop
        );
        assert_eq!(
            url_key(&canon("https://m.tengrinews.kz/news/a-1/#top")),
            desktop
        );
        assert_ne!(
            url_key(&canon("https://kaz.tengrinews.kz/news/a-1/")),
            desktop
        );
        assert_eq!(url_key("https://m.kz/x"), "https://m.kz/x");
    }

    #[test]
    fn a_page_canonical_counts_only_on_the_same_site_and_not_at_the_root() {
        let link = Url::parse("https://m.inform.kz/kz/a_1?utm_source=tg").unwrap();
        let page = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            page_canonical(&link, Some(&page("https://www.inform.kz/kz/a_1#x"))),
            Some("https://www.inform.kz/kz/a_1".to_string())
        );
        assert_eq!(
            page_canonical(&link, Some(&page("https://kazinform.kz/a_1"))),
            None
        );
        assert_eq!(
            page_canonical(&link, Some(&page("https://inform.kz/"))),
            None
        );
        assert_eq!(page_canonical(&link, None), None);
    }

    #[test]
    fn meaningful_parameters_stay() {
        assert_eq!(
            canon("http://x.kz/view.php?id=10&page=2"),
            "http://x.kz/view.php?id=10&page=2"
        );
    }
}
