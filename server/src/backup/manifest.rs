//! A backup's manifest: what it holds (each file's SHA-256 and size, each
//! table's row count, the schema version), and the checks that refuse a
//! backup with a changed byte, a missing or extra file, or an edited
//! manifest, naming the file.

use crate::error::ServerError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The manifest's file name in a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The file holding the manifest's own SHA-256.
pub const MANIFEST_SUM: &str = "manifest.json.sha256";
/// The layout this code writes and reads.
pub const FORMAT: u32 = 1;

/// One file of a backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub sha256: String,
    pub size: u64,
}

/// What a backup holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    /// Unix seconds.
    pub created_at: i64,
    /// The Visadesk that made it.
    pub visadesk_version: String,
    /// The newest migration applied to the database it was taken from.
    pub schema_version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// Rows per table (`database/<table>.jsonl`, one row a line).
    pub tables: BTreeMap<String, u64>,
    /// Document objects, as stored (sealed): `documents/<storage key>`.
    pub documents: u64,
    /// Objects a document row named but storage did not have when the
    /// backup was taken (reported then; `visadesk scrub` finds them too).
    pub documents_missing: Vec<String>,
    /// Whether the key files of the data folder are in `keys/`.
    pub keys_included: bool,
    /// Every file but the manifest and its sum, by path in the folder.
    pub files: BTreeMap<String, FileEntry>,
}

/// Writes a file, hashing and counting what goes through.
pub struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            size: 0,
        }
    }

    /// The entry of what was written, and the inner writer.
    pub fn finish(self) -> (FileEntry, W) {
        (
            FileEntry {
                sha256: hex::encode(self.hasher.finalize()),
                size: self.size,
            },
            self.inner,
        )
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn entry_of(path: &Path) -> std::io::Result<(FileEntry, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let (mut size, mut lines) = (0u64, 0u64);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
    }
    Ok((
        FileEntry {
            sha256: hex::encode(hasher.finalize()),
            size,
        },
        lines,
    ))
}

/// Writes the manifest and its sum (each to a temporary name, then renamed).
pub fn write(dir: &Path, manifest: &Manifest) -> Result<(), ServerError> {
    let text = serde_json::to_vec_pretty(manifest)
        .map_err(|e| ServerError::Backup(format!("the manifest could not be written: {e}")))?;
    let sum = format!("{}  {MANIFEST}\n", hex::encode(Sha256::digest(&text)));
    for (name, bytes) in [(MANIFEST, text.as_slice()), (MANIFEST_SUM, sum.as_bytes())] {
        let part = dir.join(format!("{name}.part"));
        let mut file = std::fs::File::create(&part)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&part, dir.join(name))?;
    }
    Ok(())
}

/// Every file under `dir`, by its path relative to `dir` (with `/`).
fn files_under(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                found.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Reads the manifest of the backup in `dir` and checks every file against
/// it: the manifest against its sum, each listed file's size and SHA-256,
/// each table's row count, and that no file is missing or unlisted. The
/// error names every file that fails.
pub fn verify(dir: &Path) -> Result<Manifest, ServerError> {
    let refuse = |problems: Vec<String>| {
        ServerError::Backup(format!(
            "{} is not a sound backup:\n  {}",
            dir.display(),
            problems.join("\n  ")
        ))
    };
    if !dir.is_dir() {
        return Err(ServerError::Backup(format!(
            "{} is not a backup folder",
            dir.display()
        )));
    }
    let text =
        std::fs::read(dir.join(MANIFEST)).map_err(|e| refuse(vec![format!("{MANIFEST}: {e}")]))?;
    let sum = std::fs::read_to_string(dir.join(MANIFEST_SUM))
        .map_err(|e| refuse(vec![format!("{MANIFEST_SUM}: {e}")]))?;
    let written = sum.split_whitespace().next().unwrap_or_default();
    if written != hex::encode(Sha256::digest(&text)) {
        return Err(refuse(vec![format!(
            "{MANIFEST} was changed after the backup was made (its SHA-256 is not the one in {MANIFEST_SUM})"
        )]));
    }
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| refuse(vec![format!("{MANIFEST} cannot be read: {e}")]))?;
    if manifest.format != FORMAT {
        return Err(refuse(vec![format!(
            "{MANIFEST}: format {} (this Visadesk reads format {FORMAT})",
            manifest.format
        )]));
    }
    let mut problems = Vec::new();
    for (path, want) in &manifest.files {
        if path.split('/').any(|part| part == ".." || part.is_empty()) {
            problems.push(format!("{path}: not a path inside the backup"));
            continue;
        }
        match entry_of(&dir.join(path)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(format!("{path} is missing"))
            }
            Err(e) => problems.push(format!("{path} cannot be read: {e}")),
            Ok((have, lines)) => {
                if have.size != want.size {
                    problems.push(format!(
                        "{path} has {} bytes, the manifest says {}",
                        have.size, want.size
                    ));
                } else if have.sha256 != want.sha256 {
                    problems.push(format!(
                        "{path} was changed: its SHA-256 is not the manifest's"
                    ));
                }
                if let Some(table) = path
                    .strip_prefix("database/")
                    .and_then(|p| p.strip_suffix(".jsonl"))
                {
                    if manifest.tables.get(table) != Some(&lines) {
                        problems.push(format!(
                            "{path} holds {lines} rows, the manifest says {:?}",
                            manifest.tables.get(table)
                        ));
                    }
                }
            }
        }
    }
    for table in manifest.tables.keys() {
        if !manifest
            .files
            .contains_key(&format!("database/{table}.jsonl"))
        {
            problems.push(format!(
                "{MANIFEST} counts rows of {table} but lists no file for it"
            ));
        }
    }
    for path in files_under(dir)? {
        if path != MANIFEST && path != MANIFEST_SUM && !manifest.files.contains_key(&path) {
            problems.push(format!("{path} is not in the manifest"));
        }
    }
    if problems.is_empty() {
        Ok(manifest)
    } else {
        Err(refuse(problems))
    }
}
