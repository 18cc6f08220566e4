//! Parsing a page into the compact tree the extractor reads ([`Html`]), keeping out of it
//! what the extractor never reads: comments and processing instructions, attributes outside
//! [`READ_ATTRIBUTES`] (unless a site rule's selectors may name any), and the parse error
//! messages. Our tokenizer ([`super::tokenize`]) reads the page in place and drives
//! html5ever's tree builder, so the parser never holds a copy of it. The rest of the tree is
//! node for node what `scraper::Html::parse_document` builds, except where [`page`] and
//! [`fragment`] cap the depth and leave out contents the extractor never reads (`depth.rs`).

use html5ever::tokenizer::states::State;
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts, TreeSink, create_element};
use html5ever::{QualName, local_name, ns};

use super::depth::{MAX_DEPTH, Pruning};
use super::tokenize;
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

/// Pages are cut at this many bytes, so the tree's 32-bit offsets always suffice (the fetch
/// limit and the page budget keep real pages far below it).
const MAX_PAGE_BYTES: usize = 1 << 30;

/// Parses a whole page for the extractor: capped at [`MAX_DEPTH`], scripts, styles and svg
/// emptied, runs of white space shortened to their line breaks and, unless `all_attributes`
/// (for a site rule, whose selectors may name any), only the attributes in
/// [`READ_ATTRIBUTES`] kept.
pub fn page(html: &str, all_attributes: bool) -> Html {
    let pruning = Pruning {
        limit: MAX_DEPTH,
        empty: true,
        lean: !all_attributes,
        blank_runs: true,
    };
    document_with(html, all_attributes, Some(pruning))
}

/// Parses a whole page as it is (every token reaches the tree builder).
#[cfg(test)]
pub fn document(html: &str, all_attributes: bool) -> Html {
    document_with(html, all_attributes, None)
}

/// Parses a whole page, pruned as `pruning` says. With `all_attributes` every attribute is
/// kept in the tree.
pub fn document_with(html: &str, all_attributes: bool, pruning: Option<Pruning>) -> Html {
    let keep = if all_attributes { keep_all } else { keep_read };
    let html = cut(html);
    let builder = TreeBuilder::new(
        Builder::new(false, keep, html.len()),
        TreeBuilderOpts::default(),
    );
    tokenize::run(html, builder, State::Data, pruning)
        .sink
        .finish()
}

/// Parses an HTML fragment as the content of a `<body>` (markup inside JSON-LD), capped at
/// [`MAX_DEPTH`], runs of white space shortened to their line breaks, keeping the
/// attributes the extractor reads.
pub fn fragment(html: &str) -> Html {
    let context = QualName::new(None, ns!(html), local_name!("body"));
    let html = cut(html);
    let sink = Builder::new(true, keep_read, html.len());
    let context = create_element(&sink, context, Vec::new());
    let builder = TreeBuilder::new_for_fragment(sink, context, None, TreeBuilderOpts::default());
    let state = tokenize::fragment_state(builder.tokenizer_state_for_context_elem(false));
    let pruning = Pruning {
        limit: MAX_DEPTH,
        empty: false,
        lean: false,
        blank_runs: true,
    };
    tokenize::run(html, builder, state, Some(pruning))
        .sink
        .finish()
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

/// [`document`] parsed by html5ever's own tokenizer (the reference our tokenizer is tested
/// against), handing it `slice` bytes at a time.
#[cfg(test)]
pub fn in_slices(html: &str, all_attributes: bool, slice: usize) -> Html {
    use html5ever::driver::{self, ParseOpts};
    use html5ever::tendril::{StrTendril, TendrilSink};
    let keep = if all_attributes { keep_all } else { keep_read };
    let mut rest = cut(html);
    let mut parser =
        driver::parse_document(Builder::new(false, keep, rest.len()), ParseOpts::default());
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
