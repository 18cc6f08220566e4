//! End-to-end tests of `extract` on small real-looking pages: metadata sources, boilerplate
//! removal on a Kazakh news page, site rules and hostile markup.

use super::*;

const KK_PAGE: &str = include_str!("testdata/kk_article.html");

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn kazakh_page_keeps_the_article_and_drops_furniture() {
    let page = extract(
        KK_PAGE,
        Some(&url("https://example.kz/kz/news/almaty-metro-12345")),
    );
    let body = &page.body;
    assert!(
        body.starts_with("Алматы қаласында метрополитеннің"),
        "{body}"
    );
    assert!(body.contains("25 мыңға жуық жолаушыға"), "{body}");
    assert!(
        body.ends_with("2026 жылы аяқталады деп жоспарлануда."),
        "{body}"
    );
    for junk in [
        "Басты бет",
        "Facebook",
        "WhatsApp",
        "Оқи отырыңыз",
        "Астанада жеңіл рельсті",
        "Читайте также",
        "Тарифы на проезд",
        "жазылыңыз",
        "метро Алматы",
        "Пікірлер",
        "Өте жақсы жаңалық",
        "Доллар бағамы",
        "Барлық құқықтар",
    ] {
        assert!(
            !body.contains(junk),
            "boilerplate {junk:?} left in:\n{body}"
        );
    }
    assert_eq!(body.split("\n\n").count(), 4, "{body}");
}

#[test]
fn kazakh_page_metadata_prefers_json_ld_and_resolves_canonical() {
    let page = extract(
        KK_PAGE,
        Some(&url("https://example.kz/kz/news/almaty-metro-12345")),
    );
    assert_eq!(
        page.title.as_deref(),
        Some("Алматыда жаңа метро станциясы ашылды")
    );
    assert_eq!(page.author.as_deref(), Some("Айгүл Серікқызы"));
    assert_eq!(
        page.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-05-12T10:30:00+05:00")
    );
    assert_eq!(
        page.modified.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-05-12T12:00:00+05:00")
    );
    assert_eq!(
        page.language.as_deref(),
        Some("kk"),
        "declared ru, written in Kazakh"
    );
    assert_eq!(
        page.canonical_url.map(String::from).as_deref(),
        Some("https://example.kz/kz/news/almaty-metro-12345?utm_source=x")
    );
}

const META_PAGE: &str = r#"<html><head>
<title>Курс тенге укрепился к доллару - Деловой портал</title>
<meta property="og:title" content="Курс тенге укрепился к доллару | Деловой портал">
<meta property="article:published_time" content="2024-03-01T09:15:00Z">
<meta property="article:modified_time" content="2024-03-01 11:00:00">
<meta name="author" content="Иван Петров">
<meta property="og:url" content="https://biz.example.kz/news/tenge">
</head><body><article><h1>Курс тенге укрепился к доллару</h1>
<p>Национальная валюта Казахстана по итогам торгов на бирже укрепилась, сообщает пресс-служба
биржи. Средневзвешенный курс составил 447 тенге за доллар, что на два тенге ниже вчерашнего.</p>
<p>Аналитики связывают укрепление с ростом цен на нефть и продажами валюты квазигосударственным
сектором. По их оценкам, в ближайшие недели курс останется стабильным.</p></article></body></html>"#;

#[test]
fn meta_tags_give_title_dates_author_and_og_url() {
    let page = extract(META_PAGE, None);
    assert_eq!(
        page.title.as_deref(),
        Some("Курс тенге укрепился к доллару")
    );
    assert_eq!(page.author.as_deref(), Some("Иван Петров"));
    assert_eq!(
        page.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-03-01T09:15:00+00:00")
    );
    assert_eq!(
        page.modified.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-03-01T11:00:00+00:00")
    );
    assert_eq!(page.language.as_deref(), Some("ru"));
    assert_eq!(
        page.canonical_url.map(String::from).as_deref(),
        Some("https://biz.example.kz/news/tenge")
    );
    assert!(
        !page.body.contains("Курс тенге укрепился"),
        "title heading repeated in body"
    );
}

