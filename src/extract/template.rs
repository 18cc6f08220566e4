//! Cross-page evidence: a block of text that recurs on many different pages of one host
//! (menu lines, "read also" teasers, subscription calls, footers, in any language) is the
//! site's template, not article text. [`Templates`] learns, per host, on how many distinct
//! pages each body block was seen, and drops blocks seen on enough earlier pages. Memory is
//! bounded: hosts, blocks per host and page fingerprints per host are capped, the least
//! recently used going first.

use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::Mutex;

use foldhash::fast::RandomState;

/// Hosts remembered; the least recently seen host is forgotten first.
const MAX_HOSTS: usize = 256;
/// Blocks remembered per host; the least recently seen block is forgotten first.
const MAX_BLOCKS: usize = 1024;
/// Page fingerprints remembered per host, so a page seen twice counts once.
const MAX_PAGES: usize = 64;
/// A block seen on this many distinct earlier pages of the host is template.
const MIN_PAGES: u32 = 3;
/// Blocks longer than this (characters) are never treated as template: recurring long
/// passages are rarer in templates than in articles that quote one another.
const MAX_TEMPLATE_CHARS: usize = 600;

/// Per-host memory of recurring blocks; share one between the extractions of a process.
#[derive(Default)]
pub struct Templates {
    hosts: Mutex<Hosts>,
    /// Hashes blocks and pages with a per-process random seed (foldhash: a fraction of
    /// SipHash's cost; no fixed collisions a page could be written to hit).
    seed: RandomState,
}

#[derive(Default)]
struct Hosts {
    clock: u64,
    by_host: HashMap<String, Host>,
}

#[derive(Default)]
struct Host {
    used: u64,
    pages: VecDeque<u64>,
    /// Block hash → (distinct pages it was seen on, clock when last seen).
    blocks: HashMap<u64, (u32, u64)>,
}

impl Templates {
    /// The body (blocks separated by blank lines) without blocks the host's earlier pages
    /// showed to be template; then remembers this page's blocks. A page whose every block
    /// is template comes back empty.
    pub fn filter_and_learn(&self, host: &str, body: &str) -> String {
        let blocks: Vec<&str> = body
            .split("\n\n")
            .filter(|b| !b.trim().is_empty())
            .collect();
        let mut folded = Vec::new();
        let keys: Vec<Option<u64>> = blocks
            .iter()
            .map(|b| self.block_key(b, &mut folded))
            .collect();
        let Ok(mut hosts) = self.hosts.lock() else {
            return body.to_string();
        };
        hosts.clock += 1;
        let clock = hosts.clock;
        if !hosts.by_host.contains_key(host) && hosts.by_host.len() >= MAX_HOSTS {
            let oldest = hosts
                .by_host
                .iter()
                .min_by_key(|(_, h)| h.used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                hosts.by_host.remove(&oldest);
            }
        }
        let entry = hosts.by_host.entry(host.to_string()).or_default();
        entry.used = clock;
        let kept: Vec<&str> = blocks
            .iter()
            .zip(&keys)
            .filter(|(_, k)| !k.is_some_and(|k| entry.is_template(k)))
            .map(|(b, _)| *b)
            .collect();
        entry.learn(self.seed.hash_one(body), keys.into_iter().flatten(), clock);
        kept.join("\n\n")
    }

    /// Key of a block that may be template: its words lowercased, digits folded (dates and
    /// counters vary by page), hashed; `None` for a block too long to be template.
    /// `folded` is scratch space (the folded text's UTF-8) reused between blocks; an ASCII
    /// word is folded byte by byte.
    fn block_key(&self, block: &str, folded: &mut Vec<u8>) -> Option<u64> {
        if block.len() > MAX_TEMPLATE_CHARS && block.chars().count() > MAX_TEMPLATE_CHARS {
            return None;
        }
        folded.clear();
        let mut utf8 = [0; 4];
        for word in block.split_whitespace() {
            if word.is_ascii() {
                folded.extend(word.bytes().map(|b| {
                    if b.is_ascii_digit() {
                        b'0'
                    } else {
                        b.to_ascii_lowercase()
                    }
                }));
            } else {
                for c in word.chars() {
                    if c.is_numeric() {
                        folded.push(b'0');
                    } else {
                        for l in c.to_lowercase() {
                            folded.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
                        }
                    }
                }
            }
            folded.push(b' ');
        }
        Some(self.seed.hash_one(folded.as_slice()))
    }

