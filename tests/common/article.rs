//! Article page fixtures: a real-looking news page (navigation with many links, related-news
//! box, share buttons, footer) around a Kazakh or Russian article body, so extraction tests
//! face the boilerplate real sites have.

use super::feeds::escape;

/// Headline of the Kazakh seed article (Azattyq, pickets in Almaty, January 2020).
pub const KAZAKH_TITLE: &str = "8 қаңтарда Алматыда бірнеше жерде жалғыз адамдық пикеттер өтті";

/// Body paragraphs of the Kazakh seed article, as extracted
/// (from docs/kazakh-and-russian-matching.md, appendix).
pub const KAZAKH_PARAGRAPHS: &[&str] = &[
    "Республика алаңындағы Тәуелсіздік монументі алдында - белсенді Асхат Жексебаев, Абай мен Достық даңғылы қиылысындағы Абай ескерткіші алдында - Талғар тұрғыны Еркін Сабаншиев, \"Саяхат\" автобекеті жақтағы Райымбек батыр ескерткіші алдында Талдықорған тұрғыны Дархан Валиев акция өткізді.",
    "Олар биліктен саяси тұтқындарды босатуды, пікірін ашық айтқан азаматтарды қудаламауды, шешім шығарарда халықпен санасуды талап етті.",
    "Үшеуі де 16 желтоқсан күні қарсаңында немесе сол күні \"Бейбіт жиын өткізу тәртібін бұзу\" бабы бойынша әкімшілік жазаға тартылған.",
    "Абай ескерткішінің алдында Еркін Сабаншиевтің жалғыз адамдық пикет өткізіп жатқанына бірнеше күн болды.",
    "- Отыз жыл ішінде мемлекет ешқандай жетістікке жеткен жоқ. Совет кезеңінен қалған зауыт-фабрикалардың бәрі жабылып қалды. Қазіргі биліктің жүргізіп отырған саясатына наразымын. Конституцияда жазылған ашық пікір айту құқығының сақталуын талап етемін, - деді Еркін Сабаншиев Азаттық тілшісіне.",
    "8 қаңтар күні түске дейін Тәуелсіздік монументі алдындағы Асхат Жексебаевтың жалғыз адамдық акциясына бір топ белсенді қосылып, Украина билігін қазақстандық блогер Жанна Ахметті қайтармауға шақырған.",
    "Мұндай талап Қазақстанның ішінде әртүрлі наразылық шерулері кезінде де, сырт елдерде өткен акцияларда да көтерілді.",
    "Еуропарламент, АҚШ, БҰҰ және өзге халықаралық ұйымдар мен құқық қорғаушылар Нұр-Сұлтанды \"саяси тұтқын\" деп танылған азаматтарды түрмеден босатуды талай рет шақырған.",
];

/// Headline of the Russian fixture article (written for these tests).
pub const RUSSIAN_TITLE: &str = "В Алматы суд арестовал активистов после мирного митинга";

/// Body paragraphs of the Russian fixture article (written for these tests; names and events
/// are illustrative).
pub const RUSSIAN_PARAGRAPHS: &[&str] = &[
    "Специализированный административный суд Алматы арестовал на десять суток трёх участников мирного митинга у памятника Абаю, сообщили их адвокаты.",
    "Активистов задержали утром 12 января, когда они вышли с плакатами «Свободу политзаключённым!» и требованием пересмотреть закон о мирных собраниях.",
    "Полиция заявила, что акция не была согласована с акиматом. Защита настаивает, что закон требует лишь уведомления, а не разрешения.",
    "Правозащитники Казахстанского бюро по правам человека назвали приговор политически мотивированным и призвали освободить задержанных.",
    "«Людей наказывают за то, что они открыто высказали своё мнение. Это прямое нарушение Конституции», — сказал журналистам адвокат одного из арестованных.",
    "По данным правозащитников, в стране остаются за решёткой более двадцати человек, которых они считают политическими заключёнными.",
];

/// A full HTML page around an article. `lang` is `"kk"` or `"ru"` and picks the boilerplate
/// language; `published` is an ISO 8601 date-time used for both `<time>` and the meta tag.
pub fn article_page(
    title: &str,
    author: &str,
    published: &str,
    paragraphs: &[&str],
    lang: &str,
) -> String {
    let words = Boilerplate::for_lang(lang);
    let title = escape(title);
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title} | {site}</title>\n\
         <meta property=\"og:title\" content=\"{title}\">\n\
         <meta property=\"og:type\" content=\"article\">\n\
         <meta property=\"article:published_time\" content=\"{published}\">\n\
         <meta name=\"author\" content=\"{author}\">\n\
         <link rel=\"stylesheet\" href=\"/static/css/main.min.css\">\n\
         <script src=\"/static/js/analytics.js\" async></script>\n</head>\n<body>\n",
        site = words.site,
        author = escape(author),
    );
    html.push_str(&nav(&words));
    html.push_str("<main class=\"layout\">\n<article class=\"article\">\n");
    html.push_str(&format!("<h1 class=\"article__title\">{title}</h1>\n"));
    html.push_str(&format!(
        "<div class=\"article__meta\"><span class=\"author\">{}</span> \
         <time datetime=\"{published}\">{published}</time></div>\n",
        escape(author)
    ));
    html.push_str(&share_buttons(&words));
    html.push_str("<div class=\"article__body\">\n");
    for paragraph in paragraphs {
        html.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
    }
    html.push_str("</div>\n");
    html.push_str(&share_buttons(&words));
    html.push_str("</article>\n");
    html.push_str(&related(&words));
    html.push_str("</main>\n");
    html.push_str(&footer(&words));
    html.push_str("</body>\n</html>\n");
    html
}

