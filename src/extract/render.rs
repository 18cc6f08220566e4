//! Turns the chosen article nodes into plain text: one block per paragraph, heading, list
//! item or table row (each knowing whether it is a heading), whitespace collapsed, `<pre>`
//! lines kept; joined, blocks are separated by a blank line. Also drops the heading that
//! repeats the title and boilerplate lines (`boiler`).

use super::node_hash::NodeSet;

use super::tree::{Edge, Html, Node, NodeId, NodeRef};

use super::{body, boiler, clean, dom};

/// Rendering choices for one extraction pass.
pub struct Options<'a> {
    /// Apply shape-based boilerplate removal to containers.
    pub clean_conditionally: bool,
    /// Page title, to drop a heading that only repeats it.
    pub title: Option<&'a str>,
}

/// One block of rendered text: a paragraph, heading, list item or table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The block's text, whitespace collapsed (line breaks kept where `<br>` or `<pre>` put them).
    pub text: String,
    /// Whether the block is a heading (`h1`–`h6`): a subheading may be missing from a
    /// publisher's own copy of the text while the paragraphs around it are there.
    pub heading: bool,
}

impl AsRef<str> for Block {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// The blocks' text, separated by blank lines.
pub fn join(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Blocks of the `parts` subtrees, in document order, without `skip`ped or boilerplate nodes.
pub fn render(doc: &Html, parts: &[NodeId], skip: &NodeSet, opts: &Options) -> Vec<Block> {
    let roots: Vec<NodeRef<'_>> = parts.iter().filter_map(|id| doc.get(*id)).collect();
    let mut removed = clean::boilerplate(&roots, skip, opts.clean_conditionally);
    removed.extend(skip.iter().copied());
    if let Some(h) = title_heading(&roots, &removed, opts.title) {
        removed.insert(h);
    }
    let mut out = Blocks::default();
    for root in roots {
        out.walk(root, &removed);
    }
    boiler::strip(out.blocks)
}

/// The first h1/h2 whose text is (almost) the page title.
fn title_heading(roots: &[NodeRef<'_>], removed: &NodeSet, title: Option<&str>) -> Option<NodeId> {
    let title = words(title?);
    if title.is_empty() {
        return None;
    }
    roots
        .iter()
        .flat_map(|r| r.descendants())
        .filter(|n| dom::element(n).is_some_and(|e| matches!(e.name(), "h1" | "h2")))
        .filter(|n| !removed.contains(&n.id()))
        .find(|n| {
            let text: String = n
                .descendants()
                .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
                .collect();
            similar(&title, &words(&text))
        })
        .map(|n| n.id())
}

/// Whether a heading's text repeats the page title (at most a quarter of the words differ).
pub fn repeats_title(title: &str, heading: &str) -> bool {
    let title = words(title);
    !title.is_empty() && similar(&title, &words(heading))
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether the heading repeats the title: at most a quarter of the title's words differ.
fn similar(title: &[String], heading: &[String]) -> bool {
    if heading.is_empty() {
        return false;
    }
    let missing = heading.iter().filter(|w| !title.contains(w)).count();
    let extra = title.iter().filter(|w| !heading.contains(w)).count();
    let distance = missing.max(extra) as f64 / title.len().max(heading.len()) as f64;
    distance < 0.25
}

/// Unicode blocks of the Southeast Asian scripts written without spaces between words
/// (Unicode 15.1, `Blocks.txt`): Thai, Lao, Myanmar, Khmer.
const SOUTHEAST_ASIAN_BLOCKS: [(char, char); 4] = [
    ('\u{0E00}', '\u{0E7F}'),
    ('\u{0E80}', '\u{0EFF}'),
    ('\u{1000}', '\u{109F}'),
    ('\u{1780}', '\u{17FF}'),
];

/// Whether the character belongs to a script that does not separate words with spaces (or,
/// in Korean, writes a word's particle right after it): Chinese, Japanese, Korean, Thai, Lao,
/// Myanmar, Khmer. Markup inside such text (`<a>中居正広</a>氏`, a link on a name) splits
/// no word, so an element boundary there adds no space.
fn written_without_spaces(c: char) -> bool {
    body::is_cjk(c)
        || SOUTHEAST_ASIAN_BLOCKS
            .iter()
            .any(|&(lo, hi)| (lo..=hi).contains(&c))
}

#[derive(Default)]
struct Blocks {
    blocks: Vec<Block>,
    /// Headings open around the current text.
    headings: usize,
    line: String,
    space: bool,
    /// An element boundary was crossed: it separates words but not punctuation.
    soft: bool,
    pre: usize,
}

impl Blocks {
    fn walk(&mut self, root: NodeRef<'_>, removed: &NodeSet) {
        let mut skipping: Option<NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) if skipping.is_none() => {
                    if removed.contains(&node.id()) {
                        skipping = Some(node.id());
                    } else {
                        self.open(&node);
                    }
                }
                Edge::Close(node) => {
                    if skipping == Some(node.id()) {
                        skipping = None;
                    } else if skipping.is_none() {
                        self.close(&node);
                    }
                }
                _ => {}
            }
        }
        self.flush();
    }

    fn open(&mut self, node: &NodeRef<'_>) {
        match node.value() {
            Node::Text(t) => self.text(t),
            Node::Element(e) => match e.name() {
                "br" => self.newline(),
                "td" | "th" => self.space = true,
                "pre" => {
                    self.flush();
                    self.pre += 1;
                }
                tag if dom::is_block(tag) => {
                    self.flush();
                    self.headings += usize::from(dom::is_heading(tag));
                }
                "wbr" => {}
                _ => self.soft = true,
            },
            _ => {}
        }
    }

    fn close(&mut self, node: &NodeRef<'_>) {
        if let Some(e) = dom::element(node) {
            match e.name() {
                "td" | "th" => self.space = true,
                "pre" => {
                    self.flush();
                    self.pre = self.pre.saturating_sub(1);
                }
                tag if dom::is_block(tag) => {
                    self.flush();
                    self.headings -= usize::from(dom::is_heading(tag) && self.headings > 0);
                }
                "wbr" => {}
                _ => self.soft = true,
            }
        }
    }

    /// Adds a text node's characters: whitespace runs become one space (line breaks kept
    /// inside `<pre>`), and each run of other characters is copied whole once its first
    /// character has decided the separator before it.
    fn text(&mut self, t: &str) {
        let mut rest = t;
        while let Some(c) = rest.chars().next() {
            let space = c.is_whitespace();
            // The run holds `c` at least, and ends on a character boundary.
            let len = if space {
                rest.len() - rest.trim_start().len()
            } else {
                rest.find(char::is_whitespace).unwrap_or(rest.len())
            };
            let Some((run, after)) = rest.split_at_checked(len.max(c.len_utf8())) else {
                break;
            };
            if !space {
                self.word_start(c);
                self.line.push_str(run);
            } else if self.pre > 0 {
                run.chars().for_each(|c| self.whitespace(c));
            } else {
                self.space = true;
            }
            rest = after;
        }
    }

    /// One whitespace character inside `<pre>`: a line break is kept, any other is a space.
    fn whitespace(&mut self, c: char) {
        if c == '\n' {
            self.newline();
        } else {
            self.space = true;
        }
    }

    /// Puts the separator a run of non-whitespace characters starting with `c` needs after
    /// the line so far: a space after whitespace, or after an element boundary between two
    /// words of a script written with spaces.
    fn word_start(&mut self, c: char) {
        let last = self.line.chars().next_back();
        let after_word = last.is_some_and(char::is_alphanumeric);
        let soft = self.soft
            && after_word
            && c.is_alphanumeric()
            && !last.is_some_and(written_without_spaces)
            && !written_without_spaces(c);
        if (self.space || soft) && !self.line.is_empty() && !self.line.ends_with('\n') {
            self.line.push(' ');
        }
        self.space = false;
        self.soft = false;
    }

    fn newline(&mut self) {
        if !self.line.is_empty() && !self.line.ends_with('\n') {
            self.line.push('\n');
        }
        self.space = false;
        self.soft = false;
    }

    fn flush(&mut self) {
        let block = self.line.trim();
        if !block.is_empty() {
            self.blocks.push(Block {
                text: block.to_string(),
                heading: self.headings > 0,
            });
        }
        self.line.clear();
        self.space = false;
        self.soft = false;
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::extract;
    use crate::extract::tests::STORY;

    #[test]
    fn markup_inside_text_written_without_spaces_adds_no_space_but_splits_other_words() {
        let page = format!(
            "<html><body><article>{STORY}\
             <p>元タレントの<a href=\"/t/1\">中居正広</a>氏（52）の<span>女性</span>トラブルを\
             発端にした<b>TBS</b>と<a href=\"/t/2\">フジテレビ</a>問題が、スポーツ界に飛び火している。</p>\
             <p><span>서울</span>에서 열린 회의에서 발표했다.</p>\
             <p>วันนี้<b>กรุงเทพ</b>มีฝนตกหนัก</p>\
             <p>Die Städte <span>Almaty</span><span>Astana</span> und <b>Schymkent</b>wachsen.</p>\
             </article></body></html>"
        );
        let body = extract(&page, None).body;
        for joined in [
            "元タレントの中居正広氏（52）の女性トラブルを発端にしたTBSとフジテレビ問題が",
            "서울에서 열린",
            "วันนี้กรุงเทพมีฝนตกหนัก",
            "Almaty Astana und Schymkent wachsen",
        ] {
            assert!(body.contains(joined), "{joined:?} not in:\n{body}");
        }
    }

    #[test]
    fn blank_runs_between_tags_keep_pre_lines_and_separate_inline_words() {
        let page = format!(
            "<html><body><article>{STORY}\
             <pre>\n   \n<span>let a = 1;</span>\n\n    <span>let b = 2;</span>   \n\t\n</pre>\
             <p>Left <b>and</b>\n\t\t<i>right</i>   \n   <i>words</i></p>\
             </article></body></html>"
        );
        let body = extract(&page, None).body;
        assert!(
            body.contains("let a = 1;\nlet b = 2;\n\nLeft and right words"),
            "{body}"
        );
    }
}
