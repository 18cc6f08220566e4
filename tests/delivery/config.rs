//! `[[sink]]` configuration through the binary: every kind accepted, mistakes explained with
//! their line, and a missing secret stopping the start.

use super::common::process::{newswatch_bin, run_newswatch, run_with_timeout};
use super::{LIMIT, Setup};

fn check(sinks: &str) -> String {
    let s = Setup::new(&[], sinks);
    let out = run_newswatch(&["check-config", "--config", s.cfg()], LIMIT);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn check_config_explains_sink_mistakes() {
    let cases = [
        (
            "[[sink]]\nkind = \"telegram\"\nurl = \"http://x/\"\nchat_id = 1\ntoken_env = \"T\"\n",
            "`url` is not a setting of a telegram sink",
        ),
        (
            "[[sink]]\nkind = \"telegram\"\ntoken = \"a\"\ntoken_file = \"b\"\nchat_id = 1\n",
            "set only one of `token`, `token_env` and `token_file`",
        ),
        (
            "[[sink]]\nkind = \"webhook\"\nurl = \"http://x/\"\nrules = [\"nope\"]\n",
            "there is no [[rule]] named \"nope\"",
        ),
        (
            "[[sink]]\nkind = \"webhook\"\nurl = \"http://x/\"\nrate_limit = \"lots\"\n",
            "must read COUNT/WINDOW",
        ),
        (
            "[[sink]]\nkind = \"webhook\"\nurl = \"http://x/\"\nmode = \"digest\"\n",
            "a digest needs either",
        ),
        (
            "[[sink]]\nkind = \"email\"\nhost = \"smtp.example.org\"\nfrom = \"x\"\nto = [\"a@b.kz\"]\n",
            "from \"x\" is not an e-mail address",
        ),
        (
            "[[sink]]\nkind = \"command\"\ncommand = []\n",
            "command must list the program",
        ),
        (
            "[[sink]]\nkind = \"pigeon\"\n",
            "sink kind \"pigeon\" is not supported",
        ),
    ];
    for (sinks, expected) in cases {
        let stderr = check(sinks);
        assert!(
            stderr.contains(expected),
            "{sinks}: expected {expected:?} in {stderr}"
        );
        assert!(stderr.contains("newswatch.toml:"), "{stderr}");
    }
}

#[test]
fn a_missing_secret_stops_the_start_naming_the_sink() {
    let s = Setup::new(
        &[],
        "[[sink]]\nkind = \"telegram\"\nname = \"desk\"\ntoken_file = \"missing.token\"\nchat_id = 1\n",
    );
    let out = run_newswatch(&["run", "--once", "--config", s.cfg()], LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("sink \"desk\": cannot read its secret")
            && stderr.contains("missing.token"),
        "{stderr}"
    );
}

#[test]
fn check_config_accepts_every_kind_of_sink() {
    let s = Setup::new(
        &[],
        "[[sink]]\nkind = \"log\"\n\n\
         [[sink]]\nkind = \"webhook\"\nurl = \"https://cases.example.org/hook\"\nsecret_env = \"HOOK_KEY\"\n\
         headers = { X-Team = \"kz\" }\nrules = [\"protest\"]\nsources = [\"azattyq\"]\n\n\
         [[sink]]\nkind = \"telegram\"\ntoken_file = \"tg.token\"\nchat_id = \"@kz_alerts\"\nrate_limit = \"20/1h\"\n\n\
         [[sink]]\nkind = \"email\"\nmode = \"digest\"\nat = \"08:00+05:00\"\nhost = \"smtp.example.org\"\n\
         username = \"a\"\npassword_env = \"P\"\nfrom = \"newswatch <alerts@example.org>\"\nto = [\"desk@example.org\"]\n\n\
         [[sink]]\nkind = \"command\"\nmode = \"digest\"\nevery = \"1h\"\ncommand = [\"/bin/true\"]\n",
    );
    // check-config reads the secrets as `run` would: provide them.
    s.dir.write_file("tg.token", "123:abc\n");
    let mut command = std::process::Command::new(newswatch_bin());
    command
        .args(["check-config", "--config", s.cfg()])
        .env("HOOK_KEY", "k")
        .env("P", "p");
    let out = run_with_timeout(command, LIMIT);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("5 sinks"));
}
