//! The S3-compatible adapter (AWS S3, MinIO, Garage, moto, ...), on the
//! `object_store` crate.
//!
//! The port is blocking while `object_store` is async, so the adapter owns a
//! small multi-thread tokio runtime of its own: each call spawns its future
//! there and waits for the answer on the calling thread. That works from any
//! thread (a plain one, `spawn_blocking`, even an async worker by mistake,
//! which it would only block) and never panics for being inside another
//! runtime.
//!
//! Objects up to [`PART_SIZE`] go up in one `PUT`; larger ones as a
//! multipart upload of [`PART_SIZE`] parts, at most [`PARTS_IN_FLIGHT`] at
//! once, so a writer holds at most `(PARTS_IN_FLIGHT + 1) * PART_SIZE` bytes
//! whatever the object's size. Reads pull the `GET` body chunk by chunk.

use super::{PendingObject, Storage, StorageError};
use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{MultipartUpload, ObjectStore, ObjectStoreExt, PutPayload};
use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::{Handle, Runtime};
use tokio::task::JoinHandle;

/// The size of one part of a multipart upload (S3 wants at least 5 MiB).
pub const PART_SIZE: usize = 8 * 1024 * 1024;
/// How many parts of one object may be uploading at once.
pub const PARTS_IN_FLIGHT: usize = 2;
/// How long dropping an unfinished upload waits for its abort request.
const ABORT_WAIT: Duration = Duration::from_secs(10);

/// Where the S3-compatible store is and how to sign in to it.
#[derive(Clone, Debug)]
pub struct S3Settings {
    /// The bucket, which must exist.
    pub bucket: String,
    /// The endpoint URL for a non-AWS store (e.g. `http://127.0.0.1:9000`);
    /// `None` means AWS itself. `http://` endpoints are allowed.
    pub endpoint: Option<String>,
    /// The region (any value, e.g. `us-east-1`, for most non-AWS stores).
    pub region: String,
    /// The folder inside the bucket that holds the objects (may be empty).
    pub prefix: String,
    /// The access key; with the secret, or neither to use the usual AWS
    /// environment variables and credential providers.
    pub access_key_id: Option<String>,
    /// The secret access key that goes with `access_key_id`.
    pub secret_access_key: Option<String>,
}

/// Documents kept in an S3-compatible bucket, under a prefix.
pub struct S3Storage {
    store: Arc<PrefixStore<AmazonS3>>,
    driver: Arc<Driver>,
    description: String,
}

/// The adapter's own runtime, shut down without waiting when the last user
/// (the storage, a pending object or a reader) goes.
struct Driver {
    runtime: Option<Runtime>,
    handle: Handle,
}

impl Driver {
    fn new() -> Result<Driver, StorageError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("visadesk-s3")
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        Ok(Driver {
            runtime: Some(runtime),
            handle,
        })
    }

    /// Runs `future` on the adapter's runtime and waits for its output.
    fn run<F>(&self, future: F) -> Result<F::Output, StorageError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.handle.spawn(async move {
            let _ = tx.send(future.await);
        });
        rx.recv()
            .map_err(|_| StorageError::Store("the S3 client stopped before answering".into()))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Dropping a runtime inside another one panics; this does not.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn store_error(e: object_store::Error) -> StorageError {
    StorageError::Store(e.to_string())
}

/// The object path of `key`: slash-separated parts of `[A-Za-z0-9_-]`.
fn object_path(key: &str) -> Result<Path, StorageError> {
    let ok = !key.is_empty()
        && key.split('/').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if !ok {
        return Err(StorageError::Store(format!("bad object key {key:?}")));
    }
    Path::parse(key).map_err(|e| StorageError::Store(format!("bad object key {key:?}: {e}")))
}

