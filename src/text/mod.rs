//! Text analysis for matching: normalisation, tokenising with offsets and sentence numbers,
//! look-alike repair, Latin-script Kazakh transliteration, Kazakh ending chains and Russian
//! stems.
//!
//! It works on plain strings and knows nothing about articles, rules or storage.

pub mod form;
pub mod kazakh;
pub mod normalize;
pub mod russian;
pub mod script;
pub mod tokenize;

pub use form::{Form, Glance, analyse, glance, script_of};
pub use tokenize::{TokenRef, Tokens, for_each_token};
