//! Documents: how uploads are checked, sealed, kept and served.

pub mod crypto;
pub mod keys;
pub mod pipeline;
pub mod sniff;
pub mod storage;

use crate::config::Config;
use crate::error::ServerError;
use pipeline::Documents;
use std::sync::Arc;
use storage::Storage;

/// Opens document storage and the master keys as configured: the S3 bucket
/// when `VISADESK_S3_BUCKET` is set, else the local folder.
pub fn open(config: &Config) -> Result<Documents, ServerError> {
    let keys = keys::Keyring::load(
        config.document_key.as_deref(),
        &config.document_old_keys,
        &config.data_dir,
    )
    .map_err(ServerError::Config)?;
    let storage: Arc<dyn Storage> = match config
        .s3_bucket
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        Some(bucket) => Arc::new(
            storage::s3::S3Storage::new(storage::s3::S3Settings {
                bucket: bucket.to_string(),
                endpoint: config.s3_endpoint.clone().filter(|e| !e.trim().is_empty()),
                region: config.s3_region.clone(),
                prefix: config.s3_prefix.trim_matches('/').to_string(),
                access_key_id: None,
                secret_access_key: None,
            })
            .map_err(|e| ServerError::Config(e.to_string()))?,
        ),
        None => {
            let dir = config
                .documents_dir
                .clone()
                .unwrap_or_else(|| config.data_dir.join("documents"));
            Arc::new(
                storage::local::LocalStorage::open(&dir)
                    .map_err(|e| ServerError::Config(format!("{}: {e}", dir.display())))?,
            )
        }
    };
    if config.max_upload_mb == 0 {
        return Err(ServerError::Config(
            "VISADESK_MAX_UPLOAD_MB must be at least 1".into(),
        ));
    }
    Ok(Documents {
        storage,
        keys,
        max_upload_bytes: config.max_upload_mb.saturating_mul(1024 * 1024),
    })
}

/// Removes what interrupted uploads left: pending writes and, for a local
/// folder (which only this instance writes), objects no row points at.
/// Run at start-up, before serving. Returns how many were removed.
pub fn sweep(
    documents: &Documents,
    known_keys: &[String],
    local: bool,
) -> Result<usize, ServerError> {
    let mut removed = documents
        .storage
        .sweep_incomplete()
        .map_err(|e| ServerError::Storage(e.to_string()))?;
    if local {
        let known: std::collections::HashSet<&str> =
            known_keys.iter().map(String::as_str).collect();
        for key in documents
            .storage
            .keys()
            .map_err(|e| ServerError::Storage(e.to_string()))?
        {
            if !known.contains(key.as_str()) {
                documents
                    .storage
                    .delete(&key)
                    .map_err(|e| ServerError::Storage(e.to_string()))?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}
