//! Boilerplate pruning inside the chosen article container: share bars, bylines and author
//! boxes, photo credits, newsletter and subscription boxes, embedded social-media posts,
//! lines that stand for a date (a `<time>` and little else), opt-in boxes (a form control
//! and its label: consent placeholders), lists of links a "read also" label introduces
//! (`related`), furniture headings and blocks whose shape (links, images, form fields,
//! shortness) betrays them. Bottom-up so an outer block is judged after its junk children are
//! gone.

use super::node_hash::NodeSet;

use super::tree::Element;
use super::tree::{Edge, Node, NodeId, NodeRef};

use super::body;
use super::dom;
use super::hints::lower;
use super::related;

/// Share bars longer than this (characters) are probably content after all.
const SHARE_MAX_CHARS: usize = 500;
/// Byline and author boxes (a name, a date, a short biography) are shorter than this
/// (characters); a longer block marked "author" is the author's text.
const BYLINE_MAX_CHARS: usize = 600;
/// Photo credit and copyright lines are shorter than this (characters).
pub(super) const CREDIT_MAX_CHARS: usize = 150;
/// Newsletter and subscription boxes (a pitch, a list of perks, a form) are shorter than
/// this (characters).
const SIGNUP_MAX_CHARS: usize = 1500;
/// A caption that names its photo's source ("Foto: dpa", "(Photo: Reuters)", "© AFP") is
/// the photo desk's text, not the story's, from this length (characters) on; a shorter one is
/// a label ("Figure 1. Photo: X") and stays. Mozilla Readability's truth keeps three such
/// labels of 49–50 characters on its corpus; fundus's truth keeps none of the longer ones.
const CREDITED_CAPTION_MIN_CHARS: usize = 60;
/// A teaser-named block is a card for another story when its links hold this share of its
/// text or more.
const TEASER_MIN_LINK_SHARE: f64 = 0.15;
/// Blocks standing for a date (see `is_dated_line`) are shorter than this (characters).
const DATED_LINE_MAX_CHARS: usize = 100;
/// Blocks shorter than this (characters, a CJK character counting two) are fragments.
const FRAGMENT_MAX_CHARS: usize = 25;
/// A lone paragraph with links in its sentences is prose from this length (characters) on.
const LINKED_PARAGRAPH_MIN_CHARS: usize = 80;
/// Above this link density a lone paragraph is a link with words around it, not prose.
const LINKED_PARAGRAPH_MAX_LINK_DENSITY: f64 = 0.5;
/// Longer "caption" blocks are not captions.
const CREDITED_CAPTION_MAX_CHARS: usize = 600;
/// Labels that introduce a photo's source, lowercased, each followed by a colon (after
/// optional spaces): German, English, Dutch/Nordic/Romance, Russian and Kazakh, Turkish.
const CREDIT_LABELS: &[&str] = &[
    "foto",
    "photo",
    "bild",
    "image",
    "picture",
    "credit",
    "quelle",
    "bildquelle",
    "фото",
    "сурет",
    "fotoğraf",
];
/// Source marks that need no colon: the copyright sign, Japanese "photographed by" and
/// "provided by" at the close of a parenthesis, the full-width equals sign that Japanese
/// captions put before their source, date and place ("…警察官ら＝ＡＰ"), Korean "[photo …]".
const CREDIT_MARKS: &[&str] = &["©", "撮影）", "撮影)", "提供）", "提供)", "＝", "[사진"];

#[derive(Debug, Default, Clone, Copy)]
struct Shape {
    text: usize,
    link: usize,
    commas: usize,
    paragraphs: usize,
    images: usize,
    items: usize,
    inputs: usize,
    embeds: usize,
    heading_text: usize,
    list_text: usize,
    /// CJK characters of the text, counted once more for [`FRAGMENT_MAX_CHARS`].
    cjk: usize,
    /// Text inside `<time>` elements (a date, a time of day, a duration).
    time_text: usize,
    code: bool,
    /// Text and link text of descendants already dropped as boilerplate (a teaser card's
    /// headline link goes on its own, for its link density, before the card is judged).
    dropped_text: usize,
    dropped_link: usize,
}