#[test]
fn time_element_and_h1_are_fallbacks() {
    let html = r#"<html lang="en"><head><title>Site name</title></head><body>
        <h1>Floods hit the north</h1><time datetime="2023-04-05">5 April</time>
        <p>Rivers burst their banks across the north of the country on Tuesday, forcing the
        evacuation of several villages and closing the main road to the regional capital.</p>
        </body></html>"#;
    let page = extract(html, None);
    assert_eq!(page.title.as_deref(), Some("Floods hit the north"));
    assert_eq!(
        page.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2023-04-05T00:00:00+00:00")
    );
    assert_eq!(page.language.as_deref(), Some("en"));
}

#[test]
fn site_rule_wins_for_its_host_and_subdomains_only() {
    let rule = SiteRule {
        host: "example.kz".into(),
        body: Some(".article__body".into()),
        title: Some(".article__title".into()),
        date: Some(".article__meta time".into()),
        remove: vec![".read-also".into(), "p:last-child".into()],
    };
    let rules = [rule];
    let page = extract_with_rules(KK_PAGE, Some(&url("https://m.example.kz/a")), &rules);
    assert!(!page.body.contains("Оқи отырыңыз"), "{}", page.body);
    assert!(page.body.contains("Сарыарқа"));
    assert_eq!(
        page.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-05-12T10:30:00+05:00")
    );
    let other = extract_with_rules(META_PAGE, Some(&url("https://other.kz/a")), &rules);
    assert!(other.body.contains("447 тенге"));
}

#[test]
fn never_panics_on_hostile_markup() {
    let deep = "<div>".repeat(3_000) + "text" + &"</div>".repeat(10);
    let broken = "<html><body><p>unclosed <b><i>tags <table><td>cell</p></b><script>x</";
    let junk = "\u{0}<<<>>>&#xFFFFFFFF;&bogus;<![CDATA[";
    for html in [deep.as_str(), broken, junk, ""] {
        let page = extract(html, Some(&url("https://example.kz/")));
        assert!(page.body.len() <= html.len());
    }
}

#[test]
fn hostile_deep_nesting_keeps_all_its_text() {
    let depth = 20_000;
    let page = format!(
        "<html><body>{}{}</body></html>",
        "<div>deep ".repeat(depth),
        "</div>".repeat(depth)
    );
    let body = extract(&page, None).body;
    assert_eq!(body.split_whitespace().count(), depth);
    assert!(body.split_whitespace().all(|w| w == "deep"));
}

/// Asserts that `body` holds every phrase of `kept` and none of `dropped`, naming the first
/// that is not so.
pub(super) fn assert_keeps_and_drops(body: &str, kept: &[&str], dropped: &[&str]) {
    for kept in kept {
        assert!(body.contains(kept), "{kept:?} lost:\n{body}");
    }
    for junk in dropped {
        assert!(!body.contains(junk), "{junk:?} left in:\n{body}");
    }
}

/// A four-paragraph Kazakh story, for the rule tests of `clean` and `standfirst` to put their
/// cases beside.
pub(super) const STORY: &str = "<p>Алматы қаласында жаңа мектеп ашылды, деп хабарлайды әкімдік баспасөз қызметі.</p>\
<p>Мектепте бір мың екі жүз оқушы білім алады, оның ішінде бастауыш сынып оқушылары да бар.</p>\
<p>Құрылыс жұмыстары екі жылға созылды, ал жобаның құны бюджеттен бөлінді, деп атап өтті ол.</p>\
<p>Ғимаратта спорт залы, кітапхана және асхана бар, олар келесі аптадан бастап жұмыс істейді.</p>";

const PARAGRAPHS: &str = "<p>Алматы қаласында жаңа мектеп ашылды, деп хабарлайды әкімдік баспасөз қызметі.</p>\
<p>Мектепте бір мың екі жүз оқушы білім алады, оның ішінде бастауыш сынып оқушылары да бар.</p>\
<p>Құрылыс жұмыстары екі жылға созылды, ал жобаның құны бюджеттен бөлінді, деп атап өтті ол.</p>\
<p>Ғимаратта спорт залы, кітапхана және асхана бар, олар келесі аптадан бастап жұмыс істейді.</p>\
<p>Ата-аналар жаңа мектептің ашылуын қуана қарсы алды, деді әкім салтанатты жиында.</p>";

