//! Hand-made feeds, one per class of variant a forgiving reader reads: every RSS version with
//! and without `version`, RSS 1.0/0.90 RDF, Atom 0.3 and 1.0, every Atom content `type`,
//! UTF-16/32 with and without a byte-order mark, KOI8-R and windows-1251 declared and
//! undeclared, malformed XML, and JSON Feed. Each carries one headline naming its variant, so
//! a test can tell which ones were read.

/// One variant: served at `/{name}` with `content_type`.
pub struct Variant {
    /// Source name and path.
    pub name: String,
    /// The `Content-Type` header.
    pub content_type: &'static str,
    /// The body as served.
    pub body: Vec<u8>,
    /// The headline the first item must be stored with.
    pub title: String,
}

const RSS_TYPE: &str = "application/rss+xml";
const ATOM_TYPE: &str = "application/atom+xml";
const XML_TYPE: &str = "text/xml";

fn headline(name: &str) -> String {
    format!("Жаңалық {name}: митинг в Алматы")
}

fn variant(name: &str, content_type: &'static str, text: String) -> Variant {
    Variant {
        name: name.to_string(),
        content_type,
        body: text.into_bytes(),
        title: headline(name),
    }
}

/// An RSS 0.9x/2.0 document whose root tag is `root` (e.g. `<rss version="0.92">`).
fn rss(name: &str, base: &str, root: &str, decl: &str) -> String {
    let title = headline(name);
    format!(
        "{decl}{root}<channel><title>Лента</title><link>{base}/</link><description>d</description>\
         <language>ru</language><item><title>{title}</title><link>{base}/a/{name}</link>\
         <description>Суд арестовал активистов.</description>\
         <pubDate>Mon, 12 Jan 2026 18:00:00 +0500</pubDate></item>\
         <item><title>Второй материал {name}</title><link>{base}/b/{name}</link></item></channel></rss>"
    )
}

fn rdf(name: &str, base: &str, namespace: &str) -> String {
    let title = headline(name);
    format!(
        "<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" \
         xmlns=\"{namespace}\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
         <channel rdf:about=\"{base}/\"><title>Лента</title><link>{base}/</link></channel>\
         <item rdf:about=\"{base}/a/{name}\"><title>{title}</title><link>{base}/a/{name}</link>\
         <dc:date>2026-01-12T18:00:00+05:00</dc:date></item></rdf:RDF>"
    )
}

fn atom10(name: &str, base: &str, types: &str) -> String {
    let title = headline(name);
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <title>Лента</title><id>tag:x,2026:f</id><updated>2026-01-12T18:00:00Z</updated>\
         <entry><title{types}>{title}</title><id>tag:x,2026:{name}</id>\
         <link href=\"{base}/a/{name}\"/><updated>2026-01-12T18:00:00Z</updated>\
         <summary{types}>Суд арестовал активистов.</summary>\
         <content{types}>Полный текст.</content></entry></feed>"
    )
}

fn atom03(name: &str, base: &str) -> String {
    let title = headline(name);
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed version=\"0.3\" \
         xmlns=\"http://purl.org/atom/ns#\" xml:lang=\"ru\"><title mode=\"escaped\">Лента</title>\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/\"/>\
         <modified>2026-01-12T18:00:00Z</modified><tagline>t</tagline>\
         <entry><title mode=\"escaped\" type=\"text/html\">{title}</title>\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/a/{name}\"/>\
         <id>tag:x,2026:{name}</id><issued>2026-01-12T18:00:00+05:00</issued>\
         <modified>2026-01-12T18:00:00Z</modified><author><name>Ред</name></author>\
         <content type=\"application/xhtml+xml\" mode=\"xml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Текст</p></div></content>\
         </entry></feed>"
    )
}

