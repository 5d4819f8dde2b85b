//! Users as admins manage them: creating, re-roling, deactivating, the
//! input rules, and every other role refused.

use crate::common::{Backend, Refusal, TestApp};
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::{Role, UserSummary};
use visadesk_app::AppError;

on_both_databases!(
    admin_creates_changes_and_deactivates_users,
    other_roles_cannot_manage_users,
    bad_user_input_gets_field_level_messages,
);

/// Every user, as the admin page lists them.
pub(crate) async fn list_users(app: &TestApp, admin: &reqwest::Client) -> Vec<UserSummary> {
    app.ask(admin, "list_users", &[]).await.expect("list users")
}

async fn admin_creates_changes_and_deactivates_users(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let para = app
        .user(
            &admin,
            "Pat.Para@Firm.Example",
            "paralegal",
            "paralegal pass phrase",
        )
        .await;

    let users = list_users(&app, &admin).await;
    let pat = users
        .iter()
        .find(|u| u.email == "pat.para@firm.example")
        .expect("listed, lower-cased");
    assert_eq!(pat.role, Role::Paralegal);
    let id = pat.id.as_str();

    let changed: UserSummary = app
        .ask(
            &admin,
            "change_role",
            &[("user_id", id), ("role", "attorney")],
        )
        .await
        .expect("role changed");
    assert_eq!(changed.role, Role::Attorney);

    assert_eq!(para.get(app.url("/")).send().await.unwrap().status(), 200);
    let deactivated: UserSummary = app
        .ask(
            &admin,
            "set_user_active",
            &[("user_id", id), ("active", "false")],
        )
        .await
        .expect("deactivated");
    assert!(!deactivated.active);
    // Deactivation ends their sessions at once, and they cannot sign in again.
    assert_eq!(para.get(app.url("/")).send().await.unwrap().status(), 303);
    assert_eq!(
        app.sign_in(
            &app.client(),
            "pat.para@firm.example",
            "paralegal pass phrase"
        )
        .await
        .status(),
        401
    );
    // Reactivated, they can.
    let reactivated: UserSummary = app
        .ask(
            &admin,
            "set_user_active",
            &[("user_id", id), ("active", "true")],
        )
        .await
        .expect("reactivated");
    assert!(reactivated.active);
    assert_eq!(
        app.sign_in(
            &app.client(),
            "pat.para@firm.example",
            "paralegal pass phrase"
        )
        .await
        .status(),
        200
    );

    // Admins cannot lock themselves out.
    let my_id = app.user_id(&admin).await;
    let my_id = my_id.as_str();
    let refused: Result<UserSummary, Refusal> = app
        .ask(
            &admin,
            "set_user_active",
            &[("user_id", my_id), ("active", "false")],
        )
        .await;
    assert!(
        matches!(refused, Err((409, AppError::Conflict(_)))),
        "{refused:?}"
    );
    let unknown: Result<UserSummary, Refusal> = app
        .ask(
            &admin,
            "change_role",
            &[("user_id", "no-such-id"), ("role", "viewer")],
        )
        .await;
    assert_eq!(unknown, Err((404, AppError::NotFound("user".into()))));
}

async fn other_roles_cannot_manage_users(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    for (email, role) in [
        ("att@firm.example", "attorney"),
        ("para@firm.example", "paralegal"),
        ("view@firm.example", "viewer"),
    ] {
        let client = app.user(&admin, email, role, "another pass phrase").await;
        for (endpoint, form) in [
            ("list_users", vec![]),
            (
                "create_user",
                vec![
                    ("email", "x@firm.example"),
                    ("display_name", "X"),
                    ("role", "admin"),
                    ("password", "long enough pass"),
                ],
            ),
            (
                "change_role",
                vec![("user_id", "whatever"), ("role", "admin")],
            ),
            (
                "set_user_active",
                vec![("user_id", "whatever"), ("active", "false")],
            ),
        ] {
            let refused: Result<serde_json::Value, Refusal> =
                app.ask(&client, endpoint, &form).await;
            assert_eq!(
                refused,
                Err((403, AppError::Forbidden)),
                "{role} calling {endpoint}"
            );
        }
        let page = client.get(app.url("/admin")).send().await.unwrap();
        assert_eq!(page.status(), 403, "{role} typing /admin");
        let html = page.text().await.unwrap();
        assert!(
            html.contains("You don&#x27;t have access to this page")
                || html.contains("You don't have access to this page")
        );
        assert!(!html.contains(">Admin</a>"), "{role} sees no Admin entry");
        let dash = client
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(dash.contains(">Cases</a>") && !dash.contains(">Admin</a>"));
    }
    // Not signed in at all: every server function answers 401.
    let refused: Result<Vec<UserSummary>, Refusal> =
        app.ask(&app.client(), "list_users", &[]).await;
    assert_eq!(refused, Err((401, AppError::NotSignedIn)));
}

async fn bad_user_input_gets_field_level_messages(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let create = |email: &'static str, role: &'static str, password: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let answer: Result<UserSummary, Refusal> = app
                .ask(
                    admin,
                    "create_user",
                    &[
                        ("email", email),
                        ("display_name", "Ana Lee"),
                        ("role", role),
                        ("password", password),
                    ],
                )
                .await;
            answer
        }
    };
    /// The field and problem of a one-field refusal.
    fn invalid(answer: Result<UserSummary, Refusal>) -> (String, Problem) {
        match answer {
            Err((400, AppError::Invalid { field, problem })) => (field, problem),
            other => panic!("not a refused field: {other:?}"),
        }
    }
    let (field, _) = invalid(create("", "paralegal", "long enough pass").await);
    assert_eq!(field, "email");
    let (field, _) = invalid(create("ana@firm", "paralegal", "long enough pass").await);
    assert_eq!(field, "email");
    let (field, problem) = invalid(create("ana@firm.example", "paralegal", "short").await);
    assert_eq!(field, "password");
    assert_eq!(problem, Problem::PasswordTooShort { chars: 5, min: 8 });
    let (_, problem) = invalid(create("ana@firm.example", "paralegal", "Password123").await);
    assert_eq!(problem, Problem::PasswordCommon);
    let (field, _) = invalid(create("ana@firm.example", "owner", "long enough pass").await);
    assert_eq!(field, "role");
    let (field, _) = invalid(create("ana@firm.example", "applicant", "long enough pass").await);
    assert_eq!(field, "role");
    let ana = create("ana@firm.example", "paralegal", "long enough pass")
        .await
        .expect("created");
    assert_eq!(
        (ana.email.as_str(), ana.role),
        ("ana@firm.example", Role::Paralegal)
    );
    let taken = create("ANA@firm.example", "viewer", "long enough pass").await;
    let Err((409, AppError::Conflict(problem))) = taken else {
        panic!("the email is taken, whatever its case: {taken:?}");
    };
    assert_eq!(problem, Problem::EmailTaken("ana@firm.example".into()));
    // 64 characters and more are accepted.
    let long = "x".repeat(80) + " y";
    let long_one: UserSummary = app
        .ask(
            &admin,
            "create_user",
            &[
                ("email", "long@firm.example"),
                ("display_name", "王伟"),
                ("role", "viewer"),
                ("password", &long),
            ],
        )
        .await
        .expect("created");
    assert_eq!(long_one.display_name, "王伟");
    assert_eq!(
        app.sign_in(&app.client(), "long@firm.example", &long)
            .await
            .status(),
        200
    );
    assert_eq!(
        app.sign_in(&app.client(), "long@firm.example", &long[..72])
            .await
            .status(),
        401,
        "no truncation"
    );
}
