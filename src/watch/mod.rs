//! Watch rules.
