//! Documents end to end against the real server: streaming uploads with
//! their checks, versions, duplicates, review, downloads and previews, bad
//! input of every kind (each leaving no row and no file), sealing at rest,
//! key rotation, and a crash in the middle of uploads.

use crate::common::firm::{firm_with, opened, Firm};
use crate::common::{Backend, Refusal};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use visadesk_app::domain::audit::AuditEvent;
use visadesk_app::domain::case::CaseDetail;
use visadesk_app::domain::checklist::{ChecklistItem, DocumentKind, ItemStatus};
use visadesk_app::domain::{CaseId, ItemId};
use visadesk_app::AppError;

/// Uploads here are limited to 1 MiB.
const LIMIT: &[(&str, &str)] = &[("VISADESK_MAX_UPLOAD_MB", "1")];

/// A PDF-looking file of `len` bytes whose content depends on `seed`.
fn pdf(len: usize, seed: u8) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..len.saturating_sub(9)).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    bytes.truncate(len);
    bytes
}

fn png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(&[0u8; 100]);
    bytes
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

const BOUNDARY: &str = "visadesk-test-boundary-7f3a";

/// A multipart body with one file field, named as given (raw bytes).
fn multipart(file_name: &[u8], bytes: &[u8]) -> Vec<u8> {
    let mut body =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
            .into_bytes();
    body.extend_from_slice(file_name);
    body.extend_from_slice(b"\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_body(
    f: &Firm,
    who: &reqwest::Client,
    item_id: &ItemId,
    body: Vec<u8>,
) -> (u16, Value) {
    let res = who
        .post(f.app.url(&format!("/documents/items/{item_id}")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("upload request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn upload(
    f: &Firm,
    who: &reqwest::Client,
    item_id: &ItemId,
    name: &str,
    bytes: &[u8],
) -> (u16, Value) {
    post_body(f, who, item_id, multipart(name.as_bytes(), bytes)).await
}

/// The checklist item an accepted upload (201) answers with.
fn uploaded((status, body): (u16, Value)) -> ChecklistItem {
    assert_eq!(status, 201, "{body}");
    serde_json::from_value(body).expect("the upload answers with the checklist item")
}

/// Staff review a document version (as the admin).
async fn review(
    f: &Firm,
    document_id: &visadesk_app::domain::DocumentId,
    accept: bool,
    reason: &str,
) -> Result<ChecklistItem, Refusal> {
    let accept = if accept { "true" } else { "false" };
    f.app
        .ask(
            &f.admin,
            "review_document",
            &[
                ("document_id", document_id.as_str()),
                ("accept", accept),
                ("reason", reason),
            ],
        )
        .await
}

/// Opens a K visa case; returns its id and its checklist item ids by kind.
async fn k_case(f: &Firm) -> (CaseId, HashMap<DocumentKind, ItemId>) {
    let id = opened(f, &f.admin, "cn_k", &[]).await.id;
    let detail: CaseDetail = f
        .app
        .ask(&f.admin, "get_case", &[("id", id.as_str())])
        .await
        .expect("the case");
    let items = detail
        .checklist
        .into_iter()
        .map(|i| (i.kind, i.id))
        .collect();
    (id, items)
}

/// Rows in `documents`, and files under the documents folder (objects, and
/// temporary uploads).
fn stored(f: &Firm) -> (usize, usize, usize) {
    let rows = f
        .app
        .db()
        .run_here(visadesk_server::store::documents::all)
        .expect("documents")
        .len();
    let count = |dir: &Path| -> usize {
        let mut n = 0;
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            if let Ok(entries) = std::fs::read_dir(&d) {
                for e in entries.flatten() {
                    if e.path().is_dir() {
                        stack.push(e.path());
                    } else {
                        n += 1;
                    }
                }
            }
        }
        n
    };
    let docs = f.app.data_dir().join("documents");
    (rows, count(&docs.join("objects")), count(&docs.join("tmp")))
}

async fn upload_review_versions_and_download(db: Backend) {
    let f = firm_with(db, LIMIT).await;
    let (case_id, items) = k_case(&f).await;
    let passport = &items[&DocumentKind::Passport];
    let photo = &items[&DocumentKind::Photo];
    let first = pdf(300_000, 1);

    let (status, item) = upload(&f, &f.para, passport, "passport scan.pdf", &first).await;
    assert_eq!(status, 403, "the paralegal is not assigned: {item}");
    let item = uploaded(upload(&f, &f.admin, passport, "passport scan.pdf", &first).await);
    assert_eq!(item.status, ItemStatus::Uploaded);
    let v1 = &item.versions[0];
    assert_eq!(v1.version, 1);
    assert_eq!(v1.file_name, "passport scan.pdf");
    assert_eq!(v1.content_type, "application/pdf");
    assert_eq!(v1.size, 300_000);
    let v1_id = v1.id.clone();

    // Downloads: the exact bytes, as an attachment, never sniffed, and
    // never recompressed on the way out, whatever the browser accepts.
    let res = f
        .admin
        .get(f.app.url(&format!("/documents/{v1_id}")))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert!(
        h.get("content-encoding").is_none_or(|v| v == "identity"),
        "{h:?}"
    );
    assert_eq!(h["content-length"], "300000");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disposition = h["content-disposition"].to_str().unwrap().to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"passport scan.pdf\""),
        "{disposition}"
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), first.as_slice());
    // Staff preview inline; the bytes on disk are sealed, not the file.
    let res = f
        .admin
        .get(f.app.url(&format!("/documents/{v1_id}/preview")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline;"));
    let object = f
        .app
        .data_dir()
        .join("documents/objects")
        .join(case_id.as_str())
        .join(v1_id.as_str());
    let raw = std::fs::read(&object).expect("stored object");
    assert!(raw.starts_with(b"VDOC"));
    assert!(!raw.windows(9).any(|w| w == b"%PDF-1.7\n"));

    // The same bytes again on the case are flagged.
    let item = uploaded(upload(&f, &f.admin, photo, "copy.pdf", &first).await);
    assert_eq!(
        item.versions[0].duplicate_of.as_deref(),
        Some("Passport (photo page), version 1")
    );

    // Reject with a reason; a reason is required.
    let refused = review(&f, &v1_id, false, " ").await;
    assert!(
        matches!(&refused, Err((400, AppError::Invalid { field, .. })) if field == "reason"),
        "{refused:?}"
    );
    let item = review(&f, &v1_id, false, "The photo page is cut off")
        .await
        .expect("rejected");
    assert_eq!(
        item.status,
        ItemStatus::Rejected("The photo page is cut off".into())
    );

    // A new version; the old one is kept and can no longer be reviewed.
    let second = pdf(200_000, 2);
    let item = uploaded(upload(&f, &f.admin, passport, "passport-v2.pdf", &second).await);
    assert_eq!(item.versions.len(), 2);
    assert_eq!(item.versions[0].version, 2);
    assert_eq!(item.versions[0].duplicate_of, None);
    let v2_id = item.versions[0].id.clone();
    let stale = review(&f, &v1_id, true, "").await;
    assert!(
        matches!(stale, Err((409, AppError::Conflict(_)))),
        "{stale:?}"
    );
    let item = review(&f, &v2_id, true, "").await.expect("accepted");
    assert_eq!(item.status, ItemStatus::Accepted);
    let old = f
        .admin
        .get(f.app.url(&format!("/documents/{v1_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(old.bytes().await.unwrap().as_ref(), first.as_slice());

    // A viewer may read but not upload; every download is in the audit trail.
    let viewer = f
        .app
        .user(
            &f.admin,
            "viewer@firm.example",
            "viewer",
            "viewer pass phrase",
        )
        .await;
    let (status, _) = upload(&f, &viewer, photo, "x.png", &png()).await;
    assert_eq!(status, 403);
    let res = viewer
        .get(f.app.url(&format!("/documents/{v2_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let audit: Vec<AuditEvent> = f
        .app
        .ask(&f.admin, "audit_events", &[("action", "document.download")])
        .await
        .expect("audit events");
    assert!(audit.len() >= 3, "{audit:?}");
    let (rows, objects, temps) = stored(&f);
    assert_eq!((rows, objects, temps), (3, 3, 0));
}

async fn bad_uploads_leave_no_row_and_no_file(db: Backend) {
    let f = firm_with(db, LIMIT).await;
    let (_case_id, items) = k_case(&f).await;
    let item = items[&DocumentKind::Passport].clone();
    let cases: [(&str, Vec<u8>, u16, &str); 9] = [
        (
            "over the limit",
            multipart(b"big.pdf", &pdf(1024 * 1024 + 1, 3)),
            413,
            "larger than the limit of 1.0 MB",
        ),
        (
            "a text file named .pdf",
            multipart(b"notes.pdf", b"just some words, not a PDF at all"),
            415,
            "not a PDF, JPEG or PNG",
        ),
        ("an empty file", multipart(b"empty.pdf", b""), 400, "empty"),
        (
            "a path",
            multipart(b"../../etc/passwd", &pdf(1000, 4)),
            400,
            "plain name",
        ),
        (
            "a NUL byte",
            multipart(b"pass\0port.pdf", &pdf(1000, 5)),
            400,
            "",
        ),
        (
            "a control byte",
            multipart(b"pass\x07port.pdf", &pdf(1000, 6)),
            400,
            "",
        ),
        (
            "a 10,000-character name",
            multipart("a".repeat(10_000).as_bytes(), &pdf(1000, 7)),
            400,
            "10000 characters",
        ),
        (
            "no file at all",
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--{BOUNDARY}--\r\n").into_bytes(),
            400,
            "Choose a file",
        ),
        (
            "a truncated body",
            {
                let mut b = multipart(b"cut.pdf", &pdf(200_000, 8));
                b.truncate(120_000);
                b
            },
            400,
            "cut off",
        ),
    ];
    for (what, body, status, says) in cases {
        let (got, answer) = post_body(&f, &f.admin, &item, body).await;
        assert_eq!(got, status, "{what}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{what}: no message");
        assert!(message.contains(says), "{what}: {message}");
        assert_eq!(stored(&f), (0, 0, 0), "{what} left something behind");
    }

    // Not multipart at all.
    let res = f
        .admin
        .post(f.app.url(&format!("/documents/items/{item}")))
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // Unknown item; signed out.
    let nowhere = ItemId::new("no-such-item");
    let (status, _) = upload(&f, &f.admin, &nowhere, "a.pdf", &pdf(1000, 9)).await;
    assert_eq!(status, 404);
    let (status, _) = upload(&f, &f.app.client(), &item, "a.pdf", &pdf(1000, 9)).await;
    assert_eq!(status, 401);

    // A connection dropped half way through the file.
    let cookie = session_cookie_of(&f).await;
    let body = multipart(b"dropped.pdf", &pdf(900_000, 10));
    let addr = f.app.base.trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /documents/items/{item} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
        f.app.base,
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&body[..400_000]).await.unwrap();
    tcp.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(tcp);
    let mut clean = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if stored(&f) == (0, 0, 0) {
            clean = true;
            break;
        }
    }
    assert!(clean, "a dropped upload left {:?}", stored(&f));

    // And a good upload still works afterwards.
    let (status, answer) = upload(&f, &f.admin, &item, "passport.pdf", &pdf(1024 * 1024, 11)).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(stored(&f), (1, 1, 0));
}

/// The admin's session cookie, for raw requests.
async fn session_cookie_of(f: &Firm) -> String {
    let client = f.app.client();
    let res = f
        .app
        .sign_in(
            &client,
            crate::common::ADMIN_EMAIL,
            crate::common::ADMIN_PASSWORD,
        )
        .await;
    crate::common::session_cookie(&res)
        .and_then(|c| c.split(';').next().map(str::to_string))
        .expect("session cookie")
}

async fn damaged_bytes_and_wrong_keys_are_never_served(db: Backend) {
    let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let other = "HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo=";
    let mut f = firm_with(db, &[("VISADESK_DOCUMENT_KEY", key)]).await;
    let (case_id, items) = k_case(&f).await;
    let bytes = pdf(500_000, 12);
    let item = uploaded(upload(&f, &f.admin, &items[&DocumentKind::Cv], "cv.pdf", &bytes).await);
    let id = item.versions[0].id.to_string();
    let get = |f: &Firm, admin: reqwest::Client, id: String| {
        let url = f.app.url(&format!("/documents/{id}"));
        async move {
            let res = admin.get(url).send().await.unwrap();
            (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
        }
    };

    // Rotated: the old key, kept as an old key, still opens it.
    f.app
        .restart_with(&[
            ("VISADESK_DOCUMENT_KEY", other),
            ("VISADESK_DOCUMENT_OLD_KEYS", key),
        ])
        .await;
    let admin = f.app.admin().await;
    let (status, body) = get(&f, admin.clone(), id.clone()).await;
    assert_eq!((status, body == bytes), (200, true));

    // The wrong key alone: refused, with a clear message, nothing of the file.
    f.app
        .restart_with(&[("VISADESK_DOCUMENT_KEY", other)])
        .await;
    let admin = f.app.admin().await;
    let (status, body) = get(&f, admin.clone(), id.clone()).await;
    assert_eq!(status, 500);
    let text = String::from_utf8_lossy(&body).to_string();
    assert!(text.contains("failed its integrity check"), "{text}");

    // One changed byte on disk: refused the same way.
    f.app.restart_with(&[("VISADESK_DOCUMENT_KEY", key)]).await;
    let admin = f.app.admin().await;
    let object = f
        .app
        .data_dir()
        .join("documents/objects")
        .join(case_id.as_str())
        .join(&id);
    let mut raw = std::fs::read(&object).unwrap();
    raw[300_000] ^= 0x40;
    std::fs::write(&object, &raw).unwrap();
    let (status, body) = get(&f, admin.clone(), id.clone()).await;
    assert_eq!(status, 500);
    assert!(!body.windows(9).any(|w| w == b"%PDF-1.7\n"));
    assert!(f.app.log().contains("failed its check"), "the log says why");
}

async fn a_crash_during_uploads_leaves_every_row_with_its_file(db: Backend) {
    let mut f = firm_with(db, &[("VISADESK_MAX_UPLOAD_MB", "8")]).await;
    let (_case_id, items) = k_case(&f).await;
    let item_ids: Vec<ItemId> = items.values().cloned().collect();
    let cookie = session_cookie_of(&f).await;
    let addr = f.app.base.trim_start_matches("http://").to_string();
    let base = f.app.base.clone();

    // Several uploads at once, each a raw connection sending its body in
    // pieces, so that some are mid-file when the server is killed.
    let mut tasks = Vec::new();
    for n in 0..8u8 {
        let (item, cookie, addr, base) = (
            item_ids[n as usize % item_ids.len()].clone(),
            cookie.clone(),
            addr.clone(),
            base.clone(),
        );
        tasks.push(tokio::spawn(async move {
            for round in 0..50u8 {
                let body = multipart(b"scan.pdf", &pdf(1_500_000 + n as usize * 1000, n.wrapping_mul(7).wrapping_add(round)));
                let Ok(mut tcp) = tokio::net::TcpStream::connect(&addr).await else { return };
                let head = format!(
                    "POST /documents/items/{item} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {base}\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                if tcp.write_all(head.as_bytes()).await.is_err() { return }
                for piece in body.chunks(256 * 1024) {
                    if tcp.write_all(piece).await.is_err() { return }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                let mut answer = Vec::new();
                use tokio::io::AsyncReadExt;
                if tcp.read_to_end(&mut answer).await.is_err() { return }
            }
        }));
    }
    // Kill once some uploads have finished (others are then mid-file): wait
    // for the first rows rather than a fixed time, which a busy machine may
    // not be given.
    let mut before = 0;
    for _ in 0..1200 {
        before = stored(&f).0;
        if before >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(before >= 1, "no upload finished in two minutes");
    // kill -9, then start again on the same data.
    let pid = f.app.pid().expect("pid");
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    for t in tasks {
        let _ = t.await;
    }
    f.app.restart_with(&[("VISADESK_MAX_UPLOAD_MB", "8")]).await;
    let admin = f.app.admin().await;
    let rows = f
        .app
        .db()
        .run_here(visadesk_server::store::documents::all)
        .unwrap();
    assert!(
        rows.len() >= before && !rows.is_empty(),
        "uploads finished before the kill: {}",
        rows.len()
    );
    for row in &rows {
        let res = admin
            .get(f.app.url(&format!("/documents/{}", row.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "document {} after the crash", row.id);
        let body = res.bytes().await.unwrap();
        assert_eq!(sha256(&body), row.sha256, "document {}", row.id);
        assert_eq!(body.len() as i64, row.size);
    }
    let (rows_n, objects, temps) = stored(&f);
    assert_eq!(
        (objects, temps),
        (rows_n, 0),
        "no stray or half-written files"
    );
}

on_both_databases!(
    upload_review_versions_and_download,
    bad_uploads_leave_no_row_and_no_file,
    damaged_bytes_and_wrong_keys_are_never_served,
    a_crash_during_uploads_leaves_every_row_with_its_file,
);
