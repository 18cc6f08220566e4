//! What newswatch reads from disk: every file has a size cap and must be a regular file, and
//! `check-config` reports, in one run, every problem that would stop `run`.

use std::time::Duration;

use crate::common::process::{TestDir, run_newswatch};
use crate::{cli, config_with, stderr};

/// Bound for commands that must refuse at once; a read that hangs is killed after it.
const QUICK: Duration = Duration::from_secs(20);

fn mkfifo(dir: &TestDir, name: &str) -> String {
    let path = dir.path().join(name);
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    path.to_str().unwrap().to_string()
}

#[test]
fn files_that_never_end_or_are_too_large_are_refused_at_once() {
    let dir = TestDir::new();
    let fifo = mkfifo(&dir, "fifo");
    let big = dir.path().join("big.txt");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(17 << 20)
        .unwrap();
    let big = big.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["check-config", "--config", "/dev/zero"],
            "not a regular file",
        ),
        (&["check-config", "--config", &fifo], "a FIFO"),
        (&["run", "--once", "--config", &fifo], "a FIFO"),
        (
            &["match", "--query", "x", "--file", "/dev/zero"],
            "a device",
        ),
        (&["match", "--query", "x", "--file", &fifo], "a FIFO"),
        (
            &["match", "--query", "x", "--file", big],
            "larger than 16777216 bytes",
        ),
        (&["extract", "--file", "/dev/zero"], "a device"),
        (&["extract", "--file", &fifo], "a FIFO"),
        (&["extract", "--file", big], "larger than"),
    ];
    for (args, expected) in cases {
        let out = run_newswatch(args, QUICK);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: expected {expected:?} in {}",
            stderr(&out)
        );
    }
}

#[test]
fn secret_files_that_never_end_fail_check_config_and_run() {
    let dir = TestDir::new();
    let fifo = mkfifo(&dir, "token.fifo");
    for secret in ["/dev/zero", fifo.as_str()] {
        let config = config_with(
            &dir,
            "http://127.0.0.1:9/rss",
            &format!(
                "\n[[sink]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"http://127.0.0.1:9/h\"\nsecret_file = \"{secret}\"\n"
            ),
        );
        for args in [&["check-config"][..], &["run", "--once"]] {
            let mut all = args.to_vec();
            all.extend(["--config", config.to_str().unwrap()]);
            let out = run_newswatch(&all, QUICK);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{args:?} {secret}: {}",
                stderr(&out)
            );
            assert!(
                stderr(&out).contains("sink \"hook\": cannot read its secret")
                    && stderr(&out).contains("not a regular file"),
                "{args:?} {secret}: {}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn check_config_runs_every_check_run_would_and_reports_them_all() {
    let dir = TestDir::new();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::create_dir(dir.path().join("secret.d")).unwrap();
    let config = config_with(
        &dir,
        "http://127.0.0.1:9/rss",
        "\n[[sink]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"http://127.0.0.1:9/h\"\nsecret_file = \"secret.d\"\n\
         \n[[sink]]\nkind = \"telegram\"\nname = \"tg\"\ntoken_env = \"NEWSWATCH_TEST_UNSET_TOKEN\"\nchat_id = 5\n",
    );
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("database = \"n.db\"", "database = \"data\"");
    std::fs::write(&config, text).unwrap();
    for args in [&["check-config"][..], &["run", "--once"]] {
        let out = cli(args, &config);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        for expected in [
            "is a directory; name a file in it",
            "sink \"hook\": cannot read its secret",
            "NEWSWATCH_TEST_UNSET_TOKEN is not set",
            "3 problem(s)",
        ] {
            assert!(err.contains(expected), "{args:?}: {expected:?} in {err}");
        }
    }
    let bad_agent = config_with(&dir, "http://127.0.0.1:9/rss", "")
        .to_str()
        .unwrap()
        .to_string();
    let text = std::fs::read_to_string(&bad_agent)
        .unwrap()
        .replace("[fetch]\n", "[fetch]\nuser_agent = \"bad\\r\\nX: y\"\n");
    std::fs::write(&bad_agent, text).unwrap();
    let out = run_newswatch(&["check-config", "--config", &bad_agent], QUICK);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("newswatch.toml:5:14: fetch.user_agent"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_config_reports_every_unknown_key_and_bad_value_with_its_line_and_column() {
    let dir = TestDir::new();
    let config = config_with(&dir, "http://127.0.0.1:9/rss", "");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[storage]\n", "tgas = [\"x\"]\n[storage]\n")
        .replace("interval = \"10m\"", "intervl = \"10m\"")
        .replace("timeout = \"3s\"", "timeout = 3")
        .replace("kind = \"log\"", "kind = \"log\"\ncolour = \"red\"");
    let text = format!("{text}\n[[source]]\nname = \"azattyq\"\nurl = \"http://127.0.0.1:9/b\"\n");
    std::fs::write(&config, text).unwrap();
    let out = cli(&["check-config"], &config);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for expected in [
        "newswatch.toml:1:1: unknown field `tgas`",
        "newswatch.toml:7:11: `timeout`: invalid type: integer `3`, expected a string",
        "newswatch.toml:14:1: unknown field `intervl`",
        "newswatch.toml:23:1: unknown field `colour`",
        "newswatch.toml:26:8: source name \"azattyq\" is used twice",
        "5 problem(s)",
    ] {
        assert!(err.contains(expected), "{expected:?} in {err}");
    }
}
