//! Extraction memory is a bounded multiple of the page: a counting allocator measures the
//! peak bytes allocated while one page is extracted (issue 10 item 5: a 10 MB page took
//! ~28× its size). Pages of tiny tags are the worst case (each element or text node costs
//! the parsed tree 32 bytes, and the scoring pass 24 more per element); comments and
//! attributes the extractor never reads cost none.

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::peak_of;

/// Peak bytes allocated while `page` is extracted, as a multiple of its size.
fn peak_per_byte(page: &str) -> f64 {
    let mut body = String::new();
    let peak = peak_of(|| body = newswatch::extract::extract(page, None).body);
    assert!(
        body.len() > page.len() / 20,
        "the page's text was extracted"
    );
    peak as f64 / page.len() as f64
}

/// A page of about 2 MB: `row` repeated inside an article.
fn page(row: &str) -> String {
    let mut page = String::from("<html><body><article>");
    for _ in 0..(2 << 20) / row.len() {
        page.push_str(row);
    }
    page.push_str("</article></body></html>");
    page
}

#[test]
fn extraction_memory_is_a_bounded_multiple_of_the_page() {
    let cases = [
        (
            "prose",
            "<p>Саяси тұтқындарға қатысты жаңалық, деді ол. The council met and voted.</p>\n",
            7.0,
        ),
        (
            "tag soup",
            "<div class=\"item\"><a href=\"/x/1\">link</a> <span>word</span></div>\n",
            8.0,
        ),
        (
            "comments and unread attributes",
            "<p data-track=\"paragraph-body-text\" onclick=\"track(this)\" data-index=\"1\">\
             Саяси тұтқындарға<!-- paragraph end marker --> қатысты.</p>\n",
            4.0,
        ),
    ];
    for (name, row, bound) in cases {
        let ratio = peak_per_byte(&page(row));
        println!("{name}: peak {ratio:.1}× the page");
        assert!(
            ratio < bound,
            "{name}: {ratio:.1}× the page (bound {bound}×)"
        );
    }
}
