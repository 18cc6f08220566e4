//! Attribute reads for the per-element tests of every pass: values looked up without
//! interning the attribute name, and an element's class and id lowercased only when they
//! hold something to lowercase.

use std::borrow::Cow;

use scraper::node::Element;

use super::fragments::Fragments;

/// The value of the element's attribute `name` (no namespace, no prefix): what
/// [`Element::attr`] returns, without interning `name` as an atom on every call. Elements keep
/// only the few attributes the extractor reads, so a scan is cheaper than the atom lookup.
pub fn attr<'a>(el: &'a Element, name: &str) -> Option<&'a str> {
    el.attrs
        .iter()
        .find(|(q, _)| q.prefix.is_none() && q.ns.is_empty() && &*q.local == name)
        .map(|(_, v)| &**v)
}

/// `s` lowercased, borrowed when it has nothing to lowercase.
pub fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// An element's class and id, lowercased, for fragment tests. No fragment holds a space, so
/// testing the two apart finds what testing `"class id"` would.
pub struct Hints<'a> {
    class: Option<Cow<'a, str>>,
    id: Option<Cow<'a, str>>,
}

impl<'a> Hints<'a> {
    /// The hints of `el`.
    pub fn of(el: &'a Element) -> Self {
        Hints {
            class: attr(el, "class").map(lower),
            id: el.id().map(lower),
        }
    }

    fn parts(&self) -> impl Iterator<Item = &str> {
        [self.class.as_deref(), self.id.as_deref()]
            .into_iter()
            .flatten()
    }

    /// Whether class or id holds any fragment of `index`.
    pub fn any(&self, index: &Fragments) -> bool {
        self.parts().any(|p| index.any_in(p))
    }
}

#[cfg(test)]
mod tests {
    use scraper::{Html, Selector};

    use super::*;

    #[test]
    fn reads_what_element_attr_reads() {
        let doc = Html::parse_document(
            r#"<div id="Main" class="Story-Body x" data-x="1" role="main"><svg><a xlink:href="/h"></a></svg></div>"#,
        );
        for css in ["div", "a"] {
            let Some(el) = Selector::parse(css)
                .ok()
                .and_then(|s| doc.select(&s).next())
            else {
                panic!("no {css}");
            };
            for name in [
                "id",
                "class",
                "data-x",
                "role",
                "href",
                "xlink:href",
                "style",
            ] {
                assert_eq!(
                    attr(el.value(), name),
                    el.value().attr(name),
                    "{css} {name}"
                );
            }
        }
    }

    #[test]
    fn hints_are_lowercased_class_and_id() {
        let doc = Html::parse_document(r#"<p id="SideBar" class="story">x</p>"#);
        let Some(el) = Selector::parse("p")
            .ok()
            .and_then(|s| doc.select(&s).next())
        else {
            panic!("no p");
        };
        let h = Hints::of(el.value());
        assert!(h.any(&Fragments::new(&["sidebar"])));
        assert!(h.any(&Fragments::new(&["story"])));
        assert!(!h.any(&Fragments::new(&["Side", "r s"])));
        assert_eq!(lower("ΣΑΣ"), "σας");
    }
}
