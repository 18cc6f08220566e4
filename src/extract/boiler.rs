//! Line-level boilerplate that markup alone does not reveal: "read also" teasers embedded in
//! the article (Kazakh, Russian, English and the labels of other major news languages),
//! trailing "subscribe to us" lines (Kazakh, Russian, English), short lines the article
//! repeats, and copyright lines.

use std::collections::HashSet;

use super::clean::CREDIT_MAX_CHARS;
use super::dateline;

/// Teaser blocks longer than this (characters) are treated as real paragraphs.
const TEASER_MAX_CHARS: usize = 250;
/// A repeated block written without spaces needs this many characters to be widget text.
const REPEAT_MIN_CHARS: usize = 15;
/// Repeated blocks longer than this (characters) are kept: a widget line is short.
const REPEAT_MAX_CHARS: usize = 100;
/// Trailing promotional lines longer than this (characters) are kept.
const TRAILER_MAX_CHARS: usize = 300;

/// Openings of "read also" teasers (lowercase).
const TEASER_OPENINGS: &[&str] = &[
    "читайте также",
    "читайте еще",
    "читайте ещё",
    "читайте тоже",
    "смотрите также",
    "по теме:",
    "ранее мы писали",
    "оқи отырыңыз",
    "оқыңыз:",
    "сондай-ақ оқыңыз",
    "тағы оқыңыз",
    "қараңыз:",
    "lest auch",
    "lesen sie auch",
    "lire aussi",
    "à lire aussi",
    "leggi anche",
    "lee también",
    "lea también",
    "leia também",
    "lees ook",
    "les også",
    "læs også",
    "läs också",
    "lue myös",
    "czytaj też",
    "czytaj także",
    "zobacz też",
    "čtěte také",
    "читайте також",
    "mehr zum thema",
    "関連記事",
    "read also",
    "also read",
    "read more:",
    "read next",
    "related:",
    "related stories",
    "related articles",
];

/// Phrases of calls to subscribe or follow (lowercase).
const SUBSCRIBE: &[&str] = &[
    "подписывайтесь",
    "подпишитесь",
    "подписаться на",
    "присоединяйтесь к нам",
    "жазылыңыз",
    "жазылу",
    "бізге қосылыңыз",
    "subscribe to",
    "follow us",
    "sign up for our newsletter",
];

/// Words that make a line naming a network a plug for the outlet's own channel (lowercase).
const OUR_CHANNEL: &[&str] = &[
    "наш ",
    "нашем",
    "нашу",
    "нас в",
    "біздің",
    "парақша",
    "арнамыз",
    "our ",
    "us on",
    "join",
];

/// Networks named in "find us on …" trailers.
const NETWORKS: &[&str] = &[
    "instagram",
    "telegram",
    "facebook",
    "whatsapp",
    "youtube",
    "вконтакте",
    "twitter",
    "tiktok",
];

/// The blocks without date lines above the body (`dateline`), teasers and copyright lines
/// anywhere, lines the page repeats and trailing subscription lines.
pub fn strip<B: AsRef<str>>(blocks: Vec<B>) -> Vec<B> {
    let blocks = dateline::strip(blocks);
    let repeated = repeated(&blocks);
    let mut kept: Vec<B> = blocks
        .into_iter()
        .filter(|b| {
            let b = b.as_ref();
            !is_teaser(b) && !is_copyright_line(b) && !repeated.contains(b)
        })
        .collect();
    while kept.last().is_some_and(|b| is_trailer(b.as_ref())) {
        kept.pop();
    }
    kept
}