impl Shape {
    fn add(&mut self, o: &Shape) {
        self.text += o.text;
        self.link += o.link;
        self.commas += o.commas;
        self.paragraphs += o.paragraphs;
        self.images += o.images;
        self.items += o.items;
        self.inputs += o.inputs;
        self.embeds += o.embeds;
        self.heading_text += o.heading_text;
        self.list_text += o.list_text;
        self.cjk += o.cjk;
        self.time_text += o.time_text;
        self.code |= o.code;
        self.dropped_text += o.dropped_text;
        self.dropped_link += o.dropped_link;
    }

    fn count_tag(&mut self, tag: &str) {
        match tag {
            "p" => self.paragraphs += 1,
            "img" | "picture" => self.images += 1,
            "li" => self.items += 1,
            "input" => self.inputs += 1,
            "object" | "embed" | "iframe" => self.embeds += 1,
            "code" | "pre" => self.code = true,
            _ => {}
        }
        if dom::is_heading(tag) {
            self.heading_text = self.text;
        }
        if matches!(tag, "ul" | "ol") {
            self.list_text = self.text;
        }
        if tag == "time" {
            self.time_text = self.text;
        }
    }
}

/// Nodes under `roots` to drop as boilerplate (in addition to `skip`, already dropped).
pub fn boilerplate(roots: &[NodeRef<'_>], skip: &NodeSet, conditionally: bool) -> NodeSet {
    let mut removed = NodeSet::default();
    let several = roots.len() > 1;
    for root in roots {
        walk(*root, skip, conditionally, several, &mut removed);
    }
    removed
}

/// Drops boilerplate under `root`; `root` itself too when it is one part of several (a
/// sibling joined to the article) and its markup names it (`marked`), never for its shape.
fn walk(root: NodeRef<'_>, skip: &NodeSet, cond: bool, several: bool, out: &mut NodeSet) {
    let mut stack: Vec<Shape> = vec![Shape::default()];
    let mut skipping: Option<NodeId> = None;
    // Data tables open around the current node (each judged once, on opening).
    let mut data_tables: Vec<NodeId> = Vec::new();
    let mut figures = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() => {
                if skip.contains(&node.id()) {
                    skipping = Some(node.id());
                } else if let Node::Text(t) = node.value() {
                    if let Some(top) = stack.last_mut() {
                        let (len, commas) = dom::measure(t);
                        top.text += len;
                        top.commas += commas;
                        top.cjk += cjk_chars(t);
                    }
                } else if let Some(el) = dom::element(&node) {
                    if el.name() == "table" && is_data_table(&node) {
                        data_tables.push(node.id());
                    }
                    figures += usize::from(el.name() == "figure");
                    stack.push(Shape::default());
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                }
                if skipping.is_some() || skip.contains(&node.id()) {
                    continue;
                }
                let Some(el) = dom::element(&node) else {
                    continue;
                };
                let mut shape = stack.pop().unwrap_or_default();
                if el.name() == "a" {
                    shape.link = shape.text;
                }
                let in_data_table = !data_tables.is_empty();
                figures = figures.saturating_sub(usize::from(el.name() == "figure"));
                let in_figure = figures > 0;
                if data_tables.last() == Some(&node.id()) {
                    data_tables.pop();
                }
                let cond = cond && !in_data_table;
                let dropped = if node.id() == root.id() {
                    several && marked(el, &shape)
                } else {
                    drop(&node, el, &shape, cond, in_figure)
                        || is_credited_caption(&node, el)
                        || is_dated_line(el, &shape)
                        || is_opt_in_box(&node, &shape)
                        || related::is_labelled_link_list(
                            &node,
                            shape.text + shape.dropped_text,
                            shape.link + shape.dropped_link,
                        )
                };
                if dropped {
                    out.insert(node.id());
                    if let Some(parent) = stack.last_mut() {
                        parent.dropped_text += shape.text + shape.dropped_text;
                        parent.dropped_link += shape.link + shape.dropped_link;
                    }
                    continue;
                }
                shape.count_tag(el.name());
                if let Some(parent) = stack.last_mut() {
                    parent.add(&shape);
                }
            }
            _ => {}
        }
    }
}

