//! `visadesk backup DEST`, `visadesk backup --verify SRC` and `visadesk
//! restore SRC`.
//!
//! A backup is a folder: every table's rows as JSON lines, read in one
//! consistent snapshot (an SQLite read transaction; a PostgreSQL repeatable
//! read transaction) while the server keeps serving; every document object
//! those rows name, as stored (still sealed); the audit checkpoint, copied
//! before the snapshot so that it never runs ahead of it; and a manifest
//! with each file's SHA-256 and size, the row counts and the schema
//! version. The document and audit keys are left out unless asked for.
//! Rows are kept in a form either database reads, so a backup of an SQLite
//! install restores into PostgreSQL (`migrate-data`).
//!
//! It is written into a hidden folder beside `DEST` and renamed when
//! complete, so `DEST` either holds a whole backup or does not exist.

pub mod manifest;
pub mod rows;

use crate::config::Config;
use crate::db::{write_tx, Db, DbConnection};
use crate::documents::pipeline::Documents;
use crate::error::ServerError;
use diesel::connection::SimpleConnection;
use manifest::{FileEntry, HashingWriter, Manifest};
use rows::TABLES;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use visadesk_app::domain::scrub::ScrubRun;

/// The data folder's key files, copied only when asked.
const KEY_FILES: [&str; 2] = [
    crate::documents::keys::GENERATED_KEY_FILE,
    crate::audit_anchor::key::GENERATED_KEY_FILE,
];
/// The audit checkpoint's name in a backup.
const CHECKPOINT: &str = "audit-checkpoint";

/// What a backup took.
#[derive(Clone, Debug)]
pub struct BackupReport {
    pub dest: PathBuf,
    pub manifest: Manifest,
    /// Why the keys are not in it, when they were asked for but are set in
    /// the environment rather than kept in the data folder.
    pub keys_note: Option<String>,
    pub seconds: f64,
}

impl BackupReport {
    /// Lines for a person.
    pub fn lines(&self) -> Vec<String> {
        let m = &self.manifest;
        let rows: u64 = m.tables.values().sum();
        let bytes: u64 = m.files.values().map(|f| f.size).sum();
        let mut lines = vec![format!(
            "backup written to {}: {} rows in {} tables, {} documents, {} files, {} bytes, in {:.1} s (schema {}, from {})",
            self.dest.display(),
            rows,
            m.tables.len(),
            m.documents,
            m.files.len(),
            bytes,
            self.seconds,
            m.schema_version,
            m.database
        )];
        lines.push(if m.keys_included {
            "the data folder's key files are included: keep this backup as secret as the keys".into()
        } else {
            "the document and audit keys are NOT included (--include-keys adds the data folder's key files): keep them apart; without the document key the documents cannot be opened".into()
        });
        if let Some(note) = &self.keys_note {
            lines.push(note.clone());
        }
        for key in &m.documents_missing {
            lines.push(format!(
                "WARNING: document object {key} was missing from storage and is not in the backup (visadesk scrub reports it)"
            ));
        }
        lines
    }
}

/// The newest migration applied to the database.
fn schema_version(conn: &mut DbConnection) -> Result<String, ServerError> {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = Text)]
        v: String,
    }
    let sql = "SELECT MAX(version) AS v FROM __diesel_schema_migrations";
    let row: Version = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(sql).get_result(c)?,
        DbConnection::Postgresql(c) => diesel::sql_query(sql).get_result(c)?,
    };
    Ok(row.v)
}

/// Runs `work` in one read-only snapshot of the whole database.
fn in_snapshot<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, ServerError>,
) -> Result<T, ServerError> {
    let begin = match conn {
        DbConnection::Sqlite(_) => "BEGIN",
        DbConnection::Postgresql(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    };
    conn.batch_execute(begin)?;
    let result = work(conn);
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    match conn.batch_execute(end) {
        Ok(()) => result,
        Err(e) => result.and(Err(e.into())),
    }
}

fn create_file(
    dir: &Path,
    rel: &str,
) -> Result<HashingWriter<BufWriter<std::fs::File>>, ServerError> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    Ok(HashingWriter::new(BufWriter::with_capacity(
        256 * 1024,
        std::fs::File::create(&path)?,
    )))
}

fn close(writer: HashingWriter<BufWriter<std::fs::File>>) -> Result<FileEntry, ServerError> {
    let (entry, buffered) = writer.finish();
    let file = buffered
        .into_inner()
        .map_err(|e| ServerError::Io(e.into_error()))?;
    file.sync_all()?;
    Ok(entry)
}

