//! Validation of the `[[source]]` keys that choose how a source is read: `kind`,
//! `follow_links` and `max_new_pages`.

use toml::Spanned;

use super::Checker;
use crate::config::SourceKind;
use crate::config::raw::RawSource;

/// The kinds a `[[source]]` may name.
const KINDS: &[&str] = &["feed", "telegram"];
/// New pages a listing or sitemap source fetches per poll unless told otherwise.
pub const DEFAULT_MAX_NEW_PAGES: u64 = 50;

/// The source's kind and its per-poll page budget; `None` when a key is wrong (reported).
pub(super) fn kind_settings(check: &mut Checker, raw: &RawSource) -> Option<(SourceKind, usize)> {
    let name = raw.name.get_ref();
    let kind = raw.kind.as_ref().map_or("feed", |k| k.get_ref().as_str());
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
        "telegram" => SourceKind::Telegram {
            follow_links: raw.follow_links.as_ref().is_some_and(|f| *f.get_ref()),
        },
        _ => SourceKind::Feed,
    };
    ok.then_some((kind, max_new_pages))
}

fn unit<T>(value: &Spanned<T>) -> Spanned<()> {
    Spanned::new(value.span(), ())
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
        let config = parse("").unwrap();
        assert!(matches!(config.sources[0].kind, SourceKind::Feed));
        assert_eq!(config.sources[0].max_new_pages, 50);
    }

    #[test]
    fn wrong_kind_keys_are_reported_with_positions() {
        let problems = parse("kind = \"listing\"").unwrap_err();
        assert_eq!((problems[0].line, problems[0].column), (6, 8));
        assert!(
            problems[0].message.contains("feed, telegram"),
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
