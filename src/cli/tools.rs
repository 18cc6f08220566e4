//! Tools that need no database: `extract` and `match` on files.

use std::path::Path;
use std::process::ExitCode;

use newswatch::extract::extract_with_rules;
use newswatch::fetch::decode_text;
use newswatch::files::{MAX_DOCUMENT_BYTES, read_capped};
use newswatch::watch::{Document, Query};
use url::Url;

use super::json;
use super::run::load_config;

/// `newswatch extract --file PAGE.html [--url URL] [--json] [--config F]`.
pub fn extract(
    file: &Path,
    url: Option<&str>,
    json: bool,
    config: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let sites = match config.map(load_config).transpose() {
        Ok(config) => config.map(|c| c.sites).unwrap_or_default(),
        Err(code) => return Ok(code),
    };
    let bytes = match read_capped(file, MAX_DOCUMENT_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let url = match url.map(Url::parse).transpose() {
        Ok(url) => url,
        Err(err) => {
            eprintln!("error: --url is not a valid URL: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let html = decode_text(&bytes, Some(saved_page_type(&bytes)));
    let article = extract_with_rules(&html, url.as_ref(), &sites);
    if json {
        outln!("{}", serde_json::to_string_pretty(&article)?);
    } else {
        outln!("{}", article.body);
    }
    Ok(ExitCode::SUCCESS)
}

/// The content type to decode a saved page with. A file has no HTTP header, and pages are
/// often saved or re-encoded as UTF-8 while keeping their original `<meta charset>`; the
/// daemon reads such a page as UTF-8 because its server says so in the header. Bytes that
/// are valid UTF-8 are therefore read as UTF-8 here whatever the page declares (a page in a
/// legacy charset with non-ASCII text is practically never valid UTF-8).
fn saved_page_type(bytes: &[u8]) -> &'static str {
    if std::str::from_utf8(bytes).is_ok() {
        "text/html; charset=utf-8"
    } else {
        "text/html"
    }
}

/// `newswatch match --query Q --file F`.
pub fn match_file(query: &str, file: &Path, as_json: bool) -> anyhow::Result<ExitCode> {
    let text_query = query;
    let query = match Query::parse(query) {
        Ok(query) => query,
        Err(err) => {
            eprintln!("error: bad query {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let bytes = match read_capped(file, MAX_DOCUMENT_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let text = decode_text(&bytes, None);
    drop(bytes);
    let hit = query.find(&Document::new("", &text));
    let matched = hit.is_some();
    if as_json {
        json::print(&json::Matches {
            query: text_query,
            scanned: 1,
            matches: hit
                .into_iter()
                .map(|h| json::Match {
                    article_id: None,
                    title: None,
                    url: None,
                    snippet: h.snippet,
                })
                .collect(),
        })?;
        return Ok(if matched {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    match hit {
        Some(hit) => {
            outln!("{}", hit.snippet);
            Ok(ExitCode::SUCCESS)
        }
        None => Ok(ExitCode::from(1)),
    }
}