/// Short blocks that occur more than once in the article: a story says a thing once, while
/// widgets repeated down the page (reaction prompts, paywall notes, "follow this topic")
/// print the same line at every spot.
/// When such lines make up more than a quarter of the text, the page printed its article
/// twice (a print or mobile copy) and nothing is dropped.
fn repeated<B: AsRef<str>>(blocks: &[B]) -> HashSet<String> {
    let mut seen = HashSet::new();
    let repeated: HashSet<String> = blocks
        .iter()
        .map(AsRef::as_ref)
        .filter(|b| is_widget_sized(b))
        .filter(|b| !seen.insert(*b))
        .map(str::to_string)
        .collect();
    if repeated.is_empty() {
        return repeated;
    }
    let chars = |b: &str| b.chars().count();
    let total: usize = blocks.iter().map(|b| chars(b.as_ref())).sum();
    let in_repeats: usize = blocks
        .iter()
        .map(AsRef::as_ref)
        .filter(|b| repeated.contains(*b))
        .map(chars)
        .sum();
    if in_repeats * 4 > total {
        return HashSet::new();
    }
    repeated
}

/// A one-line sentence of widget size: five words or more (or a run of 15 characters in a
/// script written without spaces), up to 100 characters, nothing code-like. Shorter lines
/// repeat in articles (tables of contents repeat their headings), and code repeats on purpose.
fn is_widget_sized(block: &str) -> bool {
    // Longer than the most characters in bytes: no need to count them.
    if block.len() > REPEAT_MAX_CHARS * 4 {
        return false;
    }
    let chars = block.chars().count();
    if chars > REPEAT_MAX_CHARS || block.contains(['\n', '$', '=', '{', '}', ';']) {
        return false;
    }
    let words = block.split_whitespace().count();
    words >= 5 || (words == 1 && chars >= REPEAT_MIN_CHARS)
}

/// A short line that opens with the copyright sign ("© Action press/Bernd März", "© dpa-infocom,
/// dpa:230428-99-483045/5"): a credit under a photo or a notice, never the story's prose. Short
/// means as short as `clean`'s credit lines.
fn is_copyright_line(block: &str) -> bool {
    block.starts_with('©') && block.chars().count() < CREDIT_MAX_CHARS
}

/// Whether the block is a "read also" label or teaser line: short, opening with one of the
/// [`TEASER_OPENINGS`].
pub(super) fn is_teaser(block: &str) -> bool {
    if block.chars().count() > TEASER_MAX_CHARS {
        return false;
    }
    let lower = block
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    TEASER_OPENINGS.iter().any(|o| lower.starts_with(o))
}

