//! robots.txt (RFC 9309): parsing and the allow/deny decision for one user-agent token.
//!
//! Pure text work: fetching and caching robots.txt is the poller's job. The most specific
//! (longest) matching rule wins and allow wins ties; `*` and `$` work as in the RFC. Patterns
//! and paths are compared in one percent-encoded form (RFC 9309 §2.2.2), so `/новости/`,
//! `/%d0%bd…` and `/%D0%BD…` all name the same path.

/// Bytes of robots.txt considered; the RFC asks parsers to read at least 500 KiB.
const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// The rules of one robots.txt that apply to one user agent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Robots {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: String,
}

#[derive(Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
}

impl Robots {
    /// Rules that allow everything (no robots.txt, or a 4xx for it).
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Rules that forbid everything (robots.txt unreachable: the RFC says assume the worst).
    pub fn deny_all() -> Robots {
        Robots {
            rules: vec![Rule {
                allow: false,
                pattern: "/".to_string(),
            }],
        }
    }

    /// Parses `text` and keeps the groups for `agent` (e.g. `newswatch`), else those for `*`.
    pub fn parse(text: &str, agent: &str) -> Robots {
        let text = &text[..floor_char_boundary(text, MAX_ROBOTS_BYTES)];
        let groups = groups(text);
        let agent = agent.to_ascii_lowercase();
        let mine: Vec<&Group> = groups
            .iter()
            .filter(|g| g.agents.contains(&agent))
            .collect();
        let chosen = if mine.is_empty() {
            groups
                .iter()
                .filter(|g| g.agents.iter().any(|a| a == "*"))
                .collect()
        } else {
            mine
        };
        Robots {
            rules: chosen.into_iter().flat_map(|g| g.rules.clone()).collect(),
        }
    }

    /// Whether `path_and_query` (e.g. `/news/1?x=2`) may be fetched.
    pub fn allows(&self, path_and_query: &str) -> bool {
        let path = normalise(path_and_query);
        self.rules
            .iter()
            .filter(|r| matches(&r.pattern, &path))
            .max_by_key(|r| (r.pattern.len(), r.allow))
            .is_none_or(|r| r.allow)
    }
}

fn groups(text: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut last_was_agent = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
        match key.as_str() {
            "user-agent" => {
                if !last_was_agent {
                    groups.push(Group::default());
                }
                if let Some(group) = groups.last_mut() {
                    group.agents.push(value.to_ascii_lowercase());
                }
                last_was_agent = true;
            }
            "allow" | "disallow" => {
                last_was_agent = false;
                let Some(group) = groups.last_mut() else {
                    continue;
                };
                if !value.is_empty() {
                    group.rules.push(Rule {
                        allow: key == "allow",
                        pattern: normalise(value),
                    });
                }
            }
            _ => last_was_agent = false,
        }
    }
    groups
}

/// The largest index `<= max` that falls on a character boundary of `text`.
fn floor_char_boundary(text: &str, max: usize) -> usize {
    if max >= text.len() {
        return text.len();
    }
    (0..=max)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0)
}

/// One form for comparing paths (RFC 9309 §2.2.2, RFC 3986 §2.1 and §6.2.2.2): bytes outside
/// printable ASCII are percent-encoded, percent-encodings use upper-case hex digits, and those
/// of unreserved characters (`A-Z a-z 0-9 - . _ ~`) are decoded.
fn normalise(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let escaped = (byte == b'%')
            .then(|| Some((hex(*bytes.get(i + 1)?)?, hex(*bytes.get(i + 2)?)?)))
            .flatten();
        if let Some((hi, lo)) = escaped {
            let decoded = hi << 4 | lo;
            if decoded.is_ascii_alphanumeric() || b"-._~".contains(&decoded) {
                out.push(char::from(decoded));
            } else {
                out.push_str(&format!("%{decoded:02X}"));
            }
            i += 3;
            continue;
        }
        if byte.is_ascii_graphic() {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
        i += 1;
    }
    out
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Matches a robots pattern (`*` any run, trailing `$` end of path) against a path.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = parts.collect();
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        if last && anchored {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    !anchored || rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROBOTS: &str = "# news site
User-agent: Googlebot
Disallow: /

User-agent: *
Disallow: /private/
Disallow: /*.pdf$
Allow: /private/press/

User-agent: newswatch
User-agent: other
Disallow: /kk/archive
Allow: /kk/archive/2026
";

    #[test]
    fn our_own_group_wins_over_the_star_group() {
        let r = Robots::parse(ROBOTS, "NewsWatch");
        assert!(!r.allows("/kk/archive/2020/1.html"));
        assert!(r.allows("/kk/archive/2026/1.html"), "longer allow wins");
        assert!(r.allows("/private/x"), "star group does not apply to us");
    }

    #[test]
    fn the_star_group_applies_to_unknown_agents() {
        let r = Robots::parse(ROBOTS, "someone");
        assert!(!r.allows("/private/x"));
        assert!(r.allows("/private/press/release"));
        assert!(!r.allows("/files/report.pdf"));
        assert!(r.allows("/files/report.pdf?download=1"));
        assert!(r.allows("/news/1"));
    }

    #[test]
    fn empty_disallow_and_missing_groups_allow_everything() {
        assert!(Robots::parse("User-agent: *\nDisallow:\n", "newswatch").allows("/a"));
        assert!(Robots::parse("garbage\n\0\n", "newswatch").allows("/a"));
        assert!(Robots::allow_all().allows("/a"));
        assert!(!Robots::deny_all().allows("/a"));
    }

    #[test]
    fn non_ascii_and_percent_encoded_paths_match_in_any_spelling() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /новости/\nDisallow: /%d0%b0%d1%80%d1%85%d0%b8%d0%b2/\nAllow: /%7Euser/\nDisallow: /~user\n",
            "newswatch",
        );
        assert!(!r.allows("/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1.html"));
        assert!(!r.allows("/новости/2.html"));
        assert!(!r.allows("/%D0%B0%D1%80%D1%85%D0%B8%D0%B2/2020"));
        assert!(!r.allows("/архив/2020"));
        assert!(r.allows("/~user/page"), "%7E is the unreserved ~");
        assert!(r.allows("/%D0%BD%D0%BE%D0%B2/1.html"));
        assert_eq!(normalise("/a%2fb%2Fc %zz"), "/a%2Fb%2Fc%20%zz");
    }

    #[test]
    fn the_size_cap_holds_when_it_falls_inside_a_character() {
        // Two-byte letters from an odd offset: byte MAX_ROBOTS_BYTES is inside a letter.
        let filler = format!("#{}\n", "ж".repeat(MAX_ROBOTS_BYTES / 2));
        let text = format!("User-agent: *\n{filler}Disallow: /late\n");
        assert!(!text.is_char_boundary(MAX_ROBOTS_BYTES));
        assert!(Robots::parse(&text, "newswatch").allows("/late"));
    }

    #[test]
    fn patterns_follow_the_rfc() {
        assert!(matches("/a*c", "/abbbc/d"));
        assert!(matches("/a*c$", "/abbbc"));
        assert!(!matches("/a*c$", "/abbbc/d"));
        assert!(matches("/exact$", "/exact"));
        assert!(!matches("/exact$", "/exactly"));
        assert!(matches("*", "/anything"));
        assert!(!matches("/b", "/a/b"));
    }
}
