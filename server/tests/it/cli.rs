//! The `visadesk` command: help, migrate, create-admin, graceful shutdown.

use crate::common::{Backend, TestApp};
use std::io::Write;
use std::process::{Command, Stdio};
use visadesk_app::domain::case::{CaseDetail, CasePage, CaseSummary};
use visadesk_app::domain::client::ClientPage;

/// Runs the `visadesk` command on `app`'s data: (succeeded, stdout, stderr).
pub fn visadesk(app: &TestApp, args: &[&str], stdin: &str) -> (bool, String, String) {
    visadesk_with(app, args, stdin, &[])
}

/// [`visadesk`] with extra environment variables.
pub fn visadesk_with(
    app: &TestApp,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_visadesk"))
        .args(args)
        .envs(app.command_env())
        .envs(env.iter().copied())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

on_both_databases!(
    create_admin_reads_the_password_from_stdin,
    migrate_is_idempotent,
    sigterm_stops_gracefully,
    audit_verify_finds_the_first_changed_or_removed_row,
    seed_demo_builds_a_firm_once,
    seed_demo_scale_makes_n_clients_and_cases,
);

async fn create_admin_reads_the_password_from_stdin(db: Backend) {
    let app = TestApp::spawn(db).await;
    let (ok, out, err) = visadesk(
        &app,
        &[
            "create-admin",
            "--email",
            "Boss@Firm.Example",
            "--name",
            "Boss",
        ],
        "boss pass phrase 9\n",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("created admin boss@firm.example"));
    assert_eq!(
        app.sign_in(&app.client(), "boss@firm.example", "boss pass phrase 9")
            .await
            .status(),
        200
    );

    let (ok, _, err) = visadesk(
        &app,
        &["create-admin", "--email", "boss@firm.example"],
        "another pass phrase\n",
    );
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");
    let (ok, _, err) = visadesk(
        &app,
        &["create-admin", "--email", "new@firm.example"],
        "short\n",
    );
    assert!(!ok);
    assert!(err.contains("at least 8"), "{err}");
    let (ok, out, _) = visadesk(
        &app,
        &["create-admin", "--if-no-users", "--email", "x@firm.example"],
        "whatever pass 1\n",
    );
    assert!(ok);
    assert!(out.contains("already has users"));
}

async fn migrate_is_idempotent(db: Backend) {
    let app = TestApp::spawn(db).await;
    let (ok, out, err) = visadesk(&app, &["migrate"], "");
    assert!(ok, "{err}");
    assert!(out.contains("up to date"));
}

async fn sigterm_stops_gracefully(db: Backend) {
    let mut app = TestApp::spawn(db).await;
    let pid = app.pid().unwrap().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = app.wait().await;
    assert!(
        status.success(),
        "exit status {status:?}; log:\n{}",
        app.log()
    );
    assert!(app.log().contains("visadesk stopped"));
}

#[test]
fn help_lists_every_setting_with_its_variable_and_default() {
    let out = Command::new(env!("CARGO_BIN_EXE_visadesk"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for var in [
        "VISADESK_DATA_DIR",
        "DATABASE_URL",
        "VISADESK_DB_POOL_SIZE",
        "LEPTOS_SITE_ADDR",
        "LEPTOS_SITE_ROOT",
        "VISADESK_LANGUAGE_BUNDLES",
        "VISADESK_PUBLIC_URL",
        "VISADESK_TRUSTED_PROXIES",
        "VISADESK_SESSION_IDLE_MINUTES",
        "VISADESK_SESSION_MAX_HOURS",
        "VISADESK_ARGON2_MEMORY_KIB",
        "VISADESK_ARGON2_ITERATIONS",
        "VISADESK_INITIAL_ADMIN_EMAIL",
        "VISADESK_INITIAL_ADMIN_PASSWORD_FILE",
        "VISADESK_AUDIT_KEY",
        "VISADESK_AUDIT_CHECKPOINT",
        "VISADESK_AUDIT_CHECKPOINT_SECS",
        "RUST_LOG",
    ] {
        assert!(
            help.contains(&format!("[env: {var}")),
            "--help lacks {var}:\n{help}"
        );
    }
    assert!(help.contains("[default: ./data]"));
    for cmd in ["serve", "migrate", "create-admin", "audit", "seed-demo"] {
        assert!(help.contains(cmd));
    }
}

async fn audit_verify_finds_the_first_changed_or_removed_row(db: Backend) {
    let app = TestApp::spawn(db).await;
    for _ in 0..3 {
        app.admin().await;
    }
    let (ok, out, err) = visadesk(&app, &["audit", "verify"], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("audit trail intact: 4 rows"), "{out}");

    // Someone with database access disables the protection and edits history.
    app.unprotect_audit_trail();
    app.exec("DELETE FROM audit_log WHERE seq = 3");
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(!ok);
    assert!(
        out.contains("row 3 is missing (removed); the next row is 4"),
        "{out}"
    );

    app.exec("UPDATE audit_log SET summary = 'nothing to see' WHERE seq = 2");
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(!ok);
    assert!(out.contains("row 2 was changed"), "{out}");
}

async fn seed_demo_builds_a_firm_once(db: Backend) {
    let app = TestApp::spawn(db).await;
    let (ok, out, err) = visadesk(&app, &["seed-demo"], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("seeded 40 clients and 40 cases"), "{out}");
    assert!(
        out.contains("paralegal  pat.morgan@demo.visadesk.test"),
        "{out}"
    );
    let para = app.client();
    assert_eq!(
        app.sign_in(&para, "pat.morgan@demo.visadesk.test", "visadesk demo 2026")
            .await
            .status(),
        200
    );
    let page: CasePage = app
        .ask(&para, "list_cases", &[])
        .await
        .expect("the demo cases");
    assert_eq!(page.total, 40);
    let detail: CaseDetail = app
        .ask(&para, "get_case", &[("id", page.cases[0].id.as_str())])
        .await
        .expect("a demo case");
    assert_eq!(detail.timeline.last().map(|m| m.from), Some(None));
    let clients: ClientPage = app
        .ask(&para, "list_clients", &[("q", "王伟")])
        .await
        .expect("the demo clients");
    assert!(clients.total >= 1);
    // Once only: a firm with clients is never mixed with demo data.
    let (ok, _, err) = visadesk(&app, &["seed-demo"], "");
    assert!(!ok);
    assert!(err.contains("already has clients"), "{err}");
    let (ok, out, _) = visadesk(&app, &["audit", "verify"], "");
    assert!(ok, "{out}");
}

async fn seed_demo_scale_makes_n_clients_and_cases(db: Backend) {
    let app = TestApp::spawn(db).await;
    let (ok, out, err) = visadesk(&app, &["seed-demo", "--scale", "1500"], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("seeded 1500 clients and 1500 cases"), "{out}");
    let admin = app.admin().await;
    let page: CasePage = app
        .ask(&admin, "list_cases", &[])
        .await
        .expect("the seeded cases");
    assert_eq!(page.total, 1500);
    // Numbering continues after the seeded cases.
    let client_id = page.cases[0].client_id.as_str();
    let case: CaseSummary = app
        .ask(
            &admin,
            "create_case",
            &[("client_id", client_id), ("programme", "cn_k")],
        )
        .await
        .expect("a new case");
    assert!(case.reference.ends_with("-1501"), "{}", case.reference);
}
