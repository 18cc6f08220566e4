//! newswatch: a news-monitoring daemon.
//!
//! The pipeline follows the data: fetch → sources → extract → dedup → store → watch → notify.
//! `config` loads the file, `schedule` decides when, `poll` runs one source through the
//! pipeline, `backfill` runs new rules over stored articles, and `daemon` wires it all together. `text` holds the language tools `watch` uses.
//! `files` reads local files with a size cap, and `preflight` checks that a config can run here.

pub mod backfill;
pub mod config;
pub mod daemon;
pub mod dedup;
pub mod extract;
pub mod fetch;
pub mod files;
pub mod notify;
pub mod poll;
pub mod preflight;
pub mod revisit;
pub mod schedule;
pub mod sd_notify;
pub mod sources;
pub mod store;
pub mod text;
pub mod watch;
pub mod writer;
