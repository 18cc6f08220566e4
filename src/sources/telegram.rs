//! Public Telegram channels read from their web preview (`https://t.me/s/NAME`, or any URL
//! serving that markup): each post becomes one [`FeedItem`] whose text is the article body.
//!
//! Markup facts (learnt from saved t.me/s pages): a post is
//! `div.tgme_widget_message[data-post="NAME/ID"]`; its date is `time[datetime]` inside
//! `a.tgme_widget_message_date`; its text is its own `.js-message_text` — a reply quote
//! (`a.tgme_widget_message_reply`) holds another `.tgme_widget_message_text`, which must not be
//! taken for the post's; `a.tgme_widget_message_link_preview` carries `.link_preview_title` and
//! `.link_preview_description`; a poll has `.tgme_widget_message_poll_question` and
//! `.tgme_widget_message_poll_option_text`; older posts are at `a.tme_messages_more[data-before]`.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node, Selector};
use url::Url;

use super::FeedItem;

/// A headline longer than this is cut at a word boundary.
const TITLE_CHARS: usize = 160;

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

static MESSAGE: LazyLock<Option<Selector>> =
    LazyLock::new(|| selector("div.tgme_widget_message[data-post]"));
static DATE: LazyLock<Option<Selector>> = LazyLock::new(|| selector("a.tgme_widget_message_date"));
static TIME: LazyLock<Option<Selector>> = LazyLock::new(|| selector("time[datetime]"));
static TEXT: LazyLock<Option<Selector>> = LazyLock::new(|| selector(".js-message_text"));
static PREVIEW: LazyLock<Option<Selector>> =
    LazyLock::new(|| selector("a.tgme_widget_message_link_preview"));
static PREVIEW_TITLE: LazyLock<Option<Selector>> =
    LazyLock::new(|| selector(".link_preview_title"));
static PREVIEW_TEXT: LazyLock<Option<Selector>> =
    LazyLock::new(|| selector(".link_preview_description"));
static POLL_PARTS: LazyLock<Option<Selector>> = LazyLock::new(|| {
    selector(".tgme_widget_message_poll_question, .tgme_widget_message_poll_option_text")
});
static MORE: LazyLock<Option<Selector>> =
    LazyLock::new(|| selector("a.tme_messages_more[data-before]"));
static ANCHOR: LazyLock<Option<Selector>> = LazyLock::new(|| selector("a[href]"));

/// One page of a channel's preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelPage {
    /// The posts, in page order (oldest first, as Telegram lists them).
    pub posts: Vec<TelegramPost>,
    /// The page of older posts, if the page links one.
    pub older: Option<Url>,
}

/// One channel post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramPost {
    /// `NAME/ID` from `data-post`: the post's identity.
    pub id: String,
    /// The post's own address (`https://t.me/NAME/ID`).
    pub url: Url,
    /// When it was posted.
    pub published: Option<DateTime<Utc>>,
    /// The post's own text (`<br>` as line breaks), then a poll's question and options, then
    /// the link preview's title and description.
    pub text: String,
    /// The first link to another site (the link preview's, else one in the text).
    pub outlet_link: Option<Url>,
}

impl TelegramPost {
    /// The post as a pipeline item, and whether its page is to be fetched: with `follow_links`
    /// a post linking an outlet's article becomes that article (so dedup joins it to the
    /// outlet's own copy); otherwise the post is the article and nothing is fetched.
    pub fn into_item(self, follow_links: bool) -> (FeedItem, bool) {
        let title = headline(&self.text);
        let (link, title, fetch) = match self.outlet_link {
            Some(outlet) if follow_links => (outlet, None, true),
            _ => (self.url, title, false),
        };
        let item = FeedItem {
            guid: self.id,
            link: Some(link),
            title,
            summary: None,
            content: Some(self.text).filter(|t| !t.is_empty()),
            author: None,
            published: self.published,
        };
        (item, fetch)
    }
}

/// Whether `html` looks like a Telegram channel preview at all.
pub fn is_channel_page(html: &str) -> bool {
    html.contains("tgme_widget_message") || html.contains("tgme_channel_info")
}

