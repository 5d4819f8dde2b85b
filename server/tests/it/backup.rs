//! Backups end to end: taken while uploads and reads go on, checked,
//! restored into an empty database and data folder (on the other backend
//! too), compared row by row and byte by byte, and served again; a backup
//! with a changed byte, a missing file or an edited manifest is refused,
//! naming the file.

use crate::cli::visadesk_with;
use crate::common::firm::{checklist_of_new_case, firm_with, Firm};
use crate::common::{postgres_url, Backend, PgDatabase, TestApp};
use crate::notices::upload;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use visadesk_app::domain::checklist::ChecklistItem;
use visadesk_app::domain::DocumentId;

on_both_databases!(
    every_table_is_backed_up,
    a_backup_taken_under_load_restores_every_row_and_document,
    a_changed_missing_or_unlisted_file_is_refused_by_name,
);

/// Runs `visadesk` on the firm's data with `env` on top; (ok, stdout, stderr).
fn run(f: &Firm, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    visadesk_with(&f.app, args, "", env)
}

/// Each table's rows in a backup folder, as sorted lines.
fn rows(backup: &Path) -> BTreeMap<String, Vec<String>> {
    let mut tables = BTreeMap::new();
    for entry in std::fs::read_dir(backup.join("database")).expect("database folder") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let mut lines: Vec<String> = std::fs::read_to_string(&path)
            .expect("rows")
            .lines()
            .map(str::to_string)
            .collect();
        lines.sort();
        tables.insert(name, lines);
    }
    tables
}

/// Every document object in a backup folder, by key, with its SHA-256.
fn objects(backup: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let root = backup.join("documents");
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let key = path
                    .strip_prefix(&root)
                    .expect("under")
                    .to_string_lossy()
                    .to_string();
                found.insert(
                    key,
                    hex::encode(Sha256::digest(std::fs::read(&path).expect("object"))),
                );
            }
        }
    }
    found
}

/// A new case's checklist items, and a document uploaded to the first:
/// its id and bytes as downloaded.
async fn a_stored_document(f: &Firm) -> (Vec<String>, DocumentId, Vec<u8>) {
    let items: Vec<String> = checklist_of_new_case(f)
        .await
        .iter()
        .map(|i| i.to_string())
        .collect();
    let stored: ChecklistItem = upload(f, &f.admin, &items[0]).await;
    let document = stored.versions[0].id.clone();
    let original = f
        .admin
        .get(f.app.url(&format!("/documents/{document}")))
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("bytes")
        .to_vec();
    (items, document, original)
}

/// An empty place to restore into on `db`: a data folder and, for
/// PostgreSQL, a fresh database; with the environment that names them.
fn empty_target(db: Backend) -> (tempfile::TempDir, Option<PgDatabase>, Vec<(String, String)>) {
    let dir = tempfile::tempdir().expect("dir");
    let pg = match db {
        Backend::Sqlite => None,
        Backend::Postgres => Some(PgDatabase::create(
            &postgres_url().expect("TEST_DATABASE_URL"),
        )),
    };
    let env = vec![
        (
            "VISADESK_DATA_DIR".to_string(),
            dir.path().display().to_string(),
        ),
        (
            "DATABASE_URL".to_string(),
            pg.as_ref().map(|p| p.url.clone()).unwrap_or_default(),
        ),
    ];
    (dir, pg, env)
}