/// Every RSS and Atom version, with and without `version`.
pub fn versions(base: &str) -> Vec<Variant> {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    let mut out = Vec::new();
    for (name, root) in [
        ("rss-none", "<rss>"),
        ("rss-empty", "<rss version=\"\">"),
        ("rss-091", "<rss version=\"0.91\">"),
        ("rss-092", "<rss version=\"0.92\">"),
        ("rss-093", "<rss version=\"0.93\">"),
        ("rss-094", "<rss version=\"0.94\">"),
        ("rss-20", "<rss version=\"2.0\">"),
        ("rss-201", "<rss version=\"2.0.1\">"),
        (
            "rss-20-default-ns",
            "<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\">",
        ),
        ("rss-upper-case", "<RSS version=\"2.0\">"),
        (
            "rss-none-ns",
            "<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\">",
        ),
    ] {
        out.push(variant(name, RSS_TYPE, rss(name, base, root, decl)));
    }
    out.push(variant(
        "rss-10",
        XML_TYPE,
        rdf("rss-10", base, "http://purl.org/rss/1.0/"),
    ));
    let rss090 = "http://my.netscape.com/rdf/simple/0.9/";
    out.push(variant("rss-090", XML_TYPE, rdf("rss-090", base, rss090)));
    out.push(variant("atom-03", ATOM_TYPE, atom03("atom-03", base)));
    out.push(variant("atom-10", ATOM_TYPE, atom10("atom-10", base, "")));
    let json = format!(
        "{{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{{\"id\":\"j1\",\
         \"url\":\"{base}/a/json\",\"title\":\"{}\",\"content_text\":\"Текст\"}}]}}",
        headline("json")
    );
    out.push(variant("json", "application/feed+json", json));
    out
}

