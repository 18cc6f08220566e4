//! The parsed form of a rule query: a tree of operators over word terms.

/// A field of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// The headline.
    Title,
    /// The article text.
    Body,
}

/// How a query word compares with text words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WordKind {
    /// Any grammatical form, script or case (the default).
    Plain,
    /// `=word`: this form only (case, ё/е and script still ignored).
    Exact,
    /// `word*`: any word starting with it.
    Prefix,
}

/// One query word: its compiled pattern (shared by repeated words) and its fields.
#[derive(Clone, Debug)]
pub(crate) struct Term {
    /// Index into the query's patterns.
    pub pattern: usize,
    /// `None` means title and body.
    pub field: Option<Field>,
}

impl Term {
    /// True if this term may match words of `field`.
    pub fn allows(&self, field: Field) -> bool {
        self.field.is_none_or(|f| f == field)
    }
}

/// A node of the query tree; leaves index into the query's terms.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Term(usize),
    Phrase(Vec<usize>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Near(Box<Node>, Box<Node>, u32),
}
