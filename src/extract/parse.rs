//! Parsing a page into the compact tree the extractor reads ([`Html`]), keeping out of it
//! what the extractor never reads: comments and processing instructions, attributes outside
//! [`READ_ATTRIBUTES`] (unless a site rule's selectors may name any), and the parse error
//! messages. The page is fed to html5ever in slices, so the parser never holds a whole copy
//! of it. The rest of the tree is node for node what `scraper::Html::parse_document` builds.

use html5ever::driver::{self, ParseOpts};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{QualName, local_name, ns};

use super::tree::{Builder, Html};

/// Attributes the extractor reads, by `attr()` or in its selectors (a test checks every
/// `attr("…")` and selector of `src/extract` against this list).
pub const READ_ATTRIBUTES: &[&str] = &[
    "aria-hidden",
    "class",
    "content",
    "datatable",
    "datetime",
    "hidden",
    "href",
    "http-equiv",
    "id",
    "itemprop",
    "lang",
    "name",
    "property",
    "pubdate",
    "rel",
    "role",
    "style",
    "summary",
    "type",
    "xml:lang",
];

/// Bytes handed to the parser at a time (cut at a character boundary).
const SLICE_BYTES: usize = 64 << 10;

/// Pages are cut at this many bytes, so the tree's 32-bit offsets always suffice (the fetch
/// limit and the page budget keep real pages far below it).
const MAX_PAGE_BYTES: usize = 1 << 30;

/// Parses a whole page. With `all_attributes` every attribute is kept (for a site rule,
/// whose selectors may name any).
pub fn document(html: &str, all_attributes: bool) -> Html {
    in_slices(html, all_attributes, SLICE_BYTES)
}

/// Parses an HTML fragment as the content of a `<body>` (markup inside JSON-LD), keeping
/// the attributes the extractor reads.
pub fn fragment(html: &str) -> Html {
    let context = QualName::new(None, ns!(html), local_name!("body"));
    let sink = Builder::new(true, keep_read);
    let parser = driver::parse_fragment(sink, ParseOpts::default(), context, Vec::new(), false);
    parser.one(StrTendril::from_slice(cut(html)))
}

fn keep_read(name: &QualName) -> bool {
    READ_ATTRIBUTES.contains(&&*name.local)
}

fn keep_all(_: &QualName) -> bool {
    true
}

/// `html` cut to [`MAX_PAGE_BYTES`] at a character boundary.
fn cut(html: &str) -> &str {
    let mut end = html.len().min(MAX_PAGE_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    &html[..end]
}

/// [`document`], handing the parser `slice` bytes at a time.
fn in_slices(html: &str, all_attributes: bool, slice: usize) -> Html {
    let keep = if all_attributes { keep_all } else { keep_read };
    let mut parser = driver::parse_document(Builder::new(false, keep), ParseOpts::default());
    let mut rest = cut(html);
    while !rest.is_empty() {
        let mut cut = rest.len().min(slice.max(1));
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (slice, after) = rest.split_at(cut);
        parser.process(StrTendril::from_slice(slice));
        rest = after;
    }
    parser.finish()
}

#[cfg(test)]
mod tests;
