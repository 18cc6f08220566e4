//! The publisher's own statement of the article text (JSON-LD `articleBody`) as evidence about
//! the body found in the markup: blocks it does not contain are headlines, bylines, captions,
//! teasers and the like, and when the markup body misses most of it, it is the better body.
//! Guarded against the common truncated `articleBody` (a teaser, a paywall cut) and against
//! copies that leave out the subheadings between paragraphs. The captions JSON-LD gives the
//! page's images and videos are evidence too: a block that is one of them is a caption.

use std::collections::HashSet;

use super::render::{self, Block};

/// `articleBody`s shorter than this (characters) are teasers, not evidence.
const MIN_EVIDENCE_CHARS: usize = 400;
/// A block shares at least this part of its word triples with the evidence to count as in it.
const COVERED: f64 = 0.5;
/// Below this share of the evidence's triples found in the markup body, the evidence wins.
const FOUND_TOO_LITTLE: f64 = 0.3;
/// Blocks this long (characters) mark where the article text runs.
const LONG_BLOCK_CHARS: usize = 150;

/// Text of an HTML fragment (markup inside `articleBody`), one block per paragraph.
pub fn fragment_text(html: &str) -> String {
    let doc = super::parse::fragment(html);
    super::body::render_nodes(
        &doc,
        &[doc.root_element().id()],
        &super::node_hash::NodeSet::default(),
    )
}

