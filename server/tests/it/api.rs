//! The server as a browser or a script sees it, on SQLite and PostgreSQL.

use crate::common::error_detail;
use crate::common::{session_cookie, Backend, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::Value;

on_both_databases!(
    health_reports_the_database,
    pages_send_visitors_to_sign_in_and_back,
    pages_carry_the_security_headers,
    sign_in_sets_a_hardened_cookie_and_stores_only_its_hash,
    signing_in_again_rotates_the_token,
    unknown_email_and_wrong_password_get_the_same_answer,
    five_failures_lock_that_account_from_that_address_for_a_while,
    admin_creates_changes_and_deactivates_users,
    other_roles_cannot_manage_users,
    bad_user_input_gets_field_level_messages,
    oversized_and_malformed_requests_get_clear_errors,
    cross_site_requests_are_refused,
    get_requests_cannot_change_data,
    unknown_and_expired_cookies_lead_back_to_sign_in,
    users_see_and_end_their_own_sessions,
    sign_out_ends_the_session,
    old_password_hashes_are_upgraded_at_sign_in,
    parallel_guesses_cannot_pass_the_lockout,
    forwarded_addresses_count_only_from_a_trusted_proxy,
    the_audit_trail_records_sign_ins_changes_and_refusals,
    audit_rows_cannot_be_changed_or_deleted,
);

async fn health_reports_the_database(db: Backend) {
    let app = TestApp::spawn(db).await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(
        body["database"],
        if db == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
}

async fn pages_send_visitors_to_sign_in_and_back(db: Backend) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    let res = client
        .get(app.url("/admin?tab=users"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/sign-in?next=/admin%3Ftab%3Dusers"
    );

    let page = client
        .get(app.url("/sign-in?next=/admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<label for=\"signin-email\">Email</label>"),
        "{html}"
    );
    assert!(html.contains("<label for=\"signin-password\">Password</label>"));

    let res = app
        .call(
            &client,
            "sign_in",
            &[
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
                ("next", "/admin"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<String>().await.unwrap(), "/admin");
    // Signed in, the sign-in page forwards to where the visitor was going.
    let res = client
        .get(app.url("/sign-in?next=/admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/admin");
    let admin = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(admin.status(), 200);
    let html = admin.text().await.unwrap();
    assert!(html.contains("Create a staff user"));
    // Another site is never a destination.
    let res = app
        .call(
            &app.client(),
            "sign_in",
            &[
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(res.json::<String>().await.unwrap(), "/");
}

async fn pages_carry_the_security_headers(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let res = admin.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce in the CSP");
    assert!(nonce.len() >= 16);
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    assert!(
        h.get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the CSP nonce"
    );
    // Non-page answers get a strict policy too.
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert!(res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}

async fn sign_in_sets_a_hardened_cookie_and_stores_only_its_hash(db: Backend) {
    let app = TestApp::spawn(db).await;
    let res = app
        .sign_in(&app.client(), ADMIN_EMAIL, ADMIN_PASSWORD)
        .await;
    assert_eq!(res.status(), 200);
    let cookie = session_cookie(&res).expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(!cookie.contains("Secure"), "plain http: no Secure flag");
    let token = cookie
        .trim_start_matches("visadesk_session=")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(token.len(), 43, "256 bits, base64url");

    let stored: Vec<String> = app
        .db()
        .run_here(|c| {
            use diesel::prelude::*;
            use visadesk_server::db::schema::sessions;
            Ok(sessions::table.select(sessions::token_hash).load(c)?)
        })
        .unwrap();
    assert_eq!(stored, vec![visadesk_server::auth::token::digest(&token)]);
    assert!(!stored[0].contains(&token));

    // Over HTTPS the cookie is Secure and HSTS is sent.
    let mut app = app;
    app.restart_with(&[("VISADESK_PUBLIC_URL", "https://visa.firm.example")])
        .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(app.url("/api/sign_in"))
        .header("origin", "https://visa.firm.example")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(session_cookie(&res).unwrap().contains("; Secure"));
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
}

async fn signing_in_again_rotates_the_token(db: Backend) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    let first = session_cookie(&app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await).unwrap();
    let second = session_cookie(&app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await).unwrap();
    assert_ne!(first, second);
    let old = first.split(';').next().unwrap().to_string();
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/"))
        .header("cookie", old)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "the replaced token no longer works");
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 200);
}

async fn unknown_email_and_wrong_password_get_the_same_answer(db: Backend) {
    let app = TestApp::spawn(db).await;
    let wrong = app
        .sign_in(&app.client(), ADMIN_EMAIL, "not the password")
        .await;
    let unknown = app
        .sign_in(&app.client(), "nobody@firm.example", "not the password")
        .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    let (a, b) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(a, b);
    assert!(a.contains(r#""error":"invalid_credentials""#));
}

async fn five_failures_lock_that_account_from_that_address_for_a_while(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let _viewer = app
        .user(
            &admin,
            "viewer@firm.example",
            "viewer",
            "viewer pass phrase",
        )
        .await;
    for _ in 0..5 {
        assert_eq!(
            app.sign_in(&app.client(), ADMIN_EMAIL, "wrong guess")
                .await
                .status(),
            401
        );
    }
    // Locked now, even with the right password.
    let res = app
        .sign_in(&app.client(), ADMIN_EMAIL, ADMIN_PASSWORD)
        .await;
    assert_eq!(res.status(), 429);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        error_detail(&body, "throttled")["retry_after_secs"]
            .as_u64()
            .map(|s| s > 800 && s <= 900),
        Some(true)
    );
    // Other accounts from the same address are not locked.
    assert_eq!(
        app.sign_in(&app.client(), "viewer@firm.example", "viewer pass phrase")
            .await
            .status(),
        200
    );
    // The lock ends by itself: once its time has passed, the admin is back.
    app.exec("UPDATE login_throttle SET locked_until = 0");
    assert_eq!(
        app.sign_in(&app.client(), ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        200
    );
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

    let users: Value = app
        .call(&admin, "list_users", &[])
        .await
        .json()
        .await
        .unwrap();
    let pat = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "pat.para@firm.example")
        .expect("listed, lower-cased")
        .clone();
    assert_eq!(pat["role"], "paralegal");
    let id = pat["id"].as_str().unwrap();

    let res = app
        .call(
            &admin,
            "change_role",
            &[("user_id", id), ("role", "attorney")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["role"], "attorney");

    assert_eq!(para.get(app.url("/")).send().await.unwrap().status(), 200);
    let res = app
        .call(
            &admin,
            "set_user_active",
            &[("user_id", id), ("active", "false")],
        )
        .await;
    assert_eq!(res.status(), 200);
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
    app.call(
        &admin,
        "set_user_active",
        &[("user_id", id), ("active", "true")],
    )
    .await;
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
    let me: Value = app
        .call(&admin, "signed_in_user", &[])
        .await
        .json()
        .await
        .unwrap();
    let my_id = me["user_id"].as_str().unwrap();
    let res = app
        .call(
            &admin,
            "set_user_active",
            &[("user_id", my_id), ("active", "false")],
        )
        .await;
    assert_eq!(res.status(), 409);
    let res = app
        .call(
            &admin,
            "change_role",
            &[("user_id", "no-such-id"), ("role", "viewer")],
        )
        .await;
    assert_eq!(res.status(), 404);
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
            let res = app.call(&client, endpoint, &form).await;
            assert_eq!(res.status(), 403, "{role} calling {endpoint}");
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
    let res = app.call(&app.client(), "list_users", &[]).await;
    assert_eq!(res.status(), 401);
}

async fn bad_user_input_gets_field_level_messages(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let create = |email: &'static str, role: &'static str, password: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let res = app
                .call(
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
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = create("", "paralegal", "long enough pass").await;
    assert_eq!(
        (status, error_detail(&body, "invalid")["field"].as_str()),
        (400, Some("email"))
    );
    let (status, body) = create("ana@firm", "paralegal", "long enough pass").await;
    assert_eq!(
        (status, error_detail(&body, "invalid")["field"].as_str()),
        (400, Some("email"))
    );
    let (status, body) = create("ana@firm.example", "paralegal", "short").await;
    assert_eq!(status, 400);
    assert!(error_detail(&body, "invalid")["message"]
        .as_str()
        .unwrap()
        .contains("at least 8"));
    let (status, body) = create("ana@firm.example", "paralegal", "Password123").await;
    assert_eq!(status, 400);
    assert!(error_detail(&body, "invalid")["message"]
        .as_str()
        .unwrap()
        .contains("most commonly used"));
    let (status, body) = create("ana@firm.example", "owner", "long enough pass").await;
    assert_eq!(
        (status, error_detail(&body, "invalid")["field"].as_str()),
        (400, Some("role"))
    );
    let (status, _) = create("ana@firm.example", "applicant", "long enough pass").await;
    assert_eq!(status, 400);
    let (status, _) = create("ana@firm.example", "paralegal", "long enough pass").await;
    assert_eq!(status, 200);
    let (status, body) = create("ANA@firm.example", "viewer", "long enough pass").await;
    assert_eq!(status, 409);
    assert!(error_detail(&body, "conflict")
        .as_str()
        .unwrap()
        .contains("already exists"));
    // 64 characters and more are accepted.
    let long = "x".repeat(80) + " y";
    let res = app
        .call(
            &admin,
            "create_user",
            &[
                ("email", "long@firm.example"),
                ("display_name", "王伟"),
                ("role", "viewer"),
                ("password", &long),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
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

async fn oversized_and_malformed_requests_get_clear_errors(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let huge = "a".repeat(1024 * 1024);
    let res = app
        .call(
            &admin,
            "create_user",
            &[
                ("email", "big@firm.example"),
                ("display_name", &huge),
                ("role", "viewer"),
                ("password", "long enough pass"),
            ],
        )
        .await;
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    assert_eq!(status, 413, "1 MB field: {body}");
    assert!(
        body.contains("The form is too large (1.0 MB); the limit is 256 KB"),
        "{body}"
    );
    let res = app.sign_in(&app.client(), &huge, "whatever pass").await;
    assert!((400..500).contains(&res.status().as_u16()));
    // Missing arguments.
    let res = app
        .call(&admin, "create_user", &[("email", "a@firm.example")])
        .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(error_detail(&body, "request")
        .as_str()
        .unwrap()
        .starts_with("The request could not be read"));
    assert!(!app.log().contains("panicked"), "{}", app.log());
}

async fn cross_site_requests_are_refused(db: Backend) {
    let app = TestApp::spawn(db).await;
    let plain = reqwest::Client::new();
    let form = [("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)];
    let res = plain
        .post(app.url("/api/sign_in"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(session_cookie(&res).is_none());
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        serde_json::json!({"error": "cross_site"})
    );
    let res = plain
        .post(app.url("/api/sign_in"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = plain
        .post(app.url("/api/sign_in"))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn get_requests_cannot_change_data(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    for path in [
        "/api/sign_out",
        "/api/set_user_active?user_id=x&active=false",
        "/api/create_user?email=a@b.example&display_name=A&role=admin&password=long+enough+pass",
    ] {
        let res = admin.get(app.url(path)).send().await.unwrap();
        assert!(
            res.status().is_client_error(),
            "GET {path}: {}",
            res.status()
        );
    }
    assert_eq!(
        admin.get(app.url("/")).send().await.unwrap().status(),
        200,
        "still signed in"
    );
    let users: Value = app
        .call(&admin, "list_users", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(users.as_array().unwrap().len(), 1);
}

async fn unknown_and_expired_cookies_lead_back_to_sign_in(db: Backend) {
    let app = TestApp::spawn(db).await;
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for cookie in [
        "visadesk_session=garbage",
        "visadesk_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let res = plain
            .get(app.url("/clients"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(
            res.headers()["location"],
            "/sign-in?next=/clients&expired=1"
        );
        assert!(
            session_cookie(&res).unwrap().contains("Max-Age=0"),
            "the stale cookie is cleared"
        );
    }
    let admin = app.admin().await;
    assert_eq!(
        admin
            .get(app.url("/clients"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Idle too long.
    app.exec("UPDATE sessions SET last_seen_at = last_seen_at - 7201");
    assert_eq!(
        admin
            .get(app.url("/clients"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    // Past the absolute lifetime, however active.
    let admin = app.admin().await;
    app.exec("UPDATE sessions SET expires_at = 1");
    let res = admin.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let res = app.call(&admin, "list_users", &[]).await;
    assert_eq!(res.status(), 401);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains(r#""error":"not_signed_in""#));
}

async fn users_see_and_end_their_own_sessions(db: Backend) {
    let app = TestApp::spawn(db).await;
    let laptop = app.admin().await;
    let phone = app.admin().await;
    let sessions: Value = app
        .call(&laptop, "my_sessions", &[])
        .await
        .json()
        .await
        .unwrap();
    let list = sessions.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    assert_eq!(list[0]["ip"], "127.0.0.1");

    // Ending another user's or an unknown session is "not found".
    let res = app
        .call(&laptop, "end_session", &[("session_id", "not-a-session")])
        .await;
    assert_eq!(res.status(), 404);

    let ended: u64 = app
        .call(&laptop, "end_other_sessions", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ended, 1);
    assert_eq!(phone.get(app.url("/")).send().await.unwrap().status(), 303);
    assert_eq!(laptop.get(app.url("/")).send().await.unwrap().status(), 200);
}

async fn sign_out_ends_the_session(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let res = app.call(&admin, "sign_out", &[]).await;
    assert_eq!(res.status(), 200);
    assert!(session_cookie(&res).unwrap().contains("Max-Age=0"));
    assert_eq!(admin.get(app.url("/")).send().await.unwrap().status(), 303);
    let count: i64 = app
        .db()
        .run_here(|c| {
            use diesel::prelude::*;
            use visadesk_server::db::schema::sessions;
            Ok(sessions::table.count().get_result(c)?)
        })
        .unwrap();
    assert_eq!(count, 0);
}

async fn old_password_hashes_are_upgraded_at_sign_in(db: Backend) {
    let mut app = TestApp::spawn(db).await;
    let hash = |app: &TestApp| -> String {
        app.db()
            .run_here(|c| {
                use diesel::prelude::*;
                use visadesk_server::db::schema::users;
                Ok(users::table
                    .filter(users::email.eq(ADMIN_EMAIL))
                    .select(users::password_hash)
                    .first(c)?)
            })
            .unwrap()
    };
    assert!(hash(&app).contains("m=19456,t=2,p=1"));
    app.restart_with(&[
        ("VISADESK_ARGON2_MEMORY_KIB", "24576"),
        ("VISADESK_ARGON2_ITERATIONS", "3"),
    ])
    .await;
    app.admin().await;
    let upgraded = hash(&app);
    assert!(
        upgraded.starts_with("$argon2id$v=19$m=24576,t=3,p=1$"),
        "{upgraded}"
    );
    app.admin().await;
}

async fn parallel_guesses_cannot_pass_the_lockout(db: Backend) {
    let app = TestApp::spawn(db).await;
    let guesses = (0..20).map(|i| {
        let (app, client) = (&app, app.client());
        async move {
            app.sign_in(&client, ADMIN_EMAIL, &format!("wrong guess {i}"))
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(
        checked <= 5,
        "at most five guesses are checked: {statuses:?}"
    );
    assert_eq!(checked + refused, 20, "{statuses:?}");
}

async fn forwarded_addresses_count_only_from_a_trusted_proxy(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.client();
    let res = admin
        .post(app.url("/api/sign_in"))
        .header("x-forwarded-for", "198.51.100.7")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let sessions: Value = app
        .call(&admin, "my_sessions", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        sessions[0]["ip"], "127.0.0.1",
        "an untrusted peer cannot claim another address"
    );

    let mut app = app;
    app.restart_with(&[("VISADESK_TRUSTED_PROXIES", "127.0.0.1")])
        .await;
    let client = app.client();
    let res = client
        .post(app.url("/api/sign_in"))
        .header("x-forwarded-for", "198.51.100.7")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let sessions: Value = app
        .call(&client, "my_sessions", &[])
        .await
        .json()
        .await
        .unwrap();
    let current = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()
        .clone();
    assert_eq!(current["ip"], "198.51.100.7");
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
    let me: Value = app
        .call(&para, "signed_in_user", &[])
        .await
        .json()
        .await
        .unwrap();
    let para_id = me["user_id"].as_str().unwrap().to_string();
    app.call(
        &admin,
        "change_role",
        &[("user_id", &para_id), ("role", "attorney")],
    )
    .await;
    assert_eq!(app.call(&para, "list_users", &[]).await.status(), 403);
    assert_eq!(
        app.call(&para, "audit_events", &[]).await.status(),
        403,
        "only admins read the trail"
    );
    app.call(&para, "sign_out", &[]).await;

    let events: Value = app
        .call(&admin, "audit_events", &[])
        .await
        .json()
        .await
        .unwrap();
    let events = events.as_array().unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
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
        events
            .windows(2)
            .all(|w| w[0]["seq"].as_i64() > w[1]["seq"].as_i64()),
        "newest first"
    );
    let change = events
        .iter()
        .find(|e| e["action"] == "user.role_change")
        .unwrap();
    assert_eq!(change["actor_email"], ADMIN_EMAIL);
    assert_eq!(
        change["summary"],
        "para@firm.example: role Paralegal → Attorney"
    );
    let denied: Vec<&Value> = events
        .iter()
        .filter(|e| e["action"] == "access.denied")
        .collect();
    assert!(denied
        .iter()
        .all(|e| e["actor_email"] == "para@firm.example"));
    let refused: Vec<&str> = denied
        .iter()
        .map(|e| e["object_id"].as_str().unwrap())
        .collect();
    assert_eq!(refused, vec!["view_audit", "manage_users"]);
    let failed = events
        .iter()
        .find(|e| e["action"] == "auth.sign_in_failed")
        .unwrap();
    assert_eq!(failed["actor_email"], ADMIN_EMAIL);
    assert_eq!(failed["ip"], "127.0.0.1");

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
    let only_para: Value = app
        .call(&admin, "audit_events", &[("actor", "para@")])
        .await
        .json()
        .await
        .unwrap();
    assert!(!only_para.as_array().unwrap().is_empty());
    assert!(only_para
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor_email"] == "para@firm.example"));
    let auth: Value = app
        .call(&admin, "audit_events", &[("action", "auth.")])
        .await
        .json()
        .await
        .unwrap();
    assert!(auth
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["action"].as_str().unwrap().starts_with("auth.")));
    let about: Value = app
        .call(&admin, "audit_events", &[("object", &para_id)])
        .await
        .json()
        .await
        .unwrap();
    assert!(about
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "user.role_change"));
    let page: Value = app
        .call(&admin, "audit_events", &[("before_seq", "3")])
        .await
        .json()
        .await
        .unwrap();
    assert!(page
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["seq"].as_i64().unwrap() < 3));

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