#[test]
fn a_form_wrapping_the_whole_page_is_not_furniture_but_an_inner_form_is() {
    let wrapped = format!(
        "<html><body><form id=\"aspnetForm\"><input type=hidden name=__VIEWSTATE value=x>\
         <div class=\"article\">{PARAGRAPHS}</div></form></body></html>"
    );
    let body = extract(&wrapped, None).body;
    assert!(body.contains("жаңа мектеп ашылды"), "{body}");
    assert!(body.contains("бюджеттен бөлінді"), "{body}");
    let with_comment_form = format!(
        "<html><body><div class=\"article\">{PARAGRAPHS}<div><form>\
         <p>Пікіріңізді жазыңыз, біз оны міндетті түрде оқимыз, деп жазылған.</p>\
         <textarea></textarea></form></div></div></body></html>"
    );
    let body = extract(&with_comment_form, None).body;
    assert!(body.contains("бюджеттен бөлінді"), "{body}");
    assert!(!body.contains("Пікіріңізді"), "{body}");
}

#[test]
fn react_streamed_content_in_a_hidden_div_is_the_page_but_other_hidden_nodes_are_not() {
    let page = format!(
        "<html><body><div id=\"root\"><p>Жүктелуде…</p></div>\
         <div hidden id=\"S:0\"><article>{PARAGRAPHS}</article></div>\
         <div hidden id=\"promo\"><p>Жасырын жарнама мәтіні, оны ешкім көрмейді, деп жазылған.</p></div>\
         </body></html>"
    );
    let body = extract(&page, None).body;
    assert!(body.contains("жаңа мектеп ашылды"), "{body}");
    assert!(!body.contains("Жасырын жарнама"), "{body}");
}

#[test]
fn json_ld_article_body_drops_the_byline_the_markup_keeps() {
    let ld = "Алматы қаласында жаңа мектеп ашылды, деп хабарлайды әкімдік баспасөз қызметі.\\n\
              Мектепте бір мың екі жүз оқушы білім алады, оның ішінде бастауыш сынып оқушылары да бар.\\n\
              Құрылыс жұмыстары екі жылға созылды, ал жобаның құны бюджеттен бөлінді, деп атап өтті ол.\\n\
              Ғимаратта спорт залы, кітапхана және асхана бар, олар келесі аптадан бастап жұмыс істейді.\\n\
              Ата-аналар жаңа мектептің ашылуын қуана қарсы алды, деді әкім салтанатты жиында.";
    let page = format!(
        "<html><head><script type=\"application/ld+json\">\
         {{\"@type\":\"NewsArticle\",\"headline\":\"Мектеп\",\"articleBody\":\"{ld}\"}}</script></head>\
         <body><article><p>Автор: Айгүл Серікқызы, тілші</p>{PARAGRAPHS}</article></body></html>"
    );
    let body = extract(&page, None).body;
    assert!(body.starts_with("Алматы қаласында"), "{body}");
    assert!(!body.contains("Айгүл"), "{body}");
    assert!(body.ends_with("салтанатты жиында."), "{body}");
}

#[test]
fn a_consent_dialog_longer_than_the_article_is_not_the_article() {
    let consent = "<p>Біз сайтты жақсарту үшін cookie файлдарын, жарнама серіктестерін және талдау құралдарын қолданамыз, келісесіз бе, әлде баптауларды өзгертесіз бе?</p>"
        .repeat(6);
    let page = format!(
        "<html><body><div class=\"article\">{PARAGRAPHS}{PARAGRAPHS}</div>\
         <div id=\"cmp-modal\" class=\"modal fade\"><div class=\"modal-dialog\">{consent}</div></div>\
         </body></html>"
    );
    let body = extract(&page, None).body;
    assert!(body.contains("жаңа мектеп ашылды"), "{body}");
    assert!(!body.contains("cookie"), "{body}");
}

