//! robots.txt (RFC 9309): parsing and the allow/deny decision for one user-agent token.
//!
//! Pure text work: fetching and caching robots.txt is the poller's job. The most specific
//! (longest) matching rule wins and allow wins ties; `*` and `$` work as in the RFC.

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
        let text = text.get(..MAX_ROBOTS_BYTES).unwrap_or(text);
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
        self.rules
            .iter()
            .filter(|r| matches(&r.pattern, path_and_query))
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
                        pattern: value.to_string(),
                    });
                }
            }
            _ => last_was_agent = false,
        }
    }
    groups
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
