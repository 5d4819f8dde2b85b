//! The plain actix endpoints for document bytes: a streaming multipart
//! upload per checklist item, and downloads (attachment) and previews
//! (inline, staff only) per document version.
//!
//! An upload is read chunk by chunk: its type is judged by its first bytes,
//! its size is counted against the limit as it arrives, and its bytes go
//! through a bounded channel to a blocking thread that hashes, seals and
//! writes them to a pending object. Only when the whole multipart body has
//! arrived is the object committed, and only then is its row written; any
//! failure before that throws the pending object away, and a failure to
//! write the row deletes the object.

use super::HttpState;
use crate::backend::documents::UploadTarget;
use crate::documents::pipeline::{
    open_stored, storage_key, verify_stored, Documents, PipelineError, SealedUpload, SealingWriter,
    StoredVersion,
};
use crate::documents::sniff::{attachment, check_file_name, sniff, ContentKind, SNIFF_BYTES};
use actix_multipart::Multipart;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use visadesk_app::api::port::{Actor, ClientAddress, RequestSource};
use visadesk_app::domain::problem::{Choice, Problem};
use visadesk_app::domain::CurrentUser;
use visadesk_app::AppError;

/// Multipart framing allowed on top of the file itself.
const FRAMING_ALLOWANCE: u64 = 64 * 1024;
/// Messages in flight between the request and the sealing thread.
const CHANNEL_DEPTH: usize = 4;
/// Bytes per message to the sealing thread.
const BATCH_BYTES: usize = 256 * 1024;
/// Uploads streaming at once on this instance (each holds a blocking thread).
static UPLOADS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(32);
/// Downloads streaming at once on this instance (likewise).
static DOWNLOADS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(64);
/// An upload that sends nothing for this long is given up.
const STALL: std::time::Duration = std::time::Duration::from_secs(60);

/// The next item of a body stream, or an error if the client stalls.
async fn next_or_stall<S: futures_util::Stream + Unpin>(
    stream: &mut S,
) -> Result<Option<S::Item>, AppError> {
    actix_web::rt::time::timeout(STALL, stream.next())
        .await
        .map_err(|_| AppError::Request(Problem::UploadStalled))
}

/// What the request's reader tells the sealing thread.
enum Feed {
    Bytes(Bytes),
    /// The whole body arrived, with this SHA-256: commit.
    End(String),
}

fn actor(req: &HttpRequest) -> Result<Actor, AppError> {
    let viewer = req
        .extensions()
        .get::<CurrentUser>()
        .cloned()
        .ok_or(AppError::NotSignedIn)?;
    let ip = req
        .extensions()
        .get::<ClientAddress>()
        .map(|a| a.0.clone())
        .unwrap_or_default();
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect();
    Ok(Actor {
        user: viewer,
        source: RequestSource {
            ip,
            user_agent,
            browser: None,
        },
    })
}

/// Why an upload was refused: the error, with a more exact status than its
/// kind gives for a file that is too large (413) or of the wrong type (415).
struct Refusal {
    status: Option<u16>,
    error: AppError,
}

impl From<AppError> for Refusal {
    fn from(error: AppError) -> Self {
        Refusal {
            status: None,
            error,
        }
    }
}

/// An error as the upload script reads it: the status, and JSON with the
/// error and its message.
fn refusal(error: &AppError) -> HttpResponse {
    refusal_with(error.status(), error)
}

fn refusal_with(status: u16, error: &AppError) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(status).json(serde_json::json!({
        "message": error.to_string(),
        "error": error,
    }))
}

fn invalid(problem: Problem) -> AppError {
    AppError::invalid("file", problem)
}

/// `POST /documents/items/{item_id}`: one file, as the multipart field `file`.
pub async fn upload(
    req: HttpRequest,
    payload: web::Payload,
    item_id: web::Path<String>,
    state: web::Data<HttpState>,
) -> HttpResponse {
    match upload_inner(&req, payload, &item_id, &state).await {
        Ok(item) => HttpResponse::Created().json(item),
        Err(Refusal { status, error }) => {
            if matches!(error, AppError::Internal) {
                tracing::error!(item = %item_id, "an upload failed");
            }
            let status = status.unwrap_or(error.status());
            metrics::counter!(crate::metrics::UPLOAD_REFUSALS, "status" => status.to_string())
                .increment(1);
            refusal_with(status, &error)
        }
    }
}

