//! Canned HTTP responses for the test server: plain replies, conditional-GET validators and
//! fault modes (slow drip, hang, redirect, gzip bomb, sequences).
//!
//! Owns only the description of what to send; the wire work lives in `server`.

use std::time::Duration;

/// How the bytes of a reply leave the server.
#[derive(Clone, Debug)]
pub(crate) enum Delivery {
    /// Head and body in one write.
    Whole,
    /// Head at once, then the body `chunk` bytes at a time with `delay` between chunks.
    Drip { chunk: usize, delay: Duration },
    /// Accept the request, send nothing, close after the duration.
    Hang(Duration),
}

/// One reply as sent for one request.
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
    pub(crate) delivery: Delivery,
}

/// What a route answers. Usually one reply; a sequence answers successive requests with
/// successive replies and repeats its last one forever.
#[derive(Clone, Debug)]
pub struct Response {
    pub(crate) replies: Vec<Reply>,
}

impl Response {
    fn single(status: u16, body: Vec<u8>, delivery: Delivery) -> Self {
        let reply = Reply {
            status,
            headers: Vec::new(),
            body,
            etag: None,
            last_modified: None,
            delivery,
        };
        Response {
            replies: vec![reply],
        }
    }

    /// 200 with the given `Content-Type` and body.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self::single(200, body.into(), Delivery::Whole).header("Content-Type", content_type)
    }

    /// A bare status with an empty body (e.g. 404, 500, 503).
    pub fn status(code: u16) -> Self {
        Self::single(code, Vec::new(), Delivery::Whole)
    }

    /// A redirect (301, 302, 307, 308) to `location`, which may be relative or absolute.
    pub fn redirect(code: u16, location: &str) -> Self {
        Self::status(code).header("Location", location)
    }

    /// 200 whose body trickles out `bytes_per_chunk` at a time with `delay` between chunks.
    /// The head announces the full `Content-Length`, so a client that gives up early sees a
    /// truncated body. Total time is bounded by `body.len() / bytes_per_chunk * delay`.
    pub fn slow_drip(body: impl Into<Vec<u8>>, bytes_per_chunk: usize, delay: Duration) -> Self {
        let delivery = Delivery::Drip {
            chunk: bytes_per_chunk.max(1),
            delay,
        };
        Self::single(200, body.into(), delivery)
    }

    /// Reads the request, then sends nothing at all and closes after `duration` (or sooner
    /// when the server is dropped): exercises the client's whole-request timeout.
    pub fn hang(duration: Duration) -> Self {
        Self::single(200, Vec::new(), Delivery::Hang(duration))
    }

    /// 200 with `Content-Encoding: gzip` whose body inflates to `inflated_len` zero bytes
    /// from about 1/159 of that on the wire (100 MB from 660 KB). The CRC and length trailer
    /// are valid, so only a decompressed-size cap stops it, not a checksum error at the end.
    pub fn gzip_bomb(content_type: &str, inflated_len: usize) -> Self {
        Self::single(200, gzip_zeros(inflated_len), Delivery::Whole)
            .header("Content-Type", content_type)
            .header("Content-Encoding", "gzip")
    }

    /// Successive requests get successive responses; the last one repeats.
    /// `sequence(vec![status(500), status(500), ok(..)])` fails twice, then succeeds.
    pub fn sequence(steps: Vec<Response>) -> Self {
        let replies = steps
            .into_iter()
            .flat_map(|r| r.replies)
            .collect::<Vec<_>>();
        assert!(
            !replies.is_empty(),
            "a sequence needs at least one response"
        );
        Response { replies }
    }

    /// Adds a header (to every step of a sequence).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        for reply in &mut self.replies {
            reply.headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// Sends `ETag: tag` and answers 304 when `If-None-Match` carries the same tag.
    /// Pass the tag with its quotes: `.etag("\"v1\"")`.
    pub fn etag(mut self, tag: &str) -> Self {
        for reply in &mut self.replies {
            reply.etag = Some(tag.to_owned());
        }
        self
    }

    /// Sends `Last-Modified: date` and answers 304 when `If-Modified-Since` is the same
    /// string (byte equality: clients are expected to echo the validator they were given).
    pub fn last_modified(mut self, date: &str) -> Self {
        for reply in &mut self.replies {
            reply.last_modified = Some(date.to_owned());
        }
        self
    }
}

