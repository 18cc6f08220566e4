//! Date lines above the article body: "Stand: 22.04.2024, 06:00 Uhr", "Published Jun 04,
//! 2026", "Freitag, 28.04.2023, 19:25". Pages print the publication date as a short line
//! between the headline and the first paragraph; the date is metadata (`published`), not
//! text. Judged by shape alone, in any language: a short line made of a date or a time and
//! at most a few words, above the first paragraph-length block.

/// A block this long (characters) is body text: the header zone ends there.
const BODY_BLOCK_CHARS: usize = 150;
/// Date lines are at most this long (characters).
const DATELINE_MAX_CHARS: usize = 80;
/// Date lines have at most this many words besides their figures.
const DATELINE_MAX_WORDS: usize = 4;

/// The blocks without the date lines above the first paragraph-length block.
pub fn strip<B: AsRef<str>>(blocks: Vec<B>) -> Vec<B> {
    let mut in_header = true;
    blocks
        .into_iter()
        .filter(|b| {
            let b = b.as_ref();
            in_header = in_header && b.chars().count() < BODY_BLOCK_CHARS;
            !(in_header && is_dateline(b))
        })
        .collect()
}

/// A one-line block of up to 80 characters holding a time (`14:07`), a numeric date
/// (`22.04.2024`, `25/04/24`, `2024-04-25`) or a year with a day (`Jun 04, 2026`), with at
/// most four words of letters and no sentence ending.
fn is_dateline(block: &str) -> bool {
    if block.chars().count() > DATELINE_MAX_CHARS || block.contains('\n') {
        return false;
    }
    let words = block
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .count();
    if words > DATELINE_MAX_WORDS || ends_a_sentence(block) {
        return false;
    }
    let figures = figures(block);
    has_time(&figures) || has_numeric_date(&figures) || has_year_and_day(block, &figures)
}

/// A sentence's end: `!`, `?`, or a full stop not right after a figure ("25.04.2024.").
fn ends_a_sentence(block: &str) -> bool {
    let mut rev = block.trim_end().chars().rev();
    match rev.next() {
        Some('!' | '?') => true,
        Some('.') => !rev.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// A run of ASCII digits, where it ends, and the one character right after it if another
/// run follows that character.
struct Figure<'a> {
    digits: &'a str,
    end: usize,
    joint: Option<char>,
}

fn figures(block: &str) -> Vec<Figure<'_>> {
    let mut out: Vec<Figure<'_>> = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = usize::MAX;
    for (i, c) in block.char_indices().chain([(block.len(), ' ')]) {
        match (c.is_ascii_digit(), start) {
            (true, None) => {
                if let Some(prev) = out.last_mut()
                    && last_end < i
                    && block[last_end..i].chars().count() == 1
                {
                    prev.joint = block[last_end..i].chars().next();
                }
                start = Some(i);
            }
            (false, Some(s)) => {
                out.push(Figure {
                    digits: &block[s..i],
                    end: i,
                    joint: None,
                });
                last_end = i;
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn has_time(f: &[Figure<'_>]) -> bool {
    f.windows(2).any(|w| {
        (1..=2).contains(&w[0].digits.len()) && w[0].joint == Some(':') && w[1].digits.len() == 2
    })
}

fn has_numeric_date(f: &[Figure<'_>]) -> bool {
    f.windows(3).any(|w| {
        let (a, b, c) = (w[0].digits.len(), w[1].digits.len(), w[2].digits.len());
        let day_first = (1..=2).contains(&a)
            && (1..=2).contains(&b)
            && matches!(c, 2 | 4)
            && matches!(w[0].joint, Some('.' | '/'))
            && matches!(w[1].joint, Some('.' | '/'));
        let year_first = a == 4
            && (1..=2).contains(&b)
            && (1..=2).contains(&c)
            && matches!(w[0].joint, Some('-' | '/' | '.'))
            && matches!(w[1].joint, Some('-' | '/' | '.'));
        day_first || year_first
    })
}

/// A day (1–31) right before a year, with at most a month name between them: "Jun 04,
/// 2026", "4 June 2026", "04 июня 2026" (not "Top 10 of 2026": "of" is no month).
fn has_year_and_day(block: &str, f: &[Figure<'_>]) -> bool {
    let year = |d: &str| d.len() == 4 && (d.starts_with("19") || d.starts_with("20"));
    let day = |d: &str| d.len() <= 2 && d.parse::<u8>().is_ok_and(|n| (1..=31).contains(&n));
    f.windows(2).any(|w| {
        let between = &block[w[0].end..w[1].end - w[1].digits.len()];
        let mut words = between
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty());
        let month = match (words.next(), words.next()) {
            (None, _) => true,
            (Some(m), None) => m.chars().count() >= 3,
            _ => false,
        };
        day(w[0].digits) && year(w[1].digits) && month && between.chars().count() <= 12
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    const PARAGRAPH: &str = "Әкімдік жаңа мектептің құрылысы 2026 жылдың 15 қыркүйегінде \
        аяқталатынын хабарлады, ал жұмысшылар 12:30-да түскі үзіліске шығып, кешкі 18:00-ге \
        дейін жұмыс істейді деп мәлімдеді құрылыс басқармасының өкілі.";

    #[test]
    fn date_lines_above_the_body_go_in_any_language() {
        let out = strip(blocks(&[
            "Stand: 22.04.2024, 06:00 Uhr",
            "Published Jun 04, 2026 • 2 minute read",
            "Жаңартылды 2026-11-30",
            "Do 25.04.24 | 14:07 Uhr | Von",
            PARAGRAPH,
        ]));
        assert_eq!(out, blocks(&[PARAGRAPH]));
    }

    #[test]
    fn dated_sentences_headings_and_lines_below_the_first_paragraph_stay() {
        let kept = [
            // a sentence with a date: more than four words
            "Сессия 12.05.2026 күні сағат 10:00-де басталады деп хабарлады.",
            // a short line that ends a sentence
            "Meeting at 10:00 cancelled!",
            // headings with figures but no date or time
            "Top 10 of 2026",
            "Бюджет 2026: 5 сұрақ",
            PARAGRAPH,
            // a date line below the first paragraph is part of the story (a timeline)
            "12.05.2026, 10:00",
        ];
        assert_eq!(strip(blocks(&kept)), blocks(&kept));
    }

    #[test]
    fn figures_are_split_with_their_joints() {
        let f = figures("ab 25.04.24 | 14:07");
        let runs: Vec<(&str, Option<char>)> = f.iter().map(|x| (x.digits, x.joint)).collect();
        assert_eq!(
            runs,
            [
                ("25", Some('.')),
                ("04", Some('.')),
                ("24", None),
                ("14", Some(':')),
                ("07", None)
            ]
        );
    }
}
