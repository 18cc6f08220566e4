//! OPML 2.0 subscription lists (<http://opml.org/spec2.opml>): reading the outlines that name
//! sources, and writing sources as outlines. Folders (outlines holding outlines) become tags;
//! newswatch keeps a source's kind in an extra `newswatchKind` attribute so export and import
//! round-trip.

use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};
use url::Url;

/// Largest OPML file read, in bytes.
pub const MAX_OPML_BYTES: usize = 10 << 20;
/// Outlines read from one file at most.
pub const MAX_OUTLINES: usize = 10_000;

/// One source named by an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlSource {
    /// `text` (else `title`) as written.
    pub title: String,
    /// `xmlUrl` (else `url`).
    pub url: Url,
    /// `newswatchKind`, else `feed` for an outline with an `xmlUrl`, else `auto`.
    pub kind: String,
    /// The enclosing folders' names and the `category` attribute's entries.
    pub tags: Vec<String>,
}

/// Reads the sources an OPML document names; outlines without a usable http(s) URL are
/// skipped. A document that is not OPML is an error saying so.
pub fn parse_opml(text: &str) -> Result<Vec<OpmlSource>, String> {
    if text.len() > MAX_OPML_BYTES {
        return Err(format!("is larger than {MAX_OPML_BYTES} bytes"));
    }
    let mut reader = Reader::from_str(text);
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut sources = Vec::new();
    let mut seen_opml = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "opml" => seen_opml = true,
            Ok(Event::Start(e)) if e.local_name().as_ref() == "outline" => {
                let source = outline(&e, &folders);
                folders.push(match &source {
                    Some(_) => None,
                    None => attr(&e, "text").or_else(|| attr(&e, "title")),
                });
                sources.extend(source);
            }
            Ok(Event::Empty(e)) if e.local_name().as_ref() == "outline" => {
                sources.extend(outline(&e, &folders));
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "outline" => {
                folders.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(err) => return Err(format!("is not readable OPML ({err})")),
        }
        if sources.len() > MAX_OUTLINES {
            return Err(format!("names more than {MAX_OUTLINES} sources"));
        }
    }
    if !seen_opml {
        return Err("is not OPML: no <opml> element".into());
    }
    Ok(sources)
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn outline(e: &BytesStart, folders: &[Option<String>]) -> Option<OpmlSource> {
    let xml_url = attr(e, "xmlUrl");
    let url = xml_url
        .clone()
        .or_else(|| attr(e, "url"))
        .and_then(|u| Url::parse(&u).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))?;
    let kind = attr(e, "newswatchKind")
        .unwrap_or_else(|| if xml_url.is_some() { "feed" } else { "auto" }.to_string());
    let mut tags: Vec<String> = folders.iter().flatten().cloned().collect();
    if let Some(category) = attr(e, "category") {
        tags.extend(
            category
                .split(',')
                .map(|c| c.trim().trim_matches('/').to_string())
                .filter(|c| !c.is_empty()),
        );
    }
    tags.dedup();
    Some(OpmlSource {
        title: attr(e, "text")
            .or_else(|| attr(e, "title"))
            .unwrap_or_else(|| url.host_str().unwrap_or("source").to_string()),
        url,
        kind,
        tags,
    })
}

/// Writes `sources` as an OPML 2.0 document.
pub fn render_opml(title: &str, sources: &[OpmlSource]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>{}</title>\n  </head>\n  <body>\n",
        escape(title)
    );
    for s in sources {
        let url_attr = if matches!(s.kind.as_str(), "feed" | "auto") {
            "xmlUrl"
        } else {
            "url"
        };
        let outline_type = if url_attr == "xmlUrl" { "rss" } else { "link" };
        out.push_str(&format!(
            "    <outline type=\"{outline_type}\" text=\"{0}\" title=\"{0}\" {url_attr}=\"{1}\" newswatchKind=\"{2}\"",
            escape(s.title.as_str()),
            escape(s.url.as_str()),
            escape(s.kind.as_str()),
        ));
        if !s.tags.is_empty() {
            let category: Vec<String> = s.tags.iter().map(|t| format!("/{t}")).collect();
            out.push_str(&format!(
                " category=\"{}\"",
                escape(category.join(",").as_str())
            ));
        }
        out.push_str("/>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Reader export</title></head><body>
  <outline text="Қазақша" title="Қазақша">
    <outline type="rss" text="Азаттық &amp; Co" xmlUrl="https://www.azattyq.org/api/zrqiteuuir" htmlUrl="https://www.azattyq.org/"/>
    <outline type="rss" text="No URL"/>
    <outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/>
  </outline>
  <outline type="rss" text="Vlast" xmlUrl="https://vlast.kz/rss" category="/ru,/analysis"/>
</body></opml>"#;

    #[test]
    fn outlines_become_sources_with_folder_tags() {
        let sources = parse_opml(OPML).unwrap();
        assert_eq!(sources.len(), 2);
        assert_eq!(sources[0].title, "Азаттық & Co");
        assert_eq!(sources[0].kind, "feed");
        assert_eq!(sources[0].tags, ["Қазақша"]);
        assert_eq!(sources[1].tags, ["ru", "analysis"]);
        assert!(parse_opml("<html/>").unwrap_err().contains("not OPML"));
        assert!(parse_opml("<opml><body><outline").is_err());
    }

    #[test]
    fn rendering_round_trips() {
        let mut sources = parse_opml(OPML).unwrap();
        sources.push(OpmlSource {
            title: "tengrinews-tg".into(),
            url: Url::parse("https://t.me/s/tengrinews").unwrap(),
            kind: "telegram".into(),
            tags: Vec::new(),
        });
        let again = parse_opml(&render_opml("newswatch", &sources)).unwrap();
        assert_eq!(again, sources);
    }
}