/// Takes a backup into `dest` (which must not exist) while the server may
/// keep serving.
pub fn take(config: &Config, dest: &Path, include_keys: bool) -> Result<BackupReport, ServerError> {
    let started = std::time::Instant::now();
    if dest.exists() {
        return Err(ServerError::Backup(format!(
            "{} already exists: a backup goes into a new folder",
            dest.display()
        )));
    }
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .ok_or_else(|| ServerError::Backup(format!("{} names no folder", dest.display())))?;
    let partial = parent.join(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::create_dir_all(&partial)
        .map_err(|e| ServerError::Backup(format!("cannot create {}: {e}", partial.display())))?;
    let db = crate::serve::open_database(config)?;
    let documents = crate::documents::open(config)?;
    match write_backup(config, &db, &documents, &partial, include_keys) {
        Ok((manifest, keys_note)) => {
            std::fs::rename(&partial, dest)?;
            Ok(BackupReport {
                dest: dest.to_path_buf(),
                manifest,
                keys_note,
                seconds: started.elapsed().as_secs_f64(),
            })
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(e)
        }
    }
}

fn write_backup(
    config: &Config,
    db: &Db,
    documents: &Documents,
    dir: &Path,
    include_keys: bool,
) -> Result<(Manifest, Option<String>), ServerError> {
    let mut files = BTreeMap::new();
    // The checkpoint first: it then covers no row the snapshot lacks.
    let checkpoint = config.checkpoint_path();
    if checkpoint.exists() {
        let mut out = create_file(dir, CHECKPOINT)?;
        out.write_all(&std::fs::read(&checkpoint)?)?;
        files.insert(CHECKPOINT.to_string(), close(out)?);
    }
    let (schema_version, tables, keys) = db.run_here(|conn| {
        in_snapshot(conn, |conn| {
            let version = schema_version(conn)?;
            let mut tables = BTreeMap::new();
            let mut keys = Vec::new();
            for table in TABLES {
                let columns = rows::columns(conn, table)?;
                let key_at = columns.iter().position(|c| c.name == "storage_key");
                let rel = format!("database/{table}.jsonl");
                let mut out = create_file(dir, &rel)?;
                let n = rows::dump(conn, table, &columns, |row| {
                    if let (true, Some(i)) = (*table == "documents", key_at) {
                        if let Some(key) = row.get(i).and_then(Value::as_str) {
                            keys.push(key.to_string());
                        }
                    }
                    serde_json::to_writer(&mut out, &row)
                        .map_err(|e| ServerError::Backup(format!("{rel}: {e}")))?;
                    out.write_all(b"\n")?;
                    Ok(())
                })?;
                files.insert(rel, close(out)?);
                tables.insert(table.to_string(), n);
            }
            Ok((version, tables, keys))
        })
    })?;
    let mut missing = Vec::new();
    let mut copied = 0u64;
    for key in keys {
        let mut reader = match documents.storage.open(&key) {
            Ok(r) => r,
            Err(crate::documents::storage::StorageError::NotFound(_)) => {
                tracing::error!(key = %key, "backup: a document's object is missing from storage");
                missing.push(key);
                continue;
            }
            Err(e) => return Err(ServerError::Storage(format!("{key}: {e}"))),
        };
        let rel = format!("documents/{key}");
        let mut out = create_file(dir, &rel)?;
        std::io::copy(&mut reader, &mut out)
            .map_err(|e| ServerError::Storage(format!("copying {key}: {e}")))?;
        files.insert(rel, close(out)?);
        copied += 1;
    }
    let mut keys_included = false;
    let mut keys_note = None;
    if include_keys {
        for file in KEY_FILES {
            let path = config.data_dir.join(file);
            if path.exists() {
                let rel = format!("keys/{file}");
                let mut out = create_file(dir, &rel)?;
                out.write_all(&std::fs::read(&path)?)?;
                files.insert(rel, close(out)?);
                keys_included = true;
            }
        }
        if config.document_key.is_some() || config.audit_key.is_some() {
            keys_note = Some(
                "keys set in the environment (VISADESK_DOCUMENT_KEY, VISADESK_AUDIT_KEY) are not files of the data folder and are not in the backup: keep them in your secret store".into(),
            );
        }
    }
    let manifest = Manifest {
        format: manifest::FORMAT,
        created_at: crate::auth::now(),
        visadesk_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version,
        database: db.kind().to_string(),
        tables,
        documents: copied,
        documents_missing: missing,
        keys_included,
        files,
    };
    manifest::write(dir, &manifest)?;
    Ok((manifest, keys_note))
}

/// Checks a backup without restoring it.
pub fn verify(src: &Path) -> Result<Manifest, ServerError> {
    manifest::verify(src)
}

/// What a restore did, and what the checks after it found.
#[derive(Clone, Debug)]
pub struct RestoreReport {
    pub rows: u64,
    pub documents: u64,
    /// `audit verify`'s lines, and whether the trail is intact.
    pub audit: (Vec<String>, bool),
    pub scrub: Option<ScrubRun>,
    pub seconds: f64,
}

impl RestoreReport {
    /// Whether the restored install checked out whole.
    pub fn sound(&self) -> bool {
        self.audit.1
            && self
                .scrub
                .as_ref()
                .is_some_and(|s| s.failure.is_none() && !s.lost_something() && s.unreadable == 0)
    }

    /// Lines for a person.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "restored {} rows and {} documents in {:.1} s",
            self.rows, self.documents, self.seconds
        )];
        lines.push("audit verify:".into());
        lines.extend(self.audit.0.iter().map(|l| format!("  {l}")));
        match &self.scrub {
            Some(run) => lines.push(format!(
                "scrub: {} document versions checked: {} missing, {} damaged or under another key, {} unreadable, {} with no document",
                run.checked, run.missing, run.corrupt, run.unreadable, run.orphaned
            )),
            None => lines.push("scrub: did not run".into()),
        }
        lines.push(if self.sound() {
            "restore complete: the audit trail and every document check out".into()
        } else {
            "RESTORED, BUT NOT EVERYTHING CHECKS OUT: see above".into()
        });
        lines
    }
}

