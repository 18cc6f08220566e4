//! Extraction inside the daemon, through the real binary: blocks that recur on a host's
//! earlier article pages are dropped from later ones as the site's template.

#[allow(dead_code)]
mod common;

use std::time::Duration;

use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, run_checked};
use common::response::Response;
use common::server::TestServer;

const RUN_LIMIT: Duration = Duration::from_secs(60);

/// A line the site puts inside every article container; no markup betrays it.
const TEMPLATE_LINE: &str =
    "Нашли ошибку? Выделите текст и нажмите Ctrl+Enter, редакция исправит её.";

/// Five different stories, one per page.
const STORIES: [&str; 5] = [
    "Алматыда жаңа саябақ ашылды, онда мыңдаған ағаш отырғызылды, деп хабарлады қала әкімдігі. Саябақта балалар алаңы мен велосипед жолдары бар.",
    "Астанада халықаралық көрме басталды, оған отыз елден компаниялар қатысуда, деді ұйымдастырушылар. Көрме бір апта бойы жұмыс істейді.",
    "Шымкентте су құбыры жөнделіп, үш аудан тұрғындары таза сумен қамтамасыз етілді. Жөндеу жұмыстары жаз бойы жүргізілген еді.",
    "Қарағандыда шахтерлер күніне арналған мереке өтті, концертке көп адам жиналды. Ардагерлерге марапаттар табысталды.",
    "Ақтөбеде жаңа аурухана салынып, оған заманауи құрал-жабдықтар әкелінді, деді дәрігерлер. Аурухана күзде пациенттерді қабылдай бастайды.",
];

#[test]
fn a_line_every_page_of_a_host_repeats_is_dropped_once_three_pages_showed_it() {
    let server = TestServer::start();
    let links: Vec<String> = (0..STORIES.len())
        .map(|i| server.url(&format!("/news/{i}.html")))
        .collect();
    let titles: Vec<String> = (0..STORIES.len())
        .map(|i| STORIES[i].split(',').next().unwrap_or("").to_string())
        .collect();
    let guids: Vec<String> = (0..STORIES.len()).map(|i| format!("n-{i}")).collect();
    let items: Vec<FeedItem> = (0..STORIES.len())
        .map(|i| FeedItem {
            title: &titles[i],
            link: &links[i],
            guid: &guids[i],
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Қысқаша.",
        })
        .collect();
    server.route(
        "/rss",
        Response::ok("application/rss+xml", rss_feed("Site", &items)),
    );
    for (i, story) in STORIES.iter().enumerate() {
        let page = format!(
            "<html><body><article><h1>{}</h1><p>{story}</p><p>{TEMPLATE_LINE}</p></article></body></html>",
            titles[i]
        );
        server.route(
            &format!("/news/{i}.html"),
            Response::ok("text/html; charset=utf-8", page),
        );
    }
    let dir = TestDir::new();
    let config = dir.write_config(&format!(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"5s\"\nallow_private_addresses = true\nper_host_delay = \"0s\"\n\n\
         [[source]]\nname = \"site\"\nurl = \"{}\"\ninterval = \"10m\"\n\n[[rule]]\nname = \"any\"\nquery = 'саябақ'\n\n[[sink]]\nkind = \"log\"\n",
        server.url("/rss")
    ));
    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    let conn = rusqlite::Connection::open(dir.path().join("news.db")).unwrap();
    let mut stmt = conn.prepare("SELECT body FROM articles").unwrap();
    let bodies: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(bodies.len(), STORIES.len(), "{bodies:?}");
    for story in STORIES {
        assert!(
            bodies.iter().any(|b| b.contains(story)),
            "{story} lost: {bodies:?}"
        );
    }
    let with_line = bodies.iter().filter(|b| b.contains(TEMPLATE_LINE)).count();
    assert!(
        (3..STORIES.len()).contains(&with_line),
        "the pages after the first three lose the template line: {bodies:?}"
    );
}