/// Atom with every `type` on its title, summary and content.
pub fn atom_types(base: &str) -> Vec<Variant> {
    [
        ("text", "text"),
        ("html", "html"),
        ("xhtml", "xhtml"),
        ("plain", "text/plain"),
        ("text-html", "text/html"),
        ("xhtml-mime", "application/xhtml+xml"),
        ("octet", "application/octet-stream"),
        ("empty", ""),
        ("svg", "image/svg+xml"),
    ]
    .into_iter()
    .map(|(label, value)| {
        let name = format!("atom-type-{label}");
        let types = format!(" type=\"{value}\"");
        let text = atom10(&name, base, &types);
        // xhtml text constructs hold markup; wrap the plain text the way xhtml requires.
        let text = if value.contains("xhtml") || value.ends_with("+xml") {
            // xhtml constructs hold markup: wrap the entry's texts in a div, as xhtml requires.
            let (head, entry) = text.split_at(text.find("<entry>").unwrap_or(0));
            let div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">";
            let entry = entry
                .replace(&format!("{types}>"), &format!("{types}>{div}"))
                .replace("</title>", "</div></title>")
                .replace("</summary>", "</div></summary>")
                .replace("</content>", "</div></content>");
            format!("{head}{entry}")
        } else {
            text
        };
        variant(&name, ATOM_TYPE, text)
    })
    .collect()
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let units = (if bom { "\u{FEFF}" } else { "" })
        .encode_utf16()
        .chain(text.encode_utf16());
    units
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn utf32(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    (if bom { "\u{FEFF}" } else { "" })
        .chars()
        .chain(text.chars())
        .flat_map(|c| {
            if big_endian {
                u32::from(c).to_be_bytes()
            } else {
                u32::from(c).to_le_bytes()
            }
        })
        .collect()
}

/// UTF-16/32 with and without a byte-order mark; KOI8-R and windows-1251 declared in the XML
/// declaration, in the HTTP header only, or nowhere.
pub fn encodings(base: &str) -> Vec<Variant> {
    let mut out = Vec::new();
    for (label, be, bom, wide) in [
        ("utf16be-bom", true, true, 16),
        ("utf16le-bom", false, true, 16),
        ("utf16be", true, false, 16),
        ("utf16le", false, false, 16),
        ("utf32be-bom", true, true, 32),
        ("utf32le-bom", false, true, 32),
        ("utf32be", true, false, 32),
        ("utf32le", false, false, 32),
    ] {
        let name = format!("enc-{label}");
        let declared = if wide == 16 { "utf-16" } else { "utf-32" };
        let decl = format!("<?xml version=\"1.0\" encoding=\"{declared}\"?>\n");
        let text = rss(&name, base, "<rss>", &decl);
        let body = if wide == 16 {
            utf16(&text, be, bom)
        } else {
            utf32(&text, be, bom)
        };
        let title = headline(&name);
        out.push(Variant {
            name,
            content_type: XML_TYPE,
            body,
            title,
        });
    }
    for (label, encoding) in [
        ("koi8-r", encoding_rs::KOI8_R),
        ("windows-1251", encoding_rs::WINDOWS_1251),
    ] {
        for (how, decl, content_type) in [
            (
                "declared",
                format!("<?xml version=\"1.0\" encoding=\"{label}\"?>\n"),
                RSS_TYPE,
            ),
            (
                "header",
                String::new(),
                if label == "koi8-r" {
                    "application/rss+xml; charset=koi8-r"
                } else {
                    "application/rss+xml; charset=windows-1251"
                },
            ),
            ("undeclared", String::new(), RSS_TYPE),
        ] {
            let name = format!("enc-{label}-{how}");
            let text = rss(&name, base, "<rss>", &decl);
            let (bytes, _, _) = encoding.encode(&text);
            out.push(Variant {
                name: name.clone(),
                content_type,
                body: bytes.into_owned(),
                title: headline(&name),
            });
        }
    }
    out
}

/// XML a strict parser rejects, each with items a forgiving reader still sees.
pub fn malformed(base: &str) -> Vec<Variant> {
    let ok = |name: &str| rss(name, base, "<rss version=\"2.0\">", "");
    let mut out = Vec::new();
    let mut add = |name: &str, text: String| out.push(variant(name, RSS_TYPE, text));
    add(
        "bad-unclosed",
        ok("bad-unclosed")
            .replace("активистов.</description>", "активистов.")
            .replace("bad-unclosed</title>", "bad-unclosed"),
    );
    add(
        "bad-unclosed-item",
        ok("bad-unclosed-item").replacen("</item>", "", 1),
    );
    add(
        "bad-entity",
        ok("bad-entity").replace("Суд арестовал", "Суд&nbsp;арестовал &hellip; &copy;"),
    );
    add(
        "bad-charref",
        ok("bad-charref").replace("Суд арестовал", "Суд &#xZZ; арестовал"),
    );
    add(
        "bad-stray-amp",
        ok("bad-stray-amp").replace("Суд арестовал", "Суд & прокуратура арестовали"),
    );
    add(
        "bad-prefix",
        ok("bad-prefix").replace(
            "<description>Суд",
            "<dc:creator>Ред</dc:creator><media:thumbnail url=\"x\"/><description>Суд",
        ),
    );
    add(
        "bad-mismatch",
        ok("bad-mismatch").replace(
            "<description>d</description>",
            "<description>d</descripton>",
        ),
    );
    add("bad-truncated", {
        let text = ok("bad-truncated");
        let cut = text.find("<item><title>Второй").unwrap_or(text.len());
        text[..cut + "<item><title>".len()].to_string()
    });
    add(
        "bad-junk-before-root",
        format!(
            "\n\n<!-- generated -->\nWarning: headers already sent\n{}",
            ok("bad-junk-before-root")
        ),
    );
    add(
        "bad-html-in-description",
        ok("bad-html-in-description").replace(
            "Суд арестовал активистов.",
            "<p>Суд<br>арестовал <b>активистов</p>",
        ),
    );
    add(
        "bad-two-roots",
        format!("{}{}", ok("bad-two-roots"), "<rss version=\"2.0\"></rss>"),
    );
    add(
        "bad-atom-empty-summary",
        atom10("bad-atom-empty-summary", base, "").replace(
            "<summary>Суд арестовал активистов.</summary>",
            "<summary type=\"html\"></summary>",
        ),
    );
    out
}
