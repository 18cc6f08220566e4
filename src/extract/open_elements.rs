//! A conservative model of html5ever's stack of open elements, fed the tags of a page in
//! order as our tokenizer emits them, for the depth cap in `depth.rs`. It follows the implied closes that keep ordinary
//! sloppy markup shallow (an unclosed `<p>`, `<li>` or `<td>`, an end tag that closes the
//! elements left open inside it), and errs towards too deep: it must not close an element
//! the parser keeps open, or a hostile page could nest deeper than the model believes. On
//! random tag soup the parsed tree stays within a few levels of the model's depth except
//! around tables (foster-parented content) and ruby, where it reached three times it.
//! Formatting elements (`<b>`, `<a>`, `<font>`…) the parser would reopen after an implied
//! close are kept open here. Each tag costs at most one walk of the stack, as in the parser.

use html5ever::{LocalName, local_name};

/// The names of the elements open at this point of the page, outermost first.
#[derive(Default, Clone)]
pub struct OpenElements {
    names: Vec<LocalName>,
    /// Open `table` and `template` elements: the parser ignores table parts outside them.
    tables: usize,
    /// Open `math` and `svg` elements. Inside them the parser nests any tag, breaks out of
    /// them at some, and reads raw text only where it broke out: the model then nests every
    /// tag, reads no raw text and closes only the current element when its end tag comes,
    /// which the parser does too wherever it stands.
    foreign: usize,
    /// Open `p` elements: without one, a start tag that closes a `p` need not look for it.
    paragraphs: usize,
}

/// Elements no walk for an implied close crosses: scope boundaries of the HTML spec (html5ever
/// also stops at the MathML and SVG ones outside math and svg), plus `select` and foreign
/// content, where the parser ignores or keeps tags the model cannot follow. Stopping early
/// only leaves the model deeper.
fn is_boundary(name: &str) -> bool {
    matches!(
        name,
        "applet"
            | "caption"
            | "html"
            | "table"
            | "td"
            | "th"
            | "marquee"
            | "object"
            | "template"
            | "button"
            | "select"
            | "option"
            | "optgroup"
            | "math"
            | "svg"
            | "mi"
            | "mo"
            | "mn"
            | "ms"
            | "mtext"
            | "annotation-xml"
            | "foreignobject"
            | "desc"
            | "title"
    )
}

/// Elements whose implied close (or end) clears the formatting elements opened inside them.
fn is_marker(name: &str) -> bool {
    matches!(
        name,
        "applet" | "caption" | "marquee" | "object" | "template" | "td" | "th"
    )
}

/// Formatting elements: the parser reopens them after an implied close.
pub fn is_formatting(name: &str) -> bool {
    matches!(
        name,
        "a" | "b"
            | "big"
            | "code"
            | "em"
            | "font"
            | "i"
            | "nobr"
            | "s"
            | "small"
            | "strike"
            | "strong"
            | "tt"
            | "u"
    )
}

/// Start tags that close an open `<p>` first.
#[rustfmt::skip]
fn is_closes_p(name: &str) -> bool {
    matches!(name,
        "address" | "article" | "aside" | "blockquote" | "center" | "details" | "dialog" | "dir" |
        "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer" | "header" | "hgroup" |
        "main" | "menu" | "nav" | "ol" | "p" | "search" | "section" | "summary" | "ul" | "h1" |
        "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "listing" | "li" | "dd" | "dt"
    )
}

/// Parts of a table the parser ignores outside one.
fn is_table_parts(name: &str) -> bool {
    matches!(
        name,
        "caption" | "col" | "colgroup" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr"
    )
}

/// The HTML spec's "special" elements: a misplaced end tag of an ordinary element stops at them.
#[rustfmt::skip]
fn is_special(name: &str) -> bool {
    matches!(name,
        "address" | "applet" | "area" | "article" | "aside" | "base" | "basefont" | "bgsound" |
        "blockquote" | "body" | "br" | "button" | "caption" | "center" | "col" | "colgroup" |
        "dd" | "details" | "dir" | "div" | "dl" | "dt" | "embed" | "fieldset" | "figcaption" |
        "figure" | "footer" | "form" | "frame" | "frameset" | "h1" | "h2" | "h3" | "h4" | "h5" |
        "h6" | "head" | "header" | "hgroup" | "hr" | "html" | "iframe" | "img" | "input" |
        "keygen" | "li" | "link" | "listing" | "main" | "marquee" | "menu" | "meta" | "nav" |
        "noembed" | "noframes" | "noscript" | "object" | "ol" | "p" | "param" | "plaintext" |
        "pre" | "script" | "search" | "section" | "select" | "source" | "style" | "summary" |
        "table" | "tbody" | "td" | "template" | "textarea" | "tfoot" | "th" | "thead" | "title" |
        "tr" | "track" | "ul" | "wbr" | "xmp"
    )
}

/// Elements the parser opens once by itself and never lets a page close early; ignoring
/// them leaves the model at most two levels shallow.
fn is_document(name: &str) -> bool {
    matches!(name, "html" | "head" | "body")
}

impl OpenElements {
    /// Whether a `math` or `svg` element is open, where raw-text elements are not sure to be.
    pub fn in_foreign(&self) -> bool {
        self.foreign > 0
    }

    /// How many elements are open.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// The current (innermost open) element.
    pub fn current(&self) -> Option<&str> {
        self.names.last().map(|n| &**n)
    }

