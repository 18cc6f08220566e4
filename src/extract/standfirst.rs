//! The standfirst: the summary a news page prints between its headline and its first
//! paragraph is often outside the container the body was found in, so the body starts at the
//! first paragraph without it. The page names its own summary in `<meta name="description">`
//! (or `og:description`, `twitter:description`, or its JSON-LD article's `description`): a
//! visible element whose text is exactly that summary — or, for a summary the metadata cuts
//! short with "…", an element that opens with it — is the standfirst, and it opens the body
//! when the body lacks it. A summary that is only in the metadata (or only cut short on the
//! page, or only in a photo's caption) adds nothing.

use super::node_hash::NodeSet;
use super::tree::{Html, Node, NodeId, NodeRef};
use super::{body, dom};

/// Shorter descriptions (characters) are labels or titles, not summaries.
const MIN_DESCRIPTION_CHARS: usize = 60;
/// How far above a text node that opens the summary its element may sit.
const MAX_CLIMB: usize = 4;
/// A summary cut short ("…") opens an element of at most this many times its letters.
const CUT_SUMMARY_MAX_GROWTH: usize = 2;

/// A summary to look for: its letters and digits, and whether the metadata cut it short.
struct Summary {
    letters: String,
    /// Its first run of letters and digits as written: a body without it cannot hold it.
    first_word: String,
    /// The description ends in "..." or "…": the page's standfirst goes on where it stops.
    cut: bool,
}

impl Summary {
    fn of(description: &str) -> Option<Self> {
        if description.chars().count() < MIN_DESCRIPTION_CHARS {
            return None;
        }
        let trimmed = description.trim_end();
        let cut = trimmed.ends_with("...") || trimmed.ends_with('…');
        let letters = letters(trimmed);
        let first_word = trimmed
            .split(|c: char| !c.is_alphanumeric())
            .find(|w| !w.is_empty())?
            .to_string();
        Some(Summary {
            letters,
            first_word,
            cut,
        })
    }

    /// The most letters an element saying this summary holds.
    fn most(&self) -> usize {
        if self.cut {
            self.letters.len() * CUT_SUMMARY_MAX_GROWTH
        } else {
            self.letters.len()
        }
    }
}

/// The page's summaries of itself: the meta tags' (`description`, `og:description`,
/// `twitter:description`) and the JSON-LD article's `description`.
pub struct Summaries<'a> {
    /// Distinct values of the meta tags.
    pub meta: &'a [String],
    /// The JSON-LD article's `description`.
    pub json_ld: Option<&'a str>,
}

/// The body with the standfirst in front of it, if the page has one the body lacks. A meta
/// summary the body holds means it has its standfirst; otherwise every summary the body lacks
/// is sought (a JSON-LD description that repeats the first paragraph, which the body holds,
/// does not stop the search for the meta tags' standfirst).
pub fn apply(doc: &Html, body: String, summaries: &Summaries<'_>, removed: &NodeSet) -> String {
    let meta: Vec<Summary> = summaries
        .meta
        .iter()
        .filter_map(|d| Summary::of(d))
        .collect();
    let json_ld = summaries.json_ld.and_then(Summary::of);
    if meta.is_empty() && json_ld.is_none() {
        return body;
    }
    // The body's letters, read only once a summary's first word is found in it (reading every
    // character's class is most of what this step costs on a long page).
    let mut have: Option<String> = None;
    let mut held = |w: &Summary| {
        body.contains(w.first_word.as_str())
            && have
                .get_or_insert_with(|| letters(&body))
                .contains(w.letters.as_str())
    };
    if meta.iter().any(&mut held) {
        return body;
    }
    let json_ld = json_ld.filter(|w| !held(w));
    let wanted: Vec<Summary> = meta.into_iter().chain(json_ld).collect();
    if wanted.is_empty() {
        return body;
    }
    let Some(id) = element_saying(doc, &wanted, removed) else {
        return body;
    };
    let lead = body::render_nodes(doc, &[id], removed);
    match (lead.trim().is_empty(), body.is_empty()) {
        (true, _) => body,
        (false, true) => lead,
        (false, false) => format!("{lead}\n\n{body}"),
    }
}

