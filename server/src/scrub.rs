//! The document scrub (`visadesk scrub`, and on a schedule while serving):
//! opens every stored document version, checks that it decrypts and
//! matches its SHA-256 and size, and lists storage for objects that no
//! version points at. It only reads: nothing is repaired or deleted. Each
//! run is recorded in `scrub_runs`; the Admin page shows the last one.

use crate::db::Db;
use crate::documents::crypto::CryptoError;
use crate::documents::pipeline::{verify_stored, Documents, PipelineError};
use crate::documents::storage::StorageError;
use crate::error::ServerError;
use crate::store::documents::{self as document_rows, DocumentRow};
use crate::store::scrub_runs::{self, ScrubRunRow};
use std::collections::HashSet;
use std::time::Duration;
use visadesk_app::domain::scrub::{FindingKind, ScrubFinding, ScrubRun};
use visadesk_app::domain::{CaseId, DocumentId};

/// `ran_by` of a run asked for on the command line.
pub const COMMAND_LINE: &str = "command line";

/// Versions read per database query.
const PAGE: i64 = 500;

/// Runs the scrub now, on this thread (it blocks: call it from a blocking
/// thread). A scheduled run passes its `slot`; if another instance has
/// claimed that slot, nothing runs and the answer is `None`.
pub fn run(
    db: &Db,
    documents: &Documents,
    ran_by: &str,
    slot: Option<i64>,
) -> Result<Option<ScrubRun>, ServerError> {
    let mut row = ScrubRunRow::started(ran_by, slot, crate::auth::now());
    if !db.run_here(|c| scrub_runs::start(c, &row))? {
        return Ok(None);
    }
    tracing::info!(target: "visadesk::scrub", run = %row.id, by = ran_by, "document scrub started");
    let mut findings = Vec::new();
    if let Err(e) = check_everything(db, documents, &mut row, &mut findings) {
        tracing::error!(target: "visadesk::scrub", error = %e, "the document scrub stopped before its end");
        row.failure = Some(e.to_string());
    }
    row.finished_at = Some(crate::auth::now());
    row.findings = serde_json::to_string(&findings)
        .map_err(|e| ServerError::CorruptData(format!("scrub findings: {e}")))?;
    db.run_here(|c| scrub_runs::finish(c, &row))?;
    let run = row.into_run()?;
    tracing::info!(
        target: "visadesk::scrub",
        checked = run.checked,
        bytes = run.bytes,
        missing = run.missing,
        corrupt = run.corrupt,
        unreadable = run.unreadable,
        orphaned = run.orphaned,
        "document scrub finished"
    );
    Ok(Some(run))
}

/// Reads every version, then compares storage's keys with the versions'.
fn check_everything(
    db: &Db,
    documents: &Documents,
    row: &mut ScrubRunRow,
    findings: &mut Vec<ScrubFinding>,
) -> Result<(), ServerError> {
    // Listed before the versions are read: an upload that commits its
    // object and its row meanwhile is then not taken for an orphan.
    let listed = documents
        .storage
        .keys()
        .map_err(|e| ServerError::Storage(e.to_string()))?;
    let mut after = String::new();
    loop {
        let page = db.run_here(|c| document_rows::page_after(c, &after, PAGE))?;
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        for version in &page {
            row.checked += 1;
            match verify_stored(documents, &version.stored()) {
                Ok(()) => row.bytes += version.size,
                Err(e) => {
                    let kind = classify(&e);
                    tracing::warn!(
                        target: "visadesk::scrub",
                        document = %version.id,
                        case = %version.case_id,
                        version = version.version,
                        key = %version.storage_key,
                        problem = kind.code(),
                        error = %e,
                        "a stored document version failed the scrub"
                    );
                    match kind {
                        FindingKind::Missing => row.missing += 1,
                        FindingKind::Unreadable => row.unreadable += 1,
                        _ => row.corrupt += 1,
                    }
                    keep(findings, finding(kind, version));
                }
            }
        }
    }
    let known: HashSet<String> = db
        .run_here(document_rows::storage_keys)?
        .into_iter()
        .collect();
    for key in listed.into_iter().filter(|k| !known.contains(k)) {
        tracing::warn!(target: "visadesk::scrub", key = %key, "a stored object belongs to no document version");
        row.orphaned += 1;
        keep(
            findings,
            ScrubFinding {
                kind: FindingKind::Orphaned,
                storage_key: key,
                document_id: None,
                case_id: None,
                version: None,
                file_name: None,
            },
        );
    }
    Ok(())
}

