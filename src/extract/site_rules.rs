//! Per-site selector rules (body, title, date, removals) that override the generic extractor
//! for one host and its subdomains, plus their validation. Rules come from the config; this
//! module ships none built in (see docs/extraction.md for why).

use super::tree::Selector;
use serde::Deserialize;
use thiserror::Error;
use url::Url;

/// Per-site selector rule; deserialisable from TOML.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteRule {
    /// Host the rule applies to; subdomains match too (`tengrinews.kz` covers `m.tengrinews.kz`).
    pub host: String,
    /// CSS selector of the article body; every match is rendered, in document order.
    pub body: Option<String>,
    /// CSS selector of the headline element.
    pub title: Option<String>,
    /// CSS selector of the publication date (`datetime`/`content` attribute or text).
    pub date: Option<String>,
    /// CSS selectors of elements to drop before extraction (share bars, teasers, …).
    #[serde(default)]
    pub remove: Vec<String>,
}

/// Why a site rule cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SiteRuleError {
    /// The host is empty or not a bare host name.
    #[error("site rule host {host:?} is not a host name; write it like \"tengrinews.kz\"")]
    BadHost {
        /// The rejected host.
        host: String,
    },
    /// A selector does not parse as CSS.
    #[error("site rule for {host}: {field} selector {selector:?} is not valid CSS: {reason}")]
    BadSelector {
        /// Host of the rule.
        host: String,
        /// Which field holds it: body, title, date or remove.
        field: &'static str,
        /// The rejected selector.
        selector: String,
        /// The parser's complaint.
        reason: String,
    },
}

impl SiteRule {
    /// Checks the host and that every selector parses, naming the first bad one.
    pub fn validate(&self) -> Result<(), SiteRuleError> {
        let host = self.host.trim();
        let bare = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
            && !host.starts_with('.');
        if !bare {
            return Err(SiteRuleError::BadHost {
                host: self.host.clone(),
            });
        }
        let single = [
            ("body", &self.body),
            ("title", &self.title),
            ("date", &self.date),
        ];
        let singles = single
            .into_iter()
            .filter_map(|(f, s)| s.as_ref().map(|s| (f, s)));
        let removes = self.remove.iter().map(|s| ("remove", s));
        for (field, selector) in singles.chain(removes) {
            Selector::parse(selector).map_err(|e| SiteRuleError::BadSelector {
                host: self.host.clone(),
                field,
                selector: selector.clone(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }

    /// Whether the rule covers the page's host (the host itself or a subdomain).
    pub fn matches(&self, page_url: &Url) -> bool {
        let Some(host) = page_url.host_str() else {
            return false;
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let want = self.host.trim().trim_end_matches('.').to_ascii_lowercase();
        let want = want.strip_prefix("www.").unwrap_or(&want);
        host == want || host.ends_with(&format!(".{want}"))
    }
}

/// The rule for the page: the most specific (longest host) of the matching valid rules.
pub fn rule_for<'a>(rules: &'a [SiteRule], page_url: Option<&Url>) -> Option<&'a SiteRule> {
    let url = page_url?;
    rules
        .iter()
        .filter(|r| r.matches(url) && r.validate().is_ok())
        .max_by_key(|r| r.host.len())
}

/// Parses a selector of a validated rule (an invalid one yields `None`).
pub fn selector(s: Option<&String>) -> Option<Selector> {
    s.and_then(|s| Selector::parse(s).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(host: &str) -> SiteRule {
        SiteRule {
            host: host.into(),
            body: None,
            title: None,
            date: None,
            remove: vec![],
        }
    }

    #[test]
    fn deserialises_from_toml_and_rejects_unknown_fields() {
        let r: SiteRule = toml::from_str("host = \"inform.kz\"\nbody = \".article\"").unwrap();
        assert_eq!(r.body.as_deref(), Some(".article"));
        assert!(r.remove.is_empty());
        assert!(toml::from_str::<SiteRule>("host = \"a.kz\"\nbdy = \"x\"").is_err());
    }

    #[test]
    fn validate_names_the_bad_selector() {
        let mut r = rule("tengrinews.kz");
        r.remove = vec![".share".into(), "div[".into()];
        match r.validate() {
            Err(SiteRuleError::BadSelector {
                field, selector, ..
            }) => {
                assert_eq!((field, selector.as_str()), ("remove", "div["));
            }
            other => panic!("expected a bad selector, got {other:?}"),
        }
        assert!(matches!(
            rule("https://x.kz/").validate(),
            Err(SiteRuleError::BadHost { .. })
        ));
        assert_eq!(rule("x.kz").validate(), Ok(()));
    }

    #[test]
    fn matches_host_and_subdomains_only() {
        let r = rule("tengrinews.kz");
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(r.matches(&url("https://tengrinews.kz/news/1")));
        assert!(r.matches(&url("https://m.tengrinews.kz/news/1")));
        assert!(!r.matches(&url("https://nottengrinews.kz/")));
        let rules = [rule("kursiv.media"), rule("kz.kursiv.media")];
        let best = rule_for(&rules, Some(&url("https://kz.kursiv.media/a")));
        assert_eq!(best.map(|r| r.host.as_str()), Some("kz.kursiv.media"));
    }
}
