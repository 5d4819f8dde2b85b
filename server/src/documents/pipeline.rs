//! The byte pipelines between HTTP and storage. An upload's plaintext is
//! hashed (SHA-256) and sealed on a blocking thread as it streams in, and
//! written to a pending object that becomes visible only when committed. A
//! download is opened and checked in full before the first byte is sent,
//! then opened again as it streams out, so damaged bytes are never served.

use super::crypto::{associated_data, CryptoError, MasterKey, Opener, Sealer};
use super::keys::Keyring;
use super::storage::{PendingObject, Storage, StorageError};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::sync::Arc;

/// Document storage with its keys and limits, shared by every request.
#[derive(Clone)]
pub struct Documents {
    pub storage: Arc<dyn Storage>,
    pub keys: Keyring,
    /// The largest file accepted, in bytes.
    pub max_upload_bytes: u64,
}

/// Why moving a document's bytes failed.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("the stored document's SHA-256 does not match its record")]
    Digest,
    #[error("the upload was abandoned")]
    Abandoned,
}

/// The storage key of a document version.
pub fn storage_key(case_id: &str, document_id: &str) -> String {
    format!("{case_id}/{document_id}")
}

/// What a finished upload left in storage.
#[derive(Clone, Debug)]
pub struct SealedUpload {
    pub size: u64,
    /// Hex SHA-256 of the plaintext.
    pub sha256: String,
    pub key_id: String,
    /// Hex of the wrapped data key.
    pub wrapped_key: String,
}

/// The blocking end of an upload: seals and writes what it is fed. (The
/// SHA-256 is computed by whoever feeds it, on another core: one core
/// hashing and sealing in turn is the bottleneck of a large upload.)
pub struct SealingWriter {
    sealer: Sealer,
    object: Box<dyn PendingObject>,
    size: u64,
    key_id: String,
    wrapped_key: Vec<u8>,
}

impl SealingWriter {
    /// Starts the object `key` for document `document_id` at `version`.
    pub fn begin(
        storage: &dyn Storage,
        master: &MasterKey,
        key: &str,
        document_id: &str,
        version: i64,
    ) -> Result<SealingWriter, PipelineError> {
        let (data_key, wrapped_key) = master.new_data_key()?;
        let (sealer, header) = Sealer::new(&data_key, associated_data(document_id, version))?;
        let mut object = storage.create(key)?;
        object.write_all(&header).map_err(StorageError::from)?;
        Ok(SealingWriter {
            sealer,
            object,
            size: 0,
            key_id: master.id().to_string(),
            wrapped_key,
        })
    }

    /// Takes the next plaintext bytes.
    pub fn write(&mut self, plain: &[u8]) -> Result<(), PipelineError> {
        self.size += plain.len() as u64;
        let sealed = self.sealer.update(plain)?;
        if !sealed.is_empty() {
            self.object.write_all(&sealed).map_err(StorageError::from)?;
        }
        Ok(())
    }

    /// Seals the end and commits the object; `sha256` is the hex SHA-256 of
    /// everything written.
    pub fn finish(mut self, sha256: String) -> Result<SealedUpload, PipelineError> {
        let last = self.sealer.finish()?;
        self.object.write_all(&last).map_err(StorageError::from)?;
        self.object.commit()?;
        Ok(SealedUpload {
            size: self.size,
            sha256,
            key_id: self.key_id,
            wrapped_key: hex::encode(&self.wrapped_key),
        })
    }

    /// Throws away what was written.
    pub fn abort(self) {
        self.object.abort();
    }
}

/// What the reader needs to know of a stored version.
#[derive(Clone, Debug)]
pub struct StoredVersion {
    pub document_id: String,
    pub version: i64,
    pub storage_key: String,
    pub key_id: String,
    pub wrapped_key: String,
    pub sha256: String,
    pub size: i64,
}

/// Opens a stored version, calling `out` with each authenticated plaintext
/// piece; fails (after having passed only authenticated bytes) on any damage.
pub fn open_stored(
    documents: &Documents,
    stored: &StoredVersion,
    mut out: impl FnMut(Vec<u8>) -> Result<(), PipelineError>,
) -> Result<(), PipelineError> {
    let wrapped = hex::decode(&stored.wrapped_key).map_err(|_| CryptoError::WrongKey)?;
    let key = documents.keys.unwrap_data_key(&stored.key_id, &wrapped)?;
    let mut opener = Opener::new(key, associated_data(&stored.document_id, stored.version));
    let mut reader = documents.storage.open(&stored.storage_key)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = reader.read(&mut buf).map_err(StorageError::from)?;
        if n == 0 {
            break;
        }
        let plain = opener.update(&buf[..n])?;
        if !plain.is_empty() {
            hasher.update(&plain);
            size += plain.len() as u64;
            out(plain)?;
        }
    }
    let last = opener.finish()?;
    hasher.update(&last);
    size += last.len() as u64;
    if hex::encode(hasher.finalize()) != stored.sha256 || size != stored.size as u64 {
        return Err(PipelineError::Digest);
    }
    if !last.is_empty() {
        out(last)?;
    }
    Ok(())
}