fn drop(node: &NodeRef<'_>, el: Element<'_>, s: &Shape, cond: bool, in_figure: bool) -> bool {
    let tag = el.name();
    if matches!(tag, "h1" | "h2") && dom::class_weight(el) < 0.0 {
        return true;
    }
    marked(el, s)
        || (cond
            && matches!(tag, "form" | "fieldset" | "table" | "ul" | "div")
            && looks_like_junk(node, el, s, in_figure))
}

/// Whether the element's markup names it as boilerplate of its size: a share bar, a byline
/// or author box, a photo credit, a teaser card for another story, a newsletter box, a call
/// to action, an affiliate note, a sponsored or consent box, an embed's placeholder or an
/// embedded social-media post (a third party's words, quoted whole with its author, date and
/// links).
fn marked(el: Element<'_>, s: &Shape) -> bool {
    let named = el.attr("class").is_some()
        || el.id().is_some()
        || el.attr("rel").is_some()
        || el.attr("itemprop").is_some();
    // The longest box any test below accepts.
    if !named || s.text >= SIGNUP_MAX_CHARS {
        return false;
    }
    let h = dom::Hints::of(el);
    (s.text < SHARE_MAX_CHARS && dom::is_share(&h))
        || (s.text < BYLINE_MAX_CHARS && dom::is_byline(el, &h))
        || (s.text < CREDIT_MAX_CHARS && dom::is_credit(&h))
        || (dom::is_teaser(&h) && links_elsewhere(s))
        || dom::is_signup(&h)
        || dom::is_furniture_box(el)
        || dom::is_social_embed(el)
}

/// Whether the element is a block that stands for a date, a time or a duration: a `<time>`
/// element holds a third or more of its text, and it is too short to be a paragraph that merely
/// names a day ("Publiziert heute um 12:19 Uhr", "06.11.2025 | 20:15", "Published 4 months
/// ago"). The markup twin of `dateline`, which finds such lines by their words but only above
/// the body.
fn is_dated_line(el: Element<'_>, s: &Shape) -> bool {
    dom::is_block(el.name())
        && !dom::is_heading(el.name())
        && s.time_text > 0
        && s.text < DATED_LINE_MAX_CHARS
        && s.time_text * 3 >= s.text
}

/// Whether the element is a box that asks the reader to switch something on: a form control
/// with its label among its children (a consent placeholder for external content with its
/// "Externen Inhalt anzeigen" toggle). A story's paragraphs do not stand beside a labelled
/// control outside a form; the control itself is never text, so the box is judged by its
/// children. A label alone (no control) or a hidden field alone is no such box.
fn is_opt_in_box(node: &NodeRef<'_>, s: &Shape) -> bool {
    if s.text >= SIGNUP_MAX_CHARS {
        return false;
    }
    let (mut control, mut label) = (false, false);
    for child in node.children() {
        match dom::element(&child).map(|e| e.name()) {
            Some("input" | "select" | "textarea") => control = true,
            Some("label") => label = true,
            _ => {}
        }
    }
    control && label
}

/// Whether a block's links carry a share of its text that a card pointing to another story
/// has (its headline is the link, perhaps already dropped), while a paragraph with a link in a
/// sentence stays under it.
fn links_elsewhere(s: &Shape) -> bool {
    let link = s.link + s.dropped_link;
    link > 0 && link as f64 >= TEASER_MIN_LINK_SHARE * (s.text + s.dropped_text) as f64
}