    /// Hosts currently remembered.
    #[cfg(test)]
    fn hosts(&self) -> usize {
        self.hosts.lock().map_or(0, |h| h.by_host.len())
    }
}

impl Host {
    fn is_template(&self, key: u64) -> bool {
        self.blocks.get(&key).is_some_and(|(n, _)| *n >= MIN_PAGES)
    }

    /// Counts each distinct block (by `keys`) of a page not seen before (by `page`, the hash
    /// of its whole text) once.
    fn learn(&mut self, page: u64, keys: impl Iterator<Item = u64>, clock: u64) {
        if self.pages.contains(&page) {
            return;
        }
        if self.pages.len() >= MAX_PAGES {
            self.pages.pop_front();
        }
        self.pages.push_back(page);
        let mut distinct: Vec<u64> = keys.collect();
        distinct.sort_unstable();
        distinct.dedup();
        for key in distinct {
            let seen = self.blocks.entry(key).or_insert((0, clock));
            seen.0 += 1;
            seen.1 = clock;
        }
        if self.blocks.len() > MAX_BLOCKS {
            let mut by_age: Vec<(u64, u64)> = self.blocks.iter().map(|(k, v)| (v.1, *k)).collect();
            by_age.sort_unstable();
            for (_, key) in by_age.iter().take(self.blocks.len() - MAX_BLOCKS) {
                self.blocks.remove(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize) -> String {
        format!(
            "Menu News Sport\n\nStory {n}: the council met on day {n} and voted, said the clerk number {}.\n\nSubscribe to our newsletter",
            n * 7
        )
    }

    #[test]
    fn drops_blocks_seen_on_three_earlier_pages_of_the_host_only() {
        let t = Templates::default();
        for n in 0..3 {
            assert_eq!(t.filter_and_learn("a.kz", &page(n)), page(n));
        }
        let fourth = t.filter_and_learn(
            "a.kz",
            "Menu News Sport\n\nA new story.\n\nSubscribe to our newsletter",
        );
        assert_eq!(fourth, "A new story.");
        let other_host = t.filter_and_learn("b.kz", &page(9));
        assert_eq!(other_host, page(9));
    }

    #[test]
    fn blocks_differing_only_in_digits_case_or_spacing_are_one_block() {
        let t = Templates::default();
        let lines = [
            "Обновлено 12:30\n\nПодписывайтесь на наш канал",
            "обновлено 09:15\n\nПОДПИСЫВАЙТЕСЬ  на наш\tканал",
            "ОБНОВЛЕНО ١٢:٣٠\n\nподписывайтесь на наш канал",
        ];
        for (n, line) in lines.iter().enumerate() {
            let body = format!("Story {n} body.\n\n{line}");
            assert_eq!(t.filter_and_learn("a.kz", &body), body);
        }
        let fourth = "Обновлено 07:05\n\nA fourth story.\n\nПодписывайтесь на наш канал";
        assert_eq!(t.filter_and_learn("a.kz", fourth), "A fourth story.");
    }

    #[test]
    fn the_same_page_seen_again_counts_once() {
        let t = Templates::default();
        for _ in 0..5 {
            assert_eq!(t.filter_and_learn("a.kz", &page(1)), page(1));
        }
    }

    #[test]
    fn long_blocks_are_never_template() {
        let t = Templates::default();
        let long = "A long standing paragraph of background. ".repeat(20);
        for n in 0..4 {
            let body = format!("{long}\n\nStory {n}.");
            assert!(t.filter_and_learn("a.kz", &body).starts_with("A long"));
        }
    }

    #[test]
    fn memory_is_bounded_in_hosts_and_blocks() {
        let t = Templates::default();
        for n in 0..MAX_HOSTS + 10 {
            t.filter_and_learn(&format!("h{n}.kz"), "x");
        }
        assert_eq!(t.hosts(), MAX_HOSTS);
        let body: String = (0..MAX_BLOCKS * 2)
            .map(|n| format!("block {}", char::from_u32(0x4e00 + n as u32).unwrap_or('x')))
            .collect::<Vec<_>>()
            .join("\n\n");
        t.filter_and_learn("big.kz", &body);
        let blocks = t.hosts.lock().unwrap().by_host["big.kz"].blocks.len();
        assert!(blocks <= MAX_BLOCKS, "{blocks} blocks kept");
    }
}