fn pairs(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn a_backup_taken_under_load_restores_every_row_and_document(db: Backend) {
    let f = firm_with(db, &[("VISADESK_SCRUB_EVERY_HOURS", "0")]).await;
    let (items, document, original) = a_stored_document(&f).await;

    // Uploads and reads keep coming while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let load = {
        let (stop, done) = (stop.clone(), done.clone());
        let (url, admin, items) = (f.app.base.clone(), f.admin.clone(), items.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let item = &items[1 + i % (items.len() - 1)];
                let body = format!("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p{i}.pdf\"\r\n\r\n%PDF-1.4 load {i}\r\n--b--\r\n");
                let res = admin
                    .post(format!("{url}/documents/items/{item}"))
                    .header("content-type", "multipart/form-data; boundary=b")
                    .body(body)
                    .send()
                    .await;
                assert!(
                    res.is_ok_and(|r| r.status() == 201),
                    "an upload under load failed"
                );
                let _ = admin.get(format!("{url}/cases")).send().await;
                done.fetch_add(1, Ordering::Relaxed);
                i += 1;
            }
        })
    };
    while done.load(Ordering::Relaxed) < 3 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let out = tempfile::tempdir().expect("dir");
    let backup = out.path().join("backup-1");
    let (ok, text, err) = {
        let dest = backup.display().to_string();
        let args = ["backup", dest.as_str(), "--include-keys"];
        run(&f, &args, &[])
    };
    let during = done.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    load.await.expect("the load ran without a failed request");
    assert!(ok, "{text}{err}");
    assert!(text.contains("key files are included"), "{text}");
    assert!(during >= 3, "no load ran during the backup");

    let (ok, text, err) = run(
        &f,
        &["backup", "--verify", &backup.display().to_string()],
        &[],
    );
    assert!(ok, "{text}{err}");
    assert!(text.contains("is a sound backup"), "{text}");

    // Restore on each backend: the same backend, and the other one (an
    // SQLite install moving to PostgreSQL, and back).
    let mut targets = vec![db];
    if postgres_url().is_some() {
        targets.push(match db {
            Backend::Sqlite => Backend::Postgres,
            Backend::Postgres => Backend::Sqlite,
        });
    }
    for target in targets {
        let (dir, pg, env) = empty_target(target);
        let (ok, text, err) = run(
            &f,
            &["restore", &backup.display().to_string()],
            &pairs(&env),
        );
        assert!(ok, "restore onto {target:?}: {text}{err}");
        assert!(text.contains("restore complete"), "{text}");

        // A second restore into the same place is refused: it is no longer empty.
        let (ok, _, err) = run(
            &f,
            &["restore", &backup.display().to_string()],
            &pairs(&env),
        );
        assert!(!ok);
        assert!(err.contains("is not empty"), "{err}");

        // Backed up again, the restored install holds the same rows (its
        // own scrub run aside) and the same sealed bytes.
        let again = out.path().join(format!("again-{target:?}"));
        let (ok, text, err) = run(&f, &["backup", &again.display().to_string()], &pairs(&env));
        assert!(ok, "{text}{err}");
        let (mut before, mut after) = (rows(&backup), rows(&again));
        let (scrubs_before, scrubs_after) = (
            before.remove("scrub_runs").unwrap_or_default(),
            after.remove("scrub_runs").unwrap_or_default(),
        );
        assert_eq!(
            before, after,
            "the rows differ after a restore onto {target:?}"
        );
        assert!(scrubs_before.iter().all(|r| scrubs_after.contains(r)));
        assert_eq!(objects(&backup), objects(&again));
        assert!(!objects(&backup).is_empty());

        // And it serves: the admin signs in and downloads the same bytes.
        let restored = TestApp::adopt(target, dir, pg, &[]).await;
        let admin = restored.admin().await;
        let bytes = admin
            .get(restored.url(&format!("/documents/{document}")))
            .send()
            .await
            .expect("download")
            .bytes()
            .await
            .expect("bytes");
        assert_eq!(bytes, original);
    }
}

/// Copies a backup folder.
fn copy(from: &Path, to: &Path) {
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        std::fs::create_dir_all(to.join(&rel)).expect("dir");
        for entry in std::fs::read_dir(from.join(&rel)).expect("read") {
            let entry = entry.expect("entry");
            let rel = rel.join(entry.file_name());
            if entry.path().is_dir() {
                stack.push(rel);
            } else {
                std::fs::copy(entry.path(), to.join(&rel)).expect("copy");
            }
        }
    }
}

