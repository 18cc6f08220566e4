//! Turning fetched bytes into UTF-8 text.
//!
//! Evidence, strongest first: a byte-order mark, the byte pattern of a UTF-16/32 document
//! starting with `<` (XML 1.0, Appendix F), the HTTP `charset`, the XML declaration, an HTML
//! `<meta charset>`; without any, valid UTF-8 stays UTF-8 and anything else is guessed
//! (windows-1251 and KOI8-R are common in our region). One exception: a single-byte HTTP
//! `charset` is overruled by bytes that are valid multi-byte UTF-8 when the document does not
//! declare that single-byte charset itself; the text is then read as UTF-8 with a warning.
//! Undecodable bytes become U+FFFD, so the result is always valid UTF-8.

use encoding_rs::{Encoding, UTF_8};

use super::wide::{Wide, decode_wide, sniff_wide};

/// How far into a document a charset declaration is looked for.
const SNIFF_BYTES: usize = 4096;

/// Text decoded from a body, with a note when the evidence disagreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The body as UTF-8.
    pub text: String,
    /// Why the declared charset was not used, for the source's warning.
    pub warning: Option<String>,
}

/// Decodes `body` using the best charset evidence available.
pub fn decode_text(body: &[u8], content_type: Option<&str>) -> String {
    decode(body, content_type).text
}

/// [`decode_text`] taking the body: a UTF-8 body without a byte-order mark (most pages)
/// becomes the text in place, without the copy that decoding from a borrowed body makes.
pub fn decode_text_owned(body: Vec<u8>, content_type: Option<&str>) -> String {
    let utf8 = matches!(detect(&body, content_type), Choice::Encoding(e, _) if e == UTF_8);
    if !utf8 || Encoding::for_bom(&body).is_some() {
        return decode_text(&body, content_type);
    }
    match String::from_utf8(body) {
        Ok(text) => declared_utf8(text),
        // Invalid sequences become U+FFFD, as `decode` does.
        Err(invalid) => decode_text(invalid.as_bytes(), content_type),
    }
}

/// Decodes `body` like [`decode_text`], and says when a declared charset was overruled.
pub fn decode(body: &[u8], content_type: Option<&str>) -> Decoded {
    let (text, warning) = match detect(body, content_type) {
        Choice::Wide(wide) => (decode_wide(body, wide), None),
        Choice::Encoding(encoding, warning) => {
            let (text, _, _) = encoding.decode(body);
            (text.into_owned(), warning)
        }
    };
    Decoded {
        text: declared_utf8(text),
        warning,
    }
}

/// Decoded text whose XML declaration, if any, now says UTF-8.
fn declared_utf8(text: String) -> String {
    if text.starts_with("<?xml") {
        utf8_declaration(text)
    } else {
        text
    }
}

/// The charset chosen for a body.
enum Choice {
    /// UTF-32 or BOM-less UTF-16 (encoding_rs decodes neither without a BOM).
    Wide(Wide),
    /// Any encoding_rs encoding, with a warning when the HTTP label was overruled.
    Encoding(&'static Encoding, Option<String>),
}

fn detect(body: &[u8], content_type: Option<&str>) -> Choice {
    if let Some(wide) = sniff_wide(body) {
        return Choice::Wide(wide);
    }
    if let Some((encoding, _)) = Encoding::for_bom(body) {
        return Choice::Encoding(encoding, None);
    }
    let head = &body[..body.len().min(SNIFF_BYTES)];
    let in_document = declared_in_document(head).and_then(|l| Encoding::for_label(l.as_bytes()));
    let in_header = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()));
    if let Some(header) = in_header
        && header.is_single_byte()
        && in_document != Some(header)
        && is_multibyte_utf8(body)
    {
        let warning = format!(
            "the server labels the body {} but it is valid UTF-8 with non-ASCII text{}; read as UTF-8 (fix the Content-Type charset on the server)",
            header.name(),
            if in_document == Some(UTF_8) {
                ", as the document itself declares"
            } else {
                ""
            }
        );
        return Choice::Encoding(UTF_8, Some(warning));
    }
    if let Some(encoding) = in_header.or(in_document) {
        // A page saying UTF-16 in ASCII-compatible markup is lying about itself.
        if encoding != encoding_rs::UTF_16LE && encoding != encoding_rs::UTF_16BE {
            return Choice::Encoding(encoding, None);
        }
    }
    if std::str::from_utf8(body).is_ok() {
        return Choice::Encoding(UTF_8, None);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(body, true);
    Choice::Encoding(detector.guess(None, chardetng::Utf8Detection::Allow), None)
}

/// Whether `body` is valid UTF-8 holding at least one multi-byte sequence: text a single-byte
/// charset would practically never produce (Cyrillic in KOI8-R or windows-1251 is not valid
/// UTF-8 beyond a few letters).
fn is_multibyte_utf8(body: &[u8]) -> bool {
    !body.is_ascii() && std::str::from_utf8(body).is_ok()
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

    #[test]
    fn a_taken_body_decodes_as_a_borrowed_one() {
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(KAZAKH_RU);
        let utf8_xml = "<?xml version='1.0' encoding='utf-8'?><rss>Жаңалық</rss>";
        let bodies: [(&[u8], Option<&str>); 7] = [
            (KAZAKH_RU.as_bytes(), Some("text/html; charset=utf-8")),
            (
                KAZAKH_RU.as_bytes(),
                Some("text/html; charset=windows-1251"),
            ),
            (&cp1251, None),
            (b"\xEF\xBB\xBFabc", None),
            (b"ok \xFF\xFE\xFD", Some("text/plain; charset=utf-8")),
            (utf8_xml.as_bytes(), None),
            (b"<\0h\0t\0m\0l\0>\0", None),
        ];
        for (body, content_type) in bodies {
            assert_eq!(
                decode_text_owned(body.to_vec(), content_type),
                decode_text(body, content_type),
                "{body:?} {content_type:?}"
            );
        }
    }
}
