//! Recursive-descent parser and validator for rule queries.
//!
//! Grammar (loosest first): `a OR b`; implicit AND (or `AND`) between neighbours;
//! `a NEAR/n b`; `-x` exclusion; then a word, `=word`, `word*`, "a phrase", `( group )`,
//! each optionally scoped as `title:` or `body:`.

use std::collections::HashMap;

use super::QueryError;
use super::ast::{Field, Node, Term, WordKind};
use super::lexer::{Tok, lex};
use super::pattern::WordPattern;
use crate::text::script::{ALL_SCHEMES, Scheme, Script, Votes, pick_scheme, scheme_votes};
use crate::text::{Tokens, script_of};

/// Deepest nesting of parentheses accepted (keeps recursion bounded).
const MAX_DEPTH: usize = 32;
/// Most words a query may hold.
const MAX_TERMS: usize = 256;
/// Longest query accepted, in characters (a long rule is still far below it).
pub(crate) const MAX_QUERY_CHARS: usize = 4096;

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    end_col: usize,
    terms: Vec<Term>,
    /// Distinct compiled words: a word repeated in a query is compiled and matched once.
    patterns: Vec<WordPattern>,
    pattern_ids: HashMap<(String, WordKind), usize>,
    schemes: Vec<Scheme>,
    field: Option<Field>,
    depth: usize,
}

fn err(position: usize, reason: impl Into<String>) -> QueryError {
    QueryError {
        position,
        reason: reason.into(),
    }
}

/// A parsed query: its tree, its words and their distinct compiled patterns.
pub(crate) type Parsed = (Node, Vec<Term>, Vec<WordPattern>);

/// Parses and validates `query` into its tree, terms and patterns.
pub(crate) fn parse(query: &str) -> Result<Parsed, QueryError> {
    if query.chars().nth(MAX_QUERY_CHARS).is_some() {
        return Err(err(
            MAX_QUERY_CHARS + 1,
            format!(
                "a query may be at most {MAX_QUERY_CHARS} characters long; split it into several rules"
            ),
        ));
    }
    let toks = bare_words_as_phrase(lex(query)?);
    let mut p = Parser {
        schemes: query_schemes(&toks),
        toks,
        pos: 0,
        end_col: query.chars().count() + 1,
        terms: Vec::new(),
        patterns: Vec::new(),
        pattern_ids: HashMap::new(),
        field: None,
        depth: 0,
    };
    if p.toks.is_empty() {
        return Err(err(1, "empty query"));
    }
    let (node, col) = p.or()?;
    if let Some((_, c)) = p.toks.get(p.pos) {
        return Err(err(*c, "unexpected ')' without a matching '('"));
    }
    if is_negative(&node) {
        return Err(err(
            col,
            "a query needs at least one term that is not excluded",
        ));
    }
    Ok((node, p.terms, p.patterns))
}

/// A query made only of two or more bare words (`саяси тұтқын`) watches for them as a phrase:
/// that is what people mean when they type a name or a term into a keyword alert, and what
/// the matching guide's public examples expect (`жалғыз пикет` must not match "жалғыз адамдық
/// пикеттер"). Any operator, quote, group, field, `=` or `*` makes neighbouring words an
/// implicit AND instead; `a AND b` asks for both words anywhere.
fn bare_words_as_phrase(toks: Vec<(Tok, usize)>) -> Vec<(Tok, usize)> {
    let bare = toks.len() > 1
        && toks
            .iter()
            .all(|(tok, _)| matches!(tok, Tok::Word(_, WordKind::Plain)));
    let Some(&(_, col)) = toks.first().filter(|_| bare) else {
        return toks;
    };
    let words: Vec<String> = toks
        .into_iter()
        .filter_map(|(tok, _)| match tok {
            Tok::Word(word, _) => Some(word),
            _ => None,
        })
        .collect();
    vec![(Tok::Phrase(words.join(" ")), col)]
}

fn query_schemes(toks: &[(Tok, usize)]) -> Vec<Scheme> {
    let mut votes = Votes::default();
    for (tok, _) in toks {
        if let Tok::Word(w, _) | Tok::Phrase(w) = tok {
            for word in w.split_whitespace() {
                if script_of(word) == Script::Latin {
                    scheme_votes(word, &mut votes);
                }
            }
        }
    }
    pick_scheme(&votes).map_or_else(|| ALL_SCHEMES.to_vec(), |s| vec![s])
}