/// Whether the element is a caption (`figcaption`, or class/id saying caption) of
/// [`CREDITED_CAPTION_MIN_CHARS`] or more (a CJK character counting two) that names its
/// photo's source (judged on all its text, also a credit line already dropped as such).
fn is_credited_caption(node: &NodeRef<'_>, el: Element<'_>) -> bool {
    let named = el.name() == "figcaption"
        || ((el.attr("class").is_some() || el.id().is_some())
            && dom::is_caption(&dom::Hints::of(el)));
    if !named {
        return false;
    }
    let mut text = String::new();
    for t in node.descendants().filter_map(|d| d.value().as_text()) {
        // Apart: a credit in its own element often follows the caption without a space.
        text.push(' ');
        text.push_str(t);
        if text.len() > 4 * CREDITED_CAPTION_MAX_CHARS {
            return false;
        }
    }
    let (len, _) = dom::measure(&text);
    // A Chinese, Japanese or Korean character says about what two letters do (as in the
    // body's minimum length).
    let len = len + text.chars().filter(|&c| body::is_cjk(c)).count();
    (CREDITED_CAPTION_MIN_CHARS..CREDITED_CAPTION_MAX_CHARS).contains(&len)
        && names_a_photo_source(&text)
}

/// Whether caption text holds a photo-source label ("Foto:", "Photo :") or mark ("©").
fn names_a_photo_source(text: &str) -> bool {
    let lower = lower(text);
    CREDIT_MARKS.iter().any(|m| lower.contains(m))
        || CREDIT_LABELS.iter().any(|label| {
            lower.match_indices(label).any(|(i, _)| {
                let before = lower[..i].chars().next_back();
                let after = lower[i + label.len()..].trim_start();
                !before.is_some_and(char::is_alphanumeric) && after.starts_with(':')
            })
        })
}

/// Readability's "clean conditionally" judgement on a container's shape.
fn looks_like_junk(node: &NodeRef<'_>, el: Element<'_>, s: &Shape, in_figure: bool) -> bool {
    if s.code {
        return false;
    }
    let weight = dom::class_weight(el);
    if weight < 0.0 {
        return true;
    }
    if s.commas >= 10 {
        return false;
    }
    let is_list = matches!(el.name(), "ul" | "ol")
        || (s.text > 0 && s.list_text as f64 / s.text as f64 > 0.9);
    let ld = if s.text == 0 {
        0.0
    } else {
        s.link as f64 / s.text as f64
    };
    let heading_density = if s.text == 0 {
        0.0
    } else {
        s.heading_text as f64 / s.text as f64
    };
    let (p, img) = (s.paragraphs as f64, s.images as f64);
    (s.images > 1 && p / img < 0.5 && !in_figure)
        || (!is_list && s.items > s.paragraphs + 100)
        || (s.inputs > s.paragraphs / 3)
        || (!is_list
            && heading_density < 0.9
            && s.text + s.cjk < FRAGMENT_MAX_CHARS
            && (s.images == 0 || s.images > 2)
            && !in_figure)
        || (!is_list && weight < 25.0 && ld > 0.2 && !is_linked_paragraph(node, s, ld))
        || (weight >= 25.0 && ld > 0.5)
        || (s.embeds == 1 && s.text < 75)
        || s.embeds > 1
}

/// Whether the block is one paragraph of prose whose sentences hold links (publishers that
/// wrap every paragraph in a block of its own: "He accused members of <a>relying too much on
/// the US military</a> and its defence spending."). Mozilla Readability's link-density test
/// reads such a wrapper as a link list; a paragraph of 80+ characters that ends a sentence,
/// with under half its text in links and nothing else beside it, is not one. A credit line
/// or a row of links ends no sentence.
fn is_linked_paragraph(node: &NodeRef<'_>, s: &Shape, ld: f64) -> bool {
    s.paragraphs == 1
        && s.images == 0
        && s.items == 0
        && s.embeds == 0
        && s.heading_text == 0
        && s.text >= LINKED_PARAGRAPH_MIN_CHARS
        && ld < LINKED_PARAGRAPH_MAX_LINK_DENSITY
        && dom::ends_a_sentence(node)
}

