//! Tools that need no database: `extract` and `match`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use newswatch::extract::extract as extract_article;
use newswatch::fetch::decode_text;
use newswatch::watch::{Document, Query};
use url::Url;

/// `newswatch extract --file PAGE.html [--url URL] [--json]`.
pub fn extract(file: &Path, url: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let url = match url.map(Url::parse).transpose() {
        Ok(url) => url,
        Err(err) => {
            eprintln!("error: --url is not a valid URL: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let html = decode_text(&bytes, Some("text/html"));
    let article = extract_article(&html, url.as_ref());
    if json {
        println!("{}", serde_json::to_string_pretty(&article)?);
    } else {
        println!("{}", article.body);
    }
    Ok(ExitCode::SUCCESS)
}

/// `newswatch match --query Q --file F`.
pub fn match_file(query: &str, file: &Path) -> anyhow::Result<ExitCode> {
    let query = match Query::parse(query) {
        Ok(query) => query,
        Err(err) => {
            eprintln!("error: bad query {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = decode_text(&bytes, None);
    match query.find(&Document::new("", &text)) {
        Some(hit) => {
            println!("{}", hit.snippet);
            Ok(ExitCode::SUCCESS)
        }
        None => Ok(ExitCode::from(1)),
    }
}
