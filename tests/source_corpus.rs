//! Opt-in checks of the source parsers against real saved pages in `../shared/corpus`
//! (`cargo test --test source_corpus -- --ignored`; `.ci/run` runs them): two public Telegram
//! channel previews and a nur.kz politics listing.

use newswatch::sources::{parse_channel, parse_listing};
use url::Url;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpus/news-fixtures"
);

fn read(path: &str) -> String {
    let file = format!("{CORPUS}/{path}");
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
#[ignore = "needs ../shared/corpus/news-fixtures"]
fn real_channel_previews_give_dated_posts_with_text_and_an_older_page() {
    for (file, channel, posts, before) in [
        (
            "telegram/tme_s_xCareers_2020_jsoup.html",
            "xCareers",
            20,
            "1491",
        ),
        // Post 1003 there is unsupported media with no text at all: nothing to read, skipped.
        (
            "telegram/tme_s_test_channel_anonymized_lifemodel.html",
            "test_channel",
            2,
            "1001",
        ),
    ] {
        let url = Url::parse(&format!("https://t.me/s/{channel}")).unwrap();
        let page = parse_channel(&read(file), &url);
        assert_eq!(page.posts.len(), posts, "{file}");
        for post in &page.posts {
            assert!(
                post.id.starts_with(&format!("{channel}/")),
                "{file}: {}",
                post.id
            );
            assert!(post.published.is_some(), "{file}: {} has no date", post.id);
            assert!(
                !post.text.trim().is_empty(),
                "{file}: {} has no text",
                post.id
            );
            assert_eq!(post.url.host_str(), Some("t.me"));
        }
        let older = page.older.unwrap();
        assert!(
            older.as_str().ends_with(&format!("?before={before}")),
            "{file}: {older}"
        );
    }
}

#[test]
#[ignore = "needs ../shared/corpus/news-fixtures"]
fn a_real_listings_menus_are_not_taken_for_articles() {
    // The saved page's article list is a template (its links are `{{...}}` placeholders);
    // its ~150 real links are burger-menu, footer and bottom-bar chrome, some of them
    // article-shaped (`/kak-rabotaet-nur-kz/1977609-o-nas-pishut-...`). None is an article.
    let url = Url::parse("https://www.nur.kz/politics/").unwrap();
    let html = read("kz/nur_kz_politics_listing_2024_blade.html");
    let listing = parse_listing(&html, &url, None, None);
    assert_eq!(listing.links, Vec::<Url>::new());
}
