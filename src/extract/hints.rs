//! Class and id hints for the per-element tests of every pass: an element's class and id
//! lowercased only when they hold something to lowercase.

use std::borrow::Cow;

use super::tree::Element;

use super::fragments::Fragments;

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
    pub fn of(el: Element<'a>) -> Self {
        Hints {
            class: el.attr("class").map(lower),
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
    use super::super::parse;
    use super::*;

    #[test]
    fn attributes_read_as_scraper_reads_them() {
        let html = r#"<div id="Main" class="Story-Body x" data-x="1" role="main"><svg><a xlink:href="/h" id=i></a></svg></div>"#;
        let full = scraper::Html::parse_document(html);
        let ours = parse::document(html, true);
        for css in ["div", "a"] {
            let (Ok(theirs), Ok(sel)) = (
                scraper::Selector::parse(css),
                super::super::tree::Selector::parse(css),
            ) else {
                panic!("{css}");
            };
            let (Some(theirs), Some(el)) = (
                full.select(&theirs).next(),
                ours.select(&sel)
                    .next()
                    .and_then(|n| n.value().as_element()),
            ) else {
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
                assert_eq!(el.attr(name), theirs.value().attr(name), "{css} {name}");
            }
            assert_eq!(el.id(), theirs.value().id(), "{css}");
            let mut classes: Vec<&str> = el.classes().collect();
            classes.sort_unstable();
            assert_eq!(
                classes,
                theirs.value().classes().collect::<Vec<_>>(),
                "{css}"
            );
        }
    }

    #[test]
    fn hints_are_lowercased_class_and_id() {
        let doc = parse::document(r#"<p id="SideBar" class="story">x</p>"#, false);
        let Some(el) = doc
            .root()
            .descendants()
            .find_map(|n| n.value().as_element().filter(|e| e.name() == "p"))
        else {
            panic!("no p");
        };
        let h = Hints::of(el);
        assert!(h.any(&Fragments::new(&["sidebar"])));
        assert!(h.any(&Fragments::new(&["story"])));
        assert!(!h.any(&Fragments::new(&["Side", "r s"])));
        assert_eq!(lower("ΣΑΣ"), "σας");
    }
}
