//! The audit trail's end, anchored by a signed checkpoint outside the
//! database: `audit verify` finds rows cut off the end, a trail rewritten
//! and chained again, and a checkpoint file that is missing, cut off or
//! forged; nothing moves the checkpoint past a cut.

use crate::cli::{visadesk, visadesk_with};
use crate::common::{Backend, TestApp};
use diesel::prelude::*;
use std::process::Command;
use visadesk_server::db::schema::audit_log;
use visadesk_server::store::audit::AuditRow;

on_both_databases!(
    a_cut_off_tail_is_found_and_the_checkpoint_kept,
    a_trail_rewritten_and_chained_again_is_found,
    a_missing_cut_off_or_forged_checkpoint_fails_verify,
    the_server_checkpoints_at_start_and_on_shutdown,
    each_instance_keeps_its_own_checkpoint_under_one_key,
);

/// Only at start and shutdown, so each test decides when one is written.
const AT_START_AND_STOP: &[(&str, &str)] = &[("VISADESK_AUDIT_CHECKPOINT_SECS", "0")];

fn rows(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM audit_log")
}

fn checkpoint_file(app: &TestApp) -> std::path::PathBuf {
    app.data_dir().join("audit-checkpoint")
}

/// The row number the checkpoint in `path` covers.
fn checkpointed_row(path: &std::path::Path) -> i64 {
    let text = std::fs::read_to_string(path).expect("a checkpoint file");
    text.split(' ')
        .find_map(|f| f.strip_prefix("seq="))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no seq in {text}"))
}

/// A server with a few audit rows and a checkpoint of the newest; the app
/// and that row's number.
async fn checkpointed(db: Backend) -> (TestApp, i64) {
    let app = TestApp::spawn_with(db, AT_START_AND_STOP).await;
    for _ in 0..3 {
        app.admin().await;
    }
    let head = rows(&app);
    let (ok, out, err) = visadesk(&app, &["audit", "checkpoint"], "");
    assert!(ok, "{out}{err}");
    assert!(
        out.contains(&format!("checkpoint of row {head} written")),
        "{out}"
    );
    (app, head)
}

async fn a_cut_off_tail_is_found_and_the_checkpoint_kept(db: Backend) {
    let (app, head) = checkpointed(db).await;
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(ok, "{out}");
    assert!(out.contains(&format!("row {head} matches")), "{out}");

    // Someone with database access removes the newest two rows.
    app.unprotect_audit_trail();
    app.exec(&format!("DELETE FROM audit_log WHERE seq >= {}", head - 1));
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(!ok, "{out}");
    // The shorter chain is still a valid chain; the checkpoint sees the cut.
    assert!(
        out.contains(&format!("audit trail intact: {} rows", head - 2)),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "audit trail cut short: rows {} to {head} are missing",
            head - 1
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("the trail now ends at row {}", head - 2)),
        "{out}"
    );

    // Nothing moves the checkpoint past the cut, to hide it.
    let kept = std::fs::read(checkpoint_file(&app)).unwrap();
    let (ok, out, _) = visadesk(&app, &["audit", "checkpoint"], "");
    assert!(!ok, "{out}");
    assert!(
        out.contains("no longer extends the last checkpoint"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "it ends at row {}, the checkpoint saw row {head}",
            head - 2
        )),
        "{out}"
    );
    assert_eq!(std::fs::read(checkpoint_file(&app)).unwrap(), kept);

    // New rows take the removed numbers, with other hashes: still caught.
    app.admin().await;
    app.admin().await;
    assert_eq!(rows(&app), head);
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!(
            "audit trail rewritten: row {head} no longer has the hash"
        )),
        "{out}"
    );
    let (ok, _, _) = visadesk(&app, &["audit", "checkpoint"], "");
    assert!(!ok);
    assert_eq!(std::fs::read(checkpoint_file(&app)).unwrap(), kept);
}

async fn a_trail_rewritten_and_chained_again_is_found(db: Backend) {
    let (app, head) = checkpointed(db).await;

    // Row 2 is edited and every later hash computed again, as someone who
    // knows the chain's rules would.
    app.unprotect_audit_trail();
    app.db()
        .run_here(|conn| {
            let mut all: Vec<AuditRow> = audit_log::table
                .order(audit_log::seq.asc())
                .select(AuditRow::as_select())
                .load(conn)?;
            all[1].summary = "nothing to see".into();
            let mut prev = all[0].hash.clone();
            for row in all.iter_mut().skip(1) {
                row.prev_hash = prev;
                row.hash = row.compute_hash();
                prev = row.hash.clone();
                diesel::update(audit_log::table.filter(audit_log::seq.eq(row.seq)))
                    .set((
                        audit_log::summary.eq(&row.summary),
                        audit_log::prev_hash.eq(&row.prev_hash),
                        audit_log::hash.eq(&row.hash),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })
        .expect("rewrite the trail");
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!("audit trail intact: {head} rows")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "audit trail rewritten: row {head} no longer has the hash recorded in the checkpoint"
        )),
        "{out}"
    );
}