/// A gzip member of `len` zero bytes, built by hand: one fixed-Huffman deflate block holding
/// a literal zero and then back-references of length 258 at distance 1. That costs 13 bits
/// per 258 output bytes (about 1:159) and needs no compressor crate.
fn gzip_zeros(len: usize) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let mut bits = BitWriter::default();
    bits.push(0b1, 1); // BFINAL
    bits.push(0b01, 2); // BTYPE = fixed Huffman
    let mut remaining = len;
    if remaining > 0 {
        bits.push_code(0b0011_0000, 8); // literal 0x00
        remaining -= 1;
    }
    while remaining > 0 {
        let run = remaining.min(258);
        if run >= 3 {
            push_match(&mut bits, run);
        } else {
            for _ in 0..run {
                bits.push_code(0b0011_0000, 8);
            }
        }
        remaining -= run;
    }
    bits.push_code(0, 7); // end of block (symbol 256)
    out.extend(bits.finish());
    out.extend(crc32_zeros(len).to_le_bytes());
    out.extend((len as u32).to_le_bytes());
    out
}

/// A back-reference of `run` (3..=258) bytes at distance 1, in the fixed Huffman code.
fn push_match(bits: &mut BitWriter, run: usize) {
    let (symbol, base, extra_bits) = length_symbol(run);
    if symbol < 280 {
        bits.push_code((symbol - 256) as u32, 7);
    } else {
        bits.push_code((symbol - 280 + 0b1100_0000) as u32, 8);
    }
    bits.push((run - base) as u32, extra_bits);
    bits.push_code(0, 5); // distance code 0 = distance 1, no extra bits
}

/// Deflate length symbol, its base length and extra-bit count (RFC 1951 section 3.2.5).
fn length_symbol(run: usize) -> (usize, usize, u32) {
    if run == 258 {
        return (285, 258, 0);
    }
    let mut base = 3;
    for symbol in 257..285 {
        let extra = match symbol {
            257..=264 => 0,
            _ => (symbol - 261) / 4,
        };
        let span = 1 << extra;
        if run < base + span {
            return (symbol, base, extra as u32);
        }
        base += span;
    }
    (285, 258, 0)
}

/// CRC-32 (IEEE) of `len` zero bytes. Feeding a zero byte is a linear map on the CRC
/// register, so the map for `len` bytes comes from squaring (as zlib's crc32_combine does):
/// 100 MB costs microseconds instead of a second in a debug build.
fn crc32_zeros(len: usize) -> u32 {
    let mut one_byte = [0u32; 32];
    for (bit, column) in one_byte.iter_mut().enumerate() {
        let mut c = 1u32 << bit;
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *column = c;
    }
    let mut total: [u32; 32] = std::array::from_fn(|bit| 1u32 << bit);
    let (mut base, mut n) = (one_byte, len);
    while n > 0 {
        if n & 1 == 1 {
            total = compose(&base, &total);
        }
        base = compose(&base, &base);
        n >>= 1;
    }
    !apply(&total, !0)
}

/// A 32x32 bit matrix stored as the images of the 32 unit vectors.
fn apply(matrix: &[u32; 32], vector: u32) -> u32 {
    (0..32)
        .filter(|bit| vector & (1 << bit) != 0)
        .fold(0, |acc, bit| acc ^ matrix[bit])
}

/// The map "`inner`, then `outer`".
fn compose(outer: &[u32; 32], inner: &[u32; 32]) -> [u32; 32] {
    std::array::from_fn(|bit| apply(outer, inner[bit]))
}

/// Deflate packs fields LSB-first, but Huffman codes MSB-first.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    acc: u64,
    count: u32,
}

impl BitWriter {
    fn push(&mut self, value: u32, width: u32) {
        self.acc |= u64::from(value) << self.count;
        self.count += width;
        while self.count >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    fn push_code(&mut self, code: u32, width: u32) {
        let reversed = code.reverse_bits() >> (32 - width);
        self.push(reversed, width);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.bytes.push(self.acc as u8);
        }
        self.bytes
    }
}
