//! Validation of the `[[source]]` keys that choose how a source is read: `kind`, `links`,
//! `next`, `follow`, `follow_links` and `max_new_pages`.

use scraper::Selector;
use toml::Spanned;

use super::Checker;
use crate::config::raw::RawSource;
use crate::config::{PageSettings, SourceKind};

/// The kinds a `[[source]]` may name.
const KINDS: &[&str] = &["auto", "feed", "page", "sitemap", "telegram"];
/// New pages a listing or sitemap source fetches per poll unless told otherwise.
pub const DEFAULT_MAX_NEW_PAGES: u64 = 50;
/// Pagination a page source may follow at most.
const MAX_FOLLOW: u64 = 20;

/// The source's kind and its per-poll page budget; `None` when a key is wrong (reported).
pub(super) fn kind_settings(check: &mut Checker, raw: &RawSource) -> Option<(SourceKind, usize)> {
    let name = raw.name.get_ref();
    let kind = raw.kind.as_ref().map_or("auto", |k| k.get_ref().as_str());
    if let Some(at) = raw.kind.as_ref().filter(|_| !KINDS.contains(&kind)) {
        check.report(
            at,
            format!(
                "source {name:?}: kind {kind:?} is unknown; use one of {}",
                KINDS.join(", ")
            ),
        );
        return None;
    }
    let mut ok = true;
    let mut only_for = |check: &mut Checker, key: &str, at: Option<&Spanned<()>>, for_kind| {
        if let Some(at) = at.filter(|_| kind != for_kind) {
            ok = false;
            check.report(
                at,
                format!(
                    "source {name:?}: {key} applies only to kind = \"{for_kind}\", not {kind:?}"
                ),
            );
        }
    };
    only_for(
        check,
        "links",
        raw.links.as_ref().map(unit).as_ref(),
        "page",
    );
    only_for(check, "next", raw.next.as_ref().map(unit).as_ref(), "page");
    only_for(
        check,
        "follow",
        raw.follow.as_ref().map(unit).as_ref(),
        "page",
    );
    only_for(
        check,
        "follow_links",
        raw.follow_links.as_ref().map(unit).as_ref(),
        "telegram",
    );
    let max_new_pages = check.integer(
        &format!("source {name:?}: max_new_pages"),
        &raw.max_new_pages,
        DEFAULT_MAX_NEW_PAGES,
        (1, 10_000),
    ) as usize;
    let kind = match kind {
        "page" => SourceKind::Page(page_settings(check, raw)?),
        "sitemap" => SourceKind::Sitemap,
        "telegram" => SourceKind::Telegram {
            follow_links: raw.follow_links.as_ref().is_some_and(|f| *f.get_ref()),
        },
        "feed" => SourceKind::Feed,
        _ => SourceKind::Auto,
    };
    ok.then_some((kind, max_new_pages))
}

fn unit<T>(value: &Spanned<T>) -> Spanned<()> {
    Spanned::new(value.span(), ())
}

fn page_settings(check: &mut Checker, raw: &RawSource) -> Option<PageSettings> {
    let links = selector(check, raw, "links", raw.links.as_ref())?;
    let next = selector(check, raw, "next", raw.next.as_ref())?;
    let follow = check.integer(
        &format!("source {:?}: follow", raw.name.get_ref()),
        &raw.follow,
        0,
        (0, MAX_FOLLOW),
    ) as usize;
    Some(PageSettings {
        links,
        next,
        follow,
    })
}

/// `Some(None)` when the key is absent, `None` when it is not a CSS selector (reported).
fn selector(
    check: &mut Checker,
    raw: &RawSource,
    key: &str,
    text: Option<&Spanned<String>>,
) -> Option<Option<Selector>> {
    let Some(text) = text else { return Some(None) };
    match Selector::parse(text.get_ref()) {
        Ok(selector) => Some(Some(selector)),
        Err(err) => {
            check.report(
                text,
                format!(
                    "source {:?}: {key} {:?} is not a CSS selector ({err}); write it like \"article h2 a\"",
                    raw.name.get_ref(),
                    text.get_ref()
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{Config, Problem, SourceKind};

    fn parse(source: &str) -> Result<Config, Vec<Problem>> {
        let text = format!(
            "[storage]\ndatabase = \"n.db\"\n[[source]]\nname = \"a\"\nurl = \"http://x.kz/\"\n{source}\n"
        );
        Config::parse(&text, Path::new("/etc/newswatch.toml"))
    }

    #[test]
    fn kinds_and_their_keys_are_read() {
        let config = parse("kind = \"telegram\"\nfollow_links = true\nmax_new_pages = 5").unwrap();
        assert!(matches!(
            config.sources[0].kind,
            SourceKind::Telegram { follow_links: true }
        ));
        assert_eq!(config.sources[0].max_new_pages, 5);
        let config = parse("kind = \"page\"\nlinks = \"article h2 a\"\nfollow = 2").unwrap();
        let SourceKind::Page(page) = &config.sources[0].kind else {
            panic!("not a page source");
        };
        assert!(page.links.is_some() && page.next.is_none());
        assert_eq!(page.follow, 2);
        let config = parse("").unwrap();
        assert!(matches!(config.sources[0].kind, SourceKind::Auto));
        assert_eq!(config.sources[0].max_new_pages, 50);
    }

    #[test]
    fn wrong_kind_keys_are_reported_with_positions() {
        let problems = parse("kind = \"listing\"").unwrap_err();
        assert_eq!((problems[0].line, problems[0].column), (6, 8));
        assert!(
            problems[0]
                .message
                .contains("auto, feed, page, sitemap, telegram"),
            "{problems:?}"
        );
        let problems =
            parse("kind = \"feed\"\nfollow_links = true\nmax_new_pages = 0").unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].line, 7);
        assert!(
            problems[0]
                .message
                .contains("follow_links applies only to kind = \"telegram\"")
        );
    }
}