#[test]
fn bylines_author_boxes_and_photo_credits_go_but_prose_about_them_stays() {
    let page = format!(
        "<html><body><article>\
         <div class=\"article-byline\">Айгүл Серікқызы · 12 мамыр 2026</div>\
         <figure><img src=\"school.jpg\"><figcaption>Жаңа мектептің ғимараты, Алматы. \
         <span class=\"photo-credit\">Фото: Әкімдік</span></figcaption></figure>\
         {PARAGRAPHS}\
         <p>Мақаланың авторы, журналист Айгүл Серікқызы, фото үшін әкімдікке алғыс айтты.</p>\
         <div class=\"author-bio\">Айгүл Серікқызы — білім беру тақырыбын жазатын тілші. \
         Ол бұрын облыстық газетте он жыл жұмыс істеген.</div>\
         </article></body></html>"
    );
    let body = extract(&page, None).body;
    assert!(
        body.starts_with("Жаңа мектептің ғимараты, Алматы."),
        "{body}"
    );
    assert!(body.contains("Мақаланың авторы, журналист"), "{body}");
    for junk in ["12 мамыр", "Фото: Әкімдік", "тақырыбын жазатын тілші"]
    {
        assert!(!body.contains(junk), "{junk:?} left in:\n{body}");
    }
}

#[test]
fn boxes_hidden_by_class_go_but_responsive_and_print_classes_stay() {
    let page = format!(
        "<html><body><article class=\"article-content\">\
         <p class=\"premium-note hidden\">Жазылушыларға ғана арналған мазмұн. \
         Шектеусіз қолжетімділік үшін бүгін жазылыңыз, бірінші ай тегін.</p>\
         <p class=\"register-note d-none\">Тіркеліп, тағы бес мақаланы тегін оқыңыз.</p>\
         {PARAGRAPHS}\
         <p class=\"hidden-xs hidden-print\">Мектеп директоры жаңа оқу жылына дайындық \
         толық аяқталғанын айтты.</p>\
         </article></body></html>"
    );
    let body = extract(&page, None).body;
    assert!(body.contains("Мектеп директоры жаңа оқу жылына"), "{body}");
    for junk in ["Жазылушыларға ғана", "тағы бес мақаланы"] {
        assert!(!body.contains(junk), "{junk:?} left in:\n{body}");
    }
}

#[test]
fn newsletter_boxes_named_content_go_but_prose_about_a_newsletter_stays() {
    let long_story = "<p>Газеттің апталық хабарламасы туралы оқырмандар пікірі екіге бөлінді, \
        деп жазды редакция.</p>"
        .repeat(20);
    let page = format!(
        "<html><body><article class=\"article-body\">{PARAGRAPHS}\
         <section class=\"NewsletterBox _content-width\"><p>Күн сайынғы жаңалықтар поштаңызға \
         келсін. Жазылу арқылы сіз шарттармен келісесіз.</p><input type=email></section>\
         <p>Әкімдік оқушыларға арналған апталық жаңалықтар таратылымын (newsletter) \
         іске қосатынын айтты, оған жазылу тегін болады.</p>\
         <div class=\"newsletter-archive-content\">{long_story}</div>\
         </article></body></html>"
    );
    let body = extract(&page, None).body;
    assert!(!body.contains("поштаңызға келсін"), "{body}");
    assert!(body.contains("таратылымын (newsletter)"), "{body}");
    assert!(body.contains("апталық хабарламасы туралы"), "{body}");
}

#[test]
fn paragraphs_a_metered_paywall_marks_aria_hidden_stay_but_hidden_widgets_go() {
    let page = format!(
        "<html><body><article>{PARAGRAPHS}\
         <p class=\"paywall\" aria-hidden=\"true\">Жобаның екінші кезеңінде тағы үш мектеп \
         салынады, деп қосты әкім жиынның соңында.</p>\
         <div aria-hidden=\"true\">Жарнама: жаңа пәтерлер тек осы аптада жеңілдікпен сатылады.</div>\
         </article></body></html>"
    );
    let body = extract(&page, None).body;
    assert!(body.contains("Жобаның екінші кезеңінде"), "{body}");
    assert!(!body.contains("жеңілдікпен сатылады"), "{body}");
}

