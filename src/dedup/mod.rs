//! Deciding when two items are the same article: today, canonical URLs.
//!
//! This module computes identities; the store enforces them. It never writes SQL.

mod canonical;

pub use canonical::canonical_url;
