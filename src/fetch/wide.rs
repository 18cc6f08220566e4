//! UTF-16 without a byte-order mark and UTF-32 with or without one: the encodings a body may be
//! in that encoding_rs does not recognise by itself.
//!
//! Recognised by the first four bytes of a document that starts with `<` (or white space), as
//! XML 1.0 (Fifth Edition), Appendix F.1 "Detection Without External Encoding Information"
//! describes.

/// A wide Unicode encoding found by its byte pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wide {
    /// UTF-16, big-endian, no byte-order mark.
    Utf16Be,
    /// UTF-16, little-endian, no byte-order mark.
    Utf16Le,
    /// UTF-32, big-endian (byte-order mark optional).
    Utf32Be,
    /// UTF-32, little-endian (byte-order mark optional).
    Utf32Le,
}

/// The wide encoding `body` is in, when its first bytes say so. UTF-16 with a byte-order mark
/// is left to encoding_rs.
pub fn sniff_wide(body: &[u8]) -> Option<Wide> {
    let head: [u8; 4] = body.get(..4)?.try_into().ok()?;
    let markup = |b: u8| matches!(b, b'<' | b' ' | b'\t' | b'\r' | b'\n');
    match head {
        [0, 0, 0xFE, 0xFF] => Some(Wide::Utf32Be),
        [0xFF, 0xFE, 0, 0] => Some(Wide::Utf32Le),
        [0, 0, 0, c] if markup(c) => Some(Wide::Utf32Be),
        [c, 0, 0, 0] if markup(c) => Some(Wide::Utf32Le),
        [0, c, 0, d] if markup(c) && d != 0 && d.is_ascii() => Some(Wide::Utf16Be),
        [c, 0, d, 0] if markup(c) && d != 0 && d.is_ascii() => Some(Wide::Utf16Le),
        _ => None,
    }
}

/// Decodes `body` as `wide`; a byte-order mark is dropped and invalid units become U+FFFD.
pub fn decode_wide(body: &[u8], wide: Wide) -> String {
    match wide {
        Wide::Utf16Be => decode_utf16(encoding_rs::UTF_16BE, body),
        Wide::Utf16Le => decode_utf16(encoding_rs::UTF_16LE, body),
        Wide::Utf32Be => decode_utf32(body, u32::from_be_bytes),
        Wide::Utf32Le => decode_utf32(body, u32::from_le_bytes),
    }
}

fn decode_utf16(encoding: &'static encoding_rs::Encoding, body: &[u8]) -> String {
    let (text, _) = encoding.decode_without_bom_handling(body);
    text.into_owned()
}

fn decode_utf32(body: &[u8], unit: fn([u8; 4]) -> u32) -> String {
    let mut text = String::with_capacity(body.len() / 4);
    for chunk in body.chunks(4) {
        let c = <[u8; 4]>::try_from(chunk)
            .ok()
            .and_then(|bytes| char::from_u32(unit(bytes)))
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        text.push(c);
    }
    text.strip_prefix('\u{FEFF}')
        .map(str::to_string)
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = "<?xml version=\"1.0\"?><rss><title>Жаңалық</title></rss>";

    fn utf16(big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for unit in (if bom { "\u{FEFF}" } else { "" })
            .encode_utf16()
            .chain(XML.encode_utf16())
        {
            let bytes = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            out.extend_from_slice(&bytes);
        }
        out
    }

    fn utf32(big_endian: bool, bom: bool) -> Vec<u8> {
        let text = if bom {
            format!("\u{FEFF}{XML}")
        } else {
            XML.to_string()
        };
        text.chars()
            .flat_map(|c| {
                if big_endian {
                    (c as u32).to_be_bytes()
                } else {
                    (c as u32).to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn bomless_utf16_and_all_utf32_are_sniffed_and_decoded() {
        for (bytes, wide) in [
            (utf16(true, false), Wide::Utf16Be),
            (utf16(false, false), Wide::Utf16Le),
            (utf32(true, false), Wide::Utf32Be),
            (utf32(false, false), Wide::Utf32Le),
            (utf32(true, true), Wide::Utf32Be),
            (utf32(false, true), Wide::Utf32Le),
        ] {
            assert_eq!(sniff_wide(&bytes), Some(wide));
            assert_eq!(decode_wide(&bytes, wide), XML, "{wide:?}");
        }
    }

    #[test]
    fn utf16_with_a_bom_and_ascii_text_are_not_wide() {
        assert_eq!(sniff_wide(&utf16(true, true)), None);
        assert_eq!(sniff_wide(&utf16(false, true)), None);
        assert_eq!(sniff_wide(XML.as_bytes()), None);
        assert_eq!(sniff_wide(b"<r"), None);
    }

    #[test]
    fn a_truncated_utf32_body_ends_in_a_replacement_character() {
        let mut bytes = utf32(true, false);
        bytes.pop();
        assert!(decode_wide(&bytes, Wide::Utf32Be).ends_with('\u{FFFD}'));
    }
}
