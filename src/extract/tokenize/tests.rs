//! Our tokenizer against html5ever's: both drive html5ever's tree builder (building our
//! tree) through a recording sink, and the token streams (adjacent character tokens
//! coalesced, parse errors left out) and the trees must be the same, on hand-picked nasty
//! cases, random tag soup, random character soup and (opt-in) every corpus page.

use std::cell::RefCell;
use std::path::Path;

use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::State;
use html5ever::tokenizer::{
    BufferQueue, Doctype, Tag, Token, TokenSink, TokenSinkResult, Tokenizer as Html5everTokenizer,
    TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts, TreeSink};

use super::run;
use crate::extract::tree::tests::{dump, tag_soup};
use crate::extract::tree::{Builder, Html};

/// A token as recorded.
#[derive(Debug, PartialEq, Eq)]
enum Rec {
    Chars(String),
    Null,
    Tag(Tag),
    Comment(String),
    Doctype(Doctype),
    Eof,
}

/// Records the tokens it passes on to `inner`.
struct Recorder<S> {
    inner: S,
    seen: RefCell<Vec<Rec>>,
}

impl<S: TokenSink> TokenSink for Recorder<S> {
    type Handle = S::Handle;

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<S::Handle> {
        let rec = match &token {
            // The tree builder drops an empty character token right away (after clearing its
            // newline-after-`<pre>` flag, which is never set in foreign content, where
            // html5ever's empty CDATA tokens come from).
            Token::CharacterTokens(t) if t.is_empty() => None,
            Token::CharacterTokens(t) => Some(Rec::Chars(t.to_string())),
            Token::NullCharacterToken => Some(Rec::Null),
            Token::TagToken(t) => Some(Rec::Tag(t.clone())),
            Token::CommentToken(c) => Some(Rec::Comment(c.to_string())),
            Token::DoctypeToken(d) => Some(Rec::Doctype(d.clone())),
            Token::EOFToken => Some(Rec::Eof),
            Token::ParseError(_) => None,
        };
        let mut seen = self.seen.borrow_mut();
        match (seen.last_mut(), rec) {
            (Some(Rec::Chars(last)), Some(Rec::Chars(more))) => last.push_str(&more),
            (_, Some(rec)) => seen.push(rec),
            (_, None) => {}
        }
        drop(seen);
        self.inner.process_token(token, line)
    }