async fn upload_inner(
    req: &HttpRequest,
    payload: web::Payload,
    item_id: &str,
    state: &HttpState,
) -> Result<visadesk_app::domain::checklist::ChecklistItem, Refusal> {
    let actor = actor(req)?;
    let backend = &state.backend;
    let target = backend.upload_target(&actor.user, item_id).await?;
    // Each upload holds a blocking thread while it streams: bound how many.
    let _slot = UPLOADS.try_acquire().map_err(|_| Refusal {
        status: Some(503),
        error: AppError::Request(Problem::ServerBusy),
    })?;
    let documents = backend.documents().clone();
    let limit = documents.max_upload_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(len) = declared {
        if len > limit.saturating_add(FRAMING_ALLOWANCE) {
            return Err(too_large(len, limit));
        }
    }
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut upload: Option<(Upload, String)> = None;
    if let Err(e) = read_body(&mut multipart, &documents, &target, limit, &mut upload).await {
        if let Some((started, _)) = upload.take() {
            started.abandon().await;
        }
        return Err(e);
    }
    let Some((upload, file_name)) = upload else {
        return Err(invalid(Problem::Choose(Choice::File)).into());
    };
    // The whole body is in: commit, then record, in a task of its own, so
    // that a client who goes away now cannot leave an object without a row.
    let backend = state.backend.clone();
    let finishing = actix_web::rt::spawn(async move {
        let kind = upload.kind;
        let sealed = upload.finish().await?;
        let size = sealed.size;
        let key = storage_key(&target.case_id, &target.document_id);
        let recorded = backend
            .record_upload(
                &actor,
                target.clone(),
                key.clone(),
                sealed,
                file_name,
                kind.mime(),
            )
            .await;
        if recorded.is_ok() {
            metrics::counter!(crate::metrics::UPLOADS).increment(1);
            metrics::counter!(crate::metrics::UPLOAD_BYTES).increment(size);
        } else {
            let storage = documents.storage.clone();
            let removed = web::block(move || storage.delete(&key)).await;
            if !matches!(removed, Ok(Ok(()))) {
                tracing::error!(document = %target.document_id, "could not remove the object of an upload that was not recorded");
            }
        }
        recorded
    });
    match finishing.await {
        Ok(recorded) => Ok(recorded?),
        Err(e) => {
            tracing::error!(error = %e, "finishing an upload failed");
            Err(AppError::Internal.into())
        }
    }
}

/// Reads the multipart body to its end: the file field goes to the sealing
/// thread (left in `upload`), other small fields are skipped.
async fn read_body(
    multipart: &mut Multipart,
    documents: &Documents,
    target: &UploadTarget,
    limit: u64,
    upload: &mut Option<(Upload, String)>,
) -> Result<(), Refusal> {
    let other_bytes = &mut 0usize;
    loop {
        let field = match next_or_stall(multipart).await? {
            None => break,
            Some(Ok(field)) => field,
            Some(Err(e)) => return Err(body_error(e.to_string(), upload.is_some()).into()),
        };
        let (name, file_name) = field
            .content_disposition()
            .map(|cd| {
                (
                    cd.get_name().unwrap_or_default().to_string(),
                    cd.get_filename().map(str::to_string),
                )
            })
            .unwrap_or_default();
        match (name.as_str(), file_name) {
            ("file", Some(raw_name)) => {
                if upload.is_some() {
                    return Err(invalid(Problem::OneFilePerUpload).into());
                }
                let file_name = check_file_name(&raw_name).map_err(invalid)?;
                let stream = receive(field, documents, target, limit).await?;
                *upload = Some((stream, file_name));
            }
            ("file", None) => {
                return Err(invalid(Problem::NoFileName).into());
            }
            _ => {
                // Other fields are not used; read past them (bounded).
                let mut field = field;
                while let Some(chunk) = next_or_stall(&mut field).await? {
                    let chunk = chunk.map_err(|e| body_error(e.to_string(), upload.is_some()))?;
                    *other_bytes += chunk.len();
                    if *other_bytes > 4096 {
                        return Err(invalid(Problem::FormTooLarge(
                            name.chars().take(60).collect(),
                        ))
                        .into());
                    }
                }
            }
        }
    }
    Ok(())
}

fn too_large(size: u64, limit: u64) -> Refusal {
    Refusal {
        status: Some(413),
        error: AppError::Request(Problem::FileTooLarge {
            limit,
            size: (size > limit).then_some(size),
        }),
    }
}

fn body_error(detail: String, _had_file: bool) -> AppError {
    tracing::info!(error = %detail, "an upload's body ended early or was malformed");
    AppError::Request(Problem::UploadCutOff)
}

