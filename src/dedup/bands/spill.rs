//! The merged entries of the band index, in an unnamed file beside the database.
//!
//! The file is a cache of what SQLite holds (the index is rebuilt from the stored signatures
//! at every start), so it has no name: made with `O_TMPFILE` (or created and unlinked at once
//! where the file system lacks it), nothing is left behind after a crash and nothing can go
//! stale. It is read with positioned reads, never mapped: mapped pages would count in the
//! process's resident memory, while pages read through the page cache do not. It is written
//! once, front to back, and never changed: a merge writes a new one.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::Entry;

/// Bytes of one entry in the file: three little-endian `u16`s.
pub(super) const ENTRY_BYTES: usize = 6;

/// Bytes buffered by a sequential reader or writer of the file.
const BUFFER_BYTES: usize = 256 * 1024;

/// A failure of the near-copy index's file.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The unnamed file could not be made in the folder.
    #[error(
        "cannot create the near-copy index's unnamed file in {folder}: {source}; newswatch keeps it beside the database: let newswatch's user write that folder, and check its free space"
    )]
    Create {
        /// The database's folder.
        folder: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// Reading or writing the file failed.
    #[error(
        "cannot {doing} the near-copy index's unnamed file in {folder}: {source}; check the disk and the free space of that folder"
    )]
    Io {
        /// What was being done: "read" or "write".
        doing: &'static str,
        /// The database's folder.
        folder: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
}

/// A written file of entries.
#[derive(Debug)]
pub(super) struct Spill {
    file: File,
    folder: PathBuf,
}

impl Spill {
    /// Reads the `count` entries from entry `start` on into `buf` (resized to fit).
    pub(super) fn read(
        &self,
        start: usize,
        count: usize,
        buf: &mut Vec<u8>,
    ) -> Result<(), IndexError> {
        buf.resize(count * ENTRY_BYTES, 0);
        self.file
            .read_exact_at(buf, (start * ENTRY_BYTES) as u64)
            .map_err(|source| io_error("read", &self.folder, source))
    }

    /// A reader of all entries from the first, through a buffer.
    pub(super) fn sequential(&self) -> Result<SpillReader<'_>, IndexError> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0))
            .map_err(|source| io_error("read", &self.folder, source))?;
        Ok(SpillReader {
            reader: BufReader::with_capacity(BUFFER_BYTES, file),
            folder: &self.folder,
        })
    }
}

/// Reads a [`Spill`]'s entries in order.
pub(super) struct SpillReader<'a> {
    reader: BufReader<&'a File>,
    folder: &'a Path,
}

impl SpillReader<'_> {
    /// The next entry (the caller knows how many there are).
    pub(super) fn next(&mut self) -> Result<Entry, IndexError> {
        let mut bytes = [0u8; ENTRY_BYTES];
        self.reader
            .read_exact(&mut bytes)
            .map_err(|source| io_error("read", self.folder, source))?;
        Ok(decode(&bytes))
    }
}

/// Writes a new [`Spill`] front to back.
pub(super) struct SpillWriter {
    writer: BufWriter<File>,
    folder: PathBuf,
}

impl SpillWriter {
    /// A new unnamed file in `folder`.
    pub(super) fn create(folder: &Path) -> Result<SpillWriter, IndexError> {
        Ok(SpillWriter {
            writer: BufWriter::with_capacity(BUFFER_BYTES, unnamed_file(folder)?),
            folder: folder.to_path_buf(),
        })
    }

    /// Appends `entry`.
    pub(super) fn push(&mut self, entry: Entry) -> Result<(), IndexError> {
        let [a, b, c] = entry.map(u16::to_le_bytes);
        let bytes = [a[0], a[1], b[0], b[1], c[0], c[1]];
        self.writer
            .write_all(&bytes)
            .map_err(|source| io_error("write", &self.folder, source))
    }

    /// The written file, ready for reads.
    pub(super) fn finish(self) -> Result<Spill, IndexError> {
        let folder = self.folder;
        let file = self
            .writer
            .into_inner()
            .map_err(|err| io_error("write", &folder, err.into_error()))?;
        Ok(Spill { file, folder })
    }
}

/// Bytes read from a [`Spill`] as its entries, still encoded.
pub(super) fn encoded(bytes: &[u8]) -> &[[u8; ENTRY_BYTES]] {
    bytes.as_chunks().0
}

/// An entry as the file holds it.
pub(super) fn decode(bytes: &[u8; ENTRY_BYTES]) -> Entry {
    let half = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    [half(0), half(2), half(4)]
}

pub(super) fn io_error(doing: &'static str, folder: &Path, source: std::io::Error) -> IndexError {
    IndexError::Io {
        doing,
        folder: folder.to_path_buf(),
        source,
    }
}

/// A read-write file in `folder` that no name leads to.
pub(super) fn unnamed_file(folder: &Path) -> Result<File, IndexError> {
    let create_error = |source| IndexError::Create {
        folder: folder.to_path_buf(),
        source,
    };
    #[cfg(target_os = "linux")]
    {
        let made = OpenOptions::new()
            .read(true)
            .write(true)
            .mode(0o600)
            .custom_flags(libc::O_TMPFILE)
            .open(folder);
        match made {
            Ok(file) => return Ok(file),
            // File systems without O_TMPFILE: fall through to create and unlink.
            Err(err) if matches!(err.raw_os_error(), Some(libc::EOPNOTSUPP | libc::EISDIR)) => {}
            Err(err) => return Err(create_error(err)),
        }
    }
    static MADE: AtomicU64 = AtomicU64::new(0);
    let name = format!(
        ".newswatch-bands-{}-{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::Relaxed)
    );
    let path = folder.join(name);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(create_error)?;
    std::fs::remove_file(&path).map_err(create_error)?;
    Ok(file)
}
