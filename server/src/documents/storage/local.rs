//! The local-folder adapter: objects are files under `<root>/objects`,
//! written to `<root>/tmp` first, fsynced, then renamed into place (and the
//! folder fsynced), so a crash never leaves a partial object under a key.
//! While a file is written, what is written goes to disk behind it and
//! leaves the page cache ([`WriteBehind`]).

use super::{PendingObject, Storage, StorageError};
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Documents kept in a folder (by default `DATA_DIR/documents`).
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    /// Opens (creating) the folder; it is made private to this user.
    pub fn open(root: &Path) -> Result<LocalStorage, StorageError> {
        fs::create_dir_all(root.join("objects"))?;
        fs::create_dir_all(root.join("tmp"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(root, fs::Permissions::from_mode(0o700))?;
        }
        Ok(LocalStorage {
            root: root.to_path_buf(),
        })
    }

    fn path(&self, key: &str) -> Result<PathBuf, StorageError> {
        let ok = !key.is_empty()
            && key.split('/').all(|part| {
                !part.is_empty()
                    && part != "."
                    && part != ".."
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
        if !ok {
            return Err(StorageError::Store(format!("bad object key {key:?}")));
        }
        Ok(self.root.join("objects").join(key))
    }
}

/// Bytes between two write-behind steps.
const WINDOW: u64 = 8 << 20;

/// A file being written that keeps what it has written from piling up in
/// the page cache (Linux): every [`WINDOW`] bytes it starts writing that
/// window to disk, waits for the window before it, and drops that one from
/// the cache. A 1 GiB upload then neither fills memory with dirty pages nor
/// leaves the whole gibibyte to the commit's fsync; the fsync still decides
/// durability.
struct WriteBehind {
    file: File,
    written: u64,
    /// The window being written back, as (start, length).
    current: (u64, u64),
}

impl WriteBehind {
    fn new(file: File) -> WriteBehind {
        WriteBehind {
            file,
            written: 0,
            current: (0, 0),
        }
    }

    /// Starts writing back what was written since the last step, and
    /// waits for and drops the window before it.
    fn step(&mut self) -> io::Result<()> {
        let previous = self.current;
        let start = previous.0 + previous.1;
        self.current = (start, self.written - start);
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let fd = self.file.as_raw_fd();
            let (start, len) = self.current;
            // SAFETY: `fd` is the open file this value owns; the calls take
            // only integers and touch no memory of ours.
            let rc = unsafe {
                libc::sync_file_range(fd, start as i64, len as i64, libc::SYNC_FILE_RANGE_WRITE)
            };
            if rc != 0 {
                return Err(io::Error::last_os_error());
            }
            if previous.1 > 0 {
                let (start, len) = (previous.0 as i64, previous.1 as i64);
                let wait = libc::SYNC_FILE_RANGE_WAIT_BEFORE
                    | libc::SYNC_FILE_RANGE_WRITE
                    | libc::SYNC_FILE_RANGE_WAIT_AFTER;
                // SAFETY: as above.
                if unsafe { libc::sync_file_range(fd, start, len, wait) } != 0 {
                    return Err(io::Error::last_os_error());
                }
                // Advice only: a refusal changes nothing that is written.
                // SAFETY: as above.
                unsafe { libc::posix_fadvise(fd, start, len, libc::POSIX_FADV_DONTNEED) };
            }
        }
        Ok(())
    }

    /// Makes the file durable and drops it from the page cache.
    fn sync_all(self) -> io::Result<()> {
        self.file.sync_all()?;
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            // Advice only, as in `step`. SAFETY: as in `step`.
            unsafe { libc::posix_fadvise(self.file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
        }
        Ok(())
    }
}

impl Write for WriteBehind {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - (self.current.0 + self.current.1) >= WINDOW {
            self.step()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// A file being written in `tmp/`; removed unless committed.
struct LocalPending {
    file: Option<BufWriter<WriteBehind>>,
    temp: PathBuf,
    target: PathBuf,
}

impl Write for LocalPending {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("object already finished")),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(buf),
            None => Err(io::Error::other("object already finished")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl PendingObject for LocalPending {
    fn commit(mut self: Box<Self>) -> Result<(), StorageError> {
        let file = self
            .file
            .take()
            .ok_or_else(|| StorageError::Store("object already finished".into()))?;
        let file = file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        let parent = self
            .target
            .parent()
            .ok_or_else(|| StorageError::Store("object without a folder".into()))?
            .to_path_buf();
        fs::create_dir_all(&parent)?;
        fs::rename(&self.temp, &self.target)?;
        sync_dir(&parent)?;
        Ok(())
    }

    fn abort(self: Box<Self>) {
        // Drop removes the temporary file.
    }
}

impl Drop for LocalPending {
    fn drop(&mut self) {
        drop(self.file.take());
        if let Err(e) = fs::remove_file(&self.temp) {
            if e.kind() != io::ErrorKind::NotFound {
                tracing::warn!(file = %self.temp.display(), error = %e, "could not remove a temporary upload");
            }
        }
    }
}

impl Storage for LocalStorage {
    fn create(&self, key: &str) -> Result<Box<dyn PendingObject>, StorageError> {
        let target = self.path(key)?;
        let temp = self
            .root
            .join("tmp")
            .join(format!("{}.part", uuid::Uuid::new_v4().simple()));
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        Ok(Box::new(LocalPending {
            file: Some(BufWriter::with_capacity(256 * 1024, WriteBehind::new(file))),
            temp,
            target,
        }))
    }

    fn open(&self, key: &str) -> Result<Box<dyn Read + Send>, StorageError> {
        match File::open(self.path(key)?) {
            Ok(f) => Ok(Box::new(io::BufReader::with_capacity(256 * 1024, f))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(StorageError::NotFound(key.to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn delete(&self, key: &str) -> Result<(), StorageError> {
        match fs::remove_file(self.path(key)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    fn keys(&self) -> Result<Vec<String>, StorageError> {
        let base = self.root.join("objects");
        let mut keys = Vec::new();
        let mut stack = vec![base.clone()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir)? {
                let entry = entry?;
                let path = entry.path();
                if entry.file_type()?.is_dir() {
                    stack.push(path);
                } else if let Ok(rel) = path.strip_prefix(&base) {
                    keys.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        keys.sort();
        Ok(keys)
    }

    fn sweep_incomplete(&self) -> Result<usize, StorageError> {
        let mut removed = 0;
        for entry in fs::read_dir(self.root.join("tmp"))? {
            fs::remove_file(entry?.path())?;
            removed += 1;
        }
        Ok(removed)
    }

    fn describe(&self) -> String {
        format!("folder {}", self.root.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, LocalStorage) {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStorage::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn an_object_appears_only_when_committed() {
        let (dir, store) = store();
        let mut pending = store.create("ab/abc-v1").unwrap();
        pending.write_all(b"sealed bytes").unwrap();
        assert!(store.keys().unwrap().is_empty());
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 1);
        pending.commit().unwrap();
        assert_eq!(store.keys().unwrap(), ["ab/abc-v1"]);
        let mut back = Vec::new();
        store
            .open("ab/abc-v1")
            .unwrap()
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, b"sealed bytes");
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn a_file_of_several_write_behind_windows_reads_back_exactly() {
        let (_dir, store) = store();
        let bytes: Vec<u8> = (0..(2 * WINDOW + 12_345) as usize)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let mut pending = store.create("ab/big").unwrap();
        for piece in bytes.chunks(300_000) {
            pending.write_all(piece).unwrap();
        }
        pending.commit().unwrap();
        let mut back = Vec::new();
        store
            .open("ab/big")
            .unwrap()
            .read_to_end(&mut back)
            .unwrap();
        assert!(
            back == bytes,
            "the stored file differs from what was written"
        );
    }

    #[test]
    fn aborted_and_dropped_objects_leave_nothing() {
        let (dir, store) = store();
        let mut a = store.create("ab/a").unwrap();
        a.write_all(b"x").unwrap();
        a.abort();
        let mut b = store.create("ab/b").unwrap();
        b.write_all(b"y").unwrap();
        drop(b);
        assert!(store.keys().unwrap().is_empty());
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn keys_cannot_leave_the_folder_and_missing_objects_are_not_found() {
        let (_dir, store) = store();
        for key in ["../x", "a/../../x", "/etc/passwd", "", "a//b", "a b"] {
            assert!(store.create(key).is_err(), "{key}");
        }
        assert!(matches!(
            store.open("ab/none"),
            Err(StorageError::NotFound(_))
        ));
        store.delete("ab/none").unwrap();
    }

    #[test]
    fn leftovers_of_a_crash_are_swept() {
        let (dir, store) = store();
        fs::write(dir.path().join("tmp/123.part"), b"half").unwrap();
        assert_eq!(store.sweep_incomplete().unwrap(), 1);
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }
}