/// Parses one channel preview page fetched from `page_url`. Posts without any text (a photo
/// alone) are skipped: there is nothing to match or read.
pub fn parse_channel(html: &str, page_url: &Url) -> ChannelPage {
    let doc = Html::parse_document(html);
    let posts = select(doc.root_element(), &MESSAGE)
        .filter_map(|message| post(message, page_url))
        .collect();
    let older = select(doc.root_element(), &MORE)
        .next()
        .and_then(|more| older_page(more, page_url));
    ChannelPage { posts, older }
}

fn select<'a>(
    root: ElementRef<'a>,
    selector: &'a LazyLock<Option<Selector>>,
) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    selector
        .as_ref()
        .into_iter()
        .flat_map(move |s| root.select(s))
}

fn older_page(more: ElementRef, page_url: &Url) -> Option<Url> {
    if let Some(href) = more.value().attr("href")
        && let Ok(url) = page_url.join(href)
    {
        return Some(url);
    }
    let before = more.value().attr("data-before")?;
    let mut url = page_url.clone();
    url.query_pairs_mut().clear().append_pair("before", before);
    Some(url)
}

fn post(message: ElementRef, page_url: &Url) -> Option<TelegramPost> {
    let id = message.value().attr("data-post")?.trim().to_string();
    let (channel, number) = id.split_once('/')?;
    if channel.is_empty() || number.parse::<u64>().is_err() {
        return None;
    }
    let date_link = own(message, &DATE).next();
    let url = date_link
        .and_then(|a| a.value().attr("href"))
        .and_then(|href| page_url.join(href).ok())
        .or_else(|| page_url.join(&format!("/{id}")).ok())?;
    let published = date_link
        .and_then(|a| select(a, &TIME).next())
        .and_then(|t| t.value().attr("datetime"))
        .and_then(|d| DateTime::parse_from_rfc3339(d.trim()).ok())
        .map(|d| d.with_timezone(&Utc));
    let own_text = own(message, &TEXT).find(|t| !in_reply(*t, message));
    let preview = own(message, &PREVIEW).next();
    let mut parts: Vec<String> = own_text.map(block_text).into_iter().collect();
    parts.extend(own(message, &POLL_PARTS).map(block_text));
    if let Some(preview) = preview {
        parts.extend(select(preview, &PREVIEW_TITLE).map(block_text));
        parts.extend(select(preview, &PREVIEW_TEXT).map(block_text));
    }
    parts.retain(|p| !p.is_empty());
    if parts.is_empty() {
        return None;
    }
    let outlet_link = preview
        .into_iter()
        .chain(own_text.into_iter().flat_map(|t| select(t, &ANCHOR)))
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|href| page_url.join(href).ok())
        .find(|u| is_outlet(u, page_url));
    Some(TelegramPost {
        id,
        url,
        published,
        text: parts.join("\n\n"),
        outlet_link,
    })
}

/// Matches of `selector` under `message` that belong to it, not to a post nested inside it.
fn own<'a>(
    message: ElementRef<'a>,
    selector: &'a LazyLock<Option<Selector>>,
) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    select(message, selector).filter(move |found| {
        found
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|a| a.value().attr("data-post").is_some())
            .is_none_or(|owner| owner.id() == message.id())
    })
}

/// Whether `element` sits inside a reply quote of `message`.
fn in_reply(element: ElementRef, message: ElementRef) -> bool {
    element
        .ancestors()
        .take_while(|a| a.id() != message.id())
        .filter_map(ElementRef::wrap)
        .any(|a| {
            a.value().has_class(
                "tgme_widget_message_reply",
                scraper::CaseSensitivity::CaseSensitive,
            )
        })
}

/// A link to an article elsewhere: http(s), not Telegram's own hosts, and not the preview's
/// own pages (hashtag searches `?q=`, other channels under `/s/`).
fn is_outlet(url: &Url, page_url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let preview_page = url.host_str() == page_url.host_str()
        && (url.path() == page_url.path() || url.path().starts_with("/s/"));
    matches!(url.scheme(), "http" | "https")
        && !preview_page
        && !matches!(host, "t.me" | "telegram.me" | "telegram.org" | "telesco.pe")
        && !host.ends_with(".telesco.pe")
}

