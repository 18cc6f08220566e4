//! Watch rules: the query language (parse, validate), matching articles against one rule or
//! many (prefilter + verification), and the snippet that quotes a hit.
//!
//! Owns deciding what matches; it must not store, deliver or schedule anything.
//! The language is documented in `docs/rules.md`.

mod ast;
mod document;
mod eval;
mod found;
mod keys;
mod lexer;
mod parser;
mod pattern;
mod ruleset;
mod scope;
mod snippet;

pub use ast::{Field, WordKind};
pub use document::Document;
pub use ruleset::RuleSet;
pub use scope::RuleScope;

use ast::{Node, Term};
use document::Unit;
use eval::{Ctx, Hit, Oracle, eval};
use found::Found;
use pattern::WordPattern;

/// Hits considered for an alert's terms and snippet (the first ones in the text).
const MAX_REPORTED_HITS: usize = 256;

/// A rejected query: where (1-based character column) and why.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[error("at column {position}: {reason}")]
pub struct QueryError {
    /// 1-based character column in the query text.
    pub position: usize,
    /// What is wrong, in words for the rule's author.
    pub reason: String,
}

/// A parsed, validated rule query.
#[derive(Clone, Debug)]
pub struct Query {
    root: Node,
    terms: Vec<Term>,
    patterns: Vec<WordPattern>,
}

/// Why a rule fired: the text's words that matched and a snippet quoting them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// The matched words (or phrases) as written in the article, first occurrence order.
    pub terms: Vec<String>,
    /// About 200 characters around the first hit, each hit wrapped in `**`.
    pub snippet: String,
}

impl Query {
    /// Parses and validates a query; a bad one is rejected with position and reason.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let (root, terms, patterns) = parser::parse(text)?;
        Ok(Query {
            root,
            terms,
            patterns,
        })
    }

    /// Matches one document; `Some` with the matched words and snippet if the rule fires.
    /// Each distinct word of the document is compared once with each distinct query word.
    /// A document prepared for a rule set ([`RuleSet::document`]) is prepared again in full.
    pub fn find(&self, doc: &Document) -> Option<Match> {
        if doc.prepared_for().is_some() {
            return self.find(&Document::new(&doc.title.text, &doc.body.text));
        }
        let found = Found::build(doc.words(), |w, out| {
            let forms = doc.forms(w);
            for (id, p) in (0u32..).zip(&self.patterns) {
                if p.matches_word(forms) {
                    out.push(id);
                }
            }
        });
        if found.is_empty() {
            return None;
        }
        self.find_with(doc, &|t: usize, field: Field, u: &Unit| {
            self.terms.get(t).is_some_and(|term| {
                term.allows(field) && found.contains(u.word, term.pattern as u32)
            })
        })
    }

    fn find_with<O: Oracle>(&self, doc: &Document, oracle: &O) -> Option<Match> {
        let mut all = eval(&self.root, Ctx { doc, oracle })?;
        all.sort_unstable();
        all.dedup();
        all.truncate(MAX_REPORTED_HITS);
        let first = all.first()?;
        let field = doc.field(first.field);
        let mut terms: Vec<String> = Vec::new();
        let inside = |h: &Hit| {
            all.iter()
                .any(|o| o != h && o.field == h.field && o.start <= h.start && h.end <= o.end)
        };
        for h in all.iter().filter(|h| !inside(h)) {
            let word = doc
                .field(h.field)
                .text
                .get(h.start..h.end)
                .unwrap_or_default();
            if !terms.iter().any(|t| t == word) {
                terms.push(word.to_string());
            }
        }
        let ranges: Vec<(usize, usize)> = all
            .iter()
            .filter(|h| h.field == first.field)
            .map(|h| (h.start, h.end))
            .collect();
        Some(Match {
            terms,
            snippet: snippet::snippet(&field.text, &ranges),
        })
    }
}

#[cfg(test)]
mod tests;