impl S3Storage {
    /// Connects to the bucket (no request is made until the first use).
    pub fn new(settings: S3Settings) -> Result<S3Storage, StorageError> {
        let S3Settings {
            bucket,
            endpoint,
            region,
            prefix,
            access_key_id,
            secret_access_key,
        } = settings;
        // An empty value (e.g. an environment variable set to "") is unset.
        let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        let (endpoint, access_key_id, secret_access_key) = (
            given(endpoint),
            given(access_key_id),
            given(secret_access_key),
        );
        let mut builder = match (access_key_id, secret_access_key) {
            (Some(id), Some(secret)) => AmazonS3Builder::new()
                .with_access_key_id(id)
                .with_secret_access_key(secret),
            (None, None) => AmazonS3Builder::from_env(),
            _ => {
                return Err(StorageError::Store(
                    "S3: give both the access key id and the secret access key, or neither".into(),
                ))
            }
        };
        builder = builder
            .with_bucket_name(&bucket)
            .with_region(&region)
            .with_virtual_hosted_style_request(false);
        if let Some(endpoint) = &endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let prefix = prefix.trim_matches('/');
        let prefix_path = if prefix.is_empty() {
            Path::default()
        } else {
            Path::parse(prefix)
                .map_err(|e| StorageError::Store(format!("bad S3 prefix {prefix:?}: {e}")))?
        };

        let driver = Arc::new(Driver::new()?);
        // The HTTP client is made inside the runtime it will run on.
        let s3 = {
            let _entered = driver.handle.enter();
            builder.build().map_err(store_error)?
        };
        let at = match &endpoint {
            Some(endpoint) => endpoint.clone(),
            None => format!("AWS {region}"),
        };
        Ok(S3Storage {
            store: Arc::new(PrefixStore::new(s3, prefix_path)),
            driver,
            description: format!("s3://{bucket}/{prefix} at {at}"),
        })
    }
}

impl Storage for S3Storage {
    fn create(&self, key: &str) -> Result<Box<dyn PendingObject>, StorageError> {
        let path = object_path(key)?;
        Ok(Box::new(S3Pending {
            store: Arc::clone(&self.store),
            driver: Arc::clone(&self.driver),
            path,
            buffer: Vec::new(),
            upload: None,
            in_flight: VecDeque::new(),
            state: PendingState::Open,
        }))
    }

    fn open(&self, key: &str) -> Result<Box<dyn Read + Send>, StorageError> {
        let path = object_path(key)?;
        let store = Arc::clone(&self.store);
        let got = self.driver.run(async move { store.get(&path).await })?;
        match got {
            Ok(result) => Ok(Box::new(S3Reader {
                driver: Arc::clone(&self.driver),
                stream: Some(result.into_stream()),
                chunk: Bytes::new(),
            })),
            Err(object_store::Error::NotFound { .. }) => Err(StorageError::NotFound(key.into())),
            Err(e) => Err(store_error(e)),
        }
    }