/// Checks a stored version end to end (key, every chunk, length, SHA-256).
pub fn verify_stored(documents: &Documents, stored: &StoredVersion) -> Result<(), PipelineError> {
    open_stored(documents, stored, |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::storage::local::LocalStorage;

    fn documents(dir: &std::path::Path, key: MasterKey) -> Documents {
        Documents {
            storage: Arc::new(LocalStorage::open(dir).unwrap()),
            keys: Keyring::single(key),
            max_upload_bytes: 1 << 20,
        }
    }

    fn store(docs: &Documents, bytes: &[u8], id: &str) -> StoredVersion {
        let key = storage_key("case", id);
        let mut w = SealingWriter::begin(&*docs.storage, docs.keys.current(), &key, id, 1).unwrap();
        for piece in bytes.chunks(7919) {
            w.write(piece).unwrap();
        }
        let sealed = w.finish(hex::encode(Sha256::digest(bytes))).unwrap();
        assert_eq!(sealed.size, bytes.len() as u64);
        StoredVersion {
            document_id: id.into(),
            version: 1,
            storage_key: key,
            key_id: sealed.key_id,
            wrapped_key: sealed.wrapped_key,
            sha256: sealed.sha256,
            size: sealed.size as i64,
        }
    }

    fn read_back(docs: &Documents, stored: &StoredVersion) -> Result<Vec<u8>, PipelineError> {
        let mut all = Vec::new();
        open_stored(docs, stored, |p| {
            all.extend(p);
            Ok(())
        })?;
        Ok(all)
    }

    #[test]
    fn what_is_stored_is_sealed_and_reads_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let docs = documents(dir.path(), MasterKey::generate().unwrap().0);
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let stored = store(&docs, &bytes, "doc1");
        assert_eq!(read_back(&docs, &stored).unwrap(), bytes);
        let on_disk = std::fs::read(dir.path().join("objects/case/doc1")).unwrap();
        assert!(!on_disk.windows(64).any(|w| w == &bytes[1000..1064]));
    }

    #[test]
    fn a_document_sealed_in_the_first_format_still_reads_back() {
        use crate::documents::crypto::Format;
        let dir = tempfile::tempdir().unwrap();
        let docs = documents(dir.path(), MasterKey::generate().unwrap().0);
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        let (key, wrapped) = docs.keys.current().new_data_key().unwrap();
        let (mut sealer, header) =
            Sealer::with_format(Format::V1XChaCha20Poly1305, &key, associated_data("old", 1))
                .unwrap();
        let mut object = docs.storage.create(&storage_key("case", "old")).unwrap();
        object.write_all(&header).unwrap();
        object.write_all(&sealer.update(&bytes).unwrap()).unwrap();
        object.write_all(&sealer.finish().unwrap()).unwrap();
        object.commit().unwrap();
        let stored = StoredVersion {
            document_id: "old".into(),
            version: 1,
            storage_key: storage_key("case", "old"),
            key_id: docs.keys.current().id().to_string(),
            wrapped_key: hex::encode(wrapped),
            sha256: hex::encode(Sha256::digest(&bytes)),
            size: bytes.len() as i64,
        };
        assert_eq!(read_back(&docs, &stored).unwrap(), bytes);
        // And what is written now is the current format.
        let new = store(&docs, &bytes, "new");
        let on_disk = std::fs::read(dir.path().join("objects/case/new")).unwrap();
        assert_eq!(&on_disk[..6], b"VDOC\x00\x02");
        assert_eq!(read_back(&docs, &new).unwrap(), bytes);
    }

    #[test]
    fn a_changed_byte_or_the_wrong_key_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let docs = documents(dir.path(), MasterKey::generate().unwrap().0);
        let stored = store(&docs, &[7u8; 100_000], "doc2");
        let path = dir.path().join("objects/case/doc2");
        let mut raw = std::fs::read(&path).unwrap();
        raw[70_000] ^= 1;
        std::fs::write(&path, &raw).unwrap();
        assert!(matches!(
            verify_stored(&docs, &stored),
            Err(PipelineError::Crypto(CryptoError::Tampered))
        ));
        let other = documents(dir.path(), MasterKey::generate().unwrap().0);
        assert!(matches!(
            verify_stored(&other, &stored),
            Err(PipelineError::Crypto(CryptoError::OtherMasterKey { .. }))
        ));
    }
}
