//! Rebuilding the band index at start in bounded memory.
//!
//! The window's signatures are scanned twice. The first scan counts the entries of each
//! directory slot; runs of slots holding at most [`CHUNK`] entries between them make the
//! chunks. The second scan sends each entry to its chunk's place in an unnamed bucket file
//! (through a small buffer per chunk), and each chunk is then read back alone, sorted and
//! written to the index's file in order. Memory: the directory, one buffer per chunk and one
//! chunk — never the whole index.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::spill::io_error;
use super::spill::{IndexError, SpillWriter, unnamed_file};
use super::{BandIndex, SLOTS, band, key, packed_entry, slot_of, windowed};

/// Entries of one chunk at most (unless one slot alone holds more): 2 MiB sorted at once.
const CHUNK: usize = 256 * 1024;

/// Entries buffered per chunk before they are written to the bucket file (8 KiB).
const BUCKET_BUFFER: usize = 1024;

/// Bytes of a packed (band key << 32 | article id) entry in the bucket file.
const PACKED_BYTES: usize = 8;

/// Why a rebuild failed.
#[derive(Debug, thiserror::Error)]
pub enum RebuildError<E> {
    /// The scan of the stored signatures failed.
    #[error("{0}")]
    Scan(E),
    /// The index's file failed.
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// A run of directory slots whose entries are sorted together.
struct Chunk {
    /// Its first directory slot (it ends where the next chunk starts).
    first_slot: usize,
    /// Where its entries start in the bucket file, in entries.
    start: usize,
    /// Entries written to the bucket file.
    written: usize,
    /// Entries not yet written.
    buffer: Vec<u64>,
}

/// The bucket file and its chunks.
struct Buckets<'a> {
    file: File,
    folder: &'a Path,
    chunks: Vec<Chunk>,
    /// The chunk of each directory slot.
    chunk_of: Vec<u32>,
}

impl Buckets<'_> {
    fn add(&mut self, slot: usize, packed: u64) -> Result<(), IndexError> {
        let at = self.chunk_of[slot] as usize;
        self.chunks[at].buffer.push(packed);
        if self.chunks[at].buffer.len() >= BUCKET_BUFFER {
            self.flush(at)?;
        }
        Ok(())
    }

    fn flush(&mut self, at: usize) -> Result<(), IndexError> {
        let chunk = &mut self.chunks[at];
        let bytes: Vec<u8> = chunk.buffer.iter().flat_map(|e| e.to_le_bytes()).collect();
        let position = ((chunk.start + chunk.written) * PACKED_BYTES) as u64;
        self.file
            .write_all_at(&bytes, position)
            .map_err(|source| io_error("write", self.folder, source))?;
        chunk.written += chunk.buffer.len();
        chunk.buffer.clear();
        Ok(())
    }

    /// The entries of chunk `at`, sorted, without duplicates, into `into`: placed slot by
    /// slot first (`placed` says how many each slot holds), then each slot's few entries
    /// sorted, which costs far less than sorting the chunk as a whole.
    fn sorted(&self, at: usize, placed: &[usize], into: &mut Vec<u64>) -> Result<(), IndexError> {
        let chunk = &self.chunks[at];
        let slots = chunk.first_slot..self.chunks.get(at + 1).map_or(SLOTS, |c| c.first_slot);
        let mut bytes = vec![0u8; chunk.written * PACKED_BYTES];
        self.file
            .read_exact_at(&mut bytes, (chunk.start * PACKED_BYTES) as u64)
            .map_err(|source| io_error("read", self.folder, source))?;
        let mut bounds = vec![0usize; slots.len() + 1];
        for (i, slot) in slots.clone().enumerate() {
            bounds[i + 1] = bounds[i] + placed[slot];
        }
        let mut next = bounds.clone();
        into.clear();
        into.resize(chunk.written, 0);
        for word in bytes.as_chunks::<PACKED_BYTES>().0 {
            let packed = u64::from_le_bytes(*word);
            let place = slot_of(key(packed))
                .checked_sub(slots.start)
                .and_then(|i| next.get_mut(i));
            if let Some(place) = place
                && let Some(free) = into.get_mut(*place)
            {
                *free = packed;
                *place += 1;
            }
        }
        for slot in bounds.windows(2) {
            into[slot[0]..slot[1]].sort_unstable();
        }
        into.dedup();
        Ok(())
    }
}

