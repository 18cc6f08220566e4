//! Tests of the fingerprint: normalised hashes, paragraphs, the signature's minima (the wide
//! paths against the scalar code), bands and similarity.

use super::*;

const TEXT: &str = "Специализированный административный суд Алматы арестовал на десять суток \
    трёх участников мирного митинга у памятника Абаю, сообщили их адвокаты. Активистов \
    задержали утром 12 января, когда они вышли с плакатами и требованием пересмотреть закон \
    о мирных собраниях. Полиция заявила, что акция не была согласована с акиматом.";

fn sig(text: &str) -> ArticleSignature {
    signature(&words(text)).unwrap()
}

#[test]
fn case_punctuation_and_yo_do_not_change_the_hash() {
    let loud = TEXT.to_uppercase().replace('ё', "е").replace(',', " ,  ");
    assert_eq!(body_hash(&words(TEXT)), body_hash(&words(&loud)));
    let edited = TEXT.replace("десять", "пятнадцать");
    assert_ne!(body_hash(&words(TEXT)), body_hash(&words(&edited)));
}

#[test]
fn the_body_tokenized_once_gives_each_paragraph_its_own_words() {
    let body = "Бір-екі үш.\n\n\nken'\n\nТөрт, бес\n\n\n\nCOVID-19-ға алты-\n\n.'\n\nжеті";
    let once: Vec<Vec<String>> = paragraph_words(body, &Tokens::of(body))
        .into_iter()
        .map(|(_, w)| w.iter().map(str::to_owned).collect())
        .collect();
    let each: Vec<Vec<String>> = body
        .split("\n\n")
        .map(words)
        .filter(|w| !w.is_empty())
        .collect();
    assert_eq!(once, each);
    assert_eq!(once.len(), 5);
    let long: Vec<String> = (0..MAX_PARAGRAPHS + 50).map(|i| format!("w{i}")).collect();
    let long = long.join("\n\n");
    let kept = paragraph_words(&long, &Tokens::of(&long));
    assert_eq!(kept.len(), MAX_PARAGRAPHS);
    assert_eq!(kept.last().and_then(|(_, w)| w.iter().next()), Some("w199"));
}

#[test]
fn paragraphs_are_hashed_by_their_words() {
    let p = paragraphs("Бір екі үш төрт.\n\nФото: ТАСС\n\nбір ЕКІ үш, төрт");
    assert_eq!(p.len(), 3);
    assert_eq!(p[0].0, p[2].0);
    assert!(p[0].0.is_some());
    assert_eq!(p[1].0, None);
}

#[test]
fn the_signature_is_the_minimum_of_each_seeded_permutation() {
    let w = words(TEXT);
    let a = sig(TEXT);
    for (i, &got) in a.minhash.iter().enumerate() {
        let seed = SEEDS[i % SEEDS.len()].wrapping_mul(i as u64 + 1);
        let want = w
            .windows(SHINGLE_WORDS)
            .map(|s| (mix(word_hash(s) ^ seed) >> 32) as u32)
            .min();
        assert_eq!(Some(got), want, "permutation {i}");
    }
    let borrowed: Vec<&str> = w.iter().map(String::as_str).collect();
    assert_eq!(signature(&borrowed).map(|s| s.minhash), Some(a.minhash));
    assert_eq!(body_hash(&borrowed), body_hash(&w));
}

#[test]
fn the_wide_minimum_is_the_scalar_one() {
    let mut shingles: Vec<u64> = shingle_hashes(&words(TEXT));
    shingles.extend((0..500u64).map(|i| mix(i).rotate_left(7) ^ i));
    shingles.extend([0, u64::MAX, 1 << 63, 0xffff_ffff]);
    let mut scalar = [u32::MAX; PERMUTATIONS];
    lower_mins_scalar(&mut scalar, &shingles);
    let mut any = [u32::MAX; PERMUTATIONS];
    lower_mins(&mut any, &shingles);
    assert_eq!(any, scalar);
    let mut none = [u32::MAX; PERMUTATIONS];
    lower_mins(&mut none, &[]);
    assert_eq!(none, [u32::MAX; PERMUTATIONS]);
    #[cfg(target_arch = "x86_64")]
    for (wide, available) in [
        (
            wide::lower_mins as unsafe fn(&mut [u32; PERMUTATIONS], &[u64]),
            std::arch::is_x86_feature_detected!("avx2"),
        ),
        (wide512::lower_mins, wide512_available()),
    ] {
        if available {
            let mut each = [u32::MAX; PERMUTATIONS];
            // SAFETY: the CPU supports what this variant needs, checked above.
            unsafe { wide(&mut each, &shingles) };
            assert_eq!(each, scalar);
        }
    }
}

#[test]
fn short_bodies_have_no_fingerprint() {
    assert_eq!(body_hash(&words("Суд арестовал активистов.")), None);
    assert!(signature(&words("Суд арестовал активистов.")).is_none());
}

#[test]
fn a_copy_with_boilerplate_is_similar_and_a_truncated_one_is_contained() {
    let a = sig(TEXT);
    let padded = sig(&format!("{TEXT} Подписывайтесь на наш канал в Telegram."));
    let s = similarity(&a.minhash, a.shingles, &padded.minhash, padded.shingles);
    assert!(s.jaccard > 0.7, "{s:?}");
    let half: String = TEXT.chars().take(TEXT.chars().count() * 6 / 10).collect();
    let cut = sig(&half);
    let s = similarity(&a.minhash, a.shingles, &cut.minhash, cut.shingles);
    assert!(s.containment > 0.8 && s.jaccard < 0.8, "{s:?}");
}

#[test]
fn unrelated_texts_are_far_apart_and_share_no_band() {
    let a = sig(TEXT);
    let b = sig(
        "Нацбанк Казахстана сохранил базовую ставку на уровне шестнадцати процентов \
         годовых, сообщила пресс-служба регулятора во вторник. Инфляция в стране за год \
         замедлилась, однако риски остаются высокими из-за цен на продовольствие и топливо.",
    );
    let s = similarity(&a.minhash, a.shingles, &b.minhash, b.shingles);
    assert!(s.jaccard < 0.05, "{s:?}");
    assert!(a.bands.iter().all(|k| !b.bands.contains(k)));
    assert_eq!(a.bands.len(), BANDS);
}