async fn a_changed_missing_or_unlisted_file_is_refused_by_name(db: Backend) {
    let f = firm_with(db, &[("VISADESK_SCRUB_EVERY_HOURS", "0")]).await;
    a_stored_document(&f).await;
    let out = tempfile::tempdir().expect("dir");
    let backup = out.path().join("good");
    let (ok, text, err) = run(&f, &["backup", &backup.display().to_string()], &[]);
    assert!(ok, "{text}{err}");
    assert!(text.contains("keys are NOT included"), "{text}");
    // The destination must be new.
    let (ok, _, err) = run(&f, &["backup", &backup.display().to_string()], &[]);
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");

    let object = objects(&backup).keys().next().expect("an object").clone();
    let broken = |name: &str, harm: &dyn Fn(&Path)| -> PathBuf {
        let copy_dir = out.path().join(name);
        copy(&backup, &copy_dir);
        harm(&copy_dir);
        copy_dir
    };
    let cases: Vec<(PathBuf, String)> = vec![
        (
            broken("changed-byte", &|d| {
                let path = d.join("documents").join(&object);
                let mut bytes = std::fs::read(&path).expect("object");
                let at = bytes.len() / 2;
                bytes[at] ^= 1;
                std::fs::write(&path, bytes).expect("write");
            }),
            format!("documents/{object} was changed"),
        ),
        (
            broken("missing-file", &|d| {
                std::fs::remove_file(d.join("database/cases.jsonl")).expect("remove");
            }),
            "database/cases.jsonl is missing".into(),
        ),
        (
            broken("edited-manifest", &|d| {
                let path = d.join("manifest.json");
                let text = std::fs::read_to_string(&path).expect("manifest");
                std::fs::write(
                    &path,
                    text.replacen("\"documents\": 1", "\"documents\": 2", 1),
                )
                .expect("write");
            }),
            "manifest.json was changed".into(),
        ),
        (
            broken("extra-file", &|d| {
                std::fs::write(d.join("documents/planted"), b"x").expect("write");
            }),
            "documents/planted is not in the manifest".into(),
        ),
    ];
    for (dir, named) in cases {
        let src = dir.display().to_string();
        let (ok, _, err) = run(&f, &["backup", "--verify", &src], &[]);
        assert!(!ok, "{src} passed --verify");
        assert!(err.contains(&named), "--verify on {src}: {err}");
        let (_target_dir, _target_db, target) = empty_target(db);
        let (ok, _, err) = run(&f, &["restore", &src], &pairs(&target));
        assert!(!ok, "{src} was restored");
        assert!(err.contains(&named), "restore of {src}: {err}");
    }
}

async fn every_table_is_backed_up(db: Backend) {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let app = TestApp::spawn(db).await;
    let mut names: Vec<String> = app
        .db()
        .run_here(|c| {
            Ok(match c {
                visadesk_server::db::DbConnection::Sqlite(c) => diesel::sql_query(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                )
                .load::<Name>(c)?,
                visadesk_server::db::DbConnection::Postgresql(c) => diesel::sql_query(
                    "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema()",
                )
                .load::<Name>(c)?,
            })
        })
        .expect("tables")
        .into_iter()
        .map(|n| n.name)
        .filter(|n| n != "__diesel_schema_migrations")
        .collect();
    names.sort();
    let mut backed_up: Vec<String> = visadesk_server::backup::rows::TABLES
        .iter()
        .map(|t| t.to_string())
        .collect();
    backed_up.sort();
    assert_eq!(
        names, backed_up,
        "a table is missing from backup::rows::TABLES (in reference order)"
    );
}

