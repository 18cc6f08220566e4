//! Random queries and documents built from awkward characters: parsing and matching must never
//! panic, and every rejection must point inside the query.

use crate::watch::{Document, Query, RuleSet};

const PIECES: [&str; 40] = [
    "тұтқын",
    "Алматы",
    "qañtar",
    "ǵ",
    "İ",
    "I",
    "ı",
    "ə",
    "ё",
    "\u{0301}",
    "\u{00AD}",
    "\u{200B}",
    "-",
    "'",
    "’",
    ".",
    "!",
    "\n",
    " ",
    "  ",
    "(",
    ")",
    "\"",
    "«",
    "»",
    "“",
    "OR",
    "AND",
    "NEAR/2",
    "NEAR/",
    "NEAR/0",
    "title:",
    "body:",
    "x:",
    "=",
    "*",
    "жел*",
    "-митинг",
    "2019",
    "\u{1F600}",
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn random_text(rng: &mut Lcg, len: usize) -> String {
    (0..len).map(|_| PIECES[rng.next(PIECES.len())]).collect()
}

#[test]
fn random_queries_and_documents_never_panic() {
    let mut rng = Lcg(7);
    let mut parsed = Vec::new();
    for _ in 0..3_000 {
        let len = 1 + rng.next(8);
        let text = random_text(&mut rng, len);
        match Query::parse(&text) {
            Ok(q) => parsed.push(q),
            Err(e) => {
                let columns = text.chars().count() + 1;
                assert!((1..=columns).contains(&e.position), "{text:?}: {e}");
                assert!(!e.reason.is_empty());
            }
        }
    }
    assert!(parsed.len() > 100, "only {} queries parsed", parsed.len());
    let set = RuleSet::new(parsed.clone());
    for _ in 0..200 {
        let (tl, bl) = (rng.next(6), rng.next(60));
        let doc = Document::new(&random_text(&mut rng, tl), &random_text(&mut rng, bl));
        let found = set.matches(&doc);
        for (i, m) in &found {
            assert!(*i < parsed.len());
            assert!(!m.terms.is_empty() && m.snippet.contains("**"));
        }
        let single = parsed.iter().filter(|q| q.find(&doc).is_some()).count();
        assert_eq!(single, found.len());
    }
}