/// The body's text with blocks the evidence disproves removed, or the evidence itself when the
/// body misses most of it. Without usable evidence the body is returned whole.
///
/// A heading between blocks the evidence holds stays: publishers often put only the
/// paragraphs in `articleBody` and leave its subheadings out.
pub fn apply(body: Vec<Block>, evidence: Option<&str>) -> String {
    let Some(evidence) = evidence.filter(|e| e.chars().count() >= MIN_EVIDENCE_CHARS) else {
        return render::join(&body);
    };
    let evidence_words = words(evidence);
    let known = Known {
        triples: triples(&evidence_words),
        joined: evidence_words.join(" "),
    };
    if known.triples.is_empty() {
        return render::join(&body);
    }
    // The body's words are its blocks' words in order (the blank line joining them is no part
    // of a word).
    let block_words: Vec<Vec<String>> = body.iter().map(|b| words(&b.text)).collect();
    let in_body = triples(
        &block_words
            .iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let found = known
        .triples
        .iter()
        .filter(|t| in_body.contains(*t))
        .count() as f64
        / known.triples.len() as f64;
    if found < FOUND_TOO_LITTLE {
        return paragraphs(evidence);
    }
    let covered: Vec<bool> = block_words
        .iter()
        .map(|w| coverage(w, &known) >= COVERED)
        .collect();
    let Some(first) = covered.iter().position(|c| *c) else {
        return render::join(&body);
    };
    let last = covered.iter().rposition(|c| *c).unwrap_or(first);
    let truncated = body[last + 1..]
        .iter()
        .any(|b| b.text.chars().count() >= LONG_BLOCK_CHARS);
    let kept: Vec<Block> = body
        .into_iter()
        .zip(covered)
        .enumerate()
        .filter(|(i, (b, covered))| {
            *covered
                || (b.heading && (first..last).contains(i))
                || (truncated && (*i > first || b.text.chars().count() >= LONG_BLOCK_CHARS))
        })
        .map(|(_, (b, _))| b)
        .collect();
    render::join(&kept)
}

/// The blocks without those that are a caption the page's JSON-LD gives one of its images or
/// videos: the block's words hold the caption's words, and those make 80% or more of the
/// block (a caption with a short credit after it). A caption that repeats the page's own
/// summary (`descriptions`: some publishers give their lead image the article's summary) is
/// no evidence.
pub fn without_media_captions(
    body: Vec<Block>,
    captions: &[String],
    descriptions: &[String],
) -> Vec<Block> {
    let summaries: Vec<String> = descriptions.iter().map(|d| spaced_words(d)).collect();
    let captions: Vec<String> = captions
        .iter()
        .map(|c| spaced_words(c))
        .filter(|c| !c.trim().is_empty() && !summaries.contains(c))
        .collect();
    // A block holds a caption as 80% of its words or more, so a block three times longer
    // than the longest caption (punctuation and spacing left generous room) holds none.
    let Some(longest) = captions.iter().map(String::len).max() else {
        return body;
    };
    body.into_iter()
        .filter(|b| {
            if b.text.len() > 3 * longest {
                return true;
            }
            let block = spaced_words(&b.text);
            !captions.iter().any(|c| {
                (block.len() >= c.len() && 5 * c.len() >= 4 * block.len())
                    && block.contains(c.as_str())
            })
        })
        .collect()
}

/// The text's [`words`] joined by single spaces, with a space before and after, in one pass
/// and one allocation (every block of a page with media captions goes through it).
fn spaced_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !c.is_ascii() && c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// The evidence as body blocks: one per non-empty line.
fn paragraphs(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Consecutive triples of the words (all of them when there are fewer than three).
fn triples<S: std::borrow::Borrow<str>>(w: &[S]) -> HashSet<String> {
    if w.len() < 3 {
        return HashSet::from([w.join(" ")]);
    }
    w.windows(3).map(|t| t.join(" ")).collect()
}

/// The evidence's word triples and its words joined by single spaces.
struct Known {
    triples: HashSet<String>,
    joined: String,
}

/// Share of the block's word triples found in the evidence; a block of fewer than three words
/// counts as covered when the evidence holds it.
fn coverage(w: &[String], known: &Known) -> f64 {
    if w.is_empty() {
        return 0.0;
    }
    if w.len() < 3 {
        return f64::from(u8::from(known.joined.contains(&w.join(" "))));
    }
    let own: HashSet<String> = w.windows(3).map(|t| t.join(" ")).collect();
    own.iter().filter(|t| known.triples.contains(*t)).count() as f64 / own.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "The council met on Monday and voted to raise the budget for schools by a tenth, the clerk said after the session.\nTeachers welcomed the decision, but parents asked how the money would be spent across the districts of the city.\nThe mayor promised a public report on the spending before the end of the year, with figures for every school.\nThe vote passed by eleven to four, after a debate of three hours in which every member of the council spoke at least once.\nCritics said the rise came too late for the buildings that need repairs now, and asked the council for a full audit of the spending of the past five years before any new money is paid out.";

    /// Paragraph blocks of the text (blocks separated by blank lines).
    fn paragraphs_of(text: &str) -> Vec<Block> {
        text.split("\n\n")
            .filter(|b| !b.is_empty())
            .map(|b| Block {
                text: b.to_string(),
                heading: false,
            })
            .collect()
    }

    fn body(extra_top: &str, extra_bottom: &str) -> Vec<Block> {
        let paragraphs: Vec<&str> = ARTICLE.lines().collect();
        paragraphs_of(&format!(
            "{extra_top}\n\n{}\n\n{extra_bottom}",
            paragraphs.join("\n\n")
        ))
    }

    fn heading(text: &str) -> Block {
        Block {
            text: text.to_string(),
            heading: true,
        }
    }

    #[test]
    fn drops_blocks_the_article_body_does_not_hold() {
        let found = body("By Jane Roe · 12 May 2024", "Photo: Agency / Getty Images");
        let kept = apply(found, Some(ARTICLE));
        assert_eq!(kept, ARTICLE.lines().collect::<Vec<_>>().join("\n\n"));
    }

    #[test]
    fn a_truncated_article_body_keeps_the_text_after_it() {
        let teaser = ARTICLE.lines().take(4).collect::<Vec<_>>().join("\n");
        let found = body("Kicker", "");
        let kept = apply(found, Some(&teaser));
        assert!(!kept.contains("Kicker"), "{kept}");
        assert!(kept.contains("Critics said"), "{kept}");
    }

    #[test]
    fn replaces_a_body_that_misses_most_of_it_and_ignores_short_evidence() {
        let menu = "Home\n\nSport\n\nWeather".to_string();
        assert_eq!(
            apply(paragraphs_of(&menu), Some(ARTICLE)),
            ARTICLE.lines().collect::<Vec<_>>().join("\n\n")
        );
        assert_eq!(apply(paragraphs_of(&menu), Some("A short teaser.")), menu);
        assert_eq!(apply(paragraphs_of(&menu), None), menu);
    }

    #[test]
    fn subheadings_between_its_paragraphs_stay_but_other_blocks_and_outer_headings_go() {
        let mut found = vec![heading("Kicker over the headline")];
        for (i, p) in paragraphs_of(&ARTICLE.replace('\n', "\n\n"))
            .into_iter()
            .enumerate()
        {
            if i == 2 {
                found.push(heading("What the money buys"));
                found.push(Block {
                    text: "The town hall at night (Agency photo)".to_string(),
                    heading: false,
                });
            }
            found.push(p);
        }
        found.push(heading("More from the city desk"));
        let kept = apply(found, Some(ARTICLE));
        assert!(kept.contains("What the money buys"), "{kept}");
        for gone in ["Kicker", "town hall at night", "city desk"] {
            assert!(!kept.contains(gone), "{gone:?} left in:\n{kept}");
        }
    }

    #[test]
    fn blocks_that_are_a_media_caption_go_but_prose_quoting_one_and_the_summary_stay() {
        let caption = "Workers repair the roof of the school in the old town on Monday.";
        let summary = "The council voted to raise the budget for schools by a tenth.";
        let mut found = vec![
            Block {
                text: summary.to_string(),
                heading: false,
            },
            Block {
                text: caption.to_string(),
                heading: false,
            },
            Block {
                text: format!("{caption} (J. Roe)"),
                heading: false,
            },
            Block {
                text: format!(
                    "The mayor said: {caption} The work will take a month and cost less than \
                     the council feared, since the old tiles can be used again."
                ),
                heading: false,
            },
        ];
        found.extend(paragraphs_of(&ARTICLE.replace('\n', "\n\n")));
        let captions = [caption.to_string(), summary.to_string()];
        let kept = render::join(&without_media_captions(
            found,
            &captions,
            &[summary.to_string()],
        ));
        assert!(kept.starts_with(summary), "{kept}");
        assert!(kept.contains("The mayor said: Workers repair"), "{kept}");
        assert!(!kept.contains("J. Roe"), "{kept}");
        assert_eq!(kept.matches("Workers repair").count(), 1, "{kept}");
        assert!(kept.contains("Critics said"), "{kept}");
    }

    #[test]
    fn markup_inside_the_article_body_is_reduced_to_paragraphs() {
        assert_eq!(
            fragment_text("<p>One <b>two</b>.</p><p>Three.</p>"),
            "One two.\n\nThree."
        );
    }
}