/// `migrate-data`: an SQLite install copied into PostgreSQL, then served
/// from there (a signed-in page and a download).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_data_moves_an_sqlite_install_to_postgresql() {
    let Some(admin_url) = postgres_url() else {
        return;
    };
    let mut f = firm_with(Backend::Sqlite, &[("VISADESK_SCRUB_EVERY_HOURS", "0")]).await;
    let (_, document, original) = a_stored_document(&f).await;
    let counts = |app: &TestApp| {
        (
            app.count("SELECT COUNT(*) AS n FROM users"),
            app.count("SELECT COUNT(*) AS n FROM audit_log"),
            app.count("SELECT COUNT(*) AS n FROM documents"),
        )
    };
    let before = counts(&f.app);

    // Not a PostgreSQL URL, or a database that is not empty: refused.
    let (ok, _, err) = run(&f, &["migrate-data", "--to", "mysql://db/x"], &[]);
    assert!(!ok);
    assert!(err.contains("PostgreSQL URL"), "{err}");
    let pg = PgDatabase::create(&admin_url);
    let (ok, text, err) = run(&f, &["migrate-data", "--to", &pg.url], &[]);
    assert!(ok, "{text}{err}");
    assert!(text.contains("restore complete"), "{text}");
    let (ok, _, err) = run(&f, &["migrate-data", "--to", &pg.url], &[]);
    assert!(!ok);
    assert!(err.contains("is not empty"), "{err}");
    assert!(
        !std::fs::read_dir(f.app.data_dir())
            .expect("data dir")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("migrate-data-")),
        "the staging copy was left behind"
    );

    // The same data folder (documents, keys), now on PostgreSQL.
    f.app
        .restart_with(&[
            ("DATABASE_URL", pg.url.as_str()),
            ("VISADESK_SCRUB_EVERY_HOURS", "0"),
        ])
        .await;
    let admin = f.app.admin().await;
    let page = admin
        .get(f.app.url("/cases"))
        .send()
        .await
        .expect("cases page");
    assert_eq!(page.status(), 200);
    let bytes = admin
        .get(f.app.url(&format!("/documents/{document}")))
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(bytes, original);
    let db = visadesk_server::db::Db::open(
        &visadesk_server::config::DatabaseUrl::Postgres(pg.url.clone()),
        1,
    )
    .expect("open");
    let n = |sql: &str| crate::common::count_in(&db, sql);
    let after = (
        n("SELECT COUNT(*) AS n FROM users"),
        n("SELECT COUNT(*) AS n FROM audit_log"),
        n("SELECT COUNT(*) AS n FROM documents"),
    );
    // The sign-in and the download above add audit rows.
    assert_eq!((after.0, after.2), (before.0, before.2));
    assert!(after.1 > before.1);
}

/// `migrate-data` with a bucket set: the documents go into it, and the
/// PostgreSQL install serves them from there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_data_moves_the_documents_into_the_bucket() {
    let Some(admin_url) = postgres_url() else {
        return;
    };
    let Some(moto) = tokio::task::spawn_blocking(|| {
        crate::common::moto::start_moto("migrate_data_moves_the_documents_into_the_bucket")
    })
    .await
    .expect("moto") else {
        return;
    };
    let mut f = firm_with(Backend::Sqlite, &[("VISADESK_SCRUB_EVERY_HOURS", "0")]).await;
    let (_, document, _) = a_stored_document(&f).await;
    let endpoint = format!("http://127.0.0.1:{}", moto.port);
    let bucket = [
        ("VISADESK_S3_BUCKET", crate::common::moto::BUCKET),
        ("VISADESK_S3_ENDPOINT", endpoint.as_str()),
        ("VISADESK_S3_PREFIX", "migrated"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ];
    let pg = PgDatabase::create(&admin_url);
    let (ok, text, err) = run(&f, &["migrate-data", "--to", &pg.url], &bucket);
    assert!(ok, "{text}{err}");
    assert!(
        text.contains("restored") && text.contains("1 documents"),
        "{text}"
    );

    // The local copy goes away; the install on PostgreSQL reads the bucket.
    std::fs::remove_dir_all(f.app.data_dir().join("documents")).expect("remove local documents");
    let mut env = bucket.to_vec();
    env.push(("DATABASE_URL", pg.url.as_str()));
    env.push(("VISADESK_SCRUB_EVERY_HOURS", "0"));
    f.app.restart_with(&env).await;
    let admin = f.app.admin().await;
    let res = admin
        .get(f.app.url(&format!("/documents/{document}")))
        .send()
        .await
        .expect("download");
    assert_eq!(res.status(), 200);
    assert!(res
        .bytes()
        .await
        .expect("bytes")
        .starts_with(b"%PDF-1.4 passport"));
}