async fn a_missing_cut_off_or_forged_checkpoint_fails_verify(db: Backend) {
    let app = TestApp::spawn_with(db, AT_START_AND_STOP).await;
    app.admin().await;
    let (ok, out, err) = visadesk(&app, &["audit", "checkpoint"], "");
    assert!(ok, "{out}{err}");
    let path = checkpoint_file(&app);
    let good = std::fs::read_to_string(&path).unwrap();
    let head = rows(&app);

    // Cut off mid-line.
    std::fs::write(&path, &good[..good.len() / 2]).unwrap();
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(!ok, "{out}");
    assert!(out.contains("is cut off (truncated)"), "{out}");

    // A longer trail claimed than was signed.
    let forged = good.replace(&format!("seq={head} "), &format!("seq={} ", head + 5));
    assert_ne!(forged, good);
    std::fs::write(&path, forged).unwrap();
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(!ok, "{out}");
    assert!(
        out.contains("does not match its signature: it was forged or edited"),
        "{out}"
    );

    // Not a checkpoint at all.
    std::fs::write(&path, "{\"seq\": 1}\n").unwrap();
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(!ok, "{out}");
    assert!(out.contains("is not a Visadesk audit checkpoint"), "{out}");

    // Gone: the end of the trail cannot be checked.
    std::fs::remove_file(&path).unwrap();
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(!ok, "{out}");
    assert!(out.contains("there is no checkpoint file at"), "{out}");
    assert!(
        out.contains("`visadesk audit checkpoint` writes one now"),
        "{out}"
    );

    // A forged or cut-off checkpoint is never replaced: it is evidence.
    std::fs::write(&path, &good[..good.len() - 1]).unwrap();
    let (ok, out, _) = visadesk(&app, &["audit", "checkpoint"], "");
    assert!(!ok, "{out}");
    assert!(out.contains("the checkpoint was not replaced"), "{out}");

    // Put back, it checks again.
    std::fs::write(&path, &good).unwrap();
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(ok, "{out}");
}

async fn the_server_checkpoints_at_start_and_on_shutdown(db: Backend) {
    let mut app = TestApp::spawn_with(db, AT_START_AND_STOP).await;
    // At start: the initial admin's creation.
    assert_eq!(checkpointed_row(&checkpoint_file(&app)), rows(&app));
    for _ in 0..2 {
        app.admin().await;
    }
    let head = rows(&app);
    assert!(checkpointed_row(&checkpoint_file(&app)) < head);
    let pid = app.pid().unwrap().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    assert!(app.wait().await.success(), "{}", app.log());
    assert_eq!(checkpointed_row(&checkpoint_file(&app)), head);
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(ok, "{out}");
}

async fn each_instance_keeps_its_own_checkpoint_under_one_key(db: Backend) {
    if db != Backend::Postgres {
        return; // several instances share one PostgreSQL database
    }
    let key = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M=";
    let shared = [("VISADESK_AUDIT_KEY", key)];
    let app = TestApp::spawn_with(db, &shared).await;
    let sibling = app.spawn_sibling(&shared).await;
    app.admin().await;
    let (ok, out, err) = visadesk_with(&app, &["audit", "checkpoint"], "", &shared);
    assert!(ok, "{out}{err}");
    let ours = checkpoint_file(&app);
    let theirs = sibling.data_dir().join("audit-checkpoint");
    assert!(theirs.exists(), "the sibling wrote its own at start");
    let both = [
        "audit",
        "verify",
        "--checkpoint",
        ours.to_str().unwrap(),
        "--checkpoint",
        theirs.to_str().unwrap(),
    ];
    let (ok, out, _) = visadesk_with(&app, &both, "", &shared);
    assert!(ok, "{out}");
    assert_eq!(out.matches(" matches (taken ").count(), 2, "{out}");

    // Without the shared key, the files cannot be checked.
    let (ok, out, _) = visadesk(&app, &both, "");
    assert!(!ok, "{out}");
    assert!(out.contains("which is not configured"), "{out}");
}