/// The CJK characters of a text, counted once more for [`FRAGMENT_MAX_CHARS`], as for
/// the article's minimum (「ようやく逮捕に至った。長かった」, a quoted line of 17 characters, says
/// what a sentence of 30 letters does).
fn cjk_chars(text: &str) -> usize {
    if text.is_ascii() {
        return 0;
    }
    text.chars()
        .filter(|&c| c >= body::FIRST_CJK && body::is_cjk(c))
        .count()
}

/// Whether a table holds data (kept whole) rather than page layout.
fn is_data_table(node: &NodeRef<'_>) -> bool {
    let Some(el) = dom::element(node) else {
        return false;
    };
    if el.attr("role") == Some("presentation") || el.attr("datatable") == Some("0") {
        return false;
    }
    if el.attr("summary").is_some() {
        return true;
    }
    let mut rows = 0usize;
    let mut max_cols = 0usize;
    for d in node.descendants().skip(1) {
        match dom::element(&d).map(|e| e.name()) {
            Some("table") => return false,
            Some("caption" | "th" | "thead" | "tfoot" | "col" | "colgroup") => return true,
            Some("tr") => {
                rows += 1;
                let cols = d
                    .children()
                    .filter(|c| dom::element(c).is_some_and(|e| matches!(e.name(), "td" | "th")))
                    .count();
                max_cols = max_cols.max(cols);
            }
            _ => {}
        }
    }
    rows >= 10 || max_cols > 4 || rows * max_cols > 10
}

#[cfg(test)]
mod tests {
    use super::names_a_photo_source;
    use crate::extract::extract;
    use crate::extract::tests::{STORY, assert_keeps_and_drops};

    #[test]
    fn captions_naming_their_photo_source_go_but_labels_and_plain_captions_stay() {
        let page = format!(
            "<html><body><article>\
             <figure><img src=\"a.jpg\"><figcaption>Мектептің жаңа ғимараты салтанатты ашылу \
             күні, оқушылар мен ата-аналар жиналды. <span>Фото: Әкімдік</span></figcaption></figure>\
             {STORY}\
             <div class=\"image-caption\">Die Schule am Tag der Eröffnung, vor dem Eingang \
             warten Eltern und Kinder (Bild: Stadtverwaltung)</div>\
             <figure><img src=\"d.jpg\"><figcaption>Bilder von Überwachungskameras in den \
             Wahllokalen während der Wahl 2021<small class=\"credit\">Bild: Reuters</small>\
             </figcaption></figure>\
             <figure><img src=\"b.jpg\"><figcaption>Сурет 2. Жоба сызбасы. Фото: Әкімдік</figcaption></figure>\
             <figure><img src=\"c.jpg\"><figcaption>Кітапхананың оқу залы екінші қабатта орналасқан, \
             онда үш жүз орын бар.</figcaption></figure>\
             <p>Ата-аналар жаңа мектептің ашылуын қуана қарсы алды, деді әкім. Фото: жиыннан \
             түсірілген суреттерді әкімдік сайтынан көруге болады.</p>\
             </article></body></html>"
        );
        let body = extract(&page, None).body;
        assert_keeps_and_drops(
            &body,
            &[
                "Жоба сызбасы",
                "Кітапхананың оқу залы",
                "түсірілген суреттерді",
                "Алматы қаласында",
            ],
            &["салтанатты ашылу", "Eröffnung", "Überwachungskameras"],
        );
    }

