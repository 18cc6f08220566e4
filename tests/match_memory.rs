//! Matching memory is bounded by the text, whatever the rule: a counting allocator measures
//! the peak bytes allocated while a large repetitive article is prepared and matched
//! against rules with many words (issue 10 item 4: a 2-word phrase took ~24× the text, a
//! 250-word rule hundreds of times).

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::peak_of;
use newswatch::watch::{Document, Query, RuleSet};

#[test]
fn matching_memory_is_a_small_multiple_of_the_text() {
    let text = format!("{}\n", "саяси тұтқындарға ".repeat(10)).repeat(3000);
    let phrase_255 = format!("\"{}\"", vec!["саяси"; 255].join(" "));
    let prefix_250 = vec!["саяси*"; 250].join(" ");
    let queries = [
        "саяси тұтқындарға",
        phrase_255.as_str(),
        prefix_250.as_str(),
        "саяси NEAR/3 тұтқын",
    ];
    for query in queries {
        let q = Query::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        let peak = peak_of(|| {
            let doc = Document::new("", &text);
            std::hint::black_box(q.find(&doc));
        });
        let ratio = peak as f64 / text.len() as f64;
        println!("{:.40}: peak {peak} bytes, {ratio:.1}× the text", query);
        assert!(ratio < 4.0, "{query:.40}: {ratio:.1}× the text");
    }
    let rules: Vec<Query> = (0..300)
        .map(|i| Query::parse(&format!("саяси* тұтқын{}", "ы".repeat(i % 3))))
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    let set = RuleSet::new(rules);
    let peak = peak_of(|| {
        let doc = Document::new("", &text);
        std::hint::black_box(set.matches(&doc));
    });
    let ratio = peak as f64 / text.len() as f64;
    println!("300 rules: peak {peak} bytes, {ratio:.1}× the text");
    assert!(ratio < 4.0, "rule set: {ratio:.1}× the text");
}
