//! Building the alert snippet: about 200 characters around the first hit, hits in `**`.

/// Characters of context kept before the first hit.
const BEFORE: usize = 60;
/// Target snippet length in characters.
const LENGTH: usize = 200;

/// Snippet of `text` around `hits` (byte ranges, sorted, on char boundaries); the window
/// starts near the first hit. Whitespace runs become one space.
pub(crate) fn snippet(text: &str, hits: &[(usize, usize)]) -> String {
    let Some(&(first, _)) = hits.first() else {
        return String::new();
    };
    let start = window_start(text, first);
    let end = window_end(text, start, hits[0].1);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(s, e) in merged(hits)
        .iter()
        .filter(|(s, e)| *s >= start && *e <= end)
    {
        if s < at {
            continue;
        }
        push_text(&mut out, text.get(at..s).unwrap_or_default());
        out.push_str("**");
        push_text(&mut out, text.get(s..e).unwrap_or_default());
        out.push_str("**");
        at = e;
    }
    push_text(&mut out, text.get(at..end).unwrap_or_default());
    if end < text.len() {
        out.push('…');
    }
    out.trim().to_string()
}

/// Overlapping hits (a hyphenated word and its part) become one.
fn merged(hits: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut sorted = hits.to_vec();
    sorted.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e) in sorted {
        match out.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn window_start(text: &str, hit: usize) -> usize {
    let before = text.get(..hit).unwrap_or_default();
    let Some((from, _)) = before.char_indices().rev().nth(BEFORE - 1) else {
        return 0;
    };
    if from == 0 {
        return 0;
    }
    before[from..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(from, |(i, _)| from + i)
}

fn window_end(text: &str, start: usize, hit_end: usize) -> usize {
    let rest = text.get(start..).unwrap_or_default();
    let Some((cut, _)) = rest.char_indices().nth(LENGTH) else {
        return text.len();
    };
    let cut = (start + cut).max(hit_end);
    text.get(cut..)
        .and_then(|tail| tail.find(char::is_whitespace))
        .map_or(text.len(), |i| cut + i)
}

fn push_text(out: &mut String, s: &str) {
    let mut pieces = s.split(char::is_whitespace);
    if let Some(first) = pieces.next() {
        out.push_str(first);
    }
    for piece in pieces {
        if !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(piece);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_hits_and_collapses_whitespace() {
        let text = "Бір\n\nекі үш";
        assert_eq!(
            snippet(
                text,
                &[(text.find("екі").unwrap_or(0), text.find(" үш").unwrap_or(0))]
            ),
            "Бір **екі** үш"
        );
    }

    #[test]
    fn cuts_long_texts_around_the_hit() {
        let text = format!("{} нысана {}", "сөз ".repeat(100), "тағы ".repeat(100));
        let s = text.find("нысана").unwrap_or(0);
        let out = snippet(&text, &[(s, s + "нысана".len())]);
        assert!(out.starts_with('…') && out.ends_with('…'));
        assert!(out.contains("**нысана**"));
        assert!(out.chars().count() < 280);
    }
}