    #[test]
    fn japanese_captions_naming_their_source_go_at_the_length_their_characters_say() {
        let page = format!(
            "<html><body><article>\
             <p>【ソウル＝小池和樹】韓国の大統領は３日夜、緊急談話を出し、非常戒厳を宣言した。</p>\
             {STORY}\
             <figure><img src=\"a.jpg\"><figcaption>移送のため警視庁を出る元理事長＝13日、東京・\
             霞ケ関で（写真部撮影）</figcaption></figure>\
             <figure><img src=\"b.jpg\"><figcaption>新型無線機を搭載したパトカーを使い、母島で通話\
             試験を行う技官（警視庁提供）</figcaption></figure>\
             <figure><img src=\"c.jpg\"><figcaption>韓国の国旗＝ＡＰ</figcaption></figure>\
             <figure><img src=\"d.jpg\"><figcaption>記者会見を開いた理事長（中）ら大学幹部</figcaption></figure>\
             </article></body></html>"
        );
        let body = extract(&page, None).body;
        assert_keeps_and_drops(
            &body,
            &[
                "【ソウル＝小池和樹】",
                "韓国の国旗＝ＡＰ",
                "記者会見を開いた理事長",
                "Алматы қаласында",
            ],
            &["移送のため", "新型無線機"],
        );
    }

    #[test]
    fn teaser_cards_for_other_stories_go_but_a_lead_named_teaser_stays() {
        let page = format!(
            "<html><body><article>\
             <p class=\"teaser\">Die Stadt eröffnet eine neue Schule für 1.200 Kinder, nach zwei \
             Jahren Bauzeit und einem Streit um die Kosten, der im \
             <a href=\"/rat\">Stadtrat</a> lange dauerte.</p>{STORY}\
             <div class=\"teaser\"><h3><a href=\"/koeln\">Neue Schulen in Köln: Der Bau \
             beginnt im Mai</a></h3><div class=\"teasertext\"><p>Auch in Köln entstehen drei \
             neue Schulen für die wachsenden Stadtteile.</p></div></div>\
             <div class=\"teaser\"><div class=\"teaserpadding\"><div class=\"headline\"><h2>\
             <a href=\"/bonn\">Schulbau in Bonn verzögert sich</a></h2></div>\
             <div class=\"teasertext\"><p>Mehr als die Hälfte der geplanten Klassenräume \
             in Bonn wird erst im nächsten Jahr fertig, sagt die Stadt.</p></div></div></div>\
             </article></body></html>"
        );
        let body = extract(&page, None).body;
        assert_keeps_and_drops(
            &body,
            &[
                "Die Stadt eröffnet",
                "im Stadtrat lange",
                "Алматы қаласында",
            ],
            &[
                "Neue Schulen in Köln",
                "Auch in Köln",
                "Schulbau in Bonn",
                "Klassenräume in Bonn",
            ],
        );
    }

    #[test]
    fn a_photo_source_is_a_label_with_a_colon_or_a_mark() {
        for credited in [
            "Trump in Florida. Foto: dpa",
            "Protesters outside (Photo : Reuters)",
            "Prince Harry (Image: Getty)",
            "EU-Kommission | Bildquelle: EU",
            "Kate Moss. © Vogue",
            "移送のため警視庁を出る（潟沼義樹撮影）",
            "国会前で警備に当たる警察官ら＝ＡＰ",
            "通話試験を行う技官（警視庁提供）",
        ] {
            assert!(names_a_photo_source(credited), "{credited}");
        }
        for plain in [
            "The photo shows the new school",
            "Photographer's choice: the school",
            "Autofoto: kein Label",
            "Image 2 of 5",
        ] {
            assert!(!names_a_photo_source(plain), "{plain}");
        }
    }

