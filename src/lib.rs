//! newswatch: a news-monitoring daemon.
//!
//! Modules in the order data flows through them: `fetch` gets feeds and pages, `sources`
//! parses feeds, `extract` takes the article out of a page, `watch` matches the rules,
//! `dedup` fingerprints the text and decides its story, `writer` hands it to `store` (many
//! articles per transaction), and `notify` delivers the alerts. Around them: `config` loads
//! the file, `schedule` decides when, `poll` runs one source down that path, `revisit`
//! re-fetches stored pages, `backfill` runs new rules over stored articles, and `daemon`
//! wires it all together. `text` holds the language tools `watch` and `dedup` use. `files`
//! reads local files with a size cap, `tls` is the HTTPS set-up the HTTP clients share (the
//! system trust store read once, at the first handshake), `allocator` sets up the memory
//! allocators, `preflight` checks that a config can run here, and `metrics` counts what
//! happens and serves it with a health check.

// The data path, in order (one group each, so the order is kept).
pub mod fetch;

pub mod sources;

pub mod extract;

pub mod watch;

pub mod dedup;

pub mod writer;

pub mod store;

pub mod notify;

// Around it.

pub mod allocator;
pub mod backfill;
pub mod config;
pub mod daemon;
pub mod files;
pub mod metrics;
pub mod poll;
pub mod preflight;
pub mod revisit;
pub mod schedule;
pub mod sd_notify;
pub mod text;
pub mod tls;
