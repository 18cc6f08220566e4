//! CSS selectors over the compact tree: scraper's selector grammar (its `Parser` and `Simple`
//! implementation of the `selectors` crate), matched against [`NodeRef`] with the same
//! answers scraper's `ElementRef` gives (no state pseudo-classes, `:root` under the document).

use html5ever::{Namespace, ns};
use scraper::error::SelectorErrorKind;
use scraper::selector::{CssLocalName, CssString, NonTSPseudoClass, Parser, PseudoElement, Simple};
use selectors::attr::{AttrSelectorOperation, CaseSensitivity, NamespaceConstraint};
use selectors::bloom::BloomFilter;
use selectors::matching::{self, SelectorCaches};
use selectors::parser::{ParseRelative, SelectorList};
use selectors::{Element, OpaqueElement};

use super::NodeRef;

/// A parsed group of CSS selectors.
#[derive(Debug, Clone)]
pub struct Selector {
    list: SelectorList<Simple>,
}

impl Selector {
    /// Parses a selector group (the same grammar and errors as `scraper::Selector::parse`).
    pub fn parse(css: &str) -> Result<Self, SelectorErrorKind> {
        let mut parser = cssparser::Parser::new(css);
        SelectorList::parse(&Parser, &mut parser, ParseRelative::No)
            .map(|list| Selector { list })
            .map_err(SelectorErrorKind::from)
    }

    /// Whether the element matches (for a test of a few elements; a walk over many goes
    /// through [`super::Html::select`], which shares its caches).
    pub fn matches(&self, el: &NodeRef<'_>) -> bool {
        self.matches_with(el, &mut SelectorCaches::default())
    }

    /// Whether the element matches, with caches shared across one selection.
    pub(super) fn matches_with(&self, el: &NodeRef<'_>, caches: &mut SelectorCaches) -> bool {
        let mut context = matching::MatchingContext::new(
            matching::MatchingMode::Normal,
            None,
            caches,
            matching::QuirksMode::NoQuirks,
            matching::NeedsSelectorFlags::No,
            matching::MatchingForInvalidation::No,
        );
        self.list
            .slice()
            .iter()
            .any(|s| matching::matches_selector(s, 0, None, el, &mut context))
    }
}

impl<'a> NodeRef<'a> {
    fn element_or_none(node: Option<NodeRef<'a>>) -> Option<NodeRef<'a>> {
        node.filter(|n| n.value().is_element())
    }

    fn qual(&self) -> Option<&'a html5ever::QualName> {
        self.value().as_element().map(|e| e.qual_name())
    }
}

impl Element for NodeRef<'_> {
    type Impl = Simple;

    fn opaque(&self) -> OpaqueElement {
        OpaqueElement::new(self.slot())
    }

    fn parent_element(&self) -> Option<Self> {
        Self::element_or_none(self.parent())
    }

    fn parent_node_is_shadow_root(&self) -> bool {
        false
    }

    fn containing_shadow_host(&self) -> Option<Self> {
        None
    }

    fn is_pseudo_element(&self) -> bool {
        false
    }

    fn is_part(&self, _name: &CssLocalName) -> bool {
        false
    }

    fn is_same_type(&self, other: &Self) -> bool {
        self.qual() == other.qual()
    }

    fn imported_part(&self, _: &CssLocalName) -> Option<CssLocalName> {
        None
    }

    fn prev_sibling_element(&self) -> Option<Self> {
        self.prev_siblings().find(|s| s.value().is_element())
    }

    fn next_sibling_element(&self) -> Option<Self> {
        self.next_siblings().find(|s| s.value().is_element())
    }

    fn first_element_child(&self) -> Option<Self> {
        self.children().find(|c| c.value().is_element())
    }

    fn is_html_element_in_html_document(&self) -> bool {
        self.qual().is_some_and(|q| q.ns == ns!(html))
    }

    fn has_local_name(&self, name: &CssLocalName) -> bool {
        self.qual().is_some_and(|q| q.local == name.0)
    }

    fn has_namespace(&self, namespace: &Namespace) -> bool {
        self.qual().is_some_and(|q| &q.ns == namespace)
    }

    fn attr_matches(
        &self,
        ns: &NamespaceConstraint<&Namespace>,
        local_name: &CssLocalName,
        operation: &AttrSelectorOperation<&CssString>,
    ) -> bool {
        let Some(el) = self.value().as_element() else {
            return false;
        };
        el.attrs().any(|(key, value)| {
            !matches!(*ns, NamespaceConstraint::Specific(url) if *url != key.ns)
                && local_name.0 == key.local
                && operation.eval_str(value)
        })
    }

    fn match_non_ts_pseudo_class(
        &self,
        _pc: &NonTSPseudoClass,
        _context: &mut matching::MatchingContext<'_, Self::Impl>,
    ) -> bool {
        false
    }

    fn match_pseudo_element(
        &self,
        _pe: &PseudoElement,
        _context: &mut matching::MatchingContext<'_, Self::Impl>,
    ) -> bool {
        false
    }

    fn is_link(&self) -> bool {
        self.qual().is_some_and(|q| &*q.local == "link")
    }

    fn is_html_slot_element(&self) -> bool {
        true
    }

    fn has_id(&self, id: &CssLocalName, case_sensitivity: CaseSensitivity) -> bool {
        self.value()
            .as_element()
            .and_then(|e| e.id())
            .is_some_and(|v| case_sensitivity.eq(id.0.as_bytes(), v.as_bytes()))
    }

    fn has_class(&self, name: &CssLocalName, case_sensitivity: CaseSensitivity) -> bool {
        self.value().as_element().is_some_and(|e| {
            e.classes()
                .any(|c| case_sensitivity.eq(c.as_bytes(), name.0.as_bytes()))
        })
    }

    fn has_custom_state(&self, _name: &CssLocalName) -> bool {
        false
    }

    fn is_empty(&self) -> bool {
        !self
            .children()
            .any(|c| c.value().is_element() || c.value().is_text())
    }

    fn is_root(&self) -> bool {
        self.parent().is_some_and(|p| p.value().is_document())
    }

    fn apply_selector_flags(&self, _flags: matching::ElementSelectorFlags) {}

    fn add_element_unique_hashes(&self, _filter: &mut BloomFilter) -> bool {
        false
    }
}