#[test]
fn calls_to_action_embeds_and_a_joined_signup_sibling_go_but_look_alikes_stay() {
    let page = format!(
        "<html><body><div class=\"page\"><div class=\"story\">{PARAGRAPHS}\
         <div class=\"single-cta\"><p>Сенімді жаңалықтар көзі — біздің газетке бүгін-ақ \
         қосылыңыз, бірінші ай тегін.</p></div>\
         <div class=\"box do-display-embed\"><p>Бұл жерде YouTube бейнесі бар. Оны көру үшін \
         деректерді үшінші тарапқа жіберуге келісім беріңіз.</p></div>\
         <p class=\"embedded-quote\">Әкім бұл жобаны қаланың ең маңызды құрылысы деп атады.</p>\
         <div class=\"alert\"><strong>Жарнама бұғаттаушы:</strong> ол қосулы кезде сайттың кейбір \
         бөліктері жұмыс істемеуі мүмкін.</div>\
         <h3 id=\"on-high-alert\">Қала жоғары дайындықта тұр, деді әкімдік өкілі</h3>\
         <p>Ата-аналардың деректерін қорғау (privacy) ережелері де жаңартылды, деді директор.</p>\
         </div>\
         <div class=\"reader-cta content\"><p>Редакцияның апталық шолуын оқып, пікір қалдырыңыз: ең \
         маңызды оқиғалар туралы хабарламалар күн сайын таңертең жіберіледі.</p></div>\
         </div></body></html>"
    );
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &[
            "ең маңызды құрылысы",
            "жоғары дайындықта",
            "(privacy) ережелері",
            "Алматы қаласында",
        ],
        &[
            "газетке бүгін-ақ",
            "YouTube бейнесі",
            "апталық шолуын",
            "бұғаттаушы",
        ],
    );
}

#[test]
fn a_short_japanese_story_is_long_enough_to_keep_the_sidebar_out() {
    let story = "<p>１３日午後９時１９分ごろ、宮崎県で震度５弱の地震があった。気象庁によると、震源地は日向灘で、震源の深さは約３６キロ。地震の規模はマグニチュード６・６と推定される。高知県と宮崎県で津波を観測した。評価検討会を開いて南海トラフ巨大地震との関連について調査した。</p>\
<p>気象庁は調査終了を受けた記者会見で「地震はいつ起きてもおかしくない。日頃からの備えを確実に実施しておくようお願いしたい」と呼びかけた。日向灘の地震は南海トラフ巨大地震の想定震源域の中で起きたが、規模は基準に達しなかったという。</p>\
<p>同庁は引き続き地震活動の推移を注視するとしている。</p>";
    let side = "<p>会員向けの記事が読み放題になります。各種メールマガジンで最新の情報をお届けします。紙の新聞の定期購読者の方は、無料で会員登録ができます。よくある質問はこちらからご覧ください。</p>";
    let page = format!(
        "<html><body><div class=\"main\"><div class=\"story\">{story}</div>\
         <div class=\"sidebar\">{side}{side}</div></div></body></html>"
    );
    let body = extract(&page, None).body;
    assert!(body.contains("宮崎県で震度５弱"), "{body}");
    assert!(body.contains("呼びかけた"), "{body}");
    assert!(!body.contains("会員向け"), "{body}");
}

