//! Article extraction: from one page's HTML to its article text and metadata (title, author,
//! dates, language, canonical URL). A generic readability-style extractor does the work unless
//! a per-site selector rule covers the page's host. Pure CPU work on a string: no I/O, no
//! storage, and it never panics on hostile markup. The daemon goes through
//! [`extract_learning`] (per-host template memory) after [`reserve`] (the byte budget of pages
//! in flight).

mod body;
mod boiler;
mod clean;
mod dateline;
mod depth;
mod dom;
mod evidence;
mod fragments;
mod hints;
mod jsonld;
mod language;
mod metadata;
mod node_hash;
mod open_elements;
mod parse;
mod prescan;
mod related;
mod render;
mod several;
mod shared;
mod site_rules;
mod split;
mod standfirst;
mod stats;
mod template;
mod tokenize;
mod tree;

use node_hash::NodeSet;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use tree::{Html, NodeId, NodeRef, Selector};
use url::Url;

pub use shared::{extract_learning, reserve};
pub use site_rules::{SiteRule, SiteRuleError};

/// What the extractor found on one page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Extracted {
    /// Headline, cleaned of the site name.
    pub title: Option<String>,
    /// Author name(s) as written on the page.
    pub author: Option<String>,
    /// First publication time.
    pub published: Option<DateTime<FixedOffset>>,
    /// Last modification time.
    pub modified: Option<DateTime<FixedOffset>>,
    /// ISO 639-1 language code: "kk", "ru", "en", ...
    pub language: Option<String>,
    /// Canonical URL, resolved against the page URL.
    pub canonical_url: Option<Url>,
    /// Article text; blocks (paragraphs, headings, list items) separated by "\n\n".
    pub body: String,
}

/// Extracts the article of a page with the generic extractor.
pub fn extract(html: &str, page_url: Option<&Url>) -> Extracted {
    extract_with_rules(html, page_url, &[])
}

/// Extracts the article of a page; the valid rule whose host matches `page_url`'s host (or a
/// parent domain of it) wins over the generic extractor for the fields it sets.
pub fn extract_with_rules(html: &str, page_url: Option<&Url>, rules: &[SiteRule]) -> Extracted {
    let rule = site_rules::rule_for(rules, page_url);
    let doc = parse::page(html, rule.is_some());
    let removed = rule
        .map(|r| matched_by(&doc, &r.remove))
        .unwrap_or_default();
    let meta = metadata::read(&doc, page_url);
    let rule_title = rule.and_then(|r| first_text(&doc, r.title.as_ref()));
    let title = rule_title.or(meta.title);
    let rule_body = rule.and_then(|r| rule_body(&doc, r.body.as_ref(), &removed));
    let doc_title = meta.document_title.as_deref();
    let body = rule_body.unwrap_or_else(|| {
        let found = body::article_text(&doc, doc_title, &removed);
        let found =
            evidence::without_media_captions(found, &meta.media_captions, &meta.descriptions);
        let found = evidence::apply(found, meta.article_body.as_deref());
        let summaries = standfirst::Summaries {
            meta: &meta.descriptions,
            json_ld: meta.ld_description.as_deref(),
        };
        standfirst::apply(&doc, found, &summaries, &removed)
    });
    let rule_date = rule.and_then(|r| rule_date(&doc, r.date.as_ref()));
    // The title and the start of the body: the language is told from so many characters.
    let sample = format!(
        "{} {}",
        title.as_deref().unwrap_or(""),
        language::sample(&body)
    );
    Extracted {
        language: language::detect(
            declared_language(&doc, meta.meta_language).as_deref(),
            &sample,
        ),
        title,
        author: meta.author,
        published: rule_date.or(meta.published),
        modified: meta.modified,
        canonical_url: meta.canonical_url,
        body,
    }
}

/// Elements matched by any of the selectors.
fn matched_by(doc: &Html, selectors: &[String]) -> NodeSet {
    selectors
        .iter()
        .filter_map(|s| Selector::parse(s).ok())
        .flat_map(|sel| doc.select(&sel).map(|e| e.id()).collect::<Vec<_>>())
        .collect()
}

fn first_text(doc: &Html, sel: Option<&String>) -> Option<String> {
    let sel = site_rules::selector(sel)?;
    doc.select(&sel)
        .map(|e| metadata::normalize(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// Body from the rule's selector; `None` (generic fallback) when it finds no text.
fn rule_body(doc: &Html, sel: Option<&String>, removed: &NodeSet) -> Option<String> {
    let sel = site_rules::selector(sel)?;
    let matches: Vec<NodeRef> = doc.select(&sel).collect();
    let outermost: Vec<NodeId> = matches
        .iter()
        .filter(|m| {
            !m.ancestors()
                .any(|a| matches.iter().any(|o| o.id() == a.id()))
        })
        .map(|m| m.id())
        .collect();
    let text = body::render_nodes(doc, &outermost, removed);
    (!text.trim().is_empty()).then_some(text)
}

fn rule_date(doc: &Html, sel: Option<&String>) -> Option<DateTime<FixedOffset>> {
    let sel = site_rules::selector(sel)?;
    doc.select(&sel).find_map(|e| {
        let attr = e.attr("datetime").or_else(|| e.attr("content"));
        attr.and_then(metadata::parse_date)
            .or_else(|| metadata::parse_date(&e.text().collect::<String>()))
    })
}

/// The language the page declares: `<html lang>`, else a content-language meta tag.
fn declared_language(doc: &Html, meta_language: Option<String>) -> Option<String> {
    let root = doc.root_element();
    match root.attr("lang").or_else(|| root.attr("xml:lang")) {
        Some(lang) => Some(lang.to_string()),
        None => meta_language,
    }
}

#[cfg(test)]
mod tests;