    #[test]
    fn lines_standing_for_a_date_go_but_sentences_naming_a_day_stay() {
        let page = format!(
            "<html><body><article>\
             <p>Қала әкімдігі жаңа мектептің құрылысын екі жыл бұрын бастаған еді, ал жобаға \
             бюджеттен қаржы бөлініп, мердігер жұмысты мерзімінен бұрын аяқтады, деді ресми өкіл.</p>\
             <div><span>Жарияланды</span> <time datetime=\"2025-11-06T20:15\">\
             06.11.2025 | 20:15</time></div>{STORY}\
             <p>Publiziert <time datetime=\"2025-11-06\">heute um 12:19 Uhr</time></p>\
             <div><figure><img src=\"v.jpg\"></figure><span><time>2:43 min</time></span></div>\
             <p>Мектептің ресми ашылу салтанаты <time datetime=\"2025-09-01\">1 қыркүйекте</time> өтті.</p>\
             <p>Келесі жиналыс <time datetime=\"2025-12-01\">1 желтоқсанда</time> өтеді, онда \
             ата-аналар мектептің бірінші тоқсанының қорытындысын талқылайды.</p>\
             <h2><time datetime=\"2025\">2025</time></h2><p>Жыл қорытындысы кейін жарияланады.</p>\
             </article></body></html>"
        );
        let body = extract(&page, None).body;
        assert_keeps_and_drops(
            &body,
            &[
                "Мектептің ресми ашылу салтанаты 1 қыркүйекте өтті.",
                "Келесі жиналыс 1 желтоқсанда өтеді",
                "2025",
                "Алматы қаласында",
            ],
            &["Жарияланды", "20:15", "12:19", "2:43 min"],
        );
    }

    #[test]
    fn opt_in_boxes_go_but_a_paragraph_beside_a_form_stays() {
        let page = format!(
            "<html><body><article>{STORY}\
             <div class=\"x1\"><p>Сыртқы мазмұн</p><p>Бұл жерде редакция таңдаған сыртқы \
             мазмұн тұр, оны бір рет басып көрсетуге болады.</p><input id=\"c1\" type=\"checkbox\">\
             <label for=\"c1\">Сыртқы мазмұнды көрсету</label><p>Мен сыртқы мазмұнның \
             көрсетілуіне келісемін, деректер үшінші тарапқа берілуі мүмкін.</p></div>\
             <div><p>Мектептің кітапханасына үш мың кітап әкелінді, деді директор жиында.</p>\
             <input type=\"hidden\" name=\"token\"></div>\
             <div><label>Сауалнама:</label><p>Оқушылардың көбі жаңа асхананы ұнатады.</p></div>\
             </article></body></html>"
        );
        let body = extract(&page, None).body;
        assert_keeps_and_drops(
            &body,
            &[
                "үш мың кітап",
                "Сауалнама:",
                "жаңа асхананы ұнатады",
                "Алматы қаласында",
            ],
            &["Сыртқы мазмұн", "редакция таңдаған", "келісемін"],
        );
    }

    #[test]
    fn embedded_social_posts_go_but_quotations_stay() {
        let page = format!(
            "<html><body><article>{STORY}\
             <blockquote class=\"twitter-tweet\"><p lang=\"en\">Zelensky is said to be meeting \
             senior military commanders to assess the situation. \
             <a href=\"https://t.co/x\">pic.twitter.com/PbK0B7UjJM</a></p>&mdash; Some Account \
             (@someaccount) <a href=\"https://twitter.com/x/status/1\">July 18, 2026</a></blockquote>\
             <blockquote class=\"instagram-media\"><p>Ата-аналар мен оқушылар жаңа мектепке \
             келді, бұл туралы біздің парақшада көбірек.</p></blockquote>\
             <blockquote><p>Бұл мектеп ауданның ең үлкен білім ордасы болады, деді әкім \
             салтанатты жиында.</p></blockquote>\
             <blockquote class=\"pull-quote tweetable\"><p>Біз балаларға ең жақсы жағдай \
             жасаймыз, деді директор.</p></blockquote>\
             </article></body></html>"
        );
        let body = extract(&page, None).body;
        assert_keeps_and_drops(
            &body,
            &[
                "ең үлкен білім ордасы",
                "ең жақсы жағдай",
                "Алматы қаласында",
            ],
            &["Zelensky", "@someaccount", "біздің парақшада"],
        );
    }

