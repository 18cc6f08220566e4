//! Splitting a rule query into lexical tokens with 1-based character columns.

use super::QueryError;
use super::ast::{Field, WordKind};

/// One lexical token of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    Open,
    Close,
    Or,
    And,
    Minus,
    Near(u32),
    Field(Field),
    Word(String, WordKind),
    Phrase(String),
}

/// Longest NEAR distance accepted; longer ones are almost an AND and cost time.
const MAX_NEAR: u32 = 1000;

fn closing_quote(open: char) -> Option<char> {
    match open {
        '"' => Some('"'),
        '«' => Some('»'),
        '“' | '„' => Some('”'),
        _ => None,
    }
}

fn is_special(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')') || closing_quote(c).is_some()
}

fn err(position: usize, reason: impl Into<String>) -> QueryError {
    QueryError {
        position,
        reason: reason.into(),
    }
}

/// Splits `query` into tokens, each with its 1-based column.
pub(super) fn lex(query: &str) -> Result<Vec<(Tok, usize)>, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' || c == ')' {
            out.push((if c == '(' { Tok::Open } else { Tok::Close }, col));
            i += 1;
        } else if let Some(close) = closing_quote(c) {
            let end = (i + 1..chars.len())
                .find(|j| chars[*j] == close || (close == '”' && chars[*j] == '"'))
                .ok_or_else(|| err(col, "unclosed quote"))?;
            out.push((Tok::Phrase(chars[i + 1..end].iter().collect()), col));
            i = end + 1;
        } else if c == '-'
            && chars
                .get(i + 1)
                .is_some_and(|n| !n.is_whitespace() && !matches!(n, '-' | ')'))
        {
            out.push((Tok::Minus, col));
            i += 1;
        } else {
            let end = (i..chars.len())
                .find(|j| is_special(chars[*j]))
                .unwrap_or(chars.len());
            let word: String = chars[i..end].iter().collect();
            word_tokens(&word, col, &mut out)?;
            i = end;
        }
    }
    Ok(out)
}

fn word_tokens(word: &str, col: usize, out: &mut Vec<(Tok, usize)>) -> Result<(), QueryError> {
    match word {
        "OR" => out.push((Tok::Or, col)),
        "AND" => out.push((Tok::And, col)),
        "NEAR" => return Err(err(col, "NEAR needs a distance, as in NEAR/5")),
        _ if word.starts_with("NEAR/") => out.push((Tok::Near(near_distance(word, col)?), col)),
        _ => match word.split_once(':') {
            Some((name, rest)) => {
                let field = match name.to_lowercase().as_str() {
                    "title" => Field::Title,
                    "body" => Field::Body,
                    _ => {
                        return Err(err(
                            col,
                            format!("unknown field '{name}' (use title: or body:)"),
                        ));
                    }
                };
                out.push((Tok::Field(field), col));
                let rest_col = col + name.chars().count() + 1;
                if rest.contains(':') {
                    // `title:title:x` is two scopes in a row, which the parser rejects.
                    word_tokens(rest, rest_col, out)?;
                } else if !rest.is_empty() {
                    out.push((plain_word(rest, rest_col)?, rest_col));
                }
            }
            None => out.push((plain_word(word, col)?, col)),
        },
    }
    Ok(())
}

fn near_distance(word: &str, col: usize) -> Result<u32, QueryError> {
    let digits = &word["NEAR/".len()..];
    match digits.parse::<u32>() {
        Ok(n) if (1..=MAX_NEAR).contains(&n) => Ok(n),
        _ => Err(err(
            col,
            format!("NEAR distance must be a number from 1 to {MAX_NEAR}, got '{digits}'"),
        )),
    }
}

fn plain_word(word: &str, col: usize) -> Result<Tok, QueryError> {
    let (kind, body) = if let Some(rest) = word.strip_prefix('=') {
        (WordKind::Exact, rest)
    } else if let Some(rest) = word.strip_suffix('*') {
        (WordKind::Prefix, rest)
    } else {
        (WordKind::Plain, word)
    };
    if let Some(p) = body.chars().position(|c| c == '*' || c == '=') {
        return Err(err(
            col + p + usize::from(kind == WordKind::Exact),
            "'*' may only end a word and '=' only start one",
        ));
    }
    if !body.chars().any(char::is_alphanumeric) {
        return Err(err(col, format!("'{word}' has no letters or digits")));
    }
    if kind == WordKind::Prefix && body.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
        return Err(err(col, "a prefix needs at least 3 letters before '*'"));
    }
    Ok(Tok::Word(body.to_string(), kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_operators_fields_and_words() {
        let toks: Vec<Tok> = lex("title:(а OR -б) NEAR/3 \"в г\" =д жел*")
            .map(|v| v.into_iter().map(|t| t.0).collect())
            .unwrap_or_default();
        assert_eq!(
            toks,
            vec![
                Tok::Field(Field::Title),
                Tok::Open,
                Tok::Word("а".into(), WordKind::Plain),
                Tok::Or,
                Tok::Minus,
                Tok::Word("б".into(), WordKind::Plain),
                Tok::Close,
                Tok::Near(3),
                Tok::Phrase("в г".into()),
                Tok::Word("д".into(), WordKind::Exact),
                Tok::Word("жел".into(), WordKind::Prefix),
            ]
        );
    }

    #[test]
    fn reports_columns_of_errors() {
        let e = lex("саяси «тұтқын").err().map(|e| (e.position, e.reason));
        assert_eq!(e, Some((7, "unclosed quote".to_string())));
        assert_eq!(lex("а NEAR/x б").err().map(|e| e.position), Some(3));
        assert_eq!(lex("author:бір").err().map(|e| e.position), Some(1));
        assert_eq!(lex("аб*в").err().map(|e| e.position), Some(3));
        assert_eq!(lex("ж*").err().map(|e| e.position), Some(1));
        assert_eq!(lex("title:author:x").err().map(|e| e.position), Some(7));
    }

    #[test]
    fn a_scope_inside_a_scoped_word_is_a_second_scope() {
        let toks: Vec<Tok> = lex("title:body:x")
            .map(|v| v.into_iter().map(|t| t.0).collect())
            .unwrap_or_default();
        assert_eq!(
            toks,
            vec![
                Tok::Field(Field::Title),
                Tok::Field(Field::Body),
                Tok::Word("x".into(), WordKind::Plain),
            ]
        );
    }
}