    fn end(&self) {
        self.inner.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.inner
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

type Recording = Recorder<TreeBuilder<crate::extract::tree::NodeId, Builder>>;

fn recorder() -> Recording {
    Recorder {
        inner: TreeBuilder::new(Builder::new(false, |_| true, 0), TreeBuilderOpts::default()),
        seen: RefCell::new(Vec::new()),
    }
}

fn finish(rec: Recording) -> (Vec<Rec>, Html) {
    let tokens = rec.seen.into_inner();
    (tokens, rec.inner.sink.finish())
}

/// html5ever's tokens and tree for `html` (fed whole, as its driver does).
fn theirs(html: &str) -> (Vec<Rec>, Html) {
    let tok = Html5everTokenizer::new(recorder(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    while !matches!(tok.feed(&input), TokenizerResult::Done) {}
    tok.end();
    finish(tok.sink)
}

/// Our tokens and tree for `html`.
fn ours(html: &str) -> (Vec<Rec>, Html) {
    finish(run(html, recorder(), State::Data, None))
}

/// Asserts both tokenizers give the same tokens and tree for `html`.
fn same(html: &str) {
    let (their_tokens, their_tree) = theirs(html);
    let (our_tokens, our_tree) = ours(html);
    assert_eq!(our_tokens, their_tokens, "tokens of {html:?}");
    assert_eq!(dump(&our_tree), dump(&their_tree), "tree of {html:?}");
}

/// One case per state and per odd corner.
const NASTY: &[&str] = &[
    "",
    "plain text",
    "\u{feff}<p>bom</p>\u{feff}x",
    "a\rb\r\nc\n\rd\r\r\ne\r",
    "<p>\0x\0</p>",
    // Character references in text.
    "&amp &amp; &ampx &AMP; &amp=x &lt;&gt;&quot;&#39;",
    "&notit; &notin; &notin &not &noti; &no",
    "&#x0; &#0; &#128; &#x80; &#x81; &#x9F; &#150; &#xD800; &#xDFFF; &#xFFFE; &#x10FFFF;",
    "&#x110000; &#99999999999999999999; &#xFFFFFFFFFFFF; &#4294967296; &#x1F600;",
    "&#; &#x; &#xg; &#a; &# &#x &#65 &#x41 &#0065; &#X41;",
    "&; &xyz; &xyz &Abc123; & &\n &# ",
    "&NotNestedGreaterGreater; &NotNestedGreaterGreater &acE; &nGt; &bne;",
    "&",
    "&a",
    "&amp",
    "&#",
    "&#x",
    "&#1",
    "&#x1",
    "&xyzzy",
    "&ampé",
    "&amp\r\n",
    // Character references in attributes.
    "<a href=x&amp=y title='&amp;' alt=\"&ampx\" id=&amp;z class=&notit>x</a>",
    "<a b=&amp c=&amp; d=\"&lt\" e='&lt=' f=&lt1 g=&#65 h=&#x41; i=&#0; j=&xyz;>",
    "<a href=\"&#128;&#x0;&#xD800;\" b='&amp;&amp' c=&>",
    // Tags and attributes.
    "<DIV CLASS=A Id='B' data-X=\"C\">x</DIV>",
    "<a b c=d e = 'f' g=\"h\"i=j/k>",
    "<a a=1 a=2 A=3 b b=4>dup</a>",
    "<br/><br / ><img src=x/><p/x>",
    "<a\0b c\0d=e\0f>",
    "<a =x \"y' <z>",
    "<a b='x'c=\"y\"d>",
    "< a><1><-></ ><//></>x</ x></x y=z></\0>",
    "<pre>\nx</pre><pre>\r\ny</pre><textarea>\nz</textarea><listing>\n\nw</listing>",
    "<pre></>\nx</pre><pre>&#10x</pre><pre>&#x0A</pre><textarea>&#10x</textarea>",
    "<pre>&#10;x</pre><pre><!---->\nx</pre><pre>&NewLine;x</pre>",
    "<a\r\nhref\r\n=\r\n'x\r\ny'\r>",
    // Comments.
    "<!-- a --><!----><!---><!--><!-- -- --><!-- --!><!-- --!x --><!-- - -->",
    "<!-- <!-- nested --><!--<!--><!--<!---->x<!--a<!-b-->",
    "<!-- a --! b --><!-- a ---><!-- a ----!>--><!--\0-\0--!\0-->",
    "<!x><!><!-x><?php echo 1 ?><?><?\0?></ x></\0x>",
    "<!DOCTYPEhtml><!doctype html><!DocType x>",
    "<!-- unterminated",
    "<!--",
    "<!-",
    "<!",
    "<",
    "</",
    "<?",
    "<a",
    "<a ",
    "<a b",
    "<a b=",
    "<a b='",
    "<a b=x",
    "<a b/",
    "<a/",
    "<!-->",
    "<!-- -",
    "<!-- --",
    "<!-- --!",
    "<!-- <",
    "<!-- <!",
    "<!-- <!-",
    "<!-- <!--",
    "<!DOCTYPE",
    "<!DOCTYPE ",
    "<!DOCTYPE x",
    "<!DOCTYPE x ",
    "<!DOCTYPE x P",
    // Doctypes.
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">",
    "<!DOCTYPE html SYSTEM 'about:legacy-compat'><p>x",
    "<!DOCTYPE html PUBLIC\"x\"'y'><!DOCTYPE html PUBLIC 'x' z><!DOCTYPE html SYSTEM>",
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\"><table><p>q</table>",
    "<!DOCTYPE><!DOCTYPE >x<!DOCTYPE\0><!DOCTYPE a\0b><!DOCTYPE x \"y\">",
    "<!DOCTYPE html PUBLIC \"a\0>x<!DOCTYPE html SYSTEM 'b>y<!DOCTYPE html bogus x>z",
    "<!DOCTYPE html PUBLIC \"a\" \"b\" c><!DOCTYPE html PUBLIC \"a\"\"b\">",
    "<!DOCTYPE html public",
    "<!DOCTYPE html PUBLIC \"",
    "<!DOCTYPE html SYSTEM 'x'",
    // Raw text.
    "<title>a &amp; <b> </title x> </titlex></title>z",
    "<textarea>a\0<!-- x --></textarea><style>a<b>&amp;</style ><xmp></xmp/>",
    "<iframe><p></iframe><noembed>&lt;</noembed><noframes>x</noframes><noscript><b></noscript>",
    "<title>unterminated &amp",
    "<style>unterminated </sty",
    "<title></",
    "<title><",
    "<plaintext>a</plaintext><b>&amp;\0\r\n",
    // Script data and its escapes.
    "<script>a<b</c></script x=y><script>if (a<!--b) c--></script>",
    "<script><!--<script>x</script>y--></script>z</script>w",
    "<script><!-- <script> --> </script>after",
    "<script><!--<SCRIPT>x</Script>y</script>q",
    "<script><!-- a -- b - > --!> --></script>",
    "<script><!--<script>\0-\0--\0<\0</scripx></script -->x</script>",
    "<script><!--<scripts></script>",
    "<script><!-<",
    "<script><!--",
    "<script><!--<",
    "<script><!--<s",
    "<script><!--<script",
    "<script><!--<script>",
    "<script><!--<script></",
    "<script><!--<script></scr",
    "<script><!---",
    "<script><!----",
    "<script></script",
    "<script></script ",
    "<script>\0\r\n</script>\u{feff}x",
    // CDATA and foreign content.
    "<svg><![CDATA[a<b>&amp;]]]]>x<![CDATA[]]><![CDATA[\0\r\n]]]x]]></svg>",
    "<math><![CDATA[x",
    "<svg><![CDATA[x]",
    "<svg><![CDATA[x]]",
    "<p><![CDATA[not]]></p>",
    "<svg><foreignObject><![CDATA[html]]></foreignObject><![CDATA[svg]]></svg>",
    "<svg><desc><![CDATA[y]]></desc></svg><math><mi><![CDATA[z]]></mi></math>",
    "<svg viewBox='0 0 1 1' xlink:href=x><path D=1/></svg><math definitionURL=x>",
    // Tree builder switches.
    "<meta charset=utf-8>\u{feff}x<meta http-equiv=content-type content='text/html; charset=x'>\u{feff}",
    "<table>a<tr>b<td>c</table>\r\n<select><option>\0</select>",
    "<body><p>a<b>b<i>c</b>d</i>e</p></body></html>\0after",
];

#[test]
fn nasty_cases_tokenize_as_html5ever_does() {
    for html in NASTY {
        same(html);
    }
}

/// Random pages per soup test: `default`, or `SOUP` from the environment for a longer run
/// (`SOUP=2000000 cargo test --release --lib soup_tokenizes` passes).
fn soup_pages(default: usize) -> usize {
    std::env::var("SOUP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_tag_soup_tokenizes_as_html5ever_does() {
    // Bounded: 3000 pages of 40 parts (by default).
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..soup_pages(3000) {
        same(&tag_soup(&mut seed, 40));
    }
}

/// Pieces small enough to land in every tokenizer state in random order.
const BITS: &[&str] = &[
    "<",
    ">",
    "/",
    "!",
    "-",
    "--",
    "?",
    "&",
    "#",
    "x",
    "X",
    ";",
    "=",
    "\"",
    "'",
    " ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\x0C",
    "\0",
    "]",
    "]]",
    "a",
    "B",
    "1",
    "é",
    "amp",
    "lt",
    "not",
    "#x41",
    "#128",
    "script",
    "SCRIPT",
    "style",
    "title",
    "textarea",
    "plaintext",
    "svg",
    "math",
    "pre",
    "[CDATA[",
    "DOCTYPE",
    "PUBLIC",
    "SYSTEM",
    "<!--",
    "-->",
    "</",
    "<script>",
    "</script>",
    "<svg>",
    "<table>",
    "<pre>",
    "<title>",
    "\u{feff}",
];

#[test]
fn random_character_soup_tokenizes_as_html5ever_does() {
    // Bounded: 4000 pages of 30 pieces (by default).
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..soup_pages(4000) {
        let mut html = String::new();
        for _ in 0..30 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            html.push_str(BITS[(seed % BITS.len() as u64) as usize]);
        }
        same(&html);
    }
}

#[test]
fn fragments_tokenize_as_html5ever_does() {
    for html in [
        "<p>a<td>b</td>&amp<!-- c --><svg><![CDATA[d]]></svg>",
        "x\r\ny<script>z",
    ] {
        let ours = crate::extract::parse::fragment(html);
        let full = scraper::Html::parse_fragment(html);
        assert_eq!(
            dump(&ours),
            crate::extract::tree::tests::scraper_dump(&full, |n| {
                crate::extract::parse::READ_ATTRIBUTES.contains(&n)
            }),
            "{html:?}"
        );
    }
}

#[test]
fn hostile_pages_are_linear_and_do_not_panic() {
    let value = "v".repeat(1 << 20);
    for html in [
        format!("<a href=\"{value}\">x</a>"),
        format!("<a href={value}>x</a>"),
        format!("<p title='&amp;{value}&amp'>"),
        "<".repeat(100_000),
        "</".repeat(50_000),
        "&".repeat(100_000),
        "&#".repeat(50_000),
        format!("&#{}", "9".repeat(100_000)),
        format!("&{}", "a".repeat(100_000)),
        "<!--".repeat(30_000),
        "<div>".repeat(5_000),
        "<b><i>".repeat(2_000),
        format!("<script><!--<script>{}", "-<".repeat(50_000)),
    ] {
        same(&html);
    }
    // Many distinct attributes on one tag: duplicates are found in a set, not pairwise.
    let mut many = String::from("<p");
    for i in 0..100_000 {
        many.push_str(&format!(" a{i}=1"));
    }
    many.push_str(" a5=dup>x");
    let (tokens, _) = ours(&many);
    let attrs = tokens.iter().find_map(|t| match t {
        Rec::Tag(tag) if &*tag.name == "p" => Some((tag.attrs.len(), tag.had_duplicate_attributes)),
        _ => None,
    });
    assert_eq!(attrs, Some((100_000, true)));
}

/// What a reader that collapses white space sees of a blank text, as `render` reads it
/// inside `<pre>` (after the tree builder dropped a line break right after the start tag,
/// when `after_pre`): whether the text breaks the line, and whether a space follows the last
/// break. Outside `<pre>` any blank text is one space.
fn pre_reading(text: &str, after_pre: bool) -> (bool, bool) {
    let text = if after_pre {
        text.strip_prefix('\n').unwrap_or(text)
    } else {
        text
    };
    text.chars().fold((false, false), |(breaks, _), c| {
        if c == '\n' {
            (true, false)
        } else {
            (breaks, true)
        }
    })
}

#[test]
fn a_shortened_blank_run_reads_as_the_whole_run() {
    let alphabet = [' ', '\n', '\t', '\r', '\x0c'];
    // Every run of one to six of them.
    let mut runs = Vec::new();
    let mut last = vec![String::new()];
    for _ in 0..6 {
        last = last
            .iter()
            .flat_map(|r| alphabet.iter().map(move |c| format!("{r}{c}")))
            .collect();
        runs.extend(last.iter().cloned());
    }
    let mut shortened = 0;
    for run in &runs {
        let Some(short) = super::blank_run(run) else {
            assert!(run.len() <= 3, "{run:?} kept whole");
            continue;
        };
        shortened += 1;
        assert!(
            short.len() < run.len() && !short.is_empty(),
            "{run:?} -> {short:?}"
        );
        for after_pre in [false, true] {
            assert_eq!(
                pre_reading(short, after_pre),
                pre_reading(run, after_pre),
                "{run:?} -> {short:?}"
            );
        }
    }
    assert!(shortened > 10_000, "{shortened}");
    // Text that is not all HTML white space (a vertical tab is not; nor a no-break space)
    // is sent as it is.
    for text in ["  x  ", "\n\x0b\n", "\u{a0}\u{a0}\u{a0}", "\n\n&nbsp;"] {
        assert_eq!(super::blank_run(text), None, "{text:?}");
    }
}

/// Every corpus page (`../shared/corpus/{readability,fundus}/*/source.html`) tokenizes as
/// html5ever tokenizes it. Opt-in (`cargo test --lib corpus_pages -- --ignored`).
#[test]
#[ignore]
fn corpus_pages_tokenize_as_html5ever_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut pages = 0;
    for corpus in ["readability", "fundus"] {
        let Ok(dirs) = std::fs::read_dir(root.join(corpus)) else {
            eprintln!(
                "skipped: corpus {corpus} missing at {}",
                root.join(corpus).display()
            );
            continue;
        };
        let mut dirs: Vec<_> = dirs.filter_map(|e| e.ok().map(|e| e.path())).collect();
        dirs.sort();
        for dir in dirs {
            let Ok(bytes) = std::fs::read(dir.join("source.html")) else {
                continue;
            };
            let html = String::from_utf8_lossy(&bytes);
            let (their_tokens, their_tree) = theirs(&html);
            let (our_tokens, our_tree) = ours(&html);
            let at = our_tokens
                .iter()
                .zip(&their_tokens)
                .position(|(a, b)| a != b);
            assert!(
                our_tokens.len() == their_tokens.len() && at.is_none(),
                "{}: token {at:?} of {}/{}: ours {:?} theirs {:?}",
                dir.display(),
                our_tokens.len(),
                their_tokens.len(),
                at.and_then(|i| our_tokens.get(i)),
                at.and_then(|i| their_tokens.get(i)),
            );
            assert!(dump(&our_tree) == dump(&their_tree), "{}", dir.display());
            pages += 1;
        }
    }
    eprintln!("{pages} corpus pages tokenize as html5ever does");
}
