//! Pins the body hash, paragraph hashes, MinHash signature and band keys of fixed Kazakh,
//! Russian and English texts to the values the fingerprinting code gave on 2026-12-03
//! (main at 4639f79). These values are stored in users' databases: a change to how they are
//! computed (speed work on tokenising, normalising or signing) must leave them bit for bit
//! as they are, or stored articles stop matching their copies.

use std::collections::HashSet;

use newswatch::dedup::{Fingerprint, body_hash, paragraphs, signature, words};

/// A Kazakh article: Kazakh-only letters, a Latin-script (2017 alphabet) quote with
/// apostrophes, a hyphenated ending, a short credit line and a one-word paragraph.
const KAZAKH: &str = "Алматыда «Жасыл қала» бағдарламасы аясында биыл 12 мың ағаш отырғызылады, \
деп хабарлады қалалық әкімдіктің баспасөз қызметі. Жұмыс көктемде басталып, күзге дейін \
жалғасады.\n\nФото: ҚазАқпарат\n\nӘкім Е.Досаев COVID-19-ға байланысты шектеулер алынғаннан \
кейін тұрғындарды сенбілікке шақырды: «Qala bizdiń ortaq üiimiz, sondyqtan ony birge \
kөgaldandyraiyq», dedi ol. Sen'bilik 20 сәуірде өтеді.\n\nОқиға орнына полиция мен құтқарушылар \
келді. Ағаштардың жартысы Медеу, Бостандық аудандарына отырғызылады.\n\nЖазылыңыз\n\n\
Барлық жаңалықтарды Telegram-арнамыздан оқыңыз, жазылыңыз да бөлісіңіз.";

/// A Russian article: ё, a soft hyphen, a decomposed й, initials, hyphenated words, a
/// repeated paragraph and a three-word paragraph (too short to be hashed).
const RUSSIAN: &str = "Специализированный административный суд Алматы арестовал на десять суток \
трёх участников мирного митинга у памятника Абаю, сообщили их адвокаты. Активистов задержали \
утром 12 января.\n\nИх защитник Н. Назарбаева-Ким заявила, что решение будет об\u{00AD}жаловано \
в вышестоящии\u{0306} инстанции; «это полити\u{200B}ческое дело», — добавила она.\n\nФото: \
Vlast.kz, ТАСС\n\nПодписывайтесь на наш канал в Telegram и читайте новости первыми.\n\n\
Полиция заявила, что акция не была согласована с акиматом, а её участники нарушили \
статью 488 КоАП.\n\nПодписывайтесь на наш канал в Telegram и читайте новости первыми.";

/// An English article: contractions with typographic apostrophes, decimal numbers, an
/// abbreviation with dots and a URL.
const ENGLISH: &str = "Kazakhstan’s central bank kept its base rate at 16.5 percent on Friday, \
saying inflation had slowed but risks remained high because of food and fuel prices. The \
decision was expected by most analysts polled by Reuters.\n\n\"We don't rule out a cut in \
the second half of the year,\" Governor T. Suleimenov told reporters in Astana. The U.S. \
dollar traded at 452.30 tenge.\n\nRead more at https://example.kz/news/rate-2026?id=7\n\n\
Subscribe to our newsletter to get the day's top stories first.";

/// The pinned identity of one text, with the common paragraph left out of a second signature.
struct Pinned {
    text: &'static str,
    body_hash: i64,
    paragraphs: &'static [Option<i64>],
    shingles: i64,
    minhash_head: [u32; 4],
    minhash_digest: u64,
    bands_head: [i64; 2],
    bands_digest: u64,
    /// Signature (shingles, MinHash digest, band digest) without the last hashed paragraph.
    without_last: (i64, u64, u64),
}

