//! The memory allocators the binary runs on. Rust's allocations go to jemalloc, with two
//! arenas and a background thread that gives pages back to the kernel once they have lain
//! unused for ten seconds; on the farm it spends 13–15 % less CPU per article than glibc's
//! malloc, with a fifth of the page faults, for a higher but flat peak (docs/benchmarks.md,
//! "The allocator"). The C libraries (SQLite, the TLS library's C parts) keep glibc's
//! malloc, tuned by [`tune_c_malloc`]. The binary and the soak bench install
//! [`Jemalloc`] as their global allocator; tests keep the system one (some count
//! allocations with their own).

pub use tikv_jemallocator::Jemalloc;

/// jemalloc's options, read once when it starts: two arenas instead of four per core (on
/// the farm, eight arenas peaked 10–30 MB higher at the same CPU) and a background thread
/// that purges unused pages on time even while the daemon idles between polls. An admin may
/// add or override options with the `_RJEM_MALLOC_CONF` environment variable.
// SAFETY: jemalloc reads this symbol (a pointer to a NUL-terminated string) at its start;
// its own definition is weak, so this one is the one it reads, and it is never written.
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static JEMALLOC_OPTIONS: &[u8; 33] = b"narenas:2,background_thread:true\0";

/// glibc malloc arenas kept at most for the C libraries' allocations. By default glibc
/// gives busy threads arenas of their own (up to eight per core); before Rust's allocations
/// moved to jemalloc the farm benchmark peaked at 157 MB with the default and 73 MB with two.
const MALLOC_ARENAS: i32 = 2;

/// C allocations from this size on get pages of their own from the kernel, given back when
/// freed. glibc's default threshold starts at 128 KiB but rises to the size of every such
/// block freed (up to 32 MiB), after which big buffers come from the heap and leave holes the
/// next, bigger one cannot reuse.
const MMAP_THRESHOLD: i32 = 1 << 20;

/// Caps glibc's malloc arenas at [`MALLOC_ARENAS`], unless `MALLOC_ARENA_MAX` is set in the
/// environment (the admin's choice wins), and fixes the mmap threshold at
/// [`MMAP_THRESHOLD`] unless `MALLOC_MMAP_THRESHOLD_` is set. Call before any thread starts.
pub fn tune_c_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
            // SAFETY: mallopt only sets a malloc tuning value; M_ARENA_MAX takes any positive int.
            unsafe {
                libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
            }
        }
        if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
            // SAFETY: as above; M_MMAP_THRESHOLD takes a size up to 32 MiB on 64-bit.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            }
        }
    }
}