    /// A start tag of a non-void element. `self_closing` only when the tag ends in `/>` and
    /// the caller is sure the parser reads it as a foreign element (inside svg or math, or an
    /// `svg` or `math` itself): the parser then closes it at once.
    pub fn open(&mut self, tag: LocalName, self_closing: bool) {
        let name: &str = &tag;
        if self_closing && (self.foreign > 0 || matches!(name, "svg" | "math")) {
            return;
        }
        if self.foreign > 0 {
            self.push(tag);
            return;
        }
        if is_document(name) || (is_table_parts(name) && self.tables == 0) {
            return;
        }
        // A `<select>` inside a select only closes it: pushing it would let a later
        // `</select>` close what the parser keeps open.
        if name == "select" && self.close_to(&["select"], in_scope_boundary) {
            return;
        }
        if is_closes_p(name) && self.paragraphs > 0 {
            self.close_to(&["p"], in_scope_boundary);
        }
        match name {
            "li" => {
                self.close_to(&["li"], ends_list_item_search);
            }
            "dd" | "dt" => {
                self.close_to(&["dd", "dt"], ends_list_item_search);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.pop_top(HEADINGS),
            "option" => self.pop_top(&["option"]),
            "button" => {
                self.close_to(&["button"], in_scope_boundary);
            }
            "a" | "nobr" => {
                self.close_to(&[name], special_or_boundary);
            }
            "td" | "th" => {
                self.pop_top(&["td", "th"]);
                if !self.top_is(&["tr"]) {
                    self.imply(local_name!("tbody"), TABLE_BODIES);
                    self.push(local_name!("tr"));
                }
            }
            "tr" => {
                self.pop_top(&["td", "th"]);
                self.pop_top(&["tr"]);
                self.imply(local_name!("tbody"), TABLE_BODIES);
            }
            "tbody" | "thead" | "tfoot" => {
                self.pop_top(&["td", "th"]);
                self.pop_top(&["tr"]);
                self.pop_top(TABLE_BODIES);
            }
            _ => {}
        }
        self.push(tag);
    }

    fn push(&mut self, name: LocalName) {
        match &*name {
            "table" | "template" => self.tables += 1,
            "math" | "svg" => self.foreign += 1,
            "p" => self.paragraphs += 1,
            _ => {}
        }
        self.names.push(name);
    }

    /// An end tag.
    pub fn close(&mut self, name: &str) {
        if self.foreign > 0 {
            self.pop_top(&[name]);
            return;
        }
        match name {
            _ if is_document(name) => {}
            // `</form>` takes the form off the parser's stack, but the elements still open
            // inside it stay its children in the tree, whose depth is what the model follows.
            "form" => self.pop_top(&["form"]),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.close_to(HEADINGS, in_scope_boundary);
            }
            "li" => {
                self.close_to(&["li"], |n| in_scope_boundary(n) || n == "ol" || n == "ul");
            }
            _ if is_table_parts(name) || name == "table" => {
                self.close_to(&[name], |n| {
                    matches!(n, "html" | "table" | "template" | "select" | "math" | "svg")
                });
            }
            _ if is_special(name) => {
                self.close_to(&[name], in_scope_boundary);
            }
            _ => {
                self.close_to(&[name], special_or_boundary);
            }
        }
    }

    /// Opens the `name` the parser inserts by itself unless the current element is one of
    /// `given` (a row without `<tr>`, rows without `<tbody>`).
    fn imply(&mut self, name: LocalName, given: &[&str]) {
        if !self.top_is(given) {
            self.push(name);
        }
    }

    fn top_is(&self, names: &[&str]) -> bool {
        self.names.last().is_some_and(|n| names.contains(&&**n))
    }

    /// Pops the current element if it is one of `names`.
    fn pop_top(&mut self, names: &[&str]) {
        if self.top_is(names) {
            self.truncate(self.names.len() - 1);
        }
    }

    /// Closes the innermost open element named in `targets` with everything opened inside
    /// it, unless an element for which `stop` holds comes first.
    /// Returns whether it closed one.
    fn close_to(&mut self, targets: &[&str], stop: impl Fn(&str) -> bool) -> bool {
        for (at, name) in self.names.iter().enumerate().rev() {
            if targets.contains(&&**name) {
                self.truncate(at);
                return true;
            }
            if stop(name) {
                return false;
            }
        }
        false
    }

    /// Closes the element at `at` and those inside it, keeping the formatting elements the
    /// parser would reopen (none when the closed element is a marker).
    fn truncate(&mut self, at: usize) {
        let marker = self.names.get(at).is_some_and(|n| is_marker(n));
        let mut reopened = Vec::new();
        for (i, name) in self.names.iter().enumerate().skip(at) {
            match &**name {
                "table" | "template" => self.tables = self.tables.saturating_sub(1),
                "math" | "svg" => self.foreign = self.foreign.saturating_sub(1),
                "p" => self.paragraphs = self.paragraphs.saturating_sub(1),
                _ if i > at && !marker && is_formatting(name) => reopened.push(name.clone()),
                _ => {}
            }
        }
        self.names.truncate(at);
        self.names.extend(reopened);
    }
}

const TABLE_BODIES: &[&str] = &["tbody", "thead", "tfoot"];

const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

fn in_scope_boundary(name: &str) -> bool {
    is_boundary(name)
}

fn special_or_boundary(name: &str) -> bool {
    is_special(name) || is_boundary(name)
}

/// Where the parser stops looking for an open `<li>`, `<dd>` or `<dt>` to close.
fn ends_list_item_search(name: &str) -> bool {
    is_boundary(name) || (is_special(name) && !matches!(name, "address" | "div" | "p"))
}
