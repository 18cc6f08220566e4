//! The development corpora in `../shared/corpus` for benches: their page directories and
//! files. Benches that read them are run by hand or by `.ci/run`, never by `cargo test`.

use std::path::{Path, PathBuf};

/// Page directories (those with a `source.html`) of corpus `name`, sorted by name.
pub fn page_dirs(name: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("corpus missing at {}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// A corpus file as text (invalid UTF-8 replaced; a missing file reads as empty).
pub fn read(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
}
