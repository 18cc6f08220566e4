//! Turning fetched bytes into UTF-8 text.
//!
//! Evidence, strongest first: a byte-order mark, the HTTP `charset`, the XML declaration, an
//! HTML `<meta charset>`; without any, valid UTF-8 stays UTF-8 and anything else is guessed
//! (windows-1251 and KOI8-R are common in our region). Undecodable bytes become U+FFFD, so the
//! result is always valid UTF-8.

use encoding_rs::{Encoding, UTF_8};

/// How far into a document a charset declaration is looked for.
const SNIFF_BYTES: usize = 4096;

/// Decodes `body` using the best charset evidence available.
pub fn decode_text(body: &[u8], content_type: Option<&str>) -> String {
    let encoding = detect(body, content_type);
    let (text, _, _) = encoding.decode(body);
    let text = text.into_owned();
    if text.starts_with("<?xml") {
        utf8_declaration(text)
    } else {
        text
    }
}

fn detect(body: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(body) {
        return encoding;
    }
    let declared = content_type
        .and_then(charset_param)
        .or_else(|| declared_in_document(&body[..body.len().min(SNIFF_BYTES)]));
    if let Some(encoding) = declared.and_then(|label| Encoding::for_label(label.as_bytes())) {
        // A page saying UTF-16 in ASCII-compatible markup is lying about itself.
        if encoding != encoding_rs::UTF_16LE && encoding != encoding_rs::UTF_16BE {
            return encoding;
        }
    }
    if std::str::from_utf8(body).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(body, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

/// The `charset=` parameter of a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// A charset declared inside the document: `<?xml … encoding="…"?>` or `<meta … charset=…>`.
fn declared_in_document(head: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    if head.trim_start().starts_with("<?xml") {
        let decl_end = head.find("?>")?;
        return attribute_value(&head[..decl_end], "encoding");
    }
    let mut rest = head.as_str();
    while let Some(start) = rest.find("<meta") {
        let tag = &rest[start..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        if let Some(at) = tag.find("charset=") {
            let value = tag[at + "charset=".len()..].trim_start_matches(['"', '\'']);
            let end = value.find(|c: char| !(c.is_ascii_alphanumeric() || "-_:.".contains(c)));
            let label = &value[..end.unwrap_or(value.len())];
            if !label.is_empty() {
                return Some(label.to_string());
            }
        }
        rest = &rest[start + 5..];
    }
    None
}

fn attribute_value(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[at..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
}

/// Rewrites an XML declaration's encoding to UTF-8, because the text now is UTF-8 and XML
/// parsers honour the declaration over the bytes they are given.
fn utf8_declaration(text: String) -> String {
    let Some(end) = text.find("?>") else {
        return text;
    };
    let decl = &text[..end];
    let Some(at) = decl.find("encoding=") else {
        return text;
    };
    let value_start = at + "encoding=".len();
    let Some(quote) = decl[value_start..]
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')
    else {
        return text;
    };
    let Some(len) = decl[value_start + 1..].find(quote) else {
        return text;
    };
    let value_end = value_start + 1 + len + 1;
    format!("{}\"UTF-8\"{}", &text[..value_start], &text[value_end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const KAZAKH_RU: &str = "Правозащитники требуют освободить политзаключённых в Алматы.";

    #[test]
    fn windows_1251_without_any_declaration_is_detected() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(KAZAKH_RU);
        let html = [b"<html><body><p>".as_slice(), &bytes, b"</p></body></html>"].concat();
        assert!(decode_text(&html, Some("text/html")).contains(KAZAKH_RU));
    }

    #[test]
    fn koi8_r_without_any_declaration_is_detected() {
        let (bytes, _, _) = encoding_rs::KOI8_R.encode(KAZAKH_RU);
        assert!(decode_text(&bytes, None).contains(KAZAKH_RU));
    }

    #[test]
    fn http_charset_wins_over_guessing() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Жексебаев");
        assert_eq!(
            decode_text(&bytes, Some("text/plain; charset=\"windows-1251\"")),
            "Жексебаев"
        );
    }

    #[test]
    fn meta_charset_is_honoured() {
        let (bytes, _, _) = encoding_rs::KOI8_R
            .encode("<html><head><meta charset=koi8-r></head><body>Митинг</body>");
        assert!(decode_text(&bytes, Some("text/html")).contains("Митинг"));
    }

    #[test]
    fn xml_declaration_is_honoured_and_rewritten_to_utf8() {
        let xml =
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><title>Новости</title></rss>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(xml);
        let text = decode_text(&bytes, Some("application/rss+xml"));
        assert_eq!(
            text,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss><title>Новости</title></rss>"
        );
    }

    #[test]
    fn utf8_bom_is_stripped_and_invalid_bytes_replaced() {
        let text = decode_text(b"\xEF\xBB\xBFabc", None);
        assert_eq!(text, "abc");
        let text = decode_text(b"ok \xFF\xFE\xFD", Some("text/plain; charset=utf-8"));
        assert!(text.starts_with("ok "));
    }
}
