//! Article language as an ISO 639-1 code: the declared `lang` of the page, checked against
//! the text itself for Kazakh, Russian and English (Kazakh sites often declare `ru` or
//! nothing, and Kazakh Cyrillic has letters Russian lacks).

/// Letters of Kazakh Cyrillic absent from Russian (і is left out: Ukrainian has it too).
const KAZAKH_ONLY: &[char] = &['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ'];
/// Letters of Ukrainian absent from Russian and Kazakh.
const UKRAINIAN_ONLY: &[char] = &['ї', 'є', 'ґ'];
/// Share of Cyrillic letters that must be Kazakh-only to call a text Kazakh; Kazakh prose
/// runs near 8%, Russian prose quoting Kazakh names far below 1%.
const KAZAKH_SHARE: f64 = 0.02;
/// Letters needed before the text is trusted over the declared language.
const MIN_LETTERS: usize = 40;
/// How much text to look at.
const SAMPLE_CHARS: usize = 5_000;
/// Frequent English words; their share of Latin words tells English from other Latin text.
const ENGLISH_WORDS: &[&str] = &[
    "the", "and", "of", "to", "in", "is", "that", "for", "with", "was",
];
/// Cyrillic-script languages whose declaration is trusted as-is.
const OTHER_CYRILLIC: &[&str] = &[
    "uk", "be", "bg", "sr", "mk", "ky", "tt", "mn", "tg", "ba", "cv",
];

/// The page language from its declaration (`lang` attribute etc.) and its text.
pub fn detect(declared: Option<&str>, text: &str) -> Option<String> {
    let declared = declared.and_then(normalize_tag);
    let counts = Counts::of(text);
    if counts.cyrillic >= MIN_LETTERS && counts.cyrillic > counts.latin {
        return Some(cyrillic_language(declared.as_deref(), &counts));
    }
    if counts.latin >= MIN_LETTERS && counts.latin > counts.other {
        return match declared {
            Some(d) if !matches!(d.as_str(), "ru" | "kk") => Some(d),
            _ => english(text).then(|| "en".to_string()),
        };
    }
    declared
}

fn cyrillic_language(declared: Option<&str>, c: &Counts) -> String {
    let share = |n: usize| n as f64 / c.cyrillic as f64;
    if share(c.kazakh) >= KAZAKH_SHARE {
        return "kk".into();
    }
    match declared {
        Some(d) if OTHER_CYRILLIC.contains(&d) => d.to_string(),
        _ if c.ukrainian > 0 && share(c.ukrainian) >= 0.005 => "uk".into(),
        _ => "ru".into(),
    }
}

/// The primary subtag of a BCP 47 tag, lowercase, with the common `kz` mistake fixed.
pub fn normalize_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    let ok = (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    match primary.as_str() {
        "kz" => Some("kk".into()),
        _ if ok => Some(primary),
        _ => None,
    }
}

#[derive(Default)]
struct Counts {
    cyrillic: usize,
    kazakh: usize,
    ukrainian: usize,
    latin: usize,
    other: usize,
}

impl Counts {
    fn of(text: &str) -> Self {
        let mut c = Counts::default();
        for ch in text
            .chars()
            .take(SAMPLE_CHARS)
            .filter(|c| c.is_alphabetic())
        {
            if ('\u{0400}'..='\u{04FF}').contains(&ch) {
                let lower = ch.to_lowercase().next().unwrap_or(ch);
                c.cyrillic += 1;
                c.kazakh += usize::from(KAZAKH_ONLY.contains(&lower));
                c.ukrainian += usize::from(UKRAINIAN_ONLY.contains(&lower));
            } else if ch.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&ch) {
                c.latin += 1;
            } else {
                c.other += 1;
            }
        }
        c
    }
}

/// Whether more than 8 % of the words in the sample are among [`ENGLISH_WORDS`]. The list is
/// ASCII, which no other letter lowercases to but the Kelvin sign's `k` (in none of them),
/// so a word is compared ignoring ASCII case, without a lowercased copy.
fn english(text: &str) -> bool {
    let (mut words, mut hits) = (0usize, 0usize);
    for word in sample(text)
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        hits += usize::from(ENGLISH_WORDS.iter().any(|e| word.eq_ignore_ascii_case(e)));
    }
    words > 0 && hits as f64 / words as f64 > 0.08
}

/// The text's first [`SAMPLE_CHARS`] characters, all the language is told from.
pub fn sample(text: &str) -> &str {
    match text.char_indices().nth(SAMPLE_CHARS) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KK: &str = "Қазақстан Республикасының Президенті бүгін Астанада өткен жиында \
        елдің экономикалық даму жоспарын таныстырды және жаңа бағдарламаны ұсынды.";
    const RU: &str = "Президент Республики Казахстан сегодня на совещании в Астане \
        представил план экономического развития страны и новую программу.";

    #[test]
    fn tells_kazakh_from_russian_whatever_is_declared() {
        assert_eq!(detect(Some("ru-RU"), KK).as_deref(), Some("kk"));
        assert_eq!(detect(None, KK).as_deref(), Some("kk"));
        assert_eq!(detect(Some("kk"), RU).as_deref(), Some("ru"));
        assert_eq!(detect(None, RU).as_deref(), Some("ru"));
    }

    #[test]
    fn russian_quoting_kazakh_names_stays_russian() {
        let text = format!("{RU} {RU} Токаев встретился с акимом Қарағанды.");
        assert_eq!(detect(None, &text).as_deref(), Some("ru"));
    }

    #[test]
    fn english_and_declared_latin_languages() {
        let en = "The president said on Monday that the plan for the economy was ready and \
            that it would be presented to the parliament in the spring.";
        assert_eq!(detect(None, en).as_deref(), Some("en"));
        assert_eq!(detect(Some("fr-FR"), en).as_deref(), Some("fr"));
        assert_eq!(detect(Some("KZ"), "").as_deref(), Some("kk"));
        assert_eq!(detect(Some("not a tag"), "").as_deref(), None);
    }

    #[test]
    fn the_language_is_told_from_the_first_sample_characters_in_any_case() {
        let shouted = "THE PRESIDENT SAID THAT THE PLAN FOR THE ECONOMY WAS READY AND THAT IT WOULD \
            BE PRESENTED TO THE PARLIAMENT. ";
        assert_eq!(detect(None, shouted).as_deref(), Some("en"));
        // Well past the sample, nothing changes the verdict.
        let long = shouted.repeat(SAMPLE_CHARS / shouted.len() + 1);
        let tail = "Мемлекеттік бағдарлама бойынша жұмыс жалғасады. ".repeat(500);
        assert_eq!(
            detect(None, &format!("{long}{tail}")).as_deref(),
            Some("en")
        );
        assert_eq!(
            sample(&format!("{long}{tail}")).chars().count(),
            SAMPLE_CHARS
        );
        assert_eq!(sample("қысқа"), "қысқа");
        // Words with letters outside ASCII are other words ("thé" is not "the").
        let french = "thé thé thé thé thé au lait, et puis le café noir du matin pour tous";
        assert_eq!(detect(None, french).as_deref(), None);
    }
}
