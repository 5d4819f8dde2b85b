//! Running Visadesk: `/metrics` (read by Prometheus' own parser), JSON logs
//! whose lines name their request, and the document scrub (the command, its
//! exit code, what it finds, and the Admin page's server function).

use crate::cli::visadesk;
use crate::common::firm::{checklist_of_new_case, firm_with, Firm};
use crate::common::{Backend, ADMIN_EMAIL};
use crate::notices::upload;
use serde_json::Value;
use std::collections::HashMap;
use visadesk_app::domain::checklist::ChecklistItem;
use visadesk_app::domain::scrub::{FindingKind, ScrubRun, ScrubStatus};
use visadesk_app::domain::DocumentId;

on_both_databases!(
    the_scrub_runs_on_schedule_and_the_admin_sees_it,
    metrics_are_served_behind_a_token_and_on_their_own_address,
    json_logs_name_each_request_by_the_id_it_was_answered_with,
    the_scrub_finds_missing_damaged_and_orphaned_documents,
);

const TOKEN: &str = "metrics-token-for-the-tests-1234";

/// Metric families by name: each sample's name, labels and value.
type Families = HashMap<String, Vec<(String, HashMap<String, String>, f64)>>;

/// Families and samples as Prometheus' Python client parses them:
/// `{family: [(sample name, labels, value)]}`. Panics (with the parser's
/// words) when the text is not valid exposition format.
fn parse_prometheus(text: &str) -> Families {
    let venv = std::env::var("VISADESK_PYTOOLS_VENV").unwrap_or_else(|_| {
        format!(
            "{}/.cache/visadesk/pytools",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let script = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    out[family.name] = [[s.name, s.labels, s.value] for s in family.samples]
print(json.dumps(out))
"#;
    let mut child = std::process::Command::new(format!("{venv}/bin/python"))
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the tools venv's python (scripts/bootstrap installs prometheus_client)");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write metrics");
    let out = child.wait_with_output().expect("parser ran");
    assert!(
        out.status.success(),
        "Prometheus' parser refused the metrics: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("parser output")
}

fn value(families: &Families, sample: &str, labels: &[(&str, &str)]) -> Option<f64> {
    families.values().flatten().find_map(|(name, l, v)| {
        (name == sample
            && labels
                .iter()
                .all(|(k, want)| l.get(*k).map(String::as_str) == Some(*want)))
        .then_some(*v)
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn metrics_are_served_behind_a_token_and_on_their_own_address(db: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    let token_file = dir.path().join("metrics-token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).expect("token file");
    let own = format!("127.0.0.1:{}", free_port());
    let f = firm_with(
        db,
        &[
            (
                "VISADESK_METRICS_TOKEN_FILE",
                token_file.to_str().expect("path"),
            ),
            ("VISADESK_METRICS_ADDR", &own),
        ],
    )
    .await;
    let plain = reqwest::Client::new();

    // Without the token, or with another, the main address refuses.
    let res = plain.get(f.app.url("/metrics")).send().await.expect("get");
    assert_eq!(res.status(), 401);
    let res = plain
        .get(f.app.url("/metrics"))
        .bearer_auth("not-the-token-at-all-1234")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 401);

    // Events to count: a wrong password, an upload, a refused upload.
    let stranger = f.app.client();
    assert_eq!(
        f.app
            .sign_in(&stranger, ADMIN_EMAIL, "not the password")
            .await
            .status(),
        401
    );
    let item = checklist_of_new_case(&f).await[0].to_string();
    let stored: ChecklistItem = upload(&f, &f.admin, &item).await;
    assert_eq!(stored.id.as_str(), item);
    let refused = f
        .admin
        .post(f.app.url(&format!("/documents/items/{item}")))
        .header("content-type", "multipart/form-data; boundary=b")
        .body("--b--\r\n")
        .send()
        .await
        .expect("upload");
    assert_eq!(refused.status(), 400);

    // Paths anyone can make up do not become label values.
    for made_up in ["/api/no_such_fn_zq", "/no/such/page/zq"] {
        let _ = plain.get(f.app.url(made_up)).send().await.expect("get");
    }

    let res = plain
        .get(f.app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 200);
    let text = res.text().await.expect("text");
    let m = parse_prometheus(&text);
    assert_eq!(
        value(
            &m,
            "visadesk_sign_in_failures_total",
            &[("reason", "wrong_credentials")]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(&m, "visadesk_uploads_total", &[]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(&m, "visadesk_upload_bytes_total", &[]),
        Some("%PDF-1.4 passport".len() as f64),
        "{text}"
    );
    assert_eq!(
        value(&m, "visadesk_upload_refusals_total", &[("status", "400")]),
        Some(1.0),
        "{text}"
    );
    // Requests by route pattern (never by id), with a latency histogram.
    assert!(
        value(
            &m,
            "visadesk_http_requests_total",
            &[("route", "/api/sign_in"), ("status", "401")]
        ) == Some(1.0),
        "{text}"
    );
    assert!(
        value(
            &m,
            "visadesk_http_requests_total",
            &[("route", "/documents/items/{item_id}"), ("status", "201")]
        ) == Some(1.0),
        "{text}"
    );
    assert!(!text.contains(&item), "an id became a label value:\n{text}");
    assert!(
        !text.contains("zq"),
        "a made-up path became a label value:\n{text}"
    );
    assert!(
        value(
            &m,
            "visadesk_http_request_duration_seconds_bucket",
            &[("route", "/api/sign_in"), ("le", "+Inf")]
        )
        .is_some_and(|n| n >= 1.0),
        "{text}"
    );
    // Gauges read when scraped: the pool, the outbox, the build.
    assert!(
        value(&m, "visadesk_db_connections_in_use", &[]).is_some(),
        "{text}"
    );
    assert!(value(&m, "visadesk_db_waiting", &[]).is_some(), "{text}");
    assert!(
        value(&m, "visadesk_outbox_emails", &[("status", "failed")]).is_some(),
        "{text}"
    );
    assert_eq!(
        value(
            &m,
            "visadesk_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        Some(1.0),
        "{text}"
    );

    // The metrics address answers without a token, and serves nothing else.
    let res = plain
        .get(format!("http://{own}/metrics"))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 200);
    parse_prometheus(&res.text().await.expect("text"));
    let res = plain
        .get(format!("http://{own}/cases"))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 404);
}

async fn json_logs_name_each_request_by_the_id_it_was_answered_with(db: Backend) {
    let f = firm_with(db, &[("VISADESK_LOG_FORMAT", "json")]).await;
    let item = checklist_of_new_case(&f).await[0].clone();
    // An upload whose body stops short: the server logs why, inside the request.
    let res = f
        .admin
        .post(f.app.url(&format!("/documents/items/{item}")))
        .header("content-type", "multipart/form-data; boundary=b")
        .body("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.pdf\"\r\n\r\n%PDF-1.4 cut")
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), 400);
    let id = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("every answer carries its request id")
        .to_string();
    assert_eq!(id.len(), 16);

    // Every line is one JSON object; the line logged while handling the
    // upload carries its request's id, and so does the access log's.
    let mut lines_of_request = Vec::new();
    for _ in 0..50 {
        lines_of_request = f
            .app
            .log()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str::<Value>(l)
                    .unwrap_or_else(|e| panic!("a log line is not JSON ({e}): {l}"))
            })
            .filter(|v| v.to_string().contains(&id))
            .collect();
        if lines_of_request.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let inside = lines_of_request
        .iter()
        .find(|v| {
            v["message"]
                .as_str()
                .is_some_and(|m| m.contains("upload's body ended early"))
        })
        .unwrap_or_else(|| panic!("the upload's log line is not among {lines_of_request:#?}"));
    assert!(
        inside["spans"].as_array().is_some_and(|s| s
            .iter()
            .any(|s| s["name"] == "request" && s["id"] == id.as_str())),
        "{inside:#}"
    );
    assert!(
        lines_of_request
            .iter()
            .any(|v| v["target"] == "visadesk::http"),
        "the access log line names the request: {lines_of_request:#?}"
    );
    let app = f.app;

    // A trusted proxy's id is kept; anyone else's is not.
    let res = reqwest::Client::new()
        .get(app.url("/healthz"))
        .header("x-request-id", "proxy-given-id-1")
        .send()
        .await
        .expect("get");
    assert_ne!(
        res.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("proxy-given-id-1")
    );
    let mut app = app;
    app.restart_with(&[
        ("VISADESK_LOG_FORMAT", "json"),
        ("VISADESK_TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    let asked = |id: &'static str| {
        reqwest::Client::new()
            .get(app.url("/healthz"))
            .header("x-request-id", id)
            .send()
    };
    let res = asked("proxy-given-id-1").await.expect("get");
    assert_eq!(
        res.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("proxy-given-id-1")
    );
    // Not a plain token: replaced.
    let res = asked("two words").await.expect("get");
    assert_ne!(
        res.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("two words")
    );
}

/// Opens a case and uploads to its first two checklist items; their ids.
async fn two_documents(f: &Firm) -> Vec<DocumentId> {
    let mut ids = Vec::new();
    for item in checklist_of_new_case(f).await.iter().take(2) {
        let stored: ChecklistItem = upload(f, &f.admin, item.as_str()).await;
        ids.push(stored.versions.first().expect("a version").id.clone());
    }
    ids
}

fn scrub_json(f: &Firm) -> (bool, ScrubRun) {
    let (ok, out, err) = visadesk(&f.app, &["scrub", "--json"], "");
    let run = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (ok, run)
}

async fn the_scrub_finds_missing_damaged_and_orphaned_documents(db: Backend) {
    let f = firm_with(db, &[("VISADESK_SCRUB_EVERY_HOURS", "0")]).await;
    let status: ScrubStatus = f
        .app
        .ask(&f.admin, "last_scrub", &[])
        .await
        .expect("status");
    assert_eq!(status.last, None);
    assert_eq!(status.every_hours, 0);
    let ids = two_documents(&f).await;

    let (ok, run) = scrub_json(&f);
    assert!(ok, "{run:?}");
    assert_eq!(run.checked, 2);
    assert_eq!(run.bytes, 2 * "%PDF-1.4 passport".len() as i64);
    assert!(run.all_intact(), "{run:?}");
    assert!(!run.scheduled);

    // Damage one object (a byte of its sealed body), remove the other, and
    // leave a stray object behind.
    let objects = f.app.data_dir().join("documents/objects");
    let key = |id: &DocumentId| -> String {
        f.app
            .db()
            .run_here(|c| visadesk_server::store::documents::by_id(c, id.as_str()))
            .expect("row")
            .expect("document")
            .storage_key
    };
    let (damaged, missing) = (key(&ids[0]), key(&ids[1]));
    let path = objects.join(&damaged);
    let mut raw = std::fs::read(&path).expect("object");
    let last = raw.len() - 20;
    raw[last] ^= 0x40;
    std::fs::write(&path, raw).expect("write");
    std::fs::remove_file(objects.join(&missing)).expect("remove");
    let stray_dir = objects.join("stray-case");
    std::fs::create_dir_all(&stray_dir).expect("dir");
    std::fs::write(stray_dir.join("stray-object"), b"sealed bytes of nothing").expect("stray");

    let (ok, run) = scrub_json(&f);
    assert!(!ok, "the command fails when a document is lost: {run:?}");
    assert_eq!(
        (run.checked, run.missing, run.corrupt, run.orphaned),
        (2, 1, 1, 1),
        "{run:?}"
    );
    let kinds: HashMap<FindingKind, String> = run
        .findings
        .iter()
        .map(|f| (f.kind, f.storage_key.clone()))
        .collect();
    assert_eq!(kinds[&FindingKind::Damaged], damaged);
    assert_eq!(kinds[&FindingKind::Missing], missing);
    assert_eq!(kinds[&FindingKind::Orphaned], "stray-case/stray-object");

    // The words a person reads, and the Admin page's view of the same run.
    let (_, text, _) = visadesk(&f.app, &["scrub"], "");
    assert!(
        text.contains(&format!("missing: document {}", ids[1])),
        "{text}"
    );
    assert!(text.contains("DOCUMENTS NOT INTACT"), "{text}");
    let status: ScrubStatus = f
        .app
        .ask(&f.admin, "last_scrub", &[])
        .await
        .expect("status");
    let last = status.last.expect("a run");
    assert_eq!((last.missing, last.corrupt, last.orphaned), (1, 1, 1));
    assert!(last.lost_something());
    // Only admins see it.
    assert!(f
        .app
        .ask::<ScrubStatus>(&f.para, "last_scrub", &[])
        .await
        .is_err());
}

async fn the_scrub_runs_on_schedule_and_the_admin_sees_it(db: Backend) {
    let f = firm_with(db, &[("VISADESK_SCRUB_EVERY_HOURS", "24")]).await;
    // Each interval's run starts when the instance finds none for it: here
    // at start.
    let mut last = None;
    for _ in 0..100 {
        let status: ScrubStatus = f
            .app
            .ask(&f.admin, "last_scrub", &[])
            .await
            .expect("status");
        assert_eq!(status.every_hours, 24);
        if let Some(run) = status.last.filter(|r| r.finished_at.is_some()) {
            last = Some(run);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let run = last.expect("a scheduled run within 10 s of starting");
    assert!(run.scheduled);
    assert!(run.all_intact(), "{run:?}");
    // One run per interval: a restart in the same interval starts none.
    let mut app = f.app;
    app.restart_with(&[("VISADESK_SCRUB_EVERY_HOURS", "24")])
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM scrub_runs"), 1);
}