fn is_trailer(block: &str) -> bool {
    if block.chars().count() > TRAILER_MAX_CHARS {
        return false;
    }
    let lower = block.to_lowercase();
    if SUBSCRIBE.iter().any(|s| lower.contains(s)) {
        return true;
    }
    let names_network = NETWORKS.iter().any(|n| lower.contains(n));
    let bare = lower.split_whitespace().count() <= 3;
    names_network && (bare || OUR_CHANNEL.iter().any(|c| lower.contains(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn drops_teasers_anywhere_and_trailing_promos_only() {
        let blocks = owned(&[
            "Instagram жаңа функцияны іске қосты, деп хабарлайды агенттік.",
            "Оқи отырыңыз: Алматыда жаңа мектеп ашылды",
            "Читайте также: Курс тенге укрепился",
            "Екінші абзац мәтіні.",
            "Жаңалықтарды Instagram парақшамызда оқыңыз — бізге жазылыңыз!",
            "Telegram",
        ]);
        let kept = strip(blocks);
        assert_eq!(
            kept,
            owned(&[
                "Instagram жаңа функцияны іске қосты, деп хабарлайды агенттік.",
                "Екінші абзац мәтіні.",
            ])
        );
    }

    #[test]
    fn keeps_a_last_paragraph_that_only_mentions_a_network() {
        let blocks = owned(&[
            "Пресс-служба министерства сообщила об отставке.",
            "Об этом министр написал в своём Telegram.",
            "Больше новостей в нашем Telegram-канале",
        ]);
        assert_eq!(strip(blocks).len(), 2);
    }

    #[test]
    fn drops_every_copy_of_a_line_the_article_repeats_but_keeps_headings_and_code() {
        let blocks = owned(&[
            "Contents",
            "How the vote went",
            "The council voted on Monday to raise the budget for schools.",
            "Subscribe now to read the latest news in your city.",
            "How the vote went",
            "$ council --vote yes --budget schools",
            "The mayor promised a report before the end of the year.",
            "記事に『リアクション』ができます。ご利用には会員登録が必要です。",
            "Subscribe now to read the latest news in your city.",
            "$ council --vote yes --budget schools",
            "記事に『リアクション』ができます。ご利用には会員登録が必要です。",
            "Teachers said the council voted on Monday, as promised.",
            "The budget rise is the first in six years, the clerk added. Parents and teachers had asked for it at every meeting since the schools reopened, and the council had promised it twice before the vote.",
            "A second rise, the first in six years, the clerk added. Parents and teachers had asked for it at every meeting since the schools reopened, and the council had promised it twice before the vote.",
        ]);
        let kept = strip(blocks);
        assert_eq!(
            kept,
            owned(&[
                "Contents",
                "How the vote went",
                "The council voted on Monday to raise the budget for schools.",
                "How the vote went",
                "$ council --vote yes --budget schools",
                "The mayor promised a report before the end of the year.",
                "$ council --vote yes --budget schools",
                "Teachers said the council voted on Monday, as promised.",
                "The budget rise is the first in six years, the clerk added. Parents and teachers had asked for it at every meeting since the schools reopened, and the council had promised it twice before the vote.",
                "A second rise, the first in six years, the clerk added. Parents and teachers had asked for it at every meeting since the schools reopened, and the council had promised it twice before the vote.",
            ])
        );
    }

    #[test]
    fn an_article_printed_twice_is_kept_whole() {
        let story = owned(&[
            "The council voted on Monday to raise the budget for schools.",
            "The mayor promised a report before the end of the year.",
            "Subscribe now to read the latest news in your city.",
        ]);
        let twice = [story.clone(), story].concat();
        assert_eq!(strip(twice.clone()), twice);
    }

    #[test]
    fn drops_read_also_labels_of_other_languages() {
        let blocks = owned(&[
            "Der Stadtrat beschloss am Montag, das Budget der Schulen zu erhöhen.",
            "Lesen Sie auch: Neue Schulen in Köln",
            "Lire aussi | Le budget des écoles augmente",
            "【関連記事】",
            "Les også: Nye skoler i Oslo",
            "Läs också: Nya skolor i Malmö",
            "Czytaj także: Nowe szkoły w Krakowie",
            "Mehr zum Thema",
            "READ NEXT: New schools in Leeds",
            "Der Bürgermeister sagte: Lesen Sie auch den Bericht des Rechnungshofs.",
        ]);
        assert_eq!(
            strip(blocks),
            owned(&[
                "Der Stadtrat beschloss am Montag, das Budget der Schulen zu erhöhen.",
                "Der Bürgermeister sagte: Lesen Sie auch den Bericht des Rechnungshofs.",
            ])
        );
    }

    #[test]
    fn keeps_long_paragraphs_that_start_like_teasers() {
        let long = format!("Read also {}", "the full report on the budget. ".repeat(12));
        assert_eq!(strip(vec![long.clone()]), vec![long]);
    }

    #[test]
    fn drops_short_lines_opening_with_the_copyright_sign_but_keeps_prose_naming_it() {
        let long = format!(
            "© {}",
            "Die Agentur liefert Bilder und Texte an viele Zeitungen. ".repeat(4)
        );
        let blocks = owned(&[
            "Intensive Regenfälle brachten Slowenien Überschwemmungen.",
            "© Action press/Bernd März",
            "Das Zeichen © steht auf jedem Foto der Agentur.",
            &long,
            "© dpa-infocom, dpa:230428-99-483045/5",
        ]);
        let kept = strip(blocks);
        assert_eq!(kept.len(), 3, "{kept:?}");
        assert!(
            kept.iter()
                .all(|b| !b.starts_with("© Action") && !b.starts_with("© dpa"))
        );
        assert!(kept.contains(&long), "{kept:?}");
    }
}
