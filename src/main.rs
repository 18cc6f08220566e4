//! The `newswatch` binary: command-line front end over the library.

fn main() {}
