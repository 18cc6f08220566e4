//! Tests of conditional cleaning: what each rule drops and the look-alike it keeps.

use super::names_a_photo_source;
use crate::extract::extract;
use crate::extract::tests::{STORY, assert_keeps_and_drops};

#[test]
fn captions_naming_their_photo_source_go_but_labels_and_plain_captions_stay() {
    let page = format!(
        "<html><body><article>\
         <figure><img src=\"a.jpg\"><figcaption>Мектептің жаңа ғимараты салтанатты ашылу \
         күні, оқушылар мен ата-аналар жиналды. <span>Фото: Әкімдік</span></figcaption></figure>\
         {STORY}\
         <div class=\"image-caption\">Die Schule am Tag der Eröffnung, vor dem Eingang \
         warten Eltern und Kinder (Bild: Stadtverwaltung)</div>\
         <figure><img src=\"d.jpg\"><figcaption>Bilder von Überwachungskameras in den \
         Wahllokalen während der Wahl 2021<small class=\"credit\">Bild: Reuters</small>\
         </figcaption></figure>\
         <figure><img src=\"b.jpg\"><figcaption>Сурет 2. Жоба сызбасы. Фото: Әкімдік</figcaption></figure>\
         <figure><img src=\"c.jpg\"><figcaption>Кітапхананың оқу залы екінші қабатта орналасқан, \
         онда үш жүз орын бар.</figcaption></figure>\
         <p>Ата-аналар жаңа мектептің ашылуын қуана қарсы алды, деді әкім. Фото: жиыннан \
         түсірілген суреттерді әкімдік сайтынан көруге болады.</p>\
         </article></body></html>"
    );
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &[
            "Жоба сызбасы",
            "Кітапхананың оқу залы",
            "түсірілген суреттерді",
            "Алматы қаласында",
        ],
        &["салтанатты ашылу", "Eröffnung", "Überwachungskameras"],
    );
}

#[test]
fn japanese_captions_naming_their_source_go_at_the_length_their_characters_say() {
    let page = format!(
        "<html><body><article>\
         <p>【ソウル＝小池和樹】韓国の大統領は３日夜、緊急談話を出し、非常戒厳を宣言した。</p>\
         {STORY}\
         <figure><img src=\"a.jpg\"><figcaption>移送のため警視庁を出る元理事長＝13日、東京・\
         霞ケ関で（写真部撮影）</figcaption></figure>\
         <figure><img src=\"b.jpg\"><figcaption>新型無線機を搭載したパトカーを使い、母島で通話\
         試験を行う技官（警視庁提供）</figcaption></figure>\
         <figure><img src=\"c.jpg\"><figcaption>韓国の国旗＝ＡＰ</figcaption></figure>\
         <figure><img src=\"d.jpg\"><figcaption>記者会見を開いた理事長（中）ら大学幹部</figcaption></figure>\
         </article></body></html>"
    );
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &[
            "【ソウル＝小池和樹】",
            "韓国の国旗＝ＡＰ",
            "記者会見を開いた理事長",
            "Алматы қаласында",
        ],
        &["移送のため", "新型無線機"],
    );
}

#[test]
fn teaser_cards_for_other_stories_go_but_a_lead_named_teaser_stays() {
    let page = format!(
        "<html><body><article>\
         <p class=\"teaser\">Die Stadt eröffnet eine neue Schule für 1.200 Kinder, nach zwei \
         Jahren Bauzeit und einem Streit um die Kosten, der im \
         <a href=\"/rat\">Stadtrat</a> lange dauerte.</p>{STORY}\
         <div class=\"teaser\"><h3><a href=\"/koeln\">Neue Schulen in Köln: Der Bau \
         beginnt im Mai</a></h3><div class=\"teasertext\"><p>Auch in Köln entstehen drei \
         neue Schulen für die wachsenden Stadtteile.</p></div></div>\
         <div class=\"teaser\"><div class=\"teaserpadding\"><div class=\"headline\"><h2>\
         <a href=\"/bonn\">Schulbau in Bonn verzögert sich</a></h2></div>\
         <div class=\"teasertext\"><p>Mehr als die Hälfte der geplanten Klassenräume \
         in Bonn wird erst im nächsten Jahr fertig, sagt die Stadt.</p></div></div></div>\
         </article></body></html>"
    );
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &[
            "Die Stadt eröffnet",
            "im Stadtrat lange",
            "Алматы қаласында",
        ],
        &[
            "Neue Schulen in Köln",
            "Auch in Köln",
            "Schulbau in Bonn",
            "Klassenräume in Bonn",
        ],
    );
}

