//! Which articles a rule looks at at all: by source name, source tag and language.

/// A rule's scope; an empty list means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleScope {
    /// Only articles first delivered by one of these sources.
    pub sources: Vec<String>,
    /// Only articles from a source carrying one of these tags.
    pub tags: Vec<String>,
    /// Only articles in one of these languages (ISO 639-1). An article whose language is
    /// unknown is always looked at: a missed alert costs more than a stray one.
    pub languages: Vec<String>,
}

impl RuleScope {
    /// Whether a rule with this scope looks at an article from `source` (with `tags`) in
    /// `language`.
    pub fn applies(&self, source: &str, tags: &[String], language: Option<&str>) -> bool {
        let source_ok = self.sources.is_empty() || self.sources.iter().any(|s| s == source);
        let tags_ok = self.tags.is_empty() || self.tags.iter().any(|t| tags.contains(t));
        let language_ok = self.languages.is_empty()
            || language.is_none_or(|l| self.languages.iter().any(|want| want == l));
        source_ok && tags_ok && language_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists_mean_any_and_unknown_language_is_looked_at() {
        let any = RuleScope::default();
        assert!(any.applies("a", &[], Some("ru")));
        let scoped = RuleScope {
            sources: vec!["azattyq-kk".into(), "egemen".into()],
            tags: vec!["independent".into()],
            languages: vec!["kk".into()],
        };
        let tags = vec!["kk".to_string(), "independent".to_string()];
        assert!(scoped.applies("azattyq-kk", &tags, Some("kk")));
        assert!(scoped.applies("azattyq-kk", &tags, None));
        assert!(!scoped.applies("azattyq-kk", &tags, Some("ru")));
        assert!(!scoped.applies("tengri", &tags, Some("kk")));
        assert!(!scoped.applies("egemen", &["state".to_string()], Some("kk")));
    }
}