    fn delete(&self, key: &str) -> Result<(), StorageError> {
        let path = object_path(key)?;
        let store = Arc::clone(&self.store);
        match self.driver.run(async move { store.delete(&path).await })? {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }

    fn keys(&self) -> Result<Vec<String>, StorageError> {
        let store = Arc::clone(&self.store);
        let listed = self.driver.run(async move {
            let mut keys = Vec::new();
            let mut list = store.list(None);
            while let Some(meta) = list.next().await {
                keys.push(meta?.location.to_string());
            }
            Ok::<_, object_store::Error>(keys)
        })?;
        listed.map_err(store_error)
    }

    /// Does nothing and returns 0: `object_store` cannot list unfinished
    /// multipart uploads. Uploads that are dropped or aborted are aborted
    /// here; for those a crash leaves behind, give the bucket a lifecycle
    /// rule (`AbortIncompleteMultipartUpload`, e.g. after 1 day). Until
    /// completed they are invisible and never listed by [`Storage::keys`].
    fn sweep_incomplete(&self) -> Result<usize, StorageError> {
        Ok(0)
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

#[derive(PartialEq)]
enum PendingState {
    Open,
    Failed,
    Finished,
}

/// An object being written: buffered up to one part, then a multipart upload.
struct S3Pending {
    store: Arc<PrefixStore<AmazonS3>>,
    driver: Arc<Driver>,
    path: Path,
    /// The bytes of the part being filled (at most [`PART_SIZE`]).
    buffer: Vec<u8>,
    /// The multipart upload, once more than one part was written.
    upload: Option<Box<dyn MultipartUpload>>,
    /// Parts being uploaded, oldest first.
    in_flight: VecDeque<JoinHandle<object_store::Result<()>>>,
    state: PendingState,
}

impl S3Pending {
    /// Waits for the oldest part upload to finish.
    fn wait_oldest(&mut self) -> Result<(), StorageError> {
        let Some(part) = self.in_flight.pop_front() else {
            return Ok(());
        };
        match self.driver.run(part)? {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(store_error(e)),
            Err(e) => Err(StorageError::Store(format!("S3 part upload: {e}"))),
        }
    }

    /// Sends the buffer as the next part, starting the multipart upload if
    /// needed and waiting while [`PARTS_IN_FLIGHT`] parts are under way.
    fn send_part(&mut self) -> Result<(), StorageError> {
        while self.in_flight.len() >= PARTS_IN_FLIGHT {
            self.wait_oldest()?;
        }
        let mut upload = match self.upload.take() {
            Some(upload) => upload,
            None => {
                let store = Arc::clone(&self.store);
                let path = self.path.clone();
                self.driver
                    .run(async move { store.put_multipart(&path).await })?
                    .map_err(store_error)?
            }
        };
        let data = PutPayload::from(std::mem::take(&mut self.buffer));
        let part = upload.put_part(data);
        self.upload = Some(upload);
        self.in_flight.push_back(self.driver.handle.spawn(part));
        Ok(())
    }

    /// Marks the object failed, aborting what was uploaded (best effort).
    fn fail(&mut self, error: StorageError) -> StorageError {
        self.state = PendingState::Failed;
        self.abort_upload();
        error
    }

    /// Stops the part uploads and aborts the multipart upload, if any,
    /// waiting at most [`ABORT_WAIT`]; never panics.
    fn abort_upload(&mut self) {
        self.buffer = Vec::new();
        for part in self.in_flight.drain(..) {
            part.abort();
        }
        let Some(mut upload) = self.upload.take() else {
            return;
        };
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let path = self.path.clone();
        self.driver.handle.spawn(async move {
            if let Err(e) = upload.abort().await {
                tracing::warn!(object = %path, error = %e, "could not abort an S3 multipart upload");
            }
            let _ = tx.send(());
        });
        if rx.recv_timeout(ABORT_WAIT).is_err() {
            tracing::warn!(object = %self.path, "gave up waiting for an S3 multipart abort");
        }
    }

    fn finish(&mut self) -> Result<(), StorageError> {
        let store = Arc::clone(&self.store);
        let path = self.path.clone();
        match self.upload.take() {
            None => {
                let data = PutPayload::from(std::mem::take(&mut self.buffer));
                self.driver
                    .run(async move { store.put(&path, data).await })?
                    .map_err(store_error)?;
            }
            Some(upload) => {
                self.upload = Some(upload);
                if !self.buffer.is_empty() {
                    self.send_part()?;
                }
                while !self.in_flight.is_empty() {
                    self.wait_oldest()?;
                }
                let Some(mut upload) = self.upload.take() else {
                    return Err(StorageError::Store("S3 upload lost".into()));
                };
                let (upload, done) = self.driver.run(async move {
                    let done = upload.complete().await;
                    (upload, done)
                })?;
                if let Err(e) = done {
                    self.upload = Some(upload);
                    return Err(store_error(e));
                }
            }
        }
        Ok(())
    }
}

impl Write for S3Pending {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.state != PendingState::Open {
            return Err(io::Error::other("object already finished or failed"));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        if self.buffer.len() == PART_SIZE {
            if let Err(e) = self.send_part() {
                return Err(io::Error::other(self.fail(e)));
            }
        }
        let n = buf.len().min(PART_SIZE - self.buffer.len());
        let needed = self.buffer.len() + n;
        if needed > self.buffer.capacity() {
            // Grow by doubling, but never past one part (and straight to one
            // part once the object is known to need several).
            let target = if self.upload.is_some() {
                PART_SIZE
            } else {
                PART_SIZE.min(needed.max(self.buffer.capacity() * 2))
            };
            self.buffer.reserve_exact(target - self.buffer.len());
        }
        self.buffer.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl PendingObject for S3Pending {
    fn commit(mut self: Box<Self>) -> Result<(), StorageError> {
        if self.state != PendingState::Open {
            return Err(StorageError::Store(
                "object already finished or failed".into(),
            ));
        }
        match self.finish() {
            Ok(()) => {
                self.state = PendingState::Finished;
                Ok(())
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    fn abort(mut self: Box<Self>) {
        self.state = PendingState::Failed;
        self.abort_upload();
    }
}

impl Drop for S3Pending {
    fn drop(&mut self) {
        if self.state != PendingState::Finished {
            self.abort_upload();
        }
    }
}

/// The body of a `GET`, pulled one chunk at a time.
struct S3Reader {
    driver: Arc<Driver>,
    stream: Option<BoxStream<'static, object_store::Result<Bytes>>>,
    chunk: Bytes,
}

impl Read for S3Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.chunk.is_empty() {
            let Some(mut stream) = self.stream.take() else {
                return Ok(0);
            };
            let (stream, next) = self
                .driver
                .run(async move {
                    let next = stream.next().await;
                    (stream, next)
                })
                .map_err(io::Error::other)?;
            match next {
                Some(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.stream = Some(stream);
                }
                Some(Err(e)) => return Err(io::Error::other(store_error(e))),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk = self.chunk.slice(n..);
        Ok(n)
    }
}

impl Drop for S3Reader {
    fn drop(&mut self) {
        // Let an unfinished body close inside the runtime that drives it.
        if let Some(stream) = self.stream.take() {
            self.driver.handle.spawn(async move { drop(stream) });
        }
    }
}
