//! The watch rules as the pipeline runs them: the compiled query set and, per rule, its name
//! and scope.

use crate::config::RuleSpec;
use crate::store::NewAlert;
use crate::text::Tokens;
use crate::watch::{Document, RuleScope, RuleSet};

/// What the pipeline keeps of one rule besides its compiled query.
struct Rule {
    name: String,
    scope: RuleScope,
}

/// The watch rules, compiled once and shared by every poll.
pub struct Rules {
    /// The rules, in the order of the set's queries.
    rules: Vec<Rule>,
    /// The compiled queries.
    set: RuleSet,
}

impl Rules {
    /// Compiles the configured rules.
    pub fn new(specs: Vec<RuleSpec>) -> Rules {
        let (rules, queries) = specs
            .into_iter()
            .map(|spec| {
                let rule = Rule {
                    name: spec.name,
                    scope: spec.scope,
                };
                (rule, spec.query)
            })
            .unzip();
        Rules {
            rules,
            set: RuleSet::new(queries),
        }
    }

    /// How many rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules' names.
    pub fn names(&self) -> Vec<String> {
        self.rules.iter().map(|r| r.name.clone()).collect()
    }

    /// Prepares an article for these rules: only words some rule may match are analysed.
    pub fn document(&self, title: &str, body: &str) -> Document {
        self.set.document(title, body)
    }

    /// [`Rules::document`] for a body whose tokens the caller already found.
    pub fn document_of(&self, title: &str, body: &str, body_tokens: &Tokens) -> Document {
        self.set.document_of(title, body, body_tokens)
    }

    /// The alerts for `doc`: every rule that matches and whose scope takes an article from
    /// `source` (carrying `tags`) in `language`.
    pub fn alerts(
        &self,
        doc: &Document,
        source: &str,
        tags: &[String],
        language: Option<&str>,
    ) -> Vec<NewAlert> {
        self.set
            .matches(doc)
            .into_iter()
            .filter_map(|(index, hit)| Some((self.rules.get(index)?, hit)))
            .filter(|(rule, _)| rule.scope.applies(source, tags, language))
            .map(|(rule, hit)| NewAlert {
                rule_name: rule.name.clone(),
                matched_terms: hit.terms,
                snippet: hit.snippet,
            })
            .collect()
    }
}