/// Restores the backup in `src` into the configured database and document
/// storage, which must be empty; then checks the audit trail and scrubs
/// the documents.
pub fn restore(config: &Config, src: &Path) -> Result<RestoreReport, ServerError> {
    restore_into(config, src, DocumentsFrom::Backup)
}

/// Where a restore's documents come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DocumentsFrom {
    /// From the backup, into empty storage.
    Backup,
    /// They are in the configured storage already (`migrate-data` keeping
    /// the same documents folder).
    InPlace,
}

/// Copies the configured SQLite install (rows and documents) into the
/// empty PostgreSQL database at `to`: its documents into the configured S3
/// bucket if there is one, else they stay in the documents folder. Counts
/// are compared table by table and every document is read back (a scrub)
/// before it reports success. The install itself is left as it was.
pub fn migrate_data(config: &Config, to: &str) -> Result<RestoreReport, ServerError> {
    let to = to.trim();
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        return Err(ServerError::Backup(
            "--to must be a PostgreSQL URL (postgres://user@host/database)".into(),
        ));
    }
    let mut source = config.clone();
    source.s3_bucket = None;
    if matches!(
        source.database().map_err(ServerError::Config)?,
        crate::config::DatabaseUrl::Postgres(_)
    ) {
        return Err(ServerError::Backup(
            "DATABASE_URL names PostgreSQL already: migrate-data copies an SQLite install (unset DATABASE_URL to name the one in the data folder)".into(),
        ));
    }
    let bucket = config
        .s3_bucket
        .as_deref()
        .is_some_and(|b| !b.trim().is_empty());
    let mut target = config.clone();
    target.database_url = Some(to.to_string());
    let staging = config
        .data_dir
        .join(format!("migrate-data-{}", std::process::id()));
    let taken = take(&source, &staging, false).and_then(|report| {
        match report.manifest.documents_missing.len() {
            0 => Ok(report),
            n => Err(ServerError::Backup(format!(
                "{n} documents that rows name are not in the documents folder (visadesk scrub lists them): nothing was copied"
            ))),
        }
    });
    let result = taken.and_then(|_| {
        restore_into(
            &target,
            &staging,
            if bucket {
                DocumentsFrom::Backup
            } else {
                DocumentsFrom::InPlace
            },
        )
    });
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn restore_into(
    config: &Config,
    src: &Path,
    documents_from: DocumentsFrom,
) -> Result<RestoreReport, ServerError> {
    let started = std::time::Instant::now();
    let manifest = verify(src)?;
    let db = crate::serve::open_database(config)?;
    let (version, occupied) = db.run_here(|conn| {
        let version = schema_version(conn)?;
        let mut occupied = Vec::new();
        for table in TABLES {
            let n = rows::count_made(conn, table)?;
            if n > 0 {
                occupied.push(format!("{table} ({n} rows)"));
            }
        }
        Ok((version, occupied))
    })?;
    if version != manifest.schema_version {
        return Err(ServerError::Backup(format!(
            "the backup's schema is {}, this Visadesk's is {version}: restore it with Visadesk {} (which made it), then upgrade",
            manifest.schema_version, manifest.visadesk_version
        )));
    }
    if !occupied.is_empty() {
        return Err(ServerError::Backup(format!(
            "the database is not empty ({}): a restore goes into an empty database or data folder",
            occupied.join(", ")
        )));
    }
    if manifest.keys_included {
        place_keys(config, src)?;
    }
    let documents = crate::documents::open(config)?;
    let written = match documents_from {
        DocumentsFrom::InPlace => Vec::new(),
        DocumentsFrom::Backup => {
            let stored = documents
                .storage
                .keys()
                .map_err(|e| ServerError::Storage(e.to_string()))?;
            if !stored.is_empty() {
                return Err(ServerError::Backup(format!(
                    "document storage ({}) is not empty ({} objects): a restore goes into empty storage",
                    documents.storage.describe(),
                    stored.len()
                )));
            }
            copy_documents(&documents, src, &manifest)?
        }
    };
    let loaded = db.run_here(|conn| write_tx(conn, |conn| load_rows(conn, src, &manifest)));
    let rows = match loaded {
        Ok(rows) => rows,
        Err(e) => {
            for key in &written {
                let _ = documents.storage.delete(key);
            }
            return Err(e);
        }
    };
    if manifest.files.contains_key(CHECKPOINT) {
        let target = config.checkpoint_path();
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::copy(src.join(CHECKPOINT), &target)?;
    }
    let audit = {
        let anchor = crate::audit_anchor::Anchor::from_config(config, "restore".into())?;
        let files = vec![anchor.path.clone()];
        let report =
            db.run_here(|conn| crate::audit_anchor::check::verify(conn, &anchor.keys, &files))?;
        (report.lines(), report.intact())
    };
    let scrub = crate::scrub::run(&db, &documents, "restore", None)?;
    Ok(RestoreReport {
        rows,
        documents: match documents_from {
            DocumentsFrom::Backup => written.len() as u64,
            DocumentsFrom::InPlace => manifest.documents,
        },
        audit,
        scrub,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Puts the backup's key files into the data folder, unless the same key is
/// set in the environment; refuses to replace a different key file.
fn place_keys(config: &Config, src: &Path) -> Result<(), ServerError> {
    for file in KEY_FILES {
        let from = src.join("keys").join(file);
        if !from.exists() {
            continue;
        }
        let to = config.data_dir.join(file);
        let bytes = std::fs::read(&from)?;
        match std::fs::read(&to) {
            Ok(have) if have == bytes => continue,
            Ok(_) => {
                return Err(ServerError::Backup(format!(
                    "{} holds another key than the backup's keys/{file}: move it away first",
                    to.display()
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        std::fs::create_dir_all(&config.data_dir)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut out = options.open(&to)?;
        out.write_all(&bytes)?;
        out.sync_all()?;
    }
    Ok(())
}

/// Writes every document object of the backup into storage; their keys.
fn copy_documents(
    documents: &Documents,
    src: &Path,
    manifest: &Manifest,
) -> Result<Vec<String>, ServerError> {
    let mut written: Vec<String> = Vec::new();
    for rel in manifest.files.keys() {
        let Some(key) = rel.strip_prefix("documents/") else {
            continue;
        };
        let copied = (|| -> Result<(), ServerError> {
            let mut object = documents
                .storage
                .create(key)
                .map_err(|e| ServerError::Storage(format!("{key}: {e}")))?;
            let mut file = std::fs::File::open(src.join(rel))?;
            std::io::copy(&mut file, &mut object)?;
            object
                .commit()
                .map_err(|e| ServerError::Storage(format!("{key}: {e}")))
        })();
        if let Err(e) = copied {
            for done in &written {
                let _ = documents.storage.delete(done);
            }
            return Err(e);
        }
        written.push(key.to_string());
    }
    Ok(written)
}

/// Inserts every table's rows, in reference order; the row count.
fn load_rows(conn: &mut DbConnection, src: &Path, manifest: &Manifest) -> Result<u64, ServerError> {
    let mut total = 0u64;
    for table in TABLES {
        let Some(&expected) = manifest.tables.get(*table) else {
            return Err(ServerError::Backup(format!(
                "the backup has no rows file for {table}"
            )));
        };
        let columns = rows::columns(conn, table)?;
        rows::clear_seeded(conn, table)?;
        let rel = format!("database/{table}.jsonl");
        let file = std::io::BufReader::new(std::fs::File::open(src.join(&rel))?);
        let mut batch = Vec::with_capacity(1000);
        let mut n = 0u64;
        for line in file.lines() {
            let line = line?;
            let row: Value = serde_json::from_str(&line)
                .map_err(|e| ServerError::Backup(format!("{rel}, row {}: {e}", n + 1)))?;
            batch.push(row);
            n += 1;
            if batch.len() == 1000 {
                rows::load(conn, table, &columns, &batch)?;
                batch.clear();
            }
        }
        rows::load(conn, table, &columns, &batch)?;
        let have = rows::count(conn, table)? as u64;
        if n != expected || have != expected {
            return Err(ServerError::Backup(format!(
                "{table}: the backup counts {expected} rows, {n} were read and the database holds {have}"
            )));
        }
        total += n;
    }
    Ok(total)
}