/// A file whose bytes have all been handed to the sealing thread.
struct Upload {
    kind: ContentKind,
    /// SHA-256 of the bytes fed so far (hashed here, sealed there: two cores).
    hasher: Sha256,
    /// Bytes gathered into one message: the body arrives in pieces of a few
    /// KiB, and waking the sealing thread for each would cost more than the
    /// copy.
    batch: Vec<u8>,
    tx: mpsc::Sender<Feed>,
    sealing: tokio::task::JoinHandle<Result<SealedUpload, PipelineError>>,
}

impl Upload {
    /// Stops the sealing thread and waits until it has thrown its object away.
    async fn abandon(self) {
        drop(self.tx);
        let _ = self.sealing.await;
    }

    /// Hashes and hands over the next bytes; `false` if the sealing thread
    /// has stopped.
    async fn feed(&mut self, bytes: Bytes) -> bool {
        self.hasher.update(&bytes);
        if self.batch.is_empty() && bytes.len() >= BATCH_BYTES {
            return self.tx.send(Feed::Bytes(bytes)).await.is_ok();
        }
        self.batch.extend_from_slice(&bytes);
        if self.batch.len() < BATCH_BYTES {
            return true;
        }
        self.flush().await
    }

    /// Hands over what is gathered.
    async fn flush(&mut self) -> bool {
        if self.batch.is_empty() {
            return true;
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_BYTES + 64 * 1024));
        self.tx.send(Feed::Bytes(Bytes::from(full))).await.is_ok()
    }

    /// Lets the sealing thread commit, and waits for it.
    async fn finish(mut self) -> Result<SealedUpload, AppError> {
        if !self.flush().await {
            return Err(sealing_failed(self.sealing).await);
        }
        let sha256 = hex::encode(self.hasher.finalize());
        if self.tx.send(Feed::End(sha256)).await.is_err() {
            return Err(sealing_failed(self.sealing).await);
        }
        drop(self.tx);
        match self.sealing.await {
            Ok(Ok(sealed)) => Ok(sealed),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "could not store an upload");
                Err(AppError::Internal)
            }
            Err(e) => {
                tracing::error!(error = %e, "the sealing thread failed");
                Err(AppError::Internal)
            }
        }
    }
}

async fn sealing_failed(
    handle: tokio::task::JoinHandle<Result<SealedUpload, PipelineError>>,
) -> AppError {
    match handle.await {
        Ok(Err(e)) => tracing::error!(error = %e, "could not store an upload"),
        Ok(Ok(_)) => tracing::error!("the sealing thread ended early"),
        Err(e) => tracing::error!(error = %e, "the sealing thread failed"),
    }
    AppError::Internal
}

/// Reads the file field: sniffs, counts and feeds the sealing thread.
/// On any error the sender is dropped, and the thread throws its object away.
async fn receive(
    field: actix_multipart::Field,
    documents: &Documents,
    target: &UploadTarget,
    limit: u64,
) -> Result<Upload, Refusal> {
    let mut started: Option<Upload> = None;
    match receive_into(field, documents, target, limit, &mut started).await {
        Ok(upload) => Ok(upload),
        Err(e) => {
            if let Some(upload) = started.take() {
                upload.abandon().await;
            }
            Err(e)
        }
    }
}