#[test]
fn a_photo_source_is_a_label_with_a_colon_or_a_mark() {
    for credited in [
        "Trump in Florida. Foto: dpa",
        "Protesters outside (Photo : Reuters)",
        "Prince Harry (Image: Getty)",
        "EU-Kommission | Bildquelle: EU",
        "Kate Moss. © Vogue",
        "移送のため警視庁を出る（潟沼義樹撮影）",
        "国会前で警備に当たる警察官ら＝ＡＰ",
        "通話試験を行う技官（警視庁提供）",
    ] {
        assert!(names_a_photo_source(credited), "{credited}");
    }
    for plain in [
        "The photo shows the new school",
        "Photographer's choice: the school",
        "Autofoto: kein Label",
        "Image 2 of 5",
    ] {
        assert!(!names_a_photo_source(plain), "{plain}");
    }
}

#[test]
fn lines_standing_for_a_date_go_but_sentences_naming_a_day_stay() {
    let page = format!(
        "<html><body><article>\
         <p>Қала әкімдігі жаңа мектептің құрылысын екі жыл бұрын бастаған еді, ал жобаға \
         бюджеттен қаржы бөлініп, мердігер жұмысты мерзімінен бұрын аяқтады, деді ресми өкіл.</p>\
         <div><span>Жарияланды</span> <time datetime=\"2025-11-06T20:15\">\
         06.11.2025 | 20:15</time></div>{STORY}\
         <p>Publiziert <time datetime=\"2025-11-06\">heute um 12:19 Uhr</time></p>\
         <div><figure><img src=\"v.jpg\"></figure><span><time>2:43 min</time></span></div>\
         <p>Мектептің ресми ашылу салтанаты <time datetime=\"2025-09-01\">1 қыркүйекте</time> өтті.</p>\
         <p>Келесі жиналыс <time datetime=\"2025-12-01\">1 желтоқсанда</time> өтеді, онда \
         ата-аналар мектептің бірінші тоқсанының қорытындысын талқылайды.</p>\
         <h2><time datetime=\"2025\">2025</time></h2><p>Жыл қорытындысы кейін жарияланады.</p>\
         </article></body></html>"
    );
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &[
            "Мектептің ресми ашылу салтанаты 1 қыркүйекте өтті.",
            "Келесі жиналыс 1 желтоқсанда өтеді",
            "2025",
            "Алматы қаласында",
        ],
        &["Жарияланды", "20:15", "12:19", "2:43 min"],
    );
}

#[test]
fn opt_in_boxes_go_but_a_paragraph_beside_a_form_stays() {
    let page = format!(
        "<html><body><article>{STORY}\
         <div class=\"x1\"><p>Сыртқы мазмұн</p><p>Бұл жерде редакция таңдаған сыртқы \
         мазмұн тұр, оны бір рет басып көрсетуге болады.</p><input id=\"c1\" type=\"checkbox\">\
         <label for=\"c1\">Сыртқы мазмұнды көрсету</label><p>Мен сыртқы мазмұнның \
         көрсетілуіне келісемін, деректер үшінші тарапқа берілуі мүмкін.</p></div>\
         <div><p>Мектептің кітапханасына үш мың кітап әкелінді, деді директор жиында.</p>\
         <input type=\"hidden\" name=\"token\"></div>\
         <div><label>Сауалнама:</label><p>Оқушылардың көбі жаңа асхананы ұнатады.</p></div>\
         </article></body></html>"
    );
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &[
            "үш мың кітап",
            "Сауалнама:",
            "жаңа асхананы ұнатады",
            "Алматы қаласында",
        ],
        &["Сыртқы мазмұн", "редакция таңдаған", "келісемін"],
    );
}

