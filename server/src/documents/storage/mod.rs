//! The storage port: where sealed document bytes are kept, by key. Two
//! adapters: a local folder (the default) and an S3-compatible object store
//! (for several instances sharing documents).
//!
//! The port is blocking: it is driven from blocking threads (the upload and
//! download pipelines), never from an async worker. An object becomes
//! visible under its key only when [`PendingObject::commit`] returns; a
//! pending object that is dropped or aborted leaves nothing behind.

pub mod local;
pub mod s3;

use std::io::{Read, Write};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("document storage I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("document storage: {0}")]
    Store(String),
    #[error("the stored object {0} is missing")]
    NotFound(String),
}

/// An object being written: write the bytes, then commit (or drop/abort).
pub trait PendingObject: Write + Send {
    /// Makes the object durable and visible under its key.
    fn commit(self: Box<Self>) -> Result<(), StorageError>;
    /// Throws the written bytes away.
    fn abort(self: Box<Self>);
}

/// Where sealed documents are kept.
pub trait Storage: Send + Sync + 'static {
    /// Starts writing the object `key` (a relative path of `[a-z0-9-/]`).
    fn create(&self, key: &str) -> Result<Box<dyn PendingObject>, StorageError>;
    /// Reads the object `key` from its start.
    fn open(&self, key: &str) -> Result<Box<dyn Read + Send>, StorageError>;
    /// Deletes the object `key` (no error when it is already gone).
    fn delete(&self, key: &str) -> Result<(), StorageError>;
    /// Every committed key.
    fn keys(&self) -> Result<Vec<String>, StorageError>;
    /// Removes leftovers of writes that never committed (e.g. after a crash);
    /// returns how many.
    fn sweep_incomplete(&self) -> Result<usize, StorageError>;
    /// Where it keeps things, for the log.
    fn describe(&self) -> String;
}
