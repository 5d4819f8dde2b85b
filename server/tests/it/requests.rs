//! Pages and raw requests as a browser or a script sends them: health,
//! redirects to sign-in, security headers, oversized, malformed, cross-site
//! and GET requests, and stale cookies.

use crate::common::{session_cookie, Backend, Refusal, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::users::list_users;
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::UserSummary;
use visadesk_app::AppError;

on_both_databases!(
    health_reports_the_database,
    pages_send_visitors_to_sign_in_and_back,
    pages_carry_the_security_headers,
    oversized_and_malformed_requests_get_clear_errors,
    cross_site_requests_are_refused,
    get_requests_cannot_change_data,
    unknown_and_expired_cookies_lead_back_to_sign_in,
);

async fn health_reports_the_database(db: Backend) {
    let app = TestApp::spawn(db).await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
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
    let error: AppError = serde_json::from_str(&body).expect("an AppError");
    assert!(
        matches!(
            error,
            AppError::Request(Problem::RequestTooLarge {
                limit: 262_144,
                size: Some(_)
            })
        ),
        "{body}"
    );
    assert!(
        error
            .to_string()
            .starts_with("The form is too large (1.0 MB); the limit is 256 KB"),
        "{error}"
    );
    let res = app.sign_in(&app.client(), &huge, "whatever pass").await;
    assert!((400..500).contains(&res.status().as_u16()));
    // Missing arguments.
    let missing: Result<UserSummary, Refusal> = app
        .ask(&admin, "create_user", &[("email", "a@firm.example")])
        .await;
    let Err((400, AppError::Request(problem))) = missing else {
        panic!("missing arguments are a bad request: {missing:?}");
    };
    assert!(
        matches!(problem, Problem::UnreadableRequest(_)),
        "{problem:?}"
    );
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
    assert!(session_cookie(&res).is_none());
    let body = res.text().await.unwrap();
    assert_eq!(
        body, r#"{"error":"cross_site"}"#,
        "the wire form of AppError"
    );
    let refused: AppError = serde_json::from_str(&body).unwrap();
    assert_eq!(refused, AppError::CrossSite);
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
    assert_eq!(list_users(&app, &admin).await.len(), 1);
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
    let refused: Result<Vec<UserSummary>, Refusal> = app.ask(&admin, "list_users", &[]).await;
    assert_eq!(refused, Err((401, AppError::NotSignedIn)));
}