async fn receive_into(
    mut field: actix_multipart::Field,
    documents: &Documents,
    target: &UploadTarget,
    limit: u64,
    started: &mut Option<Upload>,
) -> Result<Upload, Refusal> {
    let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
    let mut pending: Vec<Bytes> = Vec::new();
    let mut size: u64 = 0;
    loop {
        let chunk = match next_or_stall(&mut field).await? {
            None => break,
            Some(Ok(chunk)) => chunk,
            Some(Err(e)) => return Err(body_error(e.to_string(), true).into()),
        };
        if chunk.is_empty() {
            continue;
        }
        size += chunk.len() as u64;
        if size > limit {
            return Err(too_large(size, limit));
        }
        match started.as_mut() {
            Some(upload) => {
                if !upload.feed(chunk).await {
                    if let Some(upload) = started.take() {
                        return Err(sealing_failed(upload.sealing).await.into());
                    }
                }
            }
            None => {
                let take = (SNIFF_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
                pending.push(chunk);
                if head.len() == SNIFF_BYTES {
                    let mut upload = start(&head, documents, target)?;
                    for piece in pending.drain(..) {
                        if !upload.feed(piece).await {
                            return Err(sealing_failed(upload.sealing).await.into());
                        }
                    }
                    *started = Some(upload);
                }
            }
        }
    }
    match started.take() {
        Some(upload) => Ok(upload),
        None if size == 0 => Err(invalid(Problem::EmptyFile).into()),
        None => {
            // Fewer bytes than the sniffer looks at: decide on what there is.
            let mut upload = start(&head, documents, target)?;
            for piece in pending {
                if !upload.feed(piece).await {
                    return Err(sealing_failed(upload.sealing).await.into());
                }
            }
            Ok(upload)
        }
    }
}

/// Checks the first bytes and starts the sealing thread.
fn start(head: &[u8], documents: &Documents, target: &UploadTarget) -> Result<Upload, Refusal> {
    let kind = sniff(head).ok_or_else(|| Refusal {
        status: Some(415),
        error: invalid(Problem::UnsupportedFile),
    })?;
    let (tx, mut rx) = mpsc::channel::<Feed>(CHANNEL_DEPTH);
    let storage = documents.storage.clone();
    let master = documents.keys.current().clone();
    let key = storage_key(&target.case_id, &target.document_id);
    let (document_id, version) = (target.document_id.clone(), target.version);
    let sealing = tokio::task::spawn_blocking(move || {
        let mut writer = SealingWriter::begin(&*storage, &master, &key, &document_id, version)?;
        loop {
            match rx.blocking_recv() {
                Some(Feed::Bytes(bytes)) => {
                    if let Err(e) = writer.write(&bytes) {
                        writer.abort();
                        return Err(e);
                    }
                }
                Some(Feed::End(sha256)) => return writer.finish(sha256),
                None => {
                    writer.abort();
                    return Err(PipelineError::Abandoned);
                }
            }
        }
    });
    Ok(Upload {
        kind,
        hasher: Sha256::new(),
        batch: Vec::with_capacity(BATCH_BYTES + 64 * 1024),
        tx,
        sealing,
    })
}

/// `GET /documents/{id}`: the file as an attachment.
pub async fn download(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<HttpState>,
) -> HttpResponse {
    serve_document(&req, &id, &state, false).await
}

/// `GET /documents/{id}/preview`: the file inline, for staff reviewing it.
pub async fn preview(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<HttpState>,
) -> HttpResponse {
    serve_document(&req, &id, &state, true).await
}

fn plain(status: actix_web::http::StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(message.to_string())
}

async fn serve_document(
    req: &HttpRequest,
    id: &str,
    state: &HttpState,
    inline: bool,
) -> HttpResponse {
    let actor = match actor(req) {
        Ok(a) => a,
        Err(e) => return refusal(&e),
    };
    let (row, stored) = match state.backend.download_target(&actor, id, inline).await {
        Ok(found) => found,
        Err(e) => {
            let status = actix_web::http::StatusCode::from_u16(e.status())
                .unwrap_or(actix_web::http::StatusCode::NOT_FOUND);
            return plain(status, &e.to_string());
        }
    };
    let Ok(slot) = DOWNLOADS.try_acquire() else {
        return plain(
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
            "The server is sending many files at the moment. Please try again in a minute.",
        );
    };
    let documents = state.backend.documents().clone();
    // Check every byte before sending the first.
    let checked = {
        let (documents, stored) = (documents.clone(), stored.clone());
        web::block(move || verify_stored(&documents, &stored)).await
    };
    match checked {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::error!(document = %row.id, error = %e, "a stored document failed its check and was not served");
            return plain(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                "This document cannot be opened: the stored file failed its integrity check (wrong key, or the file was damaged). Nothing was sent. Your administrator can find the details in the server log.",
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "the document check could not run");
            return plain(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side. Please try again.",
            );
        }
    }
    let disposition = if inline {
        attachment(&row.file_name).replacen("attachment", "inline", 1)
    } else {
        attachment(&row.file_name)
    };
    let body = stream(documents, stored, slot);
    let mut response = HttpResponse::Ok();
    response
        .content_type(row.content_type.as_str())
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        // As stored: never recompressed on the way out (scans and PDFs gain
        // nothing, and the length stays the document's own).
        .insert_header(ContentEncoding::Identity)
        .no_chunking(row.size.max(0) as u64);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.insert_header((header::CONTENT_DISPOSITION, value));
    }
    if inline {
        response
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'",
            ))
            .insert_header((header::X_FRAME_OPTIONS, "SAMEORIGIN"));
    }
    response.streaming(body)
}

/// The plaintext of a stored version, opened on a blocking thread as the
/// client reads it.
fn stream(
    documents: Documents,
    stored: StoredVersion,
    slot: tokio::sync::SemaphorePermit<'static>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let sent = open_stored(&documents, &stored, |piece| {
            tx.blocking_send(Ok(Bytes::from(piece)))
                .map_err(|_| PipelineError::Abandoned)
        });
        match sent {
            Ok(()) | Err(PipelineError::Abandoned) => {}
            Err(e) => {
                tracing::error!(document = %stored.document_id, error = %e, "a document changed while it was being sent");
                let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
            }
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}
