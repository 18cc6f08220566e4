//! Stepping over what the tree never keeps, found by the bytes that end it instead of run
//! through the states (`trim.rs` says when): the value of an attribute the tree builder drops
//! (no character reference inside a value can hold the quote, space or `>` that ends it, so
//! they need not be resolved), and the text of a comment that goes without it (its end found
//! by one `memchr` search for `>`).

use html5ever::tokenizer::TokenSink;
use html5ever::tokenizer::states::{AttrValueKind, State};
use memchr::memchr;

use super::Tokenizer;
use super::scan::ByteSet;

/// Bytes that end an unquoted attribute value (a `&` or NUL does not).
const UNQUOTED_VALUE_END: ByteSet = ByteSet::of(b"\t\n\x0C \r>");

impl<S: TokenSink> Tokenizer<'_, S> {
    /// Steps over the value of an unread attribute (the current position is its first byte,
    /// after any opening quote), leaving the state the attribute value state would have.
    pub(super) fn skip_attribute_value(&mut self, kind: AttrValueKind) -> bool {
        let rest = self.rest();
        let end = match kind {
            AttrValueKind::DoubleQuoted => memchr(b'"', rest),
            AttrValueKind::SingleQuoted => memchr(b'\'', rest),
            AttrValueKind::Unquoted => {
                Some(UNQUOTED_VALUE_END.run(rest)).filter(|&n| n < rest.len())
            }
        };
        let Some(n) = end else {
            self.pos += rest.len();
            return self.eof();
        };
        let stop = rest.get(n).copied();
        self.pos += n + 1;
        match (kind, stop) {
            (AttrValueKind::Unquoted, Some(b'>')) => self.emit_tag(),
            (AttrValueKind::Unquoted, _) => self.to(State::BeforeAttributeName),
            _ => self.to(State::AfterAttributeValueQuoted),
        }
    }

    /// Steps over a comment sent without its text, from just after its `<!--`: to the first
    /// `>` that ends it in the comment states (<https://html.spec.whatwg.org/#tokenization>,
    /// 13.2.5.43–13.2.5.52): right away (`<!-->`, `<!--->`), or after `--` or `--!` with
    /// both dashes past the `<!--`; a nested `<!--` only ends it where these do. Sends the
    /// comment (an empty one still parts the text around it), at the end of the page too.
    pub(super) fn skip_comment(&mut self) -> bool {
        let rest = self.rest();
        let end = if rest.starts_with(b">") {
            Some(0)
        } else if rest.starts_with(b"->") {
            Some(1)
        } else {
            comment_close(rest)
        };
        self.pos += end.map_or(rest.len(), |gt| gt + 1);
        self.emit_comment();
        self.to(State::Data)
    }
}

/// The `>` that closes a comment whose text is `text` onwards: the first one right after
/// `--` or `--!` within `text`.
fn comment_close(text: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| memchr(b'>', rest)) {
        let gt = from + found;
        let before = text.get(..gt).unwrap_or_default();
        if before.ends_with(b"--") || before.ends_with(b"--!") {
            return Some(gt);
        }
        from = gt + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::super::depth::{MAX_DEPTH, Pruning};
    use super::super::super::parse::{document, document_with};
    use super::super::super::tree::tests::dump;

    /// Asserts that `html` parses to the same tree with comments and unread attributes
    /// stepped over as read through the states.
    fn same_tree(html: &str) {
        let lean = Pruning {
            limit: MAX_DEPTH,
            empty: true,
            lean: true,
            blank_runs: false,
        };
        let skipped = dump(&document_with(html, false, Some(lean)));
        assert_eq!(skipped, dump(&document(html, false)), "{html:?}");
    }

    #[test]
    fn comments_end_where_the_comment_states_end_them() {
        for html in [
            "<p>a<!-->b</p>",
            "<p>a<!--->b</p>",
            "<p>a<!---->b</p>",
            "<p>a<!----->b</p>",
            "<p>a<!-- b -->c</p>",
            "<p>a<!--!>b-->c</p>",
            "<p>a<!-- b --!>c</p>",
            "<p>a<!-- b --!->c-->d</p>",
            "<p>a<!-- b -- >c --->d</p>",
            "<p>a<!-- b - ->c -\u{2d}>d</p>",
            "<p>a<!-- <!-- b -->c</p>",
            "<p>a<!-- <!--> b</p>",
            "<p>a<!-- <!--!> b</p>",
            "<p>a<!-- <!-> b -->c</p>",
            "<p>a<!--x>b-->c<!---x-->d</p>",
            "<p>a<!--\r\n-->b\0c<!--\0-->d</p>",
            "<p>a<!-- b",
            "<p>a<!-- b --",
            "<p>a<!--",
            "<p>a<!-",
            "<p>a<!x>b<?y>c</ z>d</p>",
        ] {
            same_tree(html);
        }
    }

    #[test]
    fn unread_attribute_values_end_where_the_value_states_end_them() {
        for html in [
            "<p data-a=\"x &quot;>y\" title='&amp;\"' data-b=a&amp;b>c</p>",
            "<p data-a=x id=k>y</p>",
            "<p data-a=&notit; id=k>y</p><p data-b=&amp=x id=j>z</p>",
            "<p data-a=\"x'>y\" id=k>z</p><p data-b='x\">y' id=j>z</p>",
            "<p data-a=x\"y' id=k>z</p>",
            "<p data-a = \"b\" id = c>y</p>",
            "<p data-a=\r\nx id=k>y</p><p data-b=x\r id=j>z</p>",
            "<p data-a=\"\0\" data-b=\0 id=k>y</p>",
            "<p data-a=>y</p><p data-b=x/>z</p><p data-c=\"x\"/>w</p>",
            "<p data-a=\"x\"id=k>y</p>",
            "<p data-a=\"unterminated>x</p>",
            "<p data-a='x",
            "<p data-a=x",
            "<p data-a=",
        ] {
            same_tree(html);
        }
    }
}