/// See [`BandIndex::rebuild`].
pub(super) fn rebuild<E>(
    folder: &Path,
    floor: u32,
    mut scan: impl FnMut(&mut dyn FnMut(i64, &[i64])) -> Result<(), E>,
) -> Result<BandIndex, RebuildError<E>> {
    // Counted into the next slot's place, then summed: where each slot starts.
    let mut starts = vec![0usize; SLOTS + 1];
    let mut last = None;
    scan(&mut |id, bands| {
        if let Some(id) = windowed(id, floor) {
            last = last.max(Some(id));
            for key in bands.iter().map(|b| band(*b)) {
                starts[slot_of(key) + 1] += 1;
            }
        }
    })
    .map_err(RebuildError::Scan)?;
    for slot in 0..SLOTS {
        starts[slot + 1] += starts[slot];
    }
    let mut buckets = plan(folder, &starts)?;
    // Entries placed per slot: a slot the second scan finds fuller than the first is cut.
    let mut placed = vec![0usize; SLOTS];
    let mut failed = None;
    scan(&mut |id, bands| {
        let Some(id) = windowed(id, floor).filter(|id| Some(*id) <= last) else {
            return;
        };
        for key in bands.iter().map(|b| band(*b)) {
            let slot = slot_of(key);
            if failed.is_some() || placed[slot] >= starts[slot + 1] - starts[slot] {
                continue;
            }
            placed[slot] += 1;
            let packed = (u64::from(key) << 32) | u64::from(id);
            if let Err(err) = buckets.add(slot, packed) {
                failed = Some(err);
            }
        }
    })
    .map_err(RebuildError::Scan)?;
    if let Some(err) = failed {
        return Err(err.into());
    }
    for at in 0..buckets.chunks.len() {
        buckets.flush(at)?;
    }
    write_sorted(folder, floor, &buckets, &placed)
}

/// The bucket file and its chunks for slots starting at `starts`.
fn plan<'a>(folder: &'a Path, starts: &[usize]) -> Result<Buckets<'a>, IndexError> {
    let mut chunks = Vec::new();
    let mut chunk_of = vec![0u32; SLOTS];
    let mut chunk_start = 0;
    for slot in 0..SLOTS {
        if slot == 0 || starts[slot + 1] - chunk_start > CHUNK && starts[slot] > chunk_start {
            chunk_start = starts[slot];
            chunks.push(Chunk {
                first_slot: slot,
                start: chunk_start,
                written: 0,
                buffer: Vec::with_capacity(BUCKET_BUFFER),
            });
        }
        chunk_of[slot] = (chunks.len() - 1) as u32;
    }
    Ok(Buckets {
        file: unnamed_file(folder)?,
        folder,
        chunks,
        chunk_of,
    })
}

/// Sorts chunk after chunk into the index's file.
fn write_sorted<E>(
    folder: &Path,
    floor: u32,
    buckets: &Buckets<'_>,
    placed: &[usize],
) -> Result<BandIndex, RebuildError<E>> {
    let mut out = SpillWriter::create(folder)?;
    let mut dir = vec![0u32; SLOTS + 1];
    let mut chunk = Vec::new();
    for at in 0..buckets.chunks.len() {
        buckets.sorted(at, placed, &mut chunk)?;
        for &packed in &chunk {
            out.push(packed_entry(packed))?;
            let slot = &mut dir[slot_of(key(packed)) + 1];
            *slot = slot.saturating_add(1);
        }
    }
    for slot in 0..SLOTS {
        dir[slot + 1] = dir[slot + 1].saturating_add(dir[slot]);
    }
    Ok(BandIndex::from_parts(folder, out.finish()?, dir, floor))
}
