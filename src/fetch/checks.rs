//! Checks on a response before its body is read: is it a redirect (and to where), and is it
//! the kind of document asked for.

use reqwest::header::LOCATION;
use url::Url;

use super::{Expect, FetchError};

/// The next URL if `response` is a redirect: `Some(Err)` when its `Location` is unusable.
pub(super) fn redirect_target(
    current: &Url,
    response: &reqwest::Response,
) -> Option<Result<Url, String>> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(LOCATION)?;
    let target = location
        .to_str()
        .map_err(|_| "redirect Location is not text".to_string())
        .and_then(|l| {
            current
                .join(l.trim())
                .map_err(|e| format!("bad redirect Location {l:?}: {e}"))
        })
        .and_then(|u| match u.scheme() {
            "http" | "https" => Ok(u),
            other => Err(format!("redirect to a {other}: URL refused")),
        });
    Some(target)
}

pub(super) fn check_type(
    url: &Url,
    expect: Expect,
    content_type: Option<&str>,
) -> Result<(), FetchError> {
    let Some(full) = content_type else {
        return Ok(());
    };
    let mime = full
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (major, minor) = mime.split_once('/').unwrap_or((mime.as_str(), ""));
    let binary = matches!(major, "image" | "audio" | "video" | "font")
        || matches!(
            minor,
            "pdf" | "zip" | "gzip" | "x-gzip" | "octet-stream" | "msword"
        );
    let (ok, expected) = match expect {
        Expect::Feed => (!binary, "a feed (XML or JSON)"),
        Expect::Page => (
            mime.is_empty()
                || matches!(
                    mime.as_str(),
                    "text/html" | "application/xhtml+xml" | "text/plain"
                ),
            "an HTML page",
        ),
        Expect::Robots => (!binary, "a text file"),
        Expect::Sitemap => (
            !binary || matches!(minor, "gzip" | "x-gzip" | "octet-stream"),
            "a sitemap (XML, or gzip-compressed XML)",
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(FetchError::WrongType {
            url: url.to_string(),
            content_type: full.to_string(),
            expected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_checked_per_expectation() {
        let url = Url::parse("http://example.kz/x").unwrap();
        let ok = |e, ct| check_type(&url, e, ct).is_ok();
        assert!(ok(Expect::Feed, Some("text/html; charset=utf-8")));
        assert!(ok(Expect::Feed, Some("application/rss+xml")));
        assert!(ok(Expect::Feed, None));
        assert!(!ok(Expect::Feed, Some("image/png")));
        assert!(ok(Expect::Page, Some("text/html")));
        assert!(!ok(Expect::Page, Some("application/pdf")));
        assert!(!ok(Expect::Page, Some("application/json")));
    }
}
