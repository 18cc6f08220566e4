//! The generated evaluation corpus: topics of distinct stories (the hard negatives) and
//! republished copies of each (boilerplate, truncation, edits), with the truth recorded.

/// SplitMix64: a small deterministic generator, so every run sees the same corpus.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

/// Pseudo-Russian words with Zipf frequencies: frequent words make shingles that unrelated
/// texts share, as function words and stock phrases do in real news.
pub struct Vocab {
    words: Vec<String>,
    cdf: Vec<f64>,
}

impl Vocab {
    pub fn new(rng: &mut Rng, size: usize) -> Vocab {
        const SYL: &[&str] = &[
            "ка", "за", "ры", "ст", "ан", "ов", "ми", "ле", "то", "на", "су", "да", "ки", "ен",
            "па", "ро", "ти", "бе", "ша", "ұл", "қа", "ғы", "ет", "ін", "мо", "ли",
        ];
        let words = (0..size)
            .map(|_| {
                (0..rng.range(1, 4))
                    .map(|_| SYL[rng.below(SYL.len())])
                    .collect()
            })
            .collect();
        let mut total = 0.0;
        let cdf = (1..=size)
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect::<Vec<_>>();
        let cdf = cdf.iter().map(|c| c / total).collect();
        Vocab { words, cdf }
    }
    pub fn word(&self, rng: &mut Rng) -> &str {
        let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
        let i = self
            .cdf
            .partition_point(|c| *c < x)
            .min(self.words.len() - 1);
        &self.words[i]
    }
}

pub fn sentence(rng: &mut Rng, vocab: &Vocab, topic: &[String]) -> String {
    let n = rng.range(8, 20);
    let words: Vec<&str> = (0..n)
        .map(|_| {
            if !topic.is_empty() && rng.chance(0.3) {
                topic[rng.below(topic.len())].as_str()
            } else {
                vocab.word(rng)
            }
        })
        .collect();
    format!("{}.", words.join(" "))
}

fn paragraph(rng: &mut Rng, vocab: &Vocab, topic: &[String]) -> String {
    let n = rng.range(2, 4);
    (0..n)
        .map(|_| sentence(rng, vocab, topic))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One generated article: its story (the truth), its body and how it was made.
pub struct Doc {
    /// The true story.
    pub story: usize,
    /// The article text.
    pub body: String,
    /// How it was made: "original…", "exact", "boilerplate only", "truncated", …
    pub kind: &'static str,
}

/// Topics with several distinct stories each (sharing vocabulary, a background paragraph,
/// templates and quoted leads), each story published once and copied 0-4 times.
pub fn corpus(seed: u64) -> Vec<Doc> {
    let mut rng = Rng(seed);
    let vocab = Vocab::new(&mut rng, 20_000);
    let outlets: Vec<Vec<String>> = (0..10)
        .map(|_| {
            (0..rng.range(1, 3))
                .map(|_| paragraph(&mut rng, &vocab, &[]))
                .collect()
        })
        .collect();
    let mut docs = Vec::new();
    let mut story = 0;
    for _ in 0..80 {
        let topic: Vec<String> = (0..40).map(|_| vocab.word(&mut rng).to_string()).collect();
        let background = paragraph(&mut rng, &vocab, &topic);
        let template = rng.chance(0.25).then(|| sentence(&mut rng, &vocab, &topic));
        let mut leads: Vec<String> = Vec::new();
        for _ in 0..rng.range(6, 12) {
            let mut paras: Vec<String> = (0..rng.range(4, 10))
                .map(|_| paragraph(&mut rng, &vocab, &topic))
                .collect();
            let mut kind = "original";
            if let Some(opening) = &template {
                paras[0] = format!("{opening} {}", paras[0]);
                kind = "original (template)";
            } else if !leads.is_empty() && rng.chance(0.2) {
                paras.insert(0, leads[rng.below(leads.len())].clone());
                kind = "original (quotes a lead)";
            }
            if rng.chance(0.5) {
                paras.push(background.clone());
            }
            leads.push(paras[0].clone());
            let copies = [0, 1, 1, 2, 3, 4][rng.below(6)];
            for _ in 0..copies {
                let (body, kind) = copy_of(&mut rng, &vocab, &outlets, &paras);
                docs.push(Doc { story, body, kind });
            }
            docs.push(Doc {
                story,
                body: paras.join("\n\n"),
                kind,
            });
            story += 1;
        }
    }
    for i in (1..docs.len()).rev() {
        docs.swap(i, rng.below(i + 1));
    }
    docs
}

/// A republished copy: outlet boilerplate (a line on top, 1-3 outlet paragraphs and a "read
/// also" block below), truncation to 40-90% of the paragraphs, and edits (the first sentence
/// rewritten, as outlets do with attributions, and a word or two changed in ~30% of paragraphs).
fn copy_of(
    rng: &mut Rng,
    vocab: &Vocab,
    outlets: &[Vec<String>],
    paras: &[String],
) -> (String, &'static str) {
    let mut paras = paras.to_vec();
    if rng.chance(0.1) {
        return (paras.join("\n\n").to_uppercase(), "exact");
    }
    let truncated = rng.chance(0.4);
    if truncated {
        let keep = (paras.len() * rng.range(40, 90)).div_ceil(100).max(2);
        paras.truncate(keep);
    }
    let edited = rng.chance(0.5);
    if edited {
        for p in &mut paras {
            if !rng.chance(0.3) {
                continue;
            }
            let mut words: Vec<String> = p.split(' ').map(String::from).collect();
            for _ in 0..rng.range(1, 2) {
                let i = rng.below(words.len());
                words[i] = vocab.word(rng).to_string();
            }
            *p = words.join(" ");
        }
        let lead = paras[0]
            .split_once(". ")
            .map_or("", |(_, rest)| rest)
            .to_string();
        paras[0] = format!("{} {lead}", sentence(rng, vocab, &[]));
    }
    let boiler = rng.chance(0.7) || (!truncated && !edited);
    if boiler {
        let outlet = &outlets[rng.below(outlets.len())];
        paras.insert(0, sentence(rng, vocab, &[]));
        paras.extend(outlet.iter().cloned());
        paras.push((0..3).map(|_| sentence(rng, vocab, &[])).collect());
    }
    let kind = match (boiler, truncated, edited) {
        (_, true, true) => "truncated + edited",
        (_, true, false) => "truncated",
        (_, false, true) => "edited",
        _ => "boilerplate only",
    };
    (paras.join("\n\n"), kind)
}