/// Letters and digits only: the same text whatever its spacing and punctuation. Case is kept
/// (the page prints its summary as it wrote it), which spares a lowercase pass over the body.
/// An ASCII text (most English pages' bodies) is read byte by byte.
fn letters(s: &str) -> String {
    if s.is_ascii() {
        let kept: Vec<u8> = s.bytes().filter(u8::is_ascii_alphanumeric).collect();
        return String::from_utf8(kept).unwrap_or_default();
    }
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().filter(|c| c.is_alphanumeric()));
    out
}

/// Whether `s`'s [`letters`] begin the summary (and `s` has any); past the end of a summary
/// cut short, any text may follow.
fn opens(s: &str, wanted: &Summary) -> bool {
    let mut want = wanted.letters.chars();
    let mut any = false;
    for c in s.chars().filter(|c| c.is_alphanumeric()) {
        match want.next() {
            Some(w) if w == c => any = true,
            None if wanted.cut => return true,
            _ => return false,
        }
    }
    any
}

/// The first visible element whose whole text is one of the `wanted` summaries (or, for one
/// cut short, opens with it).
fn element_saying(doc: &Html, wanted: &[Summary], removed: &NodeSet) -> Option<NodeId> {
    for node in doc.root_element().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        // One character-class lookup a text node, whatever the number of summaries.
        let Some(first) = t.chars().find(|c| c.is_alphanumeric()) else {
            continue;
        };
        for w in wanted
            .iter()
            .filter(|w| w.first_word.starts_with(first) && opens(t, w))
        {
            let found = node
                .ancestors()
                .take(MAX_CLIMB)
                .filter(|a| dom::element(a).is_some())
                .find(|a| says(a, w));
            if let Some(el) = found.filter(|el| stands_alone(el, removed)) {
                return Some(el.id());
            }
        }
    }
    None
}

/// Whether the node's text is exactly the summary (in [`letters`]), or opens with one cut
/// short; reads no further than the most such an element holds.
fn says(node: &NodeRef<'_>, wanted: &Summary) -> bool {
    let most = wanted.most();
    let mut text = String::new();
    for t in node.descendants().filter_map(|d| d.value().as_text()) {
        text.extend(t.chars().filter(|c| c.is_alphanumeric()));
        if text.len() > most {
            return false;
        }
    }
    if wanted.cut {
        text.starts_with(wanted.letters.as_str())
    } else {
        text == wanted.letters
    }
}