#[test]
fn embedded_social_posts_go_but_quotations_stay() {
    let page = format!(
        "<html><body><article>{STORY}\
         <blockquote class=\"twitter-tweet\"><p lang=\"en\">Zelensky is said to be meeting \
         senior military commanders to assess the situation. \
         <a href=\"https://t.co/x\">pic.twitter.com/PbK0B7UjJM</a></p>&mdash; Some Account \
         (@someaccount) <a href=\"https://twitter.com/x/status/1\">July 18, 2026</a></blockquote>\
         <blockquote class=\"instagram-media\"><p>Ата-аналар мен оқушылар жаңа мектепке \
         келді, бұл туралы біздің парақшада көбірек.</p></blockquote>\
         <blockquote><p>Бұл мектеп ауданның ең үлкен білім ордасы болады, деді әкім \
         салтанатты жиында.</p></blockquote>\
         <blockquote class=\"pull-quote tweetable\"><p>Біз балаларға ең жақсы жағдай \
         жасаймыз, деді директор.</p></blockquote>\
         <blockquote class=\"wp-embedded-content\" data-secret=\"x1\"><p>\
         <a href=\"https://example.kz/2026/07/jana-mektep/\">Екінші мектептің құрылысы \
         келесі жылы басталады – әкімдік жоспары</a></p></blockquote>\
         <blockquote class=\"wp-block-quote\"><p>Мектеп құрылысы жоспар бойынша аяқталды, \
         деді құрылыс компаниясының басшысы.</p></blockquote>\
         </article></body></html>"
    );
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &[
            "ең үлкен білім ордасы",
            "ең жақсы жағдай",
            "жоспар бойынша аяқталды",
            "Алматы қаласында",
        ],
        &[
            "Zelensky",
            "@someaccount",
            "біздің парақшада",
            "Екінші мектептің құрылысы",
        ],
    );
}

#[test]
fn a_lone_paragraph_with_links_in_its_sentences_stays_but_a_credit_line_goes() {
    let wrap = |p: &str| format!("<div class=\"sc-gEvEer\"><p>{p}</p></div>");
    let story: String = [
        "Алматы қаласында жаңа мектеп ашылды, деп хабарлайды әкімдік баспасөз қызметі.",
        "Мектепте бір мың екі жүз оқушы білім алады, оның ішінде бастауыш сынып оқушылары да бар.",
        "Мэр бұрын <a href=\"/a\">қаланың мектептері тым толып кеткенін</a> айтып, жаңа \
         ғимараттарға бюджеттен қосымша қаржы сұраған болатын.",
        "Құрылыс жұмыстары екі жылға созылды, ал жобаның құны бюджеттен бөлінді, деп атап өтті ол.",
        "Дереккөздер: Білім министрлігінің 2024 жылғы есебі, қала әкімдігінің мәліметтері, \
         <a href=\"/c\">Ұлттық статистика бюросы</a>",
        "Толығырақ: <a href=\"/f\">мектептер туралы барлық жаңалықтар және басқа да \
         материалдар осы бетте жиналған</a>.",
        "Ғимаратта спорт залы, кітапхана және асхана бар, олар келесі аптадан бастап жұмыс істейді.",
        "Ата-аналар жаңа мектептің ашылуын қуана қарсы алды, деді әкім салтанатты жиында.",
        "Директордың айтуынша, мектептің кітапханасына үш мың кітап әкелінді, оның ішінде қазақ \
         тіліндегі оқулықтар бар.",
    ]
    .iter()
    .map(|p| wrap(p))
    .collect();
    let page = format!("<html><body><article>{story}</article></body></html>");
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &[
            "Алматы қаласында",
            "тым толып кеткенін",
            "бюджеттен қосымша қаржы",
            "асхана бар",
        ],
        &["Ұлттық статистика бюросы", "барлық жаңалықтар"],
    );
}

#[test]
fn a_short_cjk_line_is_a_fragment_at_the_length_its_characters_say() {
    let block = |t: &str| format!("<div class=\"block\">{t}</div>");
    let story: String = [
        "<p>東京女子医大の元理事長が背任の疑いで逮捕され、大学の関係者からは驚きと安堵の声が上がった。</p>",
        "<p>警視庁によると、元理事長は大学の資金を不正に支出し、大学に損害を与えた疑いが持たれている。</p>",
        &block("\u{3000}「ようやく逮捕に至った。長かった」"),
        "<p>元理事の男性は十三日、ほっとした口ぶりで語った。理事会もずっと紛糾していたという。</p>",
        &block("関連記事"),
        &block("Mehr lesen"),
        "<p>大学は記者会見を開き、学生や患者に不安を与えたことを謝罪し、再発防止を約束した。</p>",
        "<p>報道で知って大学まで様子を見に来たという女子学生は、学生にも説明してほしいと話した。</p>",
        "<p>文部科学省は大学の運営体制について調査を進めており、補助金の扱いも検討するとしている。</p>",
        "<p>大学病院の外来は通常どおり診療を続けており、患者への影響は出ていないと大学は説明した。</p>",
    ]
    .concat();
    let page = format!("<html><body><article>{story}</article></body></html>");
    let body = extract(&page, None).body;
    assert_keeps_and_drops(
        &body,
        &["背任の疑い", "ようやく逮捕に至った", "再発防止"],
        &["関連記事", "Mehr lesen"],
    );
}