/// FNV-1a over the values: a short stand-in for a long vector in the pins.
fn digest<T: Copy + Into<i128>>(values: &[T]) -> u64 {
    values.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &v| {
        let v: i128 = v.into();
        (h ^ (v as u64)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn check(p: &Pinned) {
    let w = words(p.text);
    assert_eq!(body_hash(&w), Some(p.body_hash), "body hash");
    let paras: Vec<Option<i64>> = paragraphs(p.text).iter().map(|(h, _)| *h).collect();
    assert_eq!(paras, p.paragraphs, "paragraph hashes");
    let sig = signature(&w).expect("long enough to sign");
    assert_eq!(sig.shingles, p.shingles, "distinct shingles");
    assert_eq!(sig.minhash[..4], p.minhash_head, "MinHash head");
    assert_eq!(digest(&sig.minhash), p.minhash_digest, "MinHash");
    assert_eq!(sig.bands[..2], p.bands_head, "band keys head");
    assert_eq!(digest(&sig.bands), p.bands_digest, "band keys");

    let fp = Fingerprint::of("https://www.example.kz/a", p.text);
    assert_eq!(fp.body_hash(), Some(p.body_hash));
    let hashed: Vec<i64> = p.paragraphs.iter().flatten().copied().collect();
    assert_eq!(fp.paragraph_hashes(), hashed);
    let plain = fp.keys(&HashSet::new());
    assert_eq!(
        plain.signature.as_ref(),
        Some(&sig),
        "worker-side signature"
    );
    let last = *hashed.last().expect("a hashed paragraph");
    let learned = fp
        .keys(&HashSet::from([last]))
        .signature
        .expect("still signed");
    let got = (
        learned.shingles,
        digest(&learned.minhash),
        digest(&learned.bands),
    );
    assert_eq!(
        got, p.without_last,
        "signature without the common paragraph"
    );
}

/// 210 numbered paragraphs: only the first 200 are read.
fn long_text() -> String {
    (0..210)
        .map(|i| {
            format!(
                "Абзац номер {i}: жаңалық {} туралы хабар, news item {}.",
                i % 7,
                i % 5
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn kazakh_fingerprint_is_unchanged() {
    check(&Pinned {
        text: KAZAKH,
        body_hash: 8660570243240714748,
        paragraphs: &[
            Some(8013375805962486783),
            None,
            Some(-6505338515138658538),
            Some(342929784450167192),
            None,
            Some(8125267389295379572),
        ],
        shingles: 66,
        minhash_head: [94396950, 21575006, 41469581, 8761838],
        minhash_digest: 0x8908492e7bbea18b,
        bands_head: [281903131, 2156983804],
        bands_digest: 0x40fbd24719f77955,
        without_last: (59, 0x820144ad1e9de640, 0xda6cc3b6b893e8a),
    });
}

#[test]
fn russian_fingerprint_is_unchanged() {
    check(&Pinned {
        text: RUSSIAN,
        body_hash: 5586414382238008089,
        paragraphs: &[
            Some(7124588519715838402),
            Some(-633770454682412704),
            None,
            Some(3763079449524544029),
            Some(-8538073451687969925),
            Some(3763079449524544029),
        ],
        shingles: 69,
        minhash_head: [16860392, 4132116, 48067702, 51719191],
        minhash_digest: 0xc09dfdeb27a1f773,
        bands_head: [3417288526, 360473522],
        bands_digest: 0x5728c98372b4dda2,
        without_last: (57, 0x11b6a588cb56b1f7, 0x5860fb2b646dfedf),
    });
}

#[test]
fn english_fingerprint_is_unchanged() {
    check(&Pinned {
        text: ENGLISH,
        body_hash: -3731391821672337957,
        paragraphs: &[
            Some(5526529230880840271),
            Some(-3539140638450767340),
            Some(-8203791899118055679),
            Some(-5118447514271972497),
        ],
        shingles: 81,
        minhash_head: [30671676, 46864397, 84573052, 370744],
        minhash_digest: 0xda76d64d3f9aef1f,
        bands_head: [3742052768, 714166043],
        bands_digest: 0x8dd4a8d9cb1d0e73,
        without_last: (70, 0xabd3d2726b8b202c, 0x842bd8b9a78cf904),
    });
}

#[test]
fn a_long_body_is_fingerprinted_on_its_first_200_paragraphs() {
    let text = long_text();
    let fp = Fingerprint::of("https://example.kz/long", &text);
    let hashes = fp.paragraph_hashes();
    assert_eq!(hashes.len(), 200);
    assert_eq!(digest(&hashes), 0x34c802bdea9367f4);
    assert_eq!(fp.body_hash(), Some(2202031156992556123));
    let sig = fp.keys(&HashSet::new()).signature.expect("signed");
    assert_eq!(sig.shingles, 631);
    assert_eq!(digest(&sig.minhash), 0x560949f875990740);
    assert_eq!(digest(&sig.bands), 0x7612a27f339e555b);
    assert_eq!(body_hash(&words(&text)), Some(8443097267737421980));
}
