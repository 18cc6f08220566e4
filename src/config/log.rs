//! `[log]`: how the daemon writes its log lines (plain text or JSON for log shippers).

use std::path::Path;

use crate::files::{MAX_CONFIG_BYTES, read_text_capped};

/// The log line format (`[log] format`, overridden by `NEWSWATCH_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (the default).
    #[default]
    Text,
    /// One JSON object per line (tracing-subscriber's JSON format).
    Json,
}

impl LogFormat {
    /// The format a config word names: `"text"` or `"json"`.
    pub fn from_word(word: &str) -> Option<LogFormat> {
        match word {
            "text" => Some(LogFormat::Text),
            "json" => Some(LogFormat::Json),
            _ => None,
        }
    }

    /// The `[log] format` of the config file at `path`, read before logging starts (so before
    /// the config is validated): `None` when the file cannot be read or parsed or does not
    /// set it; the full load then reports any problem.
    pub fn of_config(path: &Path) -> Option<LogFormat> {
        let text = read_text_capped(path, MAX_CONFIG_BYTES).ok()?;
        let (raw, _) = super::raw::parse(&text);
        let word = raw?.log.format?;
        LogFormat::from_word(word.get_ref())
    }
}
