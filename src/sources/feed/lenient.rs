//! The lenient reader: recovers the `<item>`/`<entry>` blocks of a feed that strict XML parsing
//! rejects (unclosed tags, unknown entities, undeclared prefixes, a stray `&`), the way
//! forgiving feed readers do.
//!
//! It reads each block on its own with the forgiving tokenizer, so one broken element costs at
//! most its own item. Only the fields the pipeline uses are read.

use sha2::{Digest, Sha256};
use url::Url;

use super::FeedItem;
use super::convert::{html_text, parse_date};
use super::tokens::{Token, Tokens, attribute, local_name, unescape};

/// How many item or entry start tags the document has.
pub(super) fn count_items(text: &str) -> usize {
    Tokens::new(text)
        .filter(|t| matches!(t, Token::Open { name, .. } if is_item(name)))
        .count()
}

/// The items the lenient reader can recover, in document order; an item it can make nothing
/// of (no title, link, id or text) is skipped.
pub(super) fn read_items(text: &str, feed_url: &Url) -> Vec<FeedItem> {
    let mut items = Vec::new();
    let mut draft: Option<Draft> = None;
    let mut field: Option<Capture> = None;
    for token in Tokens::new(text) {
        match token {
            Token::Open { name, attrs, .. } if is_item(name) => {
                items.extend(draft.take().and_then(|d| d.finish(feed_url)));
                field = None;
                draft = Some(Draft::new(attrs));
            }
            Token::Close { name, .. } if is_item(name) => {
                items.extend(draft.take().and_then(|d| d.finish(feed_url)));
                field = None;
            }
            _ => {
                if let Some(d) = draft.as_mut() {
                    take_token(d, &mut field, token);
                }
            }
        }
    }
    items.extend(draft.and_then(|d| d.finish(feed_url)));
    items
}

fn is_item(name: &str) -> bool {
    matches!(local_name(name).as_str(), "item" | "entry")
}

/// The fields of an item the pipeline uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Link,
    Id,
    Summary,
    Content,
    Published,
    Updated,
    Author,
}

impl Field {
    /// The field an element of an item holds. Prefixed names are matched by their local part
    /// only where the prefix is one feeds use for that field.
    fn of(name: &str) -> Option<Field> {
        let lower = name.to_ascii_lowercase();
        let (prefix, local) = match lower.split_once(':') {
            Some((p, l)) => (p, l),
            None => ("", lower.as_str()),
        };
        let field = match (prefix, local) {
            ("" | "atom" | "rss", "title") => Field::Title,
            ("" | "atom" | "rss", "link") => Field::Link,
            ("" | "atom", "guid" | "id") => Field::Id,
            ("" | "atom" | "rss", "description" | "summary") | ("dc", "description") => {
                Field::Summary
            }
            ("" | "atom", "content") | ("content", "encoded") => Field::Content,
            ("" | "atom", "pubdate" | "published" | "issued" | "created") | ("dc", "date") => {
                Field::Published
            }
            ("" | "atom", "updated" | "modified") | ("dcterms", "modified") => Field::Updated,
            ("" | "atom", "author") | ("dc", "creator") => Field::Author,
            _ => return None,
        };
        Some(field)
    }
}

/// A field being read: its element's name, and the text so far (nested markup kept as
/// written, so HTML survives for [`html_text`]).
struct Capture {
    field: Field,
    name: String,
    text: String,
    /// Whether an `<id>`/`<guid>` says it is not a link (`isPermaLink="false"`).
    not_a_link: bool,
}

/// One item being read.
#[derive(Default)]
struct Draft {
    /// `rdf:about` of an RSS 1.0 item, or `HREF` of a CDF one.
    about: Option<String>,
    title: Option<String>,
    links: Vec<(Option<String>, String)>,
    id: Option<(String, bool)>,
    summary: Option<String>,
    content: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    author: Option<String>,
    /// Text of the item's other elements (category, comments, …), only for an identity.
    other_text: String,
    /// The item tag's attributes and its fields as written, for the identity of an item whose
    /// fields hold only markup (an image, a fragment) and so no text.
    markup: String,
}