fn is_negative(node: &Node) -> bool {
    match node {
        Node::Not(_) => true,
        Node::And(items) => items.iter().all(is_negative),
        _ => false,
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn col(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end_col, |t| t.1)
    }

    fn or(&mut self) -> Result<(Node, usize), QueryError> {
        let (first, col) = self.and()?;
        let mut items = vec![first];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            let (next, c) = self.and()?;
            if is_negative(&next) {
                return Err(err(c, "an excluded term cannot be an alternative of OR"));
            }
            items.push(next);
        }
        if items.len() > 1 && is_negative(&items[0]) {
            return Err(err(col, "an excluded term cannot be an alternative of OR"));
        }
        Ok((single_or(items, Node::Or), col))
    }

    fn and(&mut self) -> Result<(Node, usize), QueryError> {
        let col = self.col();
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None | Some(Tok::Or | Tok::Close) => break,
                Some(Tok::And) if !items.is_empty() => self.pos += 1,
                _ => items.push(self.near()?),
            }
        }
        if items.is_empty() {
            return Err(err(col, "expected a word, phrase or group here"));
        }
        Ok((single_or(items, Node::And), col))
    }

    fn near(&mut self) -> Result<Node, QueryError> {
        let mut left = self.unary()?;
        while let Some(Tok::Near(n)) = self.peek() {
            let (n, col) = (*n, self.col());
            self.pos += 1;
            let right = self.unary()?;
            if is_negative(&left) || is_negative(&right) {
                return Err(err(col, "NEAR cannot join an excluded term"));
            }
            left = Node::Near(Box::new(left), Box::new(right), n);
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, QueryError> {
        if self.peek() != Some(&Tok::Minus) {
            return self.primary();
        }
        let col = self.col();
        self.pos += 1;
        if self.peek() == Some(&Tok::Minus) {
            return Err(err(col, "double exclusion"));
        }
        Ok(Node::Not(Box::new(self.primary()?)))
    }

    fn primary(&mut self) -> Result<Node, QueryError> {
        let col = self.col();
        let Some((tok, _)) = self.toks.get(self.pos).cloned() else {
            return Err(err(col, "the query ends where a word was expected"));
        };
        self.pos += 1;
        match tok {
            Tok::Field(_) if matches!(self.peek(), Some(Tok::Field(_))) => {
                Err(err(col, "two field scopes in a row"))
            }
            Tok::Field(f) => {
                let outer = self.field.replace(f);
                let node = self.primary();
                self.field = outer;
                node
            }
            Tok::Open => self.group(col),
            Tok::Word(w, kind) => self.words(&w, kind, col),
            Tok::Phrase(p) => self.words(&p, WordKind::Plain, col),
            Tok::Close => Err(err(col, "unexpected ')' where a word was expected")),
            _ => Err(err(col, "an operator needs a word before it")),
        }
    }

    fn group(&mut self, col: usize) -> Result<Node, QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(col, "parentheses are nested too deeply"));
        }
        if self.peek() == Some(&Tok::Close) {
            return Err(err(col, "empty parentheses"));
        }
        let (node, _) = self.or()?;
        if self.peek() != Some(&Tok::Close) {
            return Err(err(col, "this '(' is never closed"));
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(node)
    }

    /// A word or phrase; a "word" that holds several tokens (a,b) is a phrase.
    fn words(&mut self, text: &str, kind: WordKind, col: usize) -> Result<Node, QueryError> {
        let mut ids = Vec::new();
        for (start, end) in Tokens::of(text).ranges() {
            let raw = text.get(start..end).unwrap_or_default();
            let Some(pattern) = self.pattern(raw, kind) else {
                continue;
            };
            if self.terms.len() >= MAX_TERMS {
                return Err(err(
                    col,
                    format!("a query may hold at most {MAX_TERMS} words"),
                ));
            }
            ids.push(self.terms.len());
            self.terms.push(Term {
                pattern,
                field: self.field,
            });
        }
        match ids.len() {
            0 => Err(err(col, "empty phrase")),
            1 => Ok(Node::Term(ids[0])),
            _ => Ok(Node::Phrase(ids)),
        }
    }
}

impl Parser {
    /// The id of the compiled `raw` word, compiling it on first sight.
    fn pattern(&mut self, raw: &str, kind: WordKind) -> Option<usize> {
        let key = (raw.to_string(), kind);
        if let Some(id) = self.pattern_ids.get(&key) {
            return Some(*id);
        }
        let pattern = WordPattern::compile(raw, kind, &self.schemes)?;
        let id = self.patterns.len();
        self.patterns.push(pattern);
        self.pattern_ids.insert(key, id);
        Some(id)
    }
}

fn single_or(mut items: Vec<Node>, wrap: fn(Vec<Node>) -> Node) -> Node {
    if items.len() == 1 {
        items.remove(0)
    } else {
        wrap(items)
    }
}
