//! Reading local files with a size cap: the config, secret files and the CLI's input files.
//!
//! Only regular files are read. A FIFO would block the reader until some writer appears (and
//! ignore SIGTERM meanwhile), and `/dev/zero` or `/dev/urandom` never end; both are refused
//! from their `stat` before the file is opened. A regular file is read up to its cap and no
//! further, so a file that grows while being read cannot exhaust memory either.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest config file read (a config with thousands of sources is well under 1 MiB).
pub const MAX_CONFIG_BYTES: u64 = 4 << 20;
/// Largest secret file read (tokens, passwords and HMAC keys are a few hundred bytes).
pub const MAX_SECRET_BYTES: u64 = 64 << 10;
/// Largest page or text file the `extract` and `match` commands read; above the default
/// `fetch.max_body_bytes` (10 MiB), so any page the daemon stores can be replayed.
pub const MAX_DOCUMENT_BYTES: u64 = 16 << 20;

/// Why a file could not be read: the file and the reason.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {reason}")]
pub struct ReadError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub reason: ReadFailure,
}

/// What went wrong reading a file.
#[derive(Debug, thiserror::Error)]
pub enum ReadFailure {
    /// The file does not exist or cannot be opened or read.
    #[error("{0}; check the path and that newswatch's user may read it")]
    Io(std::io::Error),
    /// The path names a directory, FIFO, socket or device, which could block or never end.
    #[error("it is {0}, not a regular file; point it at a regular file")]
    NotRegular(&'static str),
    /// The file is larger than the cap (in bytes).
    #[error("it is larger than {0} bytes, the most newswatch reads here")]
    TooLarge(u64),
    /// The file is not UTF-8 where text is required.
    #[error("it is not UTF-8 text; save it as UTF-8")]
    NotUtf8,
}

/// Reads at most `cap` bytes of the regular file at `path`; a larger or non-regular file is
/// an error.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let fail = |reason| ReadError {
        path: path.to_path_buf(),
        reason,
    };
    let io = |err| fail(ReadFailure::Io(err));
    let metadata = std::fs::metadata(path).map_err(io)?;
    if let Some(kind) = irregular_kind(&metadata.file_type()) {
        return Err(fail(ReadFailure::NotRegular(kind)));
    }
    let too_large = || fail(ReadFailure::TooLarge(cap));
    if metadata.len() > cap {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Reads the regular UTF-8 text file at `path`, at most `cap` bytes.
pub fn read_text_capped(path: &Path, cap: u64) -> Result<String, ReadError> {
    String::from_utf8(read_capped(path, cap)?).map_err(|_| ReadError {
        path: path.to_path_buf(),
        reason: ReadFailure::NotUtf8,
    })
}

/// What a file that is not a regular file is, in words.
fn irregular_kind(file_type: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_file() {
        None
    } else if file_type.is_dir() {
        Some("a directory")
    } else if file_type.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if file_type.is_socket() {
        Some("a socket")
    } else if file_type.is_char_device() || file_type.is_block_device() {
        Some("a device")
    } else {
        Some("not a file")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_within_the_cap_and_refuses_one_above() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "123:abc\n").unwrap();
        assert_eq!(read_text_capped(&path, 8).unwrap(), "123:abc\n");
        let err = read_capped(&path, 7).unwrap_err();
        assert!(matches!(err.reason, ReadFailure::TooLarge(7)), "{err}");
    }

    #[test]
    fn refuses_directories_devices_and_fifos_without_opening_them() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        for (path, kind) in [
            (dir.path(), "a directory"),
            (Path::new("/dev/zero"), "a device"),
            (fifo.as_path(), "a FIFO (named pipe)"),
        ] {
            match read_capped(path, 1 << 20).map_err(|e| e.reason) {
                Err(ReadFailure::NotRegular(found)) => assert_eq!(found, kind),
                other => panic!("{}: {other:?}", path.display()),
            }
        }
    }

    #[test]
    fn names_a_missing_file_and_non_utf8_text() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read_capped(&dir.path().join("nope"), 10).unwrap_err();
        assert!(missing.to_string().contains("nope"), "{missing}");
        let latin1 = dir.path().join("latin1");
        std::fs::write(&latin1, [0xe9u8]).unwrap();
        assert!(matches!(
            read_text_capped(&latin1, 10).map_err(|e| e.reason),
            Err(ReadFailure::NotUtf8)
        ));
    }
}