fn take_token(draft: &mut Draft, field: &mut Option<Capture>, token: Token<'_>) {
    match (field.as_mut(), token) {
        (Some(c), Token::Close { name, .. }) if name.eq_ignore_ascii_case(&c.name) => {
            if let Some(done) = field.take() {
                draft.set(done);
            }
        }
        // A known field opening inside another means the other was never closed.
        (Some(c), Token::Open { name, .. })
            if c.field != Field::Author
                && c.field != Field::Content
                && Field::of(name).is_some() =>
        {
            if let Some(done) = field.take() {
                draft.set(done);
            }
            take_token(draft, field, token);
        }
        (Some(c), Token::Open { raw, .. } | Token::Close { raw, .. }) => c.text.push_str(raw),
        (Some(c), Token::Text(text)) => c.text.push_str(&unescape(text)),
        (Some(c), Token::CData(text)) => c.text.push_str(text),
        (
            None,
            Token::Open {
                name, attrs, empty, ..
            },
        ) => {
            let Some(kind) = Field::of(name) else {
                return;
            };
            if kind == Field::Link
                && let Some(href) = attribute(attrs, "href")
            {
                draft.links.push((attribute(attrs, "rel"), href));
            }
            if !empty {
                *field = Some(Capture {
                    field: kind,
                    name: name.to_string(),
                    text: String::new(),
                    not_a_link: attribute(attrs, "isPermaLink")
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("false")),
                });
            }
        }
        (None, Token::Text(text)) => draft.other_text.push_str(text.trim()),
        (None, Token::CData(text)) => draft.other_text.push_str(text.trim()),
        (None, Token::Close { .. }) => {}
    }
}

impl Draft {
    fn new(attrs: &str) -> Draft {
        // CDF (Microsoft's Channel Definition Format) gives an item's link and date as
        // `<ITEM HREF=".." LASTMOD="..">` attributes.
        Draft {
            about: attribute(attrs, "rdf:about")
                .or_else(|| attribute(attrs, "href"))
                .filter(|a| !a.trim().is_empty()),
            updated: attribute(attrs, "lastmod").filter(|d| !d.trim().is_empty()),
            markup: attrs.trim().trim_end_matches('/').trim().to_string(),
            ..Draft::default()
        }
    }

    /// Keeps the first value of each field.
    fn set(&mut self, capture: Capture) {
        let text = capture.text;
        self.markup.push_str(&text);
        let slot = match capture.field {
            Field::Title => &mut self.title,
            Field::Summary => &mut self.summary,
            Field::Content => &mut self.content,
            Field::Published => &mut self.published,
            Field::Updated => &mut self.updated,
            Field::Author => &mut self.author,
            Field::Link => {
                if !text.trim().is_empty() {
                    self.links.push((None, text.trim().to_string()));
                }
                return;
            }
            Field::Id => {
                if self.id.is_none() && !text.trim().is_empty() {
                    self.id = Some((text.trim().to_string(), capture.not_a_link));
                }
                return;
            }
        };
        if slot.is_none() && !text.trim().is_empty() {
            *slot = Some(text);
        }
    }

    fn finish(self, feed_url: &Url) -> Option<FeedItem> {
        let web = |href: &str| {
            feed_url
                .join(href.trim())
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
        };
        let id_link = self
            .id
            .as_ref()
            .filter(|(_, not_a_link)| !not_a_link)
            .and_then(|(id, _)| web(id).filter(|_| id.starts_with("http")));
        let link = self
            .links
            .iter()
            .find(|(rel, _)| rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| self.links.first())
            .and_then(|(_, href)| web(href))
            .or(id_link)
            .or_else(|| self.about.as_deref().and_then(web));
        let text = |t: Option<String>| t.map(|t| html_text(&t)).filter(|t| !t.is_empty());
        let title = text(self.title);
        let summary = text(self.summary);
        let content = text(self.content);
        let author = self
            .author
            .map(|a| author_name(&a))
            .filter(|a| !a.is_empty());
        let guid = match (self.id, &link, &self.about) {
            (Some((id, _)), _, _) => id,
            (None, Some(link), _) => link.to_string(),
            (None, None, Some(about)) => about.trim().to_string(),
            (None, None, None) => derived_id(&[
                title.as_deref(),
                summary.as_deref(),
                content.as_deref(),
                Some(&self.other_text),
            ])
            .or_else(|| derived_id(&[Some(&self.markup)]))?,
        };
        let published = self
            .published
            .or(self.updated)
            .and_then(|d| parse_date(&unescape(d.trim())));
        Some(FeedItem {
            guid,
            link,
            title,
            summary,
            content,
            author,
            published,
        })
    }
}

/// An Atom author's `<name>`, else the element's text.
fn author_name(captured: &str) -> String {
    let mut in_name = false;
    let mut name = String::new();
    for token in Tokens::new(captured) {
        match token {
            Token::Open { name: n, .. } => in_name = local_name(n) == "name",
            Token::Close { .. } => in_name = false,
            Token::Text(t) if in_name => name.push_str(t),
            Token::CData(t) if in_name => name.push_str(t),
            _ => {}
        }
    }
    if name.trim().is_empty() {
        html_text(captured)
    } else {
        html_text(&name)
    }
}

