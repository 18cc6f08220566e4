//! Whether a valid config can run on this machine: everything `run` needs before its first
//! poll (the database's file and folder usable, secrets readable, environment variables set,
//! HTTP clients buildable), checked without starting anything or leaving any file behind.
//!
//! `check-config`, `run` and a reload all call [`check`], so a config that passes
//! `check-config` (run as the service's user) does not fail at start, and a reload that would
//! fail is refused while the running config goes on. `check-config` alone also calls
//! [`trust_store`]: `run` and a reload leave the store to the first HTTPS handshake, which
//! is faster and lets a plain-http daemon run without one.

use std::fs::OpenOptions;
use std::path::Path;

use crate::config::{Config, SinkKind, SmtpTls};
use crate::fetch::Fetcher;
use crate::notify::Notifier;
use crate::store::{Store, StoreError, daemon_running};
use crate::tls::Tls;

/// Every problem that would stop `config` from running here, each naming what to fix.
pub fn check(config: &Config) -> Vec<String> {
    let mut problems = Vec::new();
    problems.extend(database(&config.database));
    problems.extend(metrics_listen(config));
    // The clients are built as `run` builds them; the trust store is not read (it is read at
    // the first HTTPS handshake, and a failure there is that fetch's or delivery's error).
    let tls = match Tls::new() {
        Ok(tls) => tls,
        Err(err) => {
            problems.push(err.to_string());
            return problems;
        }
    };
    if let Err(err) = Fetcher::new(&config.fetch, &tls) {
        problems.push(format!("[fetch]: {err}"));
    }
    problems.extend(
        Notifier::check(&config.sinks, &config.fetch.user_agent, &tls)
            .into_iter()
            .map(|err| err.to_string()),
    );
    problems
}

/// The system trust store, read as the first HTTPS handshake would read it, when `config`
/// will need it: a problem naming what needs it, where the store was looked for and what to
/// do, or `None` (also when nothing needs it, and then nothing is read).
pub fn trust_store(config: &Config) -> Option<String> {
    let user = needs_trust_store(config)?;
    // A TLS set-up that fails is already [`check`]'s problem.
    let tls = Tls::new().ok()?;
    let err = tls.read_trust_store().err()?;
    Some(format!("{user}: {err}"))
}

/// What in `config` will go over HTTPS, named for the problem; `None` if nothing will.
///
/// Any source does, whatever its URL's scheme: plain-http news sites redirect to https, feeds
/// and listing pages link to https articles, Telegram channels are https, and which of them a
/// source reaches is known only by fetching it; a daemon without a store would fail them all.
/// The price is a false alarm for a config whose every site stays on http. A sink, though,
/// only by its own settings: sinks follow no redirect (notify's client refuses them), so only
/// an https webhook or Telegram API URL, or e-mail with STARTTLS or TLS, needs the store.
fn needs_trust_store(config: &Config) -> Option<String> {
    if !config.sources.is_empty() {
        return Some("[[source]] (HTTPS: news sites redirect and link to https)".to_string());
    }
    config.sinks.iter().find_map(|sink| {
        let over = match &sink.kind {
            SinkKind::Webhook(webhook) if webhook.url.scheme() == "https" => "an https URL",
            SinkKind::Telegram(bot) if bot.api_url.scheme() == "https" => "an https URL",
            SinkKind::Email(email) if email.tls != SmtpTls::None => "SMTP with TLS",
            _ => return None,
        };
        Some(format!("sink {:?} ({over})", sink.name))
    })
}

/// The database must be a regular file (or not exist yet) in a folder newswatch may write:
/// SQLite creates its `-wal` and `-shm` files, and newswatch its lock file, beside it.
fn database(path: &Path) -> Option<String> {
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Some(format!(
                "storage.database {shown} is a directory; name a file in it, e.g. \"{}\"",
                path.join("newswatch.db").display()
            ));
        }
        Ok(meta) if !meta.is_file() => {
            return Some(format!(
                "storage.database {shown} is not a regular file; name a file such as \"newswatch.db\""
            ));
        }
        Ok(_) => {
            if let Err(err) = OpenOptions::new().read(true).write(true).open(path) {
                return Some(format!(
                    "storage.database {shown} cannot be opened for writing: {err}; give newswatch's user write access to it"
                ));
            }
            // Not an SQLite file, or a schema from a newer newswatch (an older one is migrated).
            match Store::open_read_only(path) {
                Ok(_) | Err(StoreError::TooOld { .. }) => {}
                Err(err) => return Some(format!("storage.database: {err}")),
            }
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Some(format!("storage.database {shown}: {err}")),
    }
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    folder_writable(folder).err().map(|err| {
        format!(
            "storage.database {shown}: its folder {} is not usable ({err}); create it and let newswatch's user write it (the database's -wal, -shm and .lock files and the near-copy index's unnamed file live there)",
            folder.display()
        )
    })
}

