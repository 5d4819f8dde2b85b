//! Signing in and out, sessions, throttling and password hashes.

use crate::common::{session_cookie, Backend, Refusal, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use visadesk_app::domain::{CurrentUser, SessionInfo};
use visadesk_app::AppError;

on_both_databases!(
    sign_in_sets_a_hardened_cookie_and_stores_only_its_hash,
    signing_in_again_rotates_the_token,
    unknown_email_and_wrong_password_get_the_same_answer,
    five_failures_lock_that_account_from_that_address_for_a_while,
    users_see_and_end_their_own_sessions,
    sign_out_ends_the_session,
    old_password_hashes_are_upgraded_at_sign_in,
    parallel_guesses_cannot_pass_the_lockout,
    forwarded_addresses_count_only_from_a_trusted_proxy,
    a_sign_in_from_a_browser_not_seen_before_is_emailed_to_the_person,
);

/// The caller's own sessions.
async fn sessions(app: &TestApp, who: &reqwest::Client) -> Vec<SessionInfo> {
    app.ask(who, "my_sessions", &[]).await.expect("my sessions")
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
    let refused = crate::common::answer::<Option<CurrentUser>>(res).await;
    let Err((429, AppError::Throttled { retry_after_secs })) = refused else {
        panic!("a locked account is throttled: {refused:?}");
    };
    assert!(
        retry_after_secs > 800 && retry_after_secs <= 900,
        "{retry_after_secs}"
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

async fn users_see_and_end_their_own_sessions(db: Backend) {
    let app = TestApp::spawn(db).await;
    let laptop = app.admin().await;
    let phone = app.admin().await;
    let list = sessions(&app, &laptop).await;
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s.current).count(), 1);
    assert_eq!(list[0].ip, "127.0.0.1");

    // Ending another user's or an unknown session is "not found".
    let unknown: Result<(), Refusal> = app
        .ask(&laptop, "end_session", &[("session_id", "not-a-session")])
        .await;
    assert_eq!(unknown, Err((404, AppError::NotFound("session".into()))));

    let ended: u64 = app
        .ask(&laptop, "end_other_sessions", &[])
        .await
        .expect("ended");
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
    assert_eq!(
        sessions(&app, &admin).await[0].ip,
        "127.0.0.1",
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
    let list = sessions(&app, &client).await;
    let current = list.iter().find(|s| s.current).expect("this session");
    assert_eq!(current.ip, "198.51.100.7");
}

/// The security emails in the outbox to `to`, newest first.
async fn security_emails(
    app: &TestApp,
    admin: &reqwest::Client,
    to: &str,
) -> Vec<visadesk_app::domain::mail::OutboxMessage> {
    use visadesk_app::domain::mail::{MailCategory, OutboxMessage, OutboxPage};
    let page: OutboxPage = app
        .ask(admin, "list_outbox", &[("status", ""), ("page", "0")])
        .await
        .expect("the outbox");
    let mut out = Vec::new();
    for e in page
        .entries
        .iter()
        .filter(|e| e.category == MailCategory::SecurityAlert && e.to_address == to)
    {
        let read: OutboxMessage = app
            .ask(admin, "read_outbox_message", &[("id", e.id.as_str())])
            .await
            .expect("read");
        out.push(read);
    }
    out
}

async fn a_sign_in_from_a_browser_not_seen_before_is_emailed_to_the_person(db: Backend) {
    let app = TestApp::spawn_with(db, &[("VISADESK_NEW_BROWSER_EMAILS", "true")]).await;
    let admin = app.admin().await;
    let email = "att@firm.example";
    // Made by the admin and signed in from its first browser: expected, so
    // no email.
    let att = app
        .user(&admin, email, "attorney", "attorney pass phrase")
        .await;
    assert!(security_emails(&app, &admin, email).await.is_empty());
    // The same browser again: still known.
    let _: () = app.ask(&att, "sign_out", &[]).await.expect("signed out");
    let res = app.sign_in(&att, email, "attorney pass phrase").await;
    assert_eq!(res.status(), 200);
    assert!(security_emails(&app, &admin, email).await.is_empty());
    // Another browser: the person is told, with the browser and address.
    let other = app.client();
    let res = other
        .post(app.url("/api/sign_in"))
        .header("user-agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36")
        .form(&[("email", email), ("password", "attorney pass phrase")])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    let emails = security_emails(&app, &admin, email).await;
    assert_eq!(emails.len(), 1, "one email about the new browser");
    let text = emails[0].text_body.clone().expect("a text body");
    assert!(text.contains("Chrome 150 on Windows"), "{text}");
    assert!(text.contains("127.0.0.1"), "{text}");
    // A wrong password from yet another browser opens nothing and says nothing.
    let res = app.sign_in(&app.client(), email, "not the password").await;
    assert_eq!(res.status(), 401);
    assert_eq!(security_emails(&app, &admin, email).await.len(), 1);
}
