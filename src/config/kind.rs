//! How a source is read: the `kind` of a `[[source]]` and its kind-specific settings.

use scraper::Selector;

/// What a source's URL serves, which decides how its items are found.
#[derive(Debug, Clone)]
pub enum SourceKind {
    /// Found by discovery (the default): a feed, else a sitemap, else the page as a listing.
    Auto,
    /// An RSS, Atom or JSON feed.
    Feed,
    /// A listing page (section front, "latest news") whose article links are the items.
    Page(PageSettings),
    /// A sitemap, sitemap index or robots.txt with `Sitemap:` lines.
    Sitemap,
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
            SourceKind::Auto => "auto",
            SourceKind::Feed => "feed",
            SourceKind::Page(_) => "page",
            SourceKind::Sitemap => "sitemap",
            SourceKind::Telegram { .. } => "telegram",
        }
    }
}

/// Settings of a `kind = "page"` source.
#[derive(Debug, Clone)]
pub struct PageSettings {
    /// Selects the article links (`links = "…"`); `None` finds them automatically.
    pub links: Option<Selector>,
    /// Selects the next listing page's link (`next = "…"`); `None` uses `rel=next`.
    pub next: Option<Selector>,
    /// How many further listing pages (pagination) are read after the first.
    pub follow: usize,
}