#[test]
fn a_block_with_buttons_after_the_story_is_a_widget_but_one_before_it_and_prose_after_it_stay() {
    let page = "<html><body><main>\
<div><p>Қала әкімдігі жаңа мектептің құрылысын екі жыл бұрын бастаған еді, ал жобаға бюджеттен қаржы бөлініп, мердігер жұмысты мерзімінен бұрын аяқтады. Ресми өкілдің айтуынша, мектеп ауданның ең үлкен білім ордасы болады, онда заманауи зертханалар мен спорт алаңдары бар, ал оқушыларды тасымалдау үшін үш автобус сатып алынды, деп хабарлады әкімдік өз сайтында жарияланған мәлімдемесінде.</p><button>Бөлісу</button></div>\
<div class=\"story\"><p>Алматы қаласында жаңа мектеп ашылды, деп хабарлайды әкімдік баспасөз қызметі.</p>\
<p>Мектепте бір мың екі жүз оқушы білім алады, оның ішінде бастауыш сынып оқушылары да бар.</p>\
<p>Құрылыс жұмыстары екі жылға созылды, ал жобаның құны бюджеттен бөлінді, деп атап өтті ол.</p>\
<p>Ғимаратта спорт залы, кітапхана және асхана бар, олар келесі аптадан бастап жұмыс істейді.</p></div>\
<section><p>Директордың айтуынша, мектептің кітапханасына үш мың кітап әкелінді, оның ішінде қазақ, орыс және ағылшын тілдеріндегі оқулықтар, көркем әдебиет пен ғылыми-танымал басылымдар бар. Оқушылар кітапханада сабақтан кейін де отыра алады, ал ата-аналар үшін апта сайын кездесулер өткізіледі, онда мұғалімдер оқу бағдарламасы туралы айтып береді, деді ол журналистерге берген сұхбатында.</p></section>\
<section><p>Сіз бұл басылымды басқа құрылғыда оқып отырсыз, ал жазылым бойынша бір уақытта тек бір құрылғыда оқуға болады, сондықтан осы хабарлама екінші құрылғыда көрсетіледі. Егер сіз осында оқуды жалғастырсаңыз, басқа құрылғыдағы оқу тоқтатылады, ал құпиясөзді өзгерту туралы ұсыныс жеке кабинетте қолжетімді болады, деп хабарлайды жүйе әр жолы.</p><button>Осында оқуды жалғастыру</button></section>\
</main></body></html>";
    let body = extract(page, None).body;
    assert_keeps_and_drops(
        &body,
        &[
            "Қала әкімдігі жаңа мектептің",
            "Алматы қаласында",
            "үш мың кітап әкелінді",
        ],
        &["басқа құрылғыда оқып", "құпиясөзді өзгерту"],
    );
}

#[test]
fn a_long_unscored_block_beside_the_story_stays_out_but_paragraphs_and_scored_blocks_join() {
    let page = format!(
        "<html><body><main><div class=\"story\">{STORY}</div>\
<div class=\"box\"><ul><li>Жаңа мектептің құрылысы екі жылға созылды, ал жобаның құны толығымен \
жергілікті бюджеттен бөлінді, бұл қала үшін үлкен шығын болды.</li><li>Мектепте бір мың екі жүз \
оқушы білім алады, оның ішінде бастауыш сынып оқушыларына арналған бөлек қанат бар.</li><li>Келесі \
жылы қалада тағы үш мектеп салу жоспарланған, олардың екеуі қаланың шетіндегі жаңа шағын \
аудандарда орналасады, деп хабарлады білім басқармасы өз сайтында.</li></ul></div>\
<p>Директордың айтуынша, мектептің кітапханасына үш мың кітап әкелінді, оның ішінде қазақ тіліндегі оқулықтар бар.</p>\
<section><p>Ата-аналар жаңа мектептің ашылуын қуана қарсы алды, деді әкім салтанатты жиында, ал оқушылар \
алғашқы сабаққа гүл шоқтарымен келді, мұғалімдер оларды есік алдында күтіп алды, директор сөз сөйледі, \
оқушылар ән айтты, ал кешке мектеп ауласында концерт өтті, оған көрші аудандардың тұрғындары да келді, \
деп жазады тілші.</p></section>\
</main></body></html>"
    );
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &["Алматы қаласында", "үш мың кітап", "гүл шоқтарымен"],
        &["бөлек қанат", "тағы үш мектеп"],
    );
}

#[test]
fn nothing_after_the_pager_to_the_next_story_joins_but_a_paragraph_before_it_does() {
    let page = format!(
        "<html><body><article><div class=\"story\">{STORY}</div>\
<p>Директордың айтуынша, мектептің кітапханасына үш мың кітап әкелінді, оның ішінде қазақ тіліндегі оқулықтар бар.</p>\
<p>Толығырақ <a href=\"https://example.kz/report\" rel=\"nofollow\">әкімдіктің есебінен</a> оқуға болады, онда жобаның барлық шығындары көрсетілген.</p>\
<div class=\"loop-nav\"><a href=\"/prev\" rel=\"prev\">Алдыңғы жаңалық</a> \
<a href=\"/next\" rel=\"next\">Келесі жаңалық</a></div>\
<p>Пікір қалдырғанда тақырыптан ауытқымаңыз, ал балағат сөздер мен қорлау бірден өшіріледі, деп ескертеді редакция.</p>\
</article></body></html>"
    );
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &["Алматы қаласында", "үш мың кітап", "әкімдіктің есебінен"],
        &["Келесі жаңалық", "балағат сөздер"],
    );
}