fn keep(findings: &mut Vec<ScrubFinding>, finding: ScrubFinding) {
    if findings.len() < ScrubRun::FINDINGS_KEPT {
        findings.push(finding);
    }
}

fn finding(kind: FindingKind, version: &DocumentRow) -> ScrubFinding {
    ScrubFinding {
        kind,
        storage_key: version.storage_key.clone(),
        document_id: Some(DocumentId::from(version.id.clone())),
        case_id: Some(CaseId::from(version.case_id.clone())),
        version: Some(version.version),
        file_name: Some(version.file_name.clone()),
    }
}

/// What a failed check says about the object.
fn classify(error: &PipelineError) -> FindingKind {
    match error {
        PipelineError::Storage(StorageError::NotFound(_)) => FindingKind::Missing,
        PipelineError::Storage(_) | PipelineError::Abandoned => FindingKind::Unreadable,
        PipelineError::Crypto(CryptoError::OtherMasterKey { .. } | CryptoError::WrongKey) => {
            FindingKind::WrongKey
        }
        PipelineError::Crypto(
            CryptoError::BadHeader | CryptoError::Tampered | CryptoError::Truncated,
        )
        | PipelineError::Digest => FindingKind::Damaged,
        // The machine's own trouble (no randomness, a cipher refusing its
        // key), not the object's.
        PipelineError::Crypto(
            CryptoError::BadMasterKey | CryptoError::Randomness(_) | CryptoError::CipherSetup,
        ) => FindingKind::Unreadable,
    }
}

/// Scrubs once per `every` while serving: each interval's run is claimed in
/// the database, so of several instances one runs it. Checked every ten
/// minutes (and at start).
pub async fn run_periodically(db: Db, documents: Documents, name: String, every: Duration) {
    let every_secs = every.as_secs().max(1) as i64;
    let mut tick = actix_web::rt::time::interval(every.min(Duration::from_secs(600)));
    loop {
        tick.tick().await;
        let slot = crate::auth::now() / every_secs;
        let (db, documents, name) = (db.clone(), documents.clone(), name.clone());
        let ran = actix_web::rt::task::spawn_blocking(move || {
            run(&db, &documents, &format!("schedule ({name})"), Some(slot))
        })
        .await;
        match ran {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                tracing::error!(target: "visadesk::scrub", error = %e, "the scheduled document scrub could not run")
            }
            Err(e) => {
                tracing::error!(target: "visadesk::scrub", error = %e, "the scheduled document scrub panicked")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_and_loss_are_told_apart_from_an_unreachable_store() {
        let missing = PipelineError::Storage(StorageError::NotFound("c/d".into()));
        assert_eq!(classify(&missing), FindingKind::Missing);
        let down = PipelineError::Storage(StorageError::Store("connection refused".into()));
        assert_eq!(classify(&down), FindingKind::Unreadable);
        assert_eq!(
            classify(&PipelineError::Crypto(CryptoError::Tampered)),
            FindingKind::Damaged
        );
        assert_eq!(classify(&PipelineError::Digest), FindingKind::Damaged);
        assert_eq!(
            classify(&PipelineError::Crypto(CryptoError::WrongKey)),
            FindingKind::WrongKey
        );
    }
}
