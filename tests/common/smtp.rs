//! A small SMTP listener on 127.0.0.1 for e-mail sink tests: plain SMTP (no TLS), `AUTH
//! PLAIN`, and a record of every message accepted; plus MIME helpers to read those messages.
//!
//! Std only, one thread per connection; it must never reach beyond its loopback listener.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Idle clients are dropped after this long.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest message accepted (alerts are far smaller).
const MAX_DATA_BYTES: usize = 4 << 20;

/// One message as the listener received it.
#[derive(Clone, Debug, Default)]
pub struct Mail {
    /// `AUTH PLAIN` credentials as (user, password), if the client logged in.
    pub login: Option<(String, String)>,
    /// The `MAIL FROM` address.
    pub from: String,
    /// The `RCPT TO` addresses.
    pub to: Vec<String>,
    /// The message (headers and body), dot-unstuffed, CRLF line ends.
    pub data: String,
}

impl Mail {
    /// The first header `name` of the message's top-level head.
    pub fn header(&self, name: &str) -> Option<String> {
        header(head_of(&self.data), name)
    }

    /// The `Subject`, with RFC 2047 base64 encoded-words decoded.
    pub fn subject(&self) -> Option<String> {
        let raw = self.header("subject")?;
        let mut text = String::new();
        let mut previous_encoded = false;
        for word in raw.split_whitespace() {
            let lower = word.to_ascii_lowercase();
            let encoded = match (lower.starts_with("=?utf-8?b?"), word.strip_suffix("?=")) {
                (true, Some(inner)) => base64_decode(&inner[10..]),
                _ => None,
            };
            // RFC 2047: white space between two encoded-words is not part of the text.
            let joined = previous_encoded && encoded.is_some();
            if !text.is_empty() && !joined {
                text.push(' ');
            }
            previous_encoded = encoded.is_some();
            match encoded {
                Some(bytes) => text.push_str(&String::from_utf8_lossy(&bytes)),
                None => text.push_str(word),
            }
        }
        Some(text)
    }

    /// The decoded body of the first MIME part whose type starts with `content_type`
    /// (`text/plain`, `text/html`), with line ends as `\n`.
    pub fn part(&self, content_type: &str) -> Option<String> {
        let boundary = self
            .header("content-type")?
            .split("boundary=")
            .nth(1)?
            .trim_matches('"')
            .to_string();
        self.data
            .split(&format!("--{boundary}"))
            .skip(1)
            .find(|part| {
                header(head_of(part.trim_start()), "content-type")
                    .is_some_and(|t| t.starts_with(content_type))
            })
            .map(|part| decode_part(part.trim_start()).replace("\r\n", "\n"))
    }
}

#[derive(Default)]
struct Shared {
    mails: Mutex<Vec<Mail>>,
    stopping: AtomicBool,
}

/// A running SMTP listener; stops when dropped.
pub struct SmtpServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl SmtpServer {
    /// Binds 127.0.0.1 on a free port and starts accepting.
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared::default());
        let accept_shared = Arc::clone(&shared);
        let acceptor = thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_shared.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let conn_shared = Arc::clone(&accept_shared);
                thread::spawn(move || session(stream, &conn_shared));
            }
        });
        SmtpServer {
            addr,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every message accepted so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.shared
            .mails
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// One SMTP conversation; any I/O error or timeout ends it.
fn session(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut out = stream;
    let mut mail = Mail::default();
    let mut login = None;
    if reply(&mut out, "220 127.0.0.1 ESMTP newswatch-test").is_err() {
        return;
    }
    let mut line = String::new();
    while read_line(&mut reader, &mut line) {
        let upper = line.to_ascii_uppercase();
        let answer = if upper.starts_with("EHLO") {
            "250-127.0.0.1\r\n250-AUTH PLAIN\r\n250-8BITMIME\r\n250 SMTPUTF8".to_string()
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            "250 OK".into()
        } else if upper.starts_with("AUTH PLAIN") {
            login = line.split_whitespace().nth(2).and_then(plain_login);
            match login {
                Some(_) => "235 2.7.0 Authentication successful".into(),
                None => "535 5.7.8 Bad credentials".into(),
            }
        } else if upper.starts_with("MAIL FROM:") {
            mail = Mail {
                login: login.clone(),
                from: angle(&line),
                ..Mail::default()
            };
            "250 OK".into()
        } else if upper.starts_with("RCPT TO:") {
            mail.to.push(angle(&line));
            "250 OK".into()
        } else if upper.starts_with("DATA") {
            if reply(&mut out, "354 End data with <CR><LF>.<CR><LF>").is_err() {
                return;
            }
            let Some(data) = read_data(&mut reader) else {
                return;
            };
            mail.data = data;
            shared
                .mails
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(mail.clone());
            "250 OK queued".into()
        } else if upper.starts_with("RSET") {
            mail = Mail::default();
            "250 OK".into()
        } else if upper.starts_with("QUIT") {
            let _ = reply(&mut out, "221 Bye");
            return;
        } else {
            "502 Command not implemented".into()
        };
        if reply(&mut out, &answer).is_err() {
            return;
        }
    }
}

fn read_line(reader: &mut impl BufRead, line: &mut String) -> bool {
    line.clear();
    matches!(reader.read_line(line), Ok(n) if n > 0) && {
        let trimmed = line.trim_end().len();
        line.truncate(trimmed);
        true
    }
}

fn read_data(reader: &mut impl BufRead) -> Option<String> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        if !read_line(reader, &mut line) && line.is_empty() {
            return None;
        }
        if line == "." {
            return Some(data);
        }
        let unstuffed = line.strip_prefix('.').unwrap_or(&line);
        data.push_str(unstuffed);
        data.push_str("\r\n");
        if data.len() > MAX_DATA_BYTES {
            return None;
        }
    }
}

fn reply(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    out.write_all(format!("{text}\r\n").as_bytes())?;
    out.flush()
}

/// The address inside `<…>` of `MAIL FROM:<a@b> SIZE=…`.
fn angle(line: &str) -> String {
    line.split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map_or_else(String::new, |(addr, _)| addr.to_string())
}

/// `AUTH PLAIN` initial response: base64 of `authzid\0user\0password`.
fn plain_login(encoded: &str) -> Option<(String, String)> {
    let decoded = String::from_utf8(base64_decode(encoded)?).ok()?;
    let mut fields = decoded.split('\0').skip(1);
    Some((fields.next()?.to_string(), fields.next()?.to_string()))
}

/// Standard base64 (with or without padding, whitespace ignored).
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for byte in text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
    {
        let value = ALPHABET.iter().position(|a| *a == byte)? as u32;
        acc = (acc << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn head_of(text: &str) -> &str {
    text.split("\r\n\r\n").next().unwrap_or("")
}

/// A header's value from a head, with folded continuation lines joined.
fn header(head: &str, name: &str) -> Option<String> {
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.split("\r\n").find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// A MIME part's body, decoded by its `Content-Transfer-Encoding`.
fn decode_part(part: &str) -> String {
    let head = head_of(part);
    let body = part.get(head.len() + 4..).unwrap_or("");
    let encoding = header(head, "content-transfer-encoding").unwrap_or_default();
    match encoding.to_ascii_lowercase().as_str() {
        "base64" => String::from_utf8_lossy(&base64_decode(body).unwrap_or_default()).into_owned(),
        "quoted-printable" => quoted_printable(body),
        _ => body.to_string(),
    }
}

fn quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(value)) => {
                out.push(value);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
