//! Two instances behind nginx (Debian's), sharing one PostgreSQL database
//! and one S3 bucket (moto), checked through the proxy: they start at once
//! and migrate once; a session made on one works on the other; an upload
//! through one downloads through the other; `kill -9` of one in the middle
//! of an upload loses no committed document and leaves no row without its
//! object; an email is sent once; and nginx's request id is Visadesk's.
//!
//! The proxy routes by a test header, `X-Test-Instance: one | two`, to pin
//! a request to an instance; without it, it balances across both (the
//! configuration of docs/operations.md plus that map).

use crate::cli::visadesk_with;
use crate::common::moto::{start_moto, BUCKET};
use crate::common::smtp::SmtpSink;
use crate::common::{postgres_url, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use base64::Engine;
use reqwest::cookie::CookieStore;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use visadesk_app::domain::case::CaseDetail;
use visadesk_app::domain::checklist::ChecklistItem;
use visadesk_app::domain::scrub::ScrubRun;
use visadesk_app::domain::CurrentUser;

/// nginx: `$VISADESK_NGINX`, Debian's `/usr/sbin/nginx`, or on the PATH.
fn nginx_program() -> Option<PathBuf> {
    let named = std::env::var_os("VISADESK_NGINX").map(PathBuf::from);
    let on_path = std::env::var_os("PATH").and_then(|dirs| {
        std::env::split_paths(&dirs)
            .map(|d| d.join("nginx"))
            .find(|p| p.is_file())
    });
    named
        .into_iter()
        .chain([PathBuf::from("/usr/sbin/nginx")])
        .chain(on_path)
        .find(|p| p.is_file())
}

/// A running nginx, stopped on drop.
struct Nginx {
    child: tokio::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Nginx {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

fn port_of(base: &str) -> u16 {
    base.rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .expect("a port")
}

/// Starts nginx in front of the instances at `one` and `two`.
async fn start_nginx(program: &Path, one: &str, two: &str) -> Nginx {
    let dir = tempfile::tempdir().expect("dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let d = dir.path().display();
    // Root runs the workers as root too (the default user may not exist).
    let user = if running_as_root() { "user root;" } else { "" };
    let (a, b) = (port_of(one), port_of(two));
    let conf = format!(
        r#"{user}
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 256; }}
http {{
    log_format visadesk '$request_id $status $request';
    access_log {d}/access.log visadesk;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream both {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; keepalive 8; }}
    upstream one {{ server 127.0.0.1:{a}; }}
    upstream two {{ server 127.0.0.1:{b}; }}
    map $http_x_test_instance $pool {{ default both; one one; two two; }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 30m;
        proxy_request_buffering off;
        location / {{
            proxy_pass http://$pool;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Request-Id $request_id;
            proxy_read_timeout 120s;
        }}
    }}
}}
"#
    );
    let conf_path = dir.path().join("nginx.conf");
    std::fs::write(&conf_path, conf).expect("nginx.conf");
    let child = tokio::process::Command::new(program)
        .args(["-p", &d.to_string(), "-c", &conf_path.display().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start nginx");
    let mut nginx = Nginx { child, port, dir };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return nginx;
        }
        if let Ok(Some(status)) = nginx.child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = nginx.child.stderr.take() {
                let _ = e.read_to_string(&mut err).await;
            }
            panic!(
                "nginx exited at once ({status}): {err}{}",
                std::fs::read_to_string(nginx.dir.path().join("error.log")).unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nginx did not listen on {port}");
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// A browser's client for the site behind the proxy, and its cookie jar.
fn browser(proxy: &str) -> (reqwest::Client, std::sync::Arc<reqwest::cookie::Jar>) {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ORIGIN,
        reqwest::header::HeaderValue::from_str(proxy).expect("origin"),
    );
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    (client, jar)
}

/// A server function through the proxy, pinned to an instance.
async fn ask<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    proxy: &str,
    instance: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> T {
    let res = client
        .post(format!("{proxy}/api/{endpoint}"))
        .header("x-test-instance", instance)
        .form(form)
        .send()
        .await
        .expect("request");
    crate::common::answer(res)
        .await
        .unwrap_or_else(|e| panic!("{endpoint} on instance {instance}: {e:?}"))
}

fn key() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("random");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_nginx_share_sessions_documents_and_email() {
    if postgres_url().is_none() {
        return;
    }
    let Some(nginx) = nginx_program() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "nginx not found (scripts/bootstrap --with-browser installs Debian's)"
        );
        eprintln!("skipping: nginx not found (run scripts/bootstrap --with-browser)");
        return;
    };
    let Some(moto) = tokio::task::spawn_blocking(|| start_moto("two_instances_behind_nginx"))
        .await
        .expect("moto")
    else {
        return;
    };
    let sink = SmtpSink::start().await;
    let endpoint = format!("http://127.0.0.1:{}", moto.port);
    let (document_key, audit_key, smtp) = (key(), key(), sink.url());
    let env = [
        ("VISADESK_S3_BUCKET", BUCKET),
        ("VISADESK_S3_ENDPOINT", endpoint.as_str()),
        ("VISADESK_S3_PREFIX", "instances"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("VISADESK_DOCUMENT_KEY", document_key.as_str()),
        ("VISADESK_AUDIT_KEY", audit_key.as_str()),
        ("VISADESK_TRUSTED_PROXIES", "127.0.0.1"),
        ("VISADESK_SMTP_URL", smtp.as_str()),
        ("VISADESK_MAIL_POLL_MS", "100"),
        ("VISADESK_SCRUB_EVERY_HOURS", "0"),
    ];

    // Both start at once on an empty database: one of them migrates.
    let (app, mut other) = TestApp::spawn_pair(&env).await;
    let migrated = [app.log(), other.log()]
        .iter()
        .filter(|log| log.contains("database migrated"))
        .count();
    assert_eq!(migrated, 1, "{}\n---\n{}", app.log(), other.log());

    let proxy = start_nginx(&nginx, &app.base, &other.base).await;
    let url = proxy.url();

    // A session made on one instance works on the other.
    let (admin, jar) = browser(&url);
    let res = admin
        .post(format!("{url}/api/sign_in"))
        .header("x-test-instance", "one")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let me: Option<CurrentUser> = ask(&admin, &url, "two", "signed_in_user", &[]).await;
    assert_eq!(
        me.expect("signed in on the other instance").email,
        ADMIN_EMAIL
    );

    // nginx's request id is the one Visadesk answers with (and logs).
    let res = admin
        .get(format!("{url}/healthz"))
        .send()
        .await
        .expect("health");
    let id = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("an id")
        .to_string();
    assert_eq!(id.len(), 32, "nginx's $request_id is 32 hex digits: {id}");
    // (nginx writes its log line once the response is sent.)
    for _ in 0..50 {
        if proxy.access_log().contains(&id) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(proxy.access_log().contains(&id), "{}", proxy.access_log());

    // An upload through one downloads through the other.
    let client_body = serde_json::json!({ "id": null, "base_version": null, "confirm_duplicate": false, "details": {
        "full_name": "Li Wei", "latin_name": "", "email": "li.wei@example.com", "phone": "", "address": "",
        "date_of_birth": "1997-03-02", "nationality": "SG", "passport_number": "K7654321", "passport_expiry": "2031-01-01",
        "education": [], "work": [], "languages": []
    }});
    let saved = admin
        .post(format!("{url}/api/save_client"))
        .header("x-test-instance", "one")
        .json(&client_body)
        .send()
        .await
        .expect("save client");
    let saved: visadesk_app::domain::client::SaveOutcome =
        crate::common::answer(saved).await.expect("client saved");
    let visadesk_app::domain::client::SaveOutcome::Saved(client) = saved else {
        panic!("the client was not saved: {saved:?}");
    };
    let case: visadesk_app::domain::case::CaseSummary = ask(
        &admin,
        &url,
        "two",
        "create_case",
        &[("client_id", client.id.as_str()), ("programme", "cn_k")],
    )
    .await;
    let detail: CaseDetail =
        ask(&admin, &url, "one", "get_case", &[("id", case.id.as_str())]).await;
    let item = detail.checklist[0].id.to_string();
    let bytes: Vec<u8> = b"%PDF-1.7\n"
        .iter()
        .copied()
        .chain((0..200_000u32).map(|i| (i % 251) as u8))
        .collect();
    let mut body =
        b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"passport.pdf\"\r\n\r\n"
            .to_vec();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(b"\r\n--b--\r\n");
    let res = admin
        .post(format!("{url}/documents/items/{item}"))
        .header("x-test-instance", "one")
        .header("content-type", "multipart/form-data; boundary=b")
        .body(body)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), 201);
    let stored: ChecklistItem = res.json().await.expect("item");
    let document = stored.versions[0].id.clone();
    let downloaded = admin
        .get(format!("{url}/documents/{document}"))
        .header("x-test-instance", "two")
        .send()
        .await
        .expect("download");
    assert_eq!(downloaded.status(), 200);
    assert_eq!(downloaded.bytes().await.expect("bytes").to_vec(), bytes);

    // An email is sent once, though both instances deliver mail.
    let res = browser(&url)
        .0
        .post(format!("{url}/api/request_password_reset"))
        .form(&[("email", ADMIN_EMAIL)])
        .send()
        .await
        .expect("reset");
    assert_eq!(res.status(), 200);
    sink.wait_for(1).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.received().len(), 1, "the email went out once");

    // kill -9 of instance two while an upload streams through it.
    let cookie = jar
        .cookies(&url.parse().expect("url"))
        .and_then(|v| v.to_str().ok().map(str::to_string))
        .expect("the session cookie");
    let second_item = detail.checklist[1].id.to_string();
    let declared = 16 * 1024 * 1024;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", proxy.port))
        .await
        .expect("connect");
    let head = format!(
        "POST /documents/items/{second_item} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: {url}\r\nCookie: {cookie}\r\nX-Test-Instance: two\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {declared}\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n%PDF-1.7\n",
        proxy.port
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let chunk = vec![7u8; 1024 * 1024];
    for _ in 0..8 {
        stream.write_all(&chunk).await.expect("a part of the body");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    other.kill_now().await;
    let _ = stream.write_all(&chunk).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        !answer.starts_with("HTTP/1.1 201"),
        "the cut-off upload was stored: {answer}"
    );

    // Through the proxy (now the one instance left): the committed document
    // is whole, the cut-off upload left no row, and every row's object is
    // in the bucket.
    let downloaded = admin
        .get(format!("{url}/documents/{document}"))
        .send()
        .await
        .expect("download");
    assert_eq!(downloaded.status(), 200);
    assert_eq!(downloaded.bytes().await.expect("bytes").to_vec(), bytes);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM documents"), 1);
    let (ok, out, err) = visadesk_with(&app, &["scrub", "--json"], "", &env);
    let run: ScrubRun = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    assert!(ok, "{run:?}");
    assert_eq!(
        (run.checked, run.missing, run.corrupt, run.orphaned),
        (1, 0, 0, 0),
        "{run:?}"
    );
}