/// Site chrome in one language.
struct Boilerplate {
    site: &'static str,
    sections: [&'static str; 10],
    related_heading: &'static str,
    related: [&'static str; 4],
    share: &'static str,
    subscribe: &'static str,
    rights: &'static str,
}

impl Boilerplate {
    fn for_lang(lang: &str) -> Boilerplate {
        match lang {
            "kk" => Boilerplate {
                site: "Азаттық радиосы",
                sections: [
                    "Басты бет",
                    "Қазақстан",
                    "Саясат",
                    "Экономика",
                    "Қоғам",
                    "Әлем",
                    "Мәдениет",
                    "Спорт",
                    "Видео",
                    "Подкаст",
                ],
                related_heading: "Оқи отырыңыз",
                related: [
                    "Алматыда белсенділер сотқа шақырылды",
                    "Астанада бейбіт жиын туралы заңға өзгеріс талқыланды",
                    "Құқық қорғаушылар түрмедегі белсендінің денсаулығына алаңдайды",
                    "Ақтөбеде журналист әкімшілік жауапқа тартылды",
                ],
                share: "Бөлісу",
                subscribe: "Instagram бізге жазылыңыз",
                rights: "Барлық құқықтар қорғалған",
            },
            _ => Boilerplate {
                site: "Новости Казахстана",
                sections: [
                    "Главная",
                    "Казахстан",
                    "Политика",
                    "Экономика",
                    "Общество",
                    "Мир",
                    "Культура",
                    "Спорт",
                    "Видео",
                    "Подкасты",
                ],
                related_heading: "Читайте также",
                related: [
                    "В Астане обсудили поправки в закон о мирных собраниях",
                    "Правозащитники обеспокоены здоровьем осуждённого активиста",
                    "Журналиста из Актобе оштрафовали за публикацию",
                    "Курс тенге: что ждёт валютный рынок на этой неделе",
                ],
                share: "Поделиться",
                subscribe: "Подписывайтесь на нас в Instagram",
                rights: "Все права защищены",
            },
        }
    }
}

fn nav(words: &Boilerplate) -> String {
    let mut html = String::from("<header class=\"site-header\">\n<a class=\"logo\" href=\"/\">");
    html.push_str(words.site);
    html.push_str("</a>\n<nav class=\"menu\"><ul>\n");
    for (i, section) in words.sections.iter().enumerate() {
        html.push_str(&format!(
            "<li><a href=\"/section/{i}\">{section}</a></li>\n"
        ));
    }
    html.push_str(
        "</ul></nav>\n<form class=\"search\" action=\"/search\"><input name=\"q\"></form>\n",
    );
    html.push_str("</header>\n");
    html
}

fn share_buttons(words: &Boilerplate) -> String {
    let mut html = format!("<div class=\"share\"><span>{}</span>", words.share);
    for network in ["Facebook", "Telegram", "WhatsApp", "X", "VK"] {
        html.push_str(&format!(
            "<a class=\"share__{0}\" href=\"https://share.example/{0}\">{0}</a>",
            network.to_lowercase()
        ));
    }
    html.push_str("</div>\n");
    html
}

fn related(words: &Boilerplate) -> String {
    let mut html = format!(
        "<aside class=\"related\"><h3>{}</h3><ul>\n",
        words.related_heading
    );
    for (i, headline) in words.related.iter().enumerate() {
        html.push_str(&format!(
            "<li><a href=\"/news/{}\">{headline}</a></li>\n",
            1000 + i
        ));
    }
    html.push_str("</ul></aside>\n");
    html
}

fn footer(words: &Boilerplate) -> String {
    format!(
        "<footer class=\"site-footer\">\n<p><a href=\"https://instagram.example/\">{}</a></p>\n\
         <p>© 2026 {}. {}.</p>\n<ul class=\"footer-links\"><li><a href=\"/about\">About</a></li>\
         <li><a href=\"/contacts\">Contacts</a></li><li><a href=\"/rss\">RSS</a></li></ul>\n\
         </footer>\n",
        words.subscribe, words.site, words.rights
    )
}

/// Five paragraphs of their own for each `seed` (a seeded word salad of Russian news words),
/// for tests that need many articles dedup keeps apart.
pub fn distinct_paragraphs(seed: &str) -> Vec<String> {
    const WORDS: &[&str] = &[
        "акимат",
        "бюджет",
        "дорога",
        "школа",
        "больница",
        "депутат",
        "министр",
        "завод",
        "фермер",
        "урожай",
        "вода",
        "тариф",
        "выборы",
        "суд",
        "налог",
        "мост",
        "город",
        "село",
        "энергия",
        "газ",
        "нефть",
        "экспорт",
        "цены",
        "зарплата",
        "пенсия",
    ];
    let mut state = seed
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        WORDS[(state >> 33) as usize % WORDS.len()]
    };
    (0..5)
        .map(|_| format!("{}.", (0..40).map(|_| next()).collect::<Vec<_>>().join(" ")))
        .collect()
}
