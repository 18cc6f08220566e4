//! `newswatch match` through the real binary: queries that start with `-`, scopes in a row,
//! oversized queries, and matching a large repetitive file in bounded memory.

#[allow(dead_code)]
mod common;

use std::time::Duration;

use common::process::{TestDir, run_newswatch};

const LIMIT: Duration = Duration::from_secs(120);

fn run_match(query: &str, text: &str) -> (Option<i32>, String, String) {
    let dir = TestDir::new();
    let file = dir.write_file("t.txt", text);
    let out = run_newswatch(
        &["match", "--query", query, "--file", file.to_str().unwrap()],
        LIMIT,
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_query_may_start_with_a_minus() {
    let (code, _, err) = run_match("-x", "саяси тұтқын");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not excluded"), "{err}");
    let (code, out, err) = run_match("-митинг пикет", "Белсенді пикет өткізді.");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("**пикет**"), "{out}");
}

#[test]
fn two_scopes_in_a_row_are_rejected() {
    let (code, _, err) = run_match("title:title:x", "x");
    assert_eq!(code, Some(2));
    assert!(err.contains("two field scopes in a row"), "{err}");
}

#[test]
fn an_oversized_query_gets_a_clear_error() {
    let query = "саяси ".repeat(1000);
    let (code, _, err) = run_match(&query, "саяси");
    assert_eq!(code, Some(2));
    assert!(err.contains("at most 4096 characters"), "{err}");
}
