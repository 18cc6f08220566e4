//! How a source is read: the `kind` of a `[[source]]` and its kind-specific settings.

/// What a source's URL serves, which decides how its items are found.
#[derive(Debug, Clone)]
pub enum SourceKind {
    /// An RSS, Atom or JSON feed.
    Feed,
    /// A public Telegram channel's web preview (`https://t.me/s/NAME`).
    Telegram {
        /// Whether a post's link to an outlet's article is followed and that page extracted.
        follow_links: bool,
    },
}

impl SourceKind {
    /// The name used in the config file (`kind = "…"`).
    pub fn name(&self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Telegram { .. } => "telegram",
        }
    }
}
