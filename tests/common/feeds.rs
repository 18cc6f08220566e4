//! Feed fixtures: RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents shaped like the ones Kazakh
//! and Russian news sites publish (namespaces, CDATA-free escaped HTML descriptions, local
//! time zones). Builders only; they never fetch anything.

use chrono::DateTime;

/// One entry of a feed fixture. `pub_date` is RFC 3339 (e.g. `2026-01-08T14:30:00+05:00`);
/// each builder renders it the way its format requires.
#[derive(Clone, Debug)]
pub struct FeedItem<'a> {
    /// Headline.
    pub title: &'a str,
    /// Article URL (usually a `TestServer::url`).
    pub link: &'a str,
    /// Stable identifier; RSS marks it `isPermaLink="false"`.
    pub guid: &'a str,
    /// Publication time, RFC 3339.
    pub pub_date: &'a str,
    /// Teaser text; may contain HTML, which is escaped as sites do.
    pub description: &'a str,
}

/// An RSS 2.0 channel with the usual atom:self link and Dublin Core namespace.
pub fn rss_feed(title: &str, items: &[FeedItem<'_>]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(concat!(
        "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" ",
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n"
    ));
    xml.push_str(&format!("  <title>{}</title>\n", escape(title)));
    xml.push_str("  <link>https://news.example.kz/</link>\n");
    xml.push_str("  <description>Жаңалықтар / Новости Казахстана</description>\n");
    xml.push_str("  <ttl>10</ttl>\n");
    for item in items {
        xml.push_str("  <item>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape(item.title)));
        xml.push_str(&format!("    <link>{}</link>\n", escape(item.link)));
        xml.push_str(&format!(
            "    <guid isPermaLink=\"false\">{}</guid>\n",
            escape(item.guid)
        ));
        xml.push_str(&format!(
            "    <pubDate>{}</pubDate>\n",
            rfc2822(item.pub_date)
        ));
        xml.push_str(&format!(
            "    <description>{}</description>\n",
            escape(item.description)
        ));
        xml.push_str("    <dc:creator>Редакция</dc:creator>\n  </item>\n");
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

/// An Atom 1.0 feed; entries carry `id`, `updated`, `published`, an alternate link and an
/// HTML summary.
pub fn atom_feed(title: &str, items: &[FeedItem<'_>]) -> String {
    let updated = items
        .first()
        .map_or("2026-01-01T00:00:00+00:00", |i| i.pub_date);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!("  <title>{}</title>\n", escape(title)));
    xml.push_str("  <id>tag:news.example.kz,2026:feed</id>\n");
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str("  <link rel=\"alternate\" href=\"https://news.example.kz/\"/>\n");
    for item in items {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape(item.title)));
        xml.push_str(&format!("    <id>{}</id>\n", escape(item.guid)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(item.link)
        ));
        xml.push_str(&format!("    <published>{}</published>\n", item.pub_date));
        xml.push_str(&format!("    <updated>{}</updated>\n", item.pub_date));
        xml.push_str("    <author><name>Редакция</name></author>\n");
        xml.push_str(&format!(
            "    <summary type=\"html\">{}</summary>\n",
            escape(item.description)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// A JSON Feed 1.1 document.
pub fn json_feed(title: &str, items: &[FeedItem<'_>]) -> String {
    let entries: Vec<serde_json::Value> = items
        .iter()
        .map(|item| {
            serde_json::json!({
                "id": item.guid,
                "url": item.link,
                "title": item.title,
                "content_html": item.description,
                "date_published": item.pub_date,
            })
        })
        .collect();
    let feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": "https://news.example.kz/",
        "items": entries,
    });
    serde_json::to_string_pretty(&feed).expect("JSON feed serialises")
}

/// Escapes text for XML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn rfc2822(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("fixture date {rfc3339:?} is not RFC 3339: {e}"))
        .to_rfc2822()
}