/// `[metrics] listen` must be an address this user may bind and no other program holds. In
/// use while a daemon runs on this database is fine: that daemon holds it, and a reload that
/// moves it binds the new address before letting go of the old one.
fn metrics_listen(config: &Config) -> Option<String> {
    let address = config.metrics.listen?;
    match std::net::TcpListener::bind(address) {
        Ok(_) => None,
        Err(err)
            if err.kind() == std::io::ErrorKind::AddrInUse && daemon_running(&config.database) =>
        {
            None
        }
        Err(err) => Some(format!(
            "metrics.listen {address} cannot be listened on: {err}; pick a free address and port (ports below 1024 need privileges), or remove [metrics]"
        )),
    }
}

/// Creates and removes a probe file in `folder`: the only sure test of write access.
fn folder_writable(folder: &Path) -> std::io::Result<()> {
    let probe = folder.join(format!(".newswatch-check-{}", std::process::id()));
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_must_be_a_file_in_an_existing_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(database(&dir.path().join("n.db")), None);
        let folder = database(dir.path()).unwrap();
        assert!(folder.contains("is a directory"), "{folder}");
        let missing = database(&dir.path().join("no/such/n.db")).unwrap();
        assert!(missing.contains("is not usable"), "{missing}");
        assert!(
            database(Path::new("/dev/null"))
                .unwrap()
                .contains("not a regular file")
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let text = dir.path().join("notes.txt");
        std::fs::write(
            &text,
            "not a database, yet long enough for a header ".repeat(4),
        )
        .unwrap();
        let problem = database(&text).unwrap();
        assert!(
            problem.contains("storage.database: cannot open database"),
            "{problem}"
        );
    }

    #[test]
    fn any_source_and_only_sinks_that_go_over_tls_need_the_trust_store() {
        let needs = |tables: &str| {
            let text = format!("[storage]\ndatabase = \"n.db\"\n{tables}");
            let config = Config::parse(&text, Path::new("/etc/newswatch/n.toml"))
                .unwrap_or_else(|problems| panic!("{problems:?}"));
            needs_trust_store(&config)
        };
        let plain_sinks = "[[sink]]\nkind = \"log\"\n\
             [[sink]]\nkind = \"command\"\ncommand = [\"/usr/bin/logger\"]\n\
             [[sink]]\nkind = \"webhook\"\nurl = \"http://127.0.0.1:8080/hook\"\n\
             [[sink]]\nkind = \"telegram\"\napi_url = \"http://127.0.0.1:8081\"\ntoken = \"1:x\"\nchat_id = 5\n\
             [[sink]]\nkind = \"email\"\nhost = \"127.0.0.1\"\ntls = \"none\"\nfrom = \"nw@example.org\"\nto = [\"desk@example.org\"]\n";
        assert_eq!(needs(plain_sinks), None);
        let plain_source = "[[source]]\nname = \"local\"\nurl = \"http://127.0.0.1:8080/rss\"\n";
        let user = needs(&format!("{plain_source}{plain_sinks}")).unwrap();
        assert!(user.starts_with("[[source]]"), "{user}");
        for (sink, over) in [
            (
                "kind = \"webhook\"\nurl = \"https://hooks.example.org/nw\"",
                "an https URL",
            ),
            (
                "kind = \"telegram\"\ntoken = \"1:x\"\nchat_id = 5",
                "an https URL",
            ),
            (
                "kind = \"email\"\nhost = \"smtp.example.org\"\nfrom = \"nw@example.org\"\nto = [\"desk@example.org\"]",
                "SMTP with TLS",
            ),
        ] {
            let user = needs(&format!("{plain_sinks}[[sink]]\nname = \"tls\"\n{sink}\n"));
            assert_eq!(
                user.as_deref(),
                Some(&*format!("sink \"tls\" ({over})")),
                "{sink}"
            );
        }
    }

    #[test]
    fn a_metrics_address_another_program_holds_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = held.local_addr().unwrap();
        let text = format!("[storage]\ndatabase = \"n.db\"\n[metrics]\nlisten = \"{address}\"\n");
        let config = Config::parse(&text, &dir.path().join("n.toml")).unwrap();
        let problem = metrics_listen(&config).unwrap();
        assert!(problem.contains("cannot be listened on"), "{problem}");
        drop(held);
        assert_eq!(metrics_listen(&config), None);
    }
}