/// An identity for an item with neither id nor link, from its text; `None` for an item
/// without any.
fn derived_id(parts: &[Option<&str>]) -> Option<String> {
    let text = parts
        .iter()
        .map(|t| t.unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    if text.trim().is_empty() {
        return None;
    }
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    Some(format!("urn:newswatch:text:{hex}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("http://example.kz/rss/").unwrap()
    }

    #[test]
    fn broken_items_are_recovered_one_by_one() {
        let text = r#"<rss><channel><title>Лента &nbsp; новостей</title>
<item><title>Первая & вторая</title><link>/a/1</link><pubDate>Mon, 08 Jan 2024 10:00:00 +0600</pubDate>
<description><![CDATA[<p>Текст <b>жирный</p>]]></description><dc:creator>Ерлан</dc:creator></item>
<item><title>Незакрытый заголовок<link>http://example.kz/a/2</link><guid isPermaLink="false">g2</guid></item>
<item><description>&lt;p&gt;без ссылки&lt;/p&gt;</description>
<entry><title type="html">Атом</title><link rel="self" href="/self"/><link rel="alternate" href="/a/3"/><id>urn:3</id>
<author><name>Айгүл</name><email>a@b</email></author><updated>2024-01-02T00:00:00Z</updated></entry>
</channel>"#;
        assert_eq!(count_items(text), 4);
        let items = read_items(text, &url());
        assert_eq!(items.len(), 4, "{items:#?}");
        assert_eq!(items[0].title.as_deref(), Some("Первая & вторая"));
        assert_eq!(
            items[0].link.as_ref().unwrap().as_str(),
            "http://example.kz/a/1"
        );
        assert_eq!(items[0].guid, "http://example.kz/a/1");
        assert_eq!(items[0].summary.as_deref(), Some("Текст жирный"));
        assert_eq!(items[0].author.as_deref(), Some("Ерлан"));
        assert_eq!(
            items[0].published.unwrap().to_rfc3339(),
            "2024-01-08T04:00:00+00:00"
        );
        assert_eq!(items[1].title.as_deref(), Some("Незакрытый заголовок"));
        assert_eq!(
            items[1].link.as_ref().unwrap().as_str(),
            "http://example.kz/a/2"
        );
        assert_eq!(items[1].guid, "g2");
        assert_eq!(items[2].link, None);
        assert_eq!(items[2].summary.as_deref(), Some("без ссылки"));
        assert!(items[2].guid.starts_with("urn:newswatch:text:"));
        assert_eq!(
            items[3].link.as_ref().unwrap().as_str(),
            "http://example.kz/a/3"
        );
        assert_eq!(items[3].author.as_deref(), Some("Айгүл"));
        assert_eq!(items[3].guid, "urn:3");
    }

    #[test]
    fn permalink_guids_and_rdf_about_give_links() {
        let text = r#"<rdf:RDF><item rdf:about="http://example.kz/r/1"><title>R</title></item>
<item><guid>http://example.kz/g/2</guid><title>G</title></item>
<item><guid isPermaLink="false">http://example.kz/g/3</guid><title>N</title></item></rdf:RDF>"#;
        let items = read_items(text, &url());
        let links: Vec<Option<&str>> = items
            .iter()
            .map(|i| i.link.as_ref().map(Url::as_str))
            .collect();
        assert_eq!(
            links,
            [
                Some("http://example.kz/r/1"),
                Some("http://example.kz/g/2"),
                None
            ]
        );
    }

    #[test]
    fn an_item_with_only_other_elements_is_kept_and_an_empty_one_skipped() {
        let text = "<rss><channel><item><category>Саясат</category></item><item></item><item/>";
        assert_eq!(count_items(text), 3);
        let items = read_items(text, &url());
        assert_eq!(items.len(), 1);
        assert!(items[0].guid.starts_with("urn:newswatch:text:"));
        assert_eq!(items[0].title, None);
    }

    #[test]
    fn items_holding_only_markup_are_kept_by_their_markup() {
        let text = r#"<rss><item><description><![CDATA[<img alt="&#169;" src="/p.png"/>]]></description></item>
<item><description>&lt;!' &lt;a href="x"&gt;</description></item>
<item><description><![CDATA[ <!DOCTYPE ]]></description></item></rss>"#;
        let items = read_items(text, &url());
        assert_eq!(items.len(), 3, "{items:#?}");
        let mut guids: Vec<&str> = items.iter().map(|i| i.guid.as_str()).collect();
        guids.dedup();
        assert_eq!(guids.len(), 3, "each keeps its own identity: {guids:?}");
        assert!(guids.iter().all(|g| g.starts_with("urn:newswatch:text:")));
    }

    #[test]
    fn cdf_items_give_their_link_and_date_in_attributes() {
        let text = r#"<CHANNEL HREF="http://example.kz/"><ITEM HREF="http://example.kz/cdf/1">
</ITEM><ITEM LASTMOD="2024-04-06T23:05:43-05:00"></ITEM></CHANNEL>"#;
        let items = read_items(text, &url());
        assert_eq!(items.len(), 2, "{items:#?}");
        assert_eq!(
            items[0].link.as_ref().map(Url::as_str),
            Some("http://example.kz/cdf/1")
        );
        assert_eq!(items[0].guid, "http://example.kz/cdf/1");
        assert_eq!(
            items[1].published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-04-07T04:05:43+00:00")
        );
    }
}