    #[test]
    fn a_lone_paragraph_with_links_in_its_sentences_stays_but_a_credit_line_goes() {
        let wrap = |p: &str| format!("<div class=\"sc-gEvEer\"><p>{p}</p></div>");
        let story: String = [
            "Алматы қаласында жаңа мектеп ашылды, деп хабарлайды әкімдік баспасөз қызметі.",
            "Мектепте бір мың екі жүз оқушы білім алады, оның ішінде бастауыш сынып оқушылары да бар.",
            "Мэр бұрын <a href=\"/a\">қаланың мектептері тым толып кеткенін</a> айтып, жаңа \
             ғимараттарға бюджеттен қосымша қаржы сұраған болатын.",
            "Құрылыс жұмыстары екі жылға созылды, ал жобаның құны бюджеттен бөлінді, деп атап өтті ол.",
            "Дереккөздер: Білім министрлігінің 2024 жылғы есебі, қала әкімдігінің мәліметтері, \
             <a href=\"/c\">Ұлттық статистика бюросы</a>",
            "Толығырақ: <a href=\"/f\">мектептер туралы барлық жаңалықтар және басқа да \
             материалдар осы бетте жиналған</a>.",
            "Ғимаратта спорт залы, кітапхана және асхана бар, олар келесі аптадан бастап жұмыс істейді.",
            "Ата-аналар жаңа мектептің ашылуын қуана қарсы алды, деді әкім салтанатты жиында.",
            "Директордың айтуынша, мектептің кітапханасына үш мың кітап әкелінді, оның ішінде қазақ \
             тіліндегі оқулықтар бар.",
        ]
        .iter()
        .map(|p| wrap(p))
        .collect();
        let page = format!("<html><body><article>{story}</article></body></html>");
        let body = extract(&page, None).body;
        assert_keeps_and_drops(
            &body,
            &[
                "Алматы қаласында",
                "тым толып кеткенін",
                "бюджеттен қосымша қаржы",
                "асхана бар",
            ],
            &["Ұлттық статистика бюросы", "барлық жаңалықтар"],
        );
    }

    #[test]
    fn a_short_cjk_line_is_a_fragment_at_the_length_its_characters_say() {
        let block = |t: &str| format!("<div class=\"block\">{t}</div>");
        let story: String = [
            "<p>東京女子医大の元理事長が背任の疑いで逮捕され、大学の関係者からは驚きと安堵の声が上がった。</p>",
            "<p>警視庁によると、元理事長は大学の資金を不正に支出し、大学に損害を与えた疑いが持たれている。</p>",
            &block("\u{3000}「ようやく逮捕に至った。長かった」"),
            "<p>元理事の男性は十三日、ほっとした口ぶりで語った。理事会もずっと紛糾していたという。</p>",
            &block("関連記事"),
            &block("Mehr lesen"),
            "<p>大学は記者会見を開き、学生や患者に不安を与えたことを謝罪し、再発防止を約束した。</p>",
            "<p>報道で知って大学まで様子を見に来たという女子学生は、学生にも説明してほしいと話した。</p>",
            "<p>文部科学省は大学の運営体制について調査を進めており、補助金の扱いも検討するとしている。</p>",
            "<p>大学病院の外来は通常どおり診療を続けており、患者への影響は出ていないと大学は説明した。</p>",
        ]
        .concat();
        let page = format!("<html><body><article>{story}</article></body></html>");
        let body = extract(&page, None).body;
        assert_keeps_and_drops(
            &body,
            &["背任の疑い", "ようやく逮捕に至った", "再発防止"],
            &["関連記事", "Mehr lesen"],
        );
    }
}
