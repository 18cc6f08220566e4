//! Schema.org JSON-LD: finds the page's article object (NewsArticle, BlogPosting, …, also
//! inside `@graph` or arrays) and reads headline, author, dates and publisher, and collects
//! the captions the page gives its images and videos. Malformed JSON is ignored, never an
//! error.

use super::tree::NodeRef;
use serde_json::Value;

/// How deep into nested JSON to look for the article object and media objects.
const MAX_DEPTH: usize = 8;
/// Schema.org types of the page's images and videos.
const MEDIA_TYPES: &[&str] = &["ImageObject", "VideoObject"];
/// Fields of a media object that hold its caption.
const MEDIA_CAPTION_FIELDS: &[&str] = &["caption", "description", "name"];
/// Shorter media captions (characters) are names ("Logo", "Foto 1"), not captions.
const MEDIA_CAPTION_MIN_CHARS: usize = 20;

/// Fields of the article object, as strings.
#[derive(Debug, Default, Clone)]
pub struct LdArticle {
    /// `headline` or `name`.
    pub headline: Option<String>,
    /// `author` name(s), comma-separated.
    pub author: Option<String>,
    /// `datePublished`.
    pub published: Option<String>,
    /// `dateModified`.
    pub modified: Option<String>,
    /// `publisher.name`.
    pub publisher: Option<String>,
    /// `articleBody`: the article text the publisher states, paragraphs kept apart by line
    /// breaks where it has them (markup in it reduced to its text).
    pub body: Option<String>,
    /// Captions of the page's images and videos (`caption`, `description` or `name` of an
    /// `ImageObject` or `VideoObject` at any depth of the scripts up to the article object's,
    /// 20 characters or more).
    pub media_captions: Vec<String>,
    /// `description`: the publisher's summary of the story.
    pub description: Option<String>,
}

/// The first article-like JSON-LD object in the page's `application/ld+json` scripts
/// (empty when there is none), with the media captions of the scripts up to the one that
/// holds it (those after it are not parsed).
pub fn article(scripts: &[NodeRef]) -> LdArticle {
    let mut captions = Vec::new();
    let mut found = scripts
        .iter()
        .filter_map(|s| serde_json::from_str::<Value>(&s.text().collect::<String>()).ok())
        .find_map(|v| {
            media_captions(&v, 0, &mut captions);
            find(&v, 0).map(read)
        })
        .unwrap_or_default();
    found.media_captions = captions;
    found
}