/// The element's text with `<br>` and blocks as line breaks, spaces collapsed within lines.
fn block_text(element: ElementRef) -> String {
    let mut out = String::new();
    collect_text(*element, &mut out);
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn collect_text(node: NodeRef<Node>, out: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(el) if el.name() == "br" => out.push('\n'),
            Node::Element(el) if matches!(el.name(), "p" | "div" | "blockquote" | "li") => {
                out.push('\n');
                collect_text(child, out);
                out.push('\n');
            }
            Node::Element(_) => collect_text(child, out),
            _ => {}
        }
    }
}

/// The first non-empty line, cut at a word boundary when long.
fn headline(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    if line.chars().count() <= TITLE_CHARS {
        return Some(line.to_string());
    }
    let cut: String = line.chars().take(TITLE_CHARS).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    Some(format!("{}…", cut[..at].trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = include_str!("../../tests/fixtures/sources/telegram_page1.html");

    fn page() -> ChannelPage {
        let html = PAGE.replace("OUTLET_URL", "https://outlet.kz/news/2026/01/12/sud-arest");
        parse_channel(
            &html,
            &Url::parse("http://127.0.0.1:9/s/dala_news").unwrap(),
        )
    }

    #[test]
    fn posts_get_ids_dates_and_their_own_text() {
        let page = page();
        let ids: Vec<&str> = page.posts.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "dala_news/101",
                "dala_news/102",
                "dala_news/103",
                "dala_news/105",
                "dala_news/107"
            ],
            "the photo-only post 106 has nothing to read"
        );
        let first = &page.posts[0];
        assert_eq!(first.url.as_str(), "https://t.me/dala_news/101");
        assert_eq!(
            first.published.unwrap().to_rfc3339(),
            "2026-01-12T08:15:00+00:00"
        );
        assert_eq!(
            first.text,
            "Алматыда бейбіт митинг өтті\n\nБелсенділер саяси тұтқындарды босатуды талап етті.\nПолиция ешкімді ұстаған жоқ."
        );
        assert_eq!(
            page.posts[1].text, "Уточнение: акимат согласовал митинг заранее.",
            "a reply's quote is not the post's text"
        );
        assert!(page.posts[2].text.starts_with("Фотоальбом"));
        assert_eq!(page.posts[3].text, "Митингке қатысасыз ба?\n\nИә\n\nЖоқ");
    }

    #[test]
    fn link_previews_are_kept_and_outlet_links_found() {
        let post = page().posts.pop().unwrap();
        assert!(post.text.contains("Суд арестовал активистов после митинга"));
        assert!(post.text.ends_with("Активистов задержали в Алматы."));
        assert_eq!(
            post.outlet_link.as_ref().map(Url::as_str),
            Some("https://outlet.kz/news/2026/01/12/sud-arest")
        );
        let (item, fetch) = post.clone().into_item(false);
        assert!(!fetch);
        assert_eq!(item.link.unwrap().as_str(), "https://t.me/dala_news/107");
        assert_eq!(
            item.title.as_deref(),
            Some("Суд арестовал активистов. Подробности: читать")
        );
        let (item, fetch) = post.into_item(true);
        assert!(fetch);
        assert_eq!(item.guid, "dala_news/107");
        assert_eq!(item.link.unwrap().host_str(), Some("outlet.kz"));
        assert_eq!(item.title, None, "the outlet's page names the article");
    }

    #[test]
    fn the_older_page_link_and_non_channel_pages() {
        let page = page();
        assert_eq!(
            page.older.unwrap().as_str(),
            "http://127.0.0.1:9/s/dala_news?before=101"
        );
        let empty = parse_channel(
            "<html><body><p>hi</p></body></html>",
            &Url::parse("http://x.kz/").unwrap(),
        );
        assert!(empty.posts.is_empty() && empty.older.is_none());
        assert!(!is_channel_page("<html><body><p>hi</p></body></html>"));
        assert!(is_channel_page(PAGE));
    }

    #[test]
    fn long_first_lines_are_cut_at_a_word() {
        let text = "сөз ".repeat(100);
        let title = headline(&text).unwrap();
        assert!(title.chars().count() <= TITLE_CHARS + 1, "{title}");
        assert!(title.ends_with("сөз…"));
    }
}
