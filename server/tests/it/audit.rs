//! The audit trail: what it records, its filters, and that its rows
//! cannot be changed.

use crate::common::{Backend, Refusal, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use visadesk_app::domain::audit::AuditEvent;
use visadesk_app::domain::UserSummary;
use visadesk_app::AppError;

on_both_databases!(
    the_audit_trail_records_sign_ins_changes_and_refusals,
    audit_rows_cannot_be_changed_or_deleted,
);

/// Audit events as the admin filters them.
async fn audit(app: &TestApp, admin: &reqwest::Client, form: &[(&str, &str)]) -> Vec<AuditEvent> {
    app.ask(admin, "audit_events", form)
        .await
        .expect("audit events")
}

async fn the_audit_trail_records_sign_ins_changes_and_refusals(db: Backend) {
    let app = TestApp::spawn(db).await;
    assert_eq!(
        app.sign_in(&app.client(), ADMIN_EMAIL, "a wrong secret guess")
            .await
            .status(),
        401
    );
    let admin = app.admin().await;
    let para = app
        .user(
            &admin,
            "para@firm.example",
            "paralegal",
            "paralegal secret phrase",
        )
        .await;
    let para_id = app.user_id(&para).await.to_string();
    let changed: Result<UserSummary, Refusal> = app
        .ask(
            &admin,
            "change_role",
            &[("user_id", &para_id), ("role", "attorney")],
        )
        .await;
    assert!(changed.is_ok(), "{changed:?}");
    let users: Result<Vec<UserSummary>, Refusal> = app.ask(&para, "list_users", &[]).await;
    assert_eq!(users, Err((403, AppError::Forbidden)));
    let trail: Result<Vec<AuditEvent>, Refusal> = app.ask(&para, "audit_events", &[]).await;
    assert_eq!(
        trail,
        Err((403, AppError::Forbidden)),
        "only admins read the trail"
    );
    app.call(&para, "sign_out", &[]).await;

    let events = audit(&app, &admin, &[]).await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "user.create",
        "auth.sign_in_failed",
        "auth.sign_in",
        "user.role_change",
        "access.denied",
        "auth.sign_out",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    assert!(
        events.windows(2).all(|w| w[0].seq > w[1].seq),
        "newest first"
    );
    let change = events
        .iter()
        .find(|e| e.action == "user.role_change")
        .expect("the role change");
    assert_eq!(change.actor_email, ADMIN_EMAIL);
    assert_eq!(
        change.summary,
        "para@firm.example: role Paralegal → Attorney"
    );
    let denied: Vec<&AuditEvent> = events
        .iter()
        .filter(|e| e.action == "access.denied")
        .collect();
    assert!(denied.iter().all(|e| e.actor_email == "para@firm.example"));
    let refused: Vec<&str> = denied.iter().map(|e| e.object_id.as_str()).collect();
    assert_eq!(refused, vec!["view_audit", "manage_users"]);
    let failed = events
        .iter()
        .find(|e| e.action == "auth.sign_in_failed")
        .expect("the failed sign-in");
    assert_eq!(failed.actor_email, ADMIN_EMAIL);
    assert_eq!(failed.ip, "127.0.0.1");

    // Never a password or a token.
    let everything = app
        .db()
        .run_here(|c| {
            use diesel::prelude::*;
            use visadesk_server::db::schema::audit_log;
            Ok(audit_log::table
                .select((
                    audit_log::summary,
                    audit_log::actor_email,
                    audit_log::object_id,
                ))
                .load::<(String, String, String)>(c)?)
        })
        .unwrap();
    let text = format!("{everything:?}");
    for secret in [
        "a wrong secret guess",
        "paralegal secret phrase",
        ADMIN_PASSWORD,
    ] {
        assert!(!text.contains(secret), "the trail holds a password");
    }

    // Filters: by actor, by action prefix, by object, and paging back.
    let only_para = audit(&app, &admin, &[("actor", "para@")]).await;
    assert!(!only_para.is_empty());
    assert!(only_para
        .iter()
        .all(|e| e.actor_email == "para@firm.example"));
    let auth = audit(&app, &admin, &[("action", "auth.")]).await;
    assert!(auth.iter().all(|e| e.action.starts_with("auth.")));
    let about = audit(&app, &admin, &[("object", &para_id)]).await;
    assert!(about.iter().any(|e| e.action == "user.role_change"));
    let page = audit(&app, &admin, &[("before_seq", "3")]).await;
    assert!(!page.is_empty() && page.iter().all(|e| e.seq < 3));

    let html = admin
        .get(app.url("/admin/audit?action=user."))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("para@firm.example: role Paralegal → Attorney"),
        "the audit page lists events"
    );
}

async fn audit_rows_cannot_be_changed_or_deleted(db: Backend) {
    let app = TestApp::spawn(db).await;
    app.admin().await;
    let update = app.try_exec("UPDATE audit_log SET summary = 'nothing happened'");
    assert!(update.unwrap_err().contains("append-only"));
    let delete = app.try_exec("DELETE FROM audit_log");
    assert!(delete.unwrap_err().contains("append-only"));
    if db == Backend::Postgres {
        assert!(app
            .try_exec("TRUNCATE audit_log")
            .unwrap_err()
            .contains("append-only"));
    }
}
