//! What an outside probe of the running server found, each pinned down: a
//! name that breaks out of the page title, correct sign-ins counted toward a
//! lock, input silently dropped or misread, a misleading error, lossy text,
//! and forwarding headers believed from anyone.

use crate::common::{Backend, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use visadesk_app::domain::client::ClientPage;
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::UserSummary;
use visadesk_app::eligibility::Settings;
use visadesk_app::AppError;

on_both_databases!(
    a_client_name_cannot_break_out_of_the_page,
    correct_sign_ins_never_count_toward_the_address_lock,
    parallel_correct_sign_ins_do_not_wait_for_each_other,
    unknown_form_fields_are_refused_by_name_and_change_nothing,
    unknown_json_fields_are_refused_by_name_and_change_nothing,
    malformed_requests_are_blamed_on_the_request,
    a_chunked_form_over_the_limit_is_too_large,
    invalid_utf8_text_is_refused_not_mangled,
    forwarding_headers_are_believed_only_from_a_trusted_proxy,
);

/// The error a refused server function answered with.
async fn refusal(res: reqwest::Response) -> (u16, AppError) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let error = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not an AppError ({e}): {status} {text}"));
    (status, error)
}

fn request_message(error: &AppError) -> String {
    match error {
        AppError::Request(problem) => problem.to_string(),
        other => panic!("expected a request error, got {other:?}"),
    }
}

fn client_body(full_name: &str) -> Value {
    json!({ "id": null, "base_version": null, "confirm_duplicate": false, "details": {
        "full_name": full_name, "latin_name": "", "email": "", "phone": "", "address": "",
        "date_of_birth": "1994-11-05", "nationality": "IN", "passport_number": "", "passport_expiry": "",
        "education": [], "work": [], "languages": []
    }})
}