/// Whether a reader sees the element as text of its own: no never-text or hidden element (nor
/// one a site rule removes) above it, no link (a summary inside a link is a teaser card for
/// another story) and no figure (some publishers describe the story with its photo's
/// caption).
fn stands_alone(node: &NodeRef<'_>, removed: &NodeSet) -> bool {
    std::iter::once(*node).chain(node.ancestors()).all(|a| {
        if removed.contains(&a.id()) {
            return false;
        }
        dom::element(&a).is_none_or(|el| {
            !matches!(el.name(), "a" | "figure" | "figcaption") && !dom::is_never_shown(&a, el)
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::extract::extract;
    use crate::extract::tests::STORY;

    const SUMMARY: &str = "Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei Jahre Bauzeit, \
ein Haus mit Turnhalle, Bibliothek und Mensa.";

    fn page(head: &str, header: &str) -> String {
        format!(
            "<html><head>{head}</head><body><header><h1>Neue Schule</h1>{header}</header>\
             <main><div class=\"article-body\">{STORY}</div></main></body></html>"
        )
    }

    #[test]
    fn the_summary_the_page_describes_itself_with_opens_the_body() {
        let head = format!("<meta name=\"description\" content=\"{SUMMARY}\">");
        let header = "<p class=\"lead\">Die Stadt eröffnet eine <b>neue Schule</b> für 1.200 \
                      Kinder: zwei Jahre Bauzeit, ein Haus mit Turnhalle, Bibliothek und Mensa.</p>";
        let body = extract(&page(&head, header), None).body;
        assert!(
            body.starts_with("Die Stadt eröffnet eine neue Schule"),
            "{body}"
        );
        assert!(body.contains("Алматы қаласында"), "{body}");
        assert_eq!(body.matches("Die Stadt eröffnet").count(), 1, "{body}");
    }

    #[test]
    fn a_summary_only_in_metadata_hidden_cut_short_or_linked_adds_nothing() {
        let head = format!("<meta property=\"og:description\" content=\"{SUMMARY}\">");
        for header in [
            "",
            "<p hidden>Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei Jahre \
             Bauzeit, ein Haus mit Turnhalle, Bibliothek und Mensa.</p>",
            "<p>Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei Jahre Bauzeit…</p>",
            "<a href=\"/schule\"><p>Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei \
             Jahre Bauzeit, ein Haus mit Turnhalle, Bibliothek und Mensa.</p></a>",
            "<p>Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei Jahre Bauzeit, ein \
             Haus mit Turnhalle, Bibliothek und Mensa. Mehr dazu heute Abend.</p>",
        ] {
            let body = extract(&page(&head, header), None).body;
            assert!(body.starts_with("Алматы қаласында"), "{header}: {body}");
            assert!(!body.contains("Die Stadt"), "{header}: {body}");
        }
    }

    /// A JSON-LD article object whose `description` is `summary`.
    fn json_ld(summary: &str) -> String {
        format!(
            "<script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\
             \"@type\":\"NewsArticle\",\"headline\":\"Neue Schule\",\
             \"description\":\"{summary}\"}}</script>"
        )
    }

    #[test]
    fn the_json_ld_summary_opens_the_body_but_not_from_a_photo_caption() {
        // The meta tag holds a shorter text for search results; JSON-LD holds the standfirst.
        let head = format!(
            "<meta name=\"description\" content=\"Neue Schule in Almaty: alles über Bauzeit, \
             Turnhalle und Mensa für 1.200 Kinder.\">{}",
            json_ld(SUMMARY)
        );
        let lead = format!("<p class=\"intro\">{SUMMARY}</p>");
        let body = extract(&page(&head, &lead), None).body;
        assert!(body.starts_with("Die Stadt eröffnet"), "{body}");
        assert_eq!(body.matches("Die Stadt eröffnet").count(), 1, "{body}");
        // The same summary as the caption of the headline's photo is no standfirst.
        let photo =
            format!("<figure><img src=\"s.jpg\"><figcaption>{SUMMARY}</figcaption></figure>");
        let body = extract(&page(&head, &photo), None).body;
        assert!(body.starts_with("Алматы қаласында"), "{body}");
        assert!(!body.contains("Die Stadt"), "{body}");
    }

    #[test]
    fn a_summary_the_body_holds_does_not_stop_the_search_for_another() {
        // JSON-LD describes the story with its first paragraph, which the body holds.
        let first = "Алматы қаласында жаңа мектеп ашылды, деп хабарлайды әкімдік баспасөз қызметі.";
        let head = format!(
            "<meta name=\"description\" content=\"{SUMMARY}\">{}",
            json_ld(first)
        );
        let lead = format!("<p class=\"lead\">{SUMMARY}</p>");
        let body = extract(&page(&head, &lead), None).body;
        assert!(body.starts_with("Die Stadt eröffnet"), "{body}");
        assert_eq!(body.matches("Алматы қаласында").count(), 1, "{body}");
    }

    #[test]
    fn a_summary_cut_short_finds_the_standfirst_it_opens_but_not_a_longer_block() {
        let head = "<meta name=\"description\" content=\"Die Stadt eröffnet eine neue Schule \
                    für 1.200 Kinder: zwei Jahre Bauzeit, ein Haus mit...\">";
        let lead = format!("<h2 class=\"spot\">{SUMMARY}</h2>");
        let body = extract(&page(head, &lead), None).body;
        assert!(body.starts_with("Die Stadt eröffnet"), "{body}");
        assert!(body.contains("Bibliothek und Mensa"), "{body}");
        // A block that goes on for more than as long again is a story of its own.
        let long = "<p>Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei Jahre Bauzeit, \
                    ein Haus mit Turnhalle, Bibliothek und Mensa. Die Eltern hatten lange auf \
                    den Bau gewartet, denn die alte Schule war zu klein geworden, und der \
                    Stadtrat stritt drei Jahre lang über den Ort und die Kosten des Hauses.</p>";
        let body = extract(&page(head, long), None).body;
        assert!(body.starts_with("Алматы қаласында"), "{body}");
        assert!(!body.contains("Die Stadt"), "{body}");
    }
}