/// Collects the captions of the media objects in `v` (see [`LdArticle::media_captions`]).
fn media_captions(v: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Object(map) => {
            if has_type(v, |t| MEDIA_TYPES.contains(&t)) {
                let captions = MEDIA_CAPTION_FIELDS
                    .iter()
                    .filter_map(|k| map.get(*k).and_then(Value::as_str))
                    .map(super::metadata::normalize)
                    .filter(|c| c.chars().count() >= MEDIA_CAPTION_MIN_CHARS);
                out.extend(captions);
            }
            for child in map.values() {
                media_captions(child, depth + 1, out);
            }
        }
        Value::Array(items) => {
            for child in items {
                media_captions(child, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Whether the object's `@type` (a string or a list) has a type `ty` accepts.
fn has_type(v: &Value, ty: impl Fn(&str) -> bool) -> bool {
    match v.get("@type") {
        Some(Value::String(t)) => ty(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(ty),
        _ => false,
    }
}

fn is_article(v: &Value) -> bool {
    has_type(v, |t| {
        t.ends_with("Article") || matches!(t, "BlogPosting" | "Report" | "LiveBlogPosting")
    })
}

fn find(v: &Value, depth: usize) -> Option<&Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    match v {
        Value::Object(map) if is_article(v) => Some(v).filter(|_| !map.is_empty()),
        Value::Object(map) => map.values().find_map(|c| find(c, depth + 1)),
        Value::Array(items) => items.iter().find_map(|c| find(c, depth + 1)),
        _ => None,
    }
}

fn read(v: &Value) -> LdArticle {
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(super::metadata::normalize)
            .filter(|x| !x.is_empty())
    };
    LdArticle {
        headline: s("headline").or_else(|| s("name")),
        author: v.get("author").and_then(names),
        published: s("datePublished"),
        modified: s("dateModified"),
        publisher: v.get("publisher").and_then(names),
        body: v.get("articleBody").and_then(article_body),
        media_captions: Vec::new(),
        description: s("description"),
    }
}

/// `articleBody` as plain text: a string, or an array of strings joined as paragraphs; HTML
/// inside it is reduced to its text, one paragraph per block.
fn article_body(v: &Value) -> Option<String> {
    let raw = match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n\n"),
        _ => return None,
    };
    let mut text = if raw.contains('<') && raw.contains('>') {
        super::evidence::fragment_text(&raw)
    } else {
        raw
    };
    for _ in 0..MAX_UNESCAPES {
        if !has_character_reference(&text) {
            break;
        }
        text = unescaped(&text);
    }
    (!text.trim().is_empty()).then_some(text)
}

/// How many more times an `articleBody` is unescaped at most. Publishers often escape its
/// text for HTML once or twice more than JSON needs (`&amp;ccedil;` for "ç", `&#039;`): a
/// reference left in the text splits the word it spells, and then no block of the page
/// matches the evidence around it.
const MAX_UNESCAPES: usize = 2;

/// Whether the text holds an HTML character reference: `&name;`, `&#39;` or `&#x27;`.
fn has_character_reference(text: &str) -> bool {
    text.match_indices('&').any(|(i, _)| {
        let rest = &text[i + 1..];
        let (digits, rest): (fn(char) -> bool, &str) = match rest.strip_prefix('#') {
            Some(num) => match num.strip_prefix(['x', 'X']) {
                Some(hex) => (|c| c.is_ascii_hexdigit(), hex),
                None => (|c| c.is_ascii_digit(), num),
            },
            None if rest.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                (|c| c.is_ascii_alphanumeric(), rest)
            }
            None => return false,
        };
        let end = rest.find(|c: char| !digits(c)).unwrap_or(rest.len());
        end > 0 && rest[end..].starts_with(';')
    })
}

/// The text with its character references resolved by the HTML parser, its lines (the
/// paragraphs) kept and a `<` it holds read as text.
fn unescaped(text: &str) -> String {
    let escaped = text.replace('<', "&lt;").replace('\n', "<br>");
    super::evidence::fragment_text(&escaped)
}

/// A person/organisation value as a name list: string, `{name}` object or array of those.
fn names(v: &Value) -> Option<String> {
    let list: Vec<String> = match v {
        Value::String(s) => vec![s.trim().to_string()],
        Value::Object(_) => v
            .get("name")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string())
            .into_iter()
            .collect(),
        Value::Array(items) => items.iter().filter_map(names).collect(),
        _ => vec![],
    };
    let joined = list
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    (!joined.is_empty()).then_some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_body_escaped_twice_for_html_reads_as_its_text() {
        let ld = serde_json::json!(
            "&Ccedil;orum un Alaca il&amp;ccedil;esinde yang&#305;n &amp;ccedil;&#305;kt&#305;.\n\
             &#x130;hbar &amp;uuml;zerine ekipler sevk edildi &amp;amp; 3 &lt; 4."
        );
        assert_eq!(
            article_body(&ld).as_deref(),
            Some(
                "Çorum un Alaca ilçesinde yangın çıktı.\nİhbar üzerine ekipler sevk edildi & 3 < 4."
            )
        );
    }

    #[test]
    fn media_captions_are_read_from_images_and_videos_anywhere_but_not_short_names() {
        let ld = serde_json::json!({"@graph": [
            {"@type": "NewsArticle", "headline": "Schools get more money",
             "image": {"@type": "ImageObject", "url": "a.jpg", "name": "Logo",
                       "caption": "Workers repair the roof of the school on Monday."}},
            {"@type": ["VideoObject"], "name": "Council votes on the school budget",
             "description": "The council met on Monday to vote on the budget."},
            {"@type": "Person", "name": "Jane Roe, education reporter of the city desk"}
        ]});
        let mut found = Vec::new();
        media_captions(&ld, 0, &mut found);
        assert_eq!(
            found,
            [
                "Workers repair the roof of the school on Monday.",
                "The council met on Monday to vote on the budget.",
                "Council votes on the school budget",
            ]
        );
    }

    #[test]
    fn ampersands_that_are_no_reference_stay_as_written() {
        let text = "AT&T and R&D costs & more: x &; y &#; z &#xg; &amp";
        assert!(!has_character_reference(text));
        for text in [text, "P&G; and Q&Aa; are no names HTML knows."] {
            let ld = serde_json::Value::String(text.to_string());
            assert_eq!(article_body(&ld).as_deref(), Some(text));
        }
    }
}
