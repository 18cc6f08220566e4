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
    fn meaningful_parameters_stay() {
        assert_eq!(
            canon("http://x.kz/view.php?id=10&page=2"),
            "http://x.kz/view.php?id=10&page=2"
        );
    }
}