async fn a_client_name_cannot_break_out_of_the_page(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    for name in [
        r#"X </title><meta http-equiv="refresh" content="0;url=https://evil.example/">"#,
        r#"Y </script><script>alert(1)</script>"#,
    ] {
        let saved = app
            .ask_json(&admin, "save_client", &client_body(name))
            .await;
        let Ok(visadesk_app::domain::client::SaveOutcome::Saved(client)) = saved else {
            panic!("not saved: {saved:?}");
        };
        let id = client.id;
        let html = admin
            .get(app.url(&format!("/clients/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains(r#"<meta http-equiv="refresh""#),
            "the name became markup:\n{html}"
        );
        assert!(
            !html.contains("<script>alert(1)"),
            "the name became a script:\n{html}"
        );
        let title = html
            .split_once("<title>")
            .and_then(|(_, rest)| rest.split_once("</title>"))
            .map(|(title, _)| title.to_string())
            .expect("a title");
        assert!(title.ends_with(" · Visadesk"), "{title}");
        // The page's own title is the placeholder until the client has
        // loaded; once it is the name, the name is escaped.
        if title != "Client · Visadesk" {
            assert!(title.contains("&lt;/"), "escaped in the title: {title}");
        }
    }
}

async fn correct_sign_ins_never_count_toward_the_address_lock(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    app.user(
        &admin,
        "para@firm.example",
        "paralegal",
        "paralegal pass phrase",
    )
    .await;
    // 29 failures from this address, one short of its lock (30), on
    // accounts that do not exist so no account lock is involved.
    let guesses = (0..29).map(|i| {
        let app = &app;
        async move {
            let res = app
                .sign_in(&app.client(), &format!("nobody{i}@firm.example"), "wrong")
                .await;
            res.status().as_u16()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    // Staff sharing the office address keep signing in.
    for _ in 0..3 {
        for (email, password) in [
            (ADMIN_EMAIL, ADMIN_PASSWORD),
            ("para@firm.example", "paralegal pass phrase"),
        ] {
            let res = app.sign_in(&app.client(), email, password).await;
            assert_eq!(res.status(), 200, "{email}: {}", res.text().await.unwrap());
        }
    }
    // The thirtieth failure is what locks the address, for everyone on it.
    let res = app
        .sign_in(&app.client(), "nobody-else@firm.example", "wrong")
        .await;
    assert_eq!(res.status(), 401);
    let (status, error) = refusal(
        app.sign_in(&app.client(), ADMIN_EMAIL, ADMIN_PASSWORD)
            .await,
    )
    .await;
    assert_eq!(status, 429);
    assert!(matches!(error, AppError::Throttled { retry_after_secs } if retry_after_secs > 800));
}

async fn parallel_correct_sign_ins_do_not_wait_for_each_other(db: Backend) {
    let app = TestApp::spawn_with(db, &[("VISADESK_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let sign_ins = (0..32).map(|i| {
        let app = &app;
        async move {
            app.client()
                .post(app.url("/api/sign_in"))
                .header("x-forwarded-for", format!("198.51.100.{}", i + 1))
                .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(sign_ins).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let log = app.log();
    assert!(
        !log.contains("waits for its account's delay"),
        "a correct sign-in was delayed as if it had failed:\n{log}"
    );
}

fn settings_form(k: &str, z: &str) -> Vec<(String, String)> {
    vec![
        ("settings[k_visa_max_age]".into(), k.into()),
        ("settings[z_permit_b_max_age]".into(), z.into()),
    ]
}

async fn saved_settings(app: &TestApp, who: &reqwest::Client) -> Settings {
    let context: visadesk_app::domain::assessment::EligibilityContext = app
        .ask(who, "load_eligibility_context", &[])
        .await
        .expect("the eligibility context");
    context.settings
}

async fn post_form(
    app: &TestApp,
    who: &reqwest::Client,
    endpoint: &str,
    form: &[(String, String)],
) -> reqwest::Response {
    who.post(app.url(&format!("/api/{endpoint}")))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn unknown_form_fields_are_refused_by_name_and_change_nothing(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let res = post_form(
        &app,
        &admin,
        "save_eligibility_settings",
        &settings_form("35", "58"),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let before = saved_settings(&app, &admin).await;
    assert_eq!(before.k_visa_max_age, 35);

    let mut typo = settings_form("40", "55");
    typo.push(("settings[k_visa_age_typo]".into(), "30".into()));
    let (status, error) =
        refusal(post_form(&app, &admin, "save_eligibility_settings", &typo).await).await;
    assert_eq!(status, 400);
    let message = request_message(&error);
    assert!(message.contains("`settings[k_visa_age_typo]`"), "{message}");
    assert!(message.contains("Nothing was changed"), "{message}");

    let mut many = settings_form("40", "55");
    many.extend((0..3000).map(|i| (format!("f{i}"), "1".to_string())));
    let (status, error) =
        refusal(post_form(&app, &admin, "save_eligibility_settings", &many).await).await;
    assert_eq!(status, 400);
    assert!(
        request_message(&error).contains("and 2995 more"),
        "{error:?}"
    );

    let mut deep = settings_form("40", "55");
    deep.push(("settings[a][b][c][d][e][f][g]".into(), "1".into()));
    let (status, error) =
        refusal(post_form(&app, &admin, "save_eligibility_settings", &deep).await).await;
    assert_eq!(status, 400);
    assert!(
        request_message(&error).contains("nests deeper"),
        "{error:?}"
    );

    // A setting left out is not put back to its default: it is refused.
    let partial = vec![("settings[k_visa_max_age]".to_string(), "40".to_string())];
    let (status, error) =
        refusal(post_form(&app, &admin, "save_eligibility_settings", &partial).await).await;
    assert_eq!(status, 400);
    assert!(
        request_message(&error).contains("z_permit_b_max_age"),
        "{error:?}"
    );

    assert_eq!(
        saved_settings(&app, &admin).await,
        before,
        "no refusal changed the settings"
    );
}

async fn unknown_json_fields_are_refused_by_name_and_change_nothing(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let mut body = client_body("Wei Zhang");
    body["details"]["nickname"] = json!("Wei");
    body["surprise"] = json!(true);
    let (status, error) = refusal(app.call_json(&admin, "save_client", &body).await).await;
    assert_eq!(status, 400);
    let message = request_message(&error);
    assert!(message.contains("`details.nickname`"), "{message}");
    assert!(message.contains("`surprise`"), "{message}");
    let clients: ClientPage = app
        .call(&admin, "list_clients", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(clients.total, 0, "nothing was saved: {clients:?}");
}

async fn malformed_requests_are_blamed_on_the_request(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let bad_bodies: [(&str, Vec<u8>, &str); 5] = [
        ("malformed", b"{\"id\": nul".to_vec(), "not valid JSON"),
        (
            "deeply nested",
            deep.into_bytes(),
            "The request could not be read",
        ),
        (
            "wrong types",
            br#"{"id": 7, "base_version": "x", "confirm_duplicate": "no", "details": []}"#.to_vec(),
            "wrong type",
        ),
        (
            "invalid UTF-8",
            b"{\"id\": \"\xff\xfe\"}".to_vec(),
            "The request could not be read",
        ),
        ("empty", Vec::new(), "empty"),
    ];
    for (what, body, expected) in bad_bodies {
        let res = admin
            .post(app.url("/api/save_client"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, error) = refusal(res).await;
        assert_eq!(status, 400, "{what}");
        let message = request_message(&error);
        assert!(message.contains(expected), "{what}: {message}");
        assert!(!message.contains("server's answer"), "{what}: {message}");
    }
    // A form where JSON belongs, and JSON where a form belongs.
    let res = app.call(&admin, "save_client", &[("id", "")]).await;
    let (status, error) = refusal(res).await;
    assert_eq!(status, 400);
    assert!(
        request_message(&error).contains("takes application/json"),
        "{error:?}"
    );
    let res = app.call_json(&admin, "list_clients", &json!({})).await;
    let (status, error) = refusal(res).await;
    assert_eq!(status, 400);
    assert!(request_message(&error).contains("takes application/x-www-form-urlencoded"));
    assert!(!app.log().contains("panicked"), "{}", app.log());
}

/// Sends `total` bytes of form as chunked transfer encoding on a raw
/// connection (no length declared), and returns the answer as text.
async fn send_chunked(app: &TestApp, cookie: &str, total: usize) -> (u16, String) {
    let addr = app.base.trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /api/create_user HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
        app.base
    );
    // The server may answer and stop reading before everything is sent, so
    // the body goes out beside the read of the answer.
    let sending = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let first = b"email=big%40firm.example&role=viewer&display_name=";
        writer
            .write_all(format!("{:X}\r\n", first.len()).as_bytes())
            .await?;
        writer.write_all(first).await?;
        writer.write_all(b"\r\n").await?;
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = 0;
        while sent < total {
            writer
                .write_all(format!("{:X}\r\n", chunk.len()).as_bytes())
                .await?;
            writer.write_all(&chunk).await?;
            writer.write_all(b"\r\n").await?;
            sent += chunk.len();
        }
        writer.write_all(b"0\r\n\r\n").await
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
            if String::from_utf8_lossy(&answer).contains("request_too_large") {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(60), read).await;
    sending.abort();
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

async fn a_chunked_form_over_the_limit_is_too_large(db: Backend) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    let res = app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie = crate::common::session_cookie(&res)
        .and_then(|c| c.split(';').next().map(str::to_string))
        .expect("session cookie");
    let (status, answer) = send_chunked(&app, &cookie, 10 * 1024 * 1024).await;
    assert_eq!(status, 413, "{answer}");
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    let error: AppError = serde_json::from_str(body).expect("an AppError");
    assert_eq!(
        error,
        AppError::Request(Problem::RequestTooLarge {
            limit: 256 * 1024,
            size: None
        })
    );
    assert_eq!(
        error.to_string(),
        "The form is too large; the limit is 256 KB. Shorten the text and try again."
    );
    let users: Vec<UserSummary> = app
        .call(&client, "list_users", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(users.len(), 1, "no user was created");
}

async fn invalid_utf8_text_is_refused_not_mangled(db: Backend) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let res = admin
        .post(app.url("/api/create_user"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=mangled%40firm.example&display_name=%C3%28%FF%FE&role=viewer&password=long+enough+pass")
        .send()
        .await
        .unwrap();
    let (status, error) = refusal(res).await;
    assert_eq!(status, 400);
    assert!(
        request_message(&error).contains("`display_name` is not valid UTF-8"),
        "{error:?}"
    );
    let users: Vec<UserSummary> = app
        .call(&admin, "list_users", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(users.len(), 1, "no user was created");
}

async fn forwarding_headers_are_believed_only_from_a_trusted_proxy(db: Backend) {
    let mut app = TestApp::spawn(db).await;
    let form = [("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)];
    let forged = |app: &TestApp| {
        reqwest::Client::new()
            .post(app.url("/api/sign_in"))
            .header("origin", "https://evil.example")
            .header("x-forwarded-host", "evil.example")
            .header("x-forwarded-proto", "https")
            .form(&form)
            .send()
    };
    let (status, error) = refusal(forged(&app).await.unwrap()).await;
    assert_eq!((status, error), (403, AppError::CrossSite));
    let forwarded = reqwest::Client::new()
        .post(app.url("/api/sign_in"))
        .header("origin", "https://evil.example")
        .header("forwarded", "host=evil.example;proto=https")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(forwarded.status(), 403);

    // Behind a trusted proxy, the proxy's word on the public host counts.
    app.restart_with(&[("VISADESK_TRUSTED_PROXIES", "127.0.0.1")])
        .await;
    let res = forged(&app).await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}
