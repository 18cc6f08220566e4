//! newswatch: a news-monitoring daemon.
//!
//! The pipeline follows the data: fetch → sources → extract → dedup → store → watch → notify.

pub mod extract;
pub mod text;
pub mod watch;
