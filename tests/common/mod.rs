//! Shared helpers for newswatch's integration tests: a std-only HTTP test server with fault
//! modes (`server`, `response`), feed and article fixtures (`feeds`, `article`), and helpers
//! to run the real binary (`process`), and an SMTP listener for e-mail sinks (`smtp`).
//!
//! Each test binary includes this with `#[allow(dead_code)] mod common;` because no single
//! binary uses every helper. Nothing here may touch the internet.

pub mod article;
pub mod feeds;
pub mod process;
pub mod response;
pub mod server;
pub mod smtp;
