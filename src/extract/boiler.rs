//! Line-level boilerplate that markup alone does not reveal: "read also" teasers embedded in
//! the article and trailing "subscribe to us" lines, in Kazakh, Russian and English.

/// Teaser blocks longer than this (characters) are treated as real paragraphs.
const TEASER_MAX_CHARS: usize = 250;
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
    "read also",
    "also read",
    "read more:",
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

/// The blocks without teasers anywhere and without trailing subscription lines.
pub fn strip(blocks: Vec<String>) -> Vec<String> {
    let mut kept: Vec<String> = blocks.into_iter().filter(|b| !is_teaser(b)).collect();
    while kept.last().is_some_and(|b| is_trailer(b)) {
        kept.pop();
    }
    kept
}

fn is_teaser(block: &str) -> bool {
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
    fn keeps_long_paragraphs_that_start_like_teasers() {
        let long = format!("Read also {}", "the full report on the budget. ".repeat(12));
        assert_eq!(strip(vec![long.clone()]), vec![long]);
    }
}
