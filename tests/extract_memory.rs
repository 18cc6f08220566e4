//! Extraction memory is a bounded multiple of the page: a counting allocator measures the
//! peak bytes allocated while one page is extracted (issue 10 item 5: a 10 MB page took
//! ~28× its size). Pages of tiny tags are the worst case (each element or text node costs
//! the parsed tree 128 bytes); comments and attributes the extractor never reads cost none.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counters change.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size);
        // SAFETY: forwarded with the caller's guarantees.
        let out = unsafe { System.realloc(ptr, layout, new_size) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        out
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Peak bytes allocated while `page` is extracted, as a multiple of its size.
fn peak_per_byte(page: &str) -> f64 {
    let base = LIVE.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let body = newswatch::extract::extract(page, None).body;
    let peak = PEAK.load(Ordering::SeqCst).saturating_sub(base);
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
            12.0,
        ),
        (
            "tag soup",
            "<div class=\"item\"><a href=\"/x/1\">link</a> <span>word</span></div>\n",
            40.0,
        ),
        (
            "comments and unread attributes",
            "<p data-track=\"paragraph-body-text\" onclick=\"track(this)\" data-index=\"1\">\
             Саяси тұтқындарға<!-- paragraph end marker --> қатысты.</p>\n",
            10.0,
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
