//! The S3 storage adapter against a real S3 API: moto's server
//! (`moto_server`, installed by scripts/bootstrap), one per test on a free
//! loopback port (common/moto.rs). Without it the tests are skipped, except
//! in CI.

use crate::common::moto::{start_moto, unfinished_uploads, Moto, BUCKET};
use std::io::{Read, Write};
use visadesk_server::documents::storage::s3::{S3Settings, S3Storage};
use visadesk_server::documents::storage::{Storage, StorageError};

const PREFIX: &str = "visadesk-test";

fn storage(moto: &Moto, prefix: &str) -> S3Storage {
    S3Storage::new(S3Settings {
        bucket: BUCKET.into(),
        endpoint: Some(format!("http://127.0.0.1:{}", moto.port)),
        region: "us-east-1".into(),
        prefix: prefix.into(),
        access_key_id: Some("test".into()),
        secret_access_key: Some("test".into()),
    })
    .expect("the S3 storage")
}

fn put(store: &S3Storage, key: &str, bytes: &[u8]) {
    let mut pending = store.create(key).expect("create");
    pending.write_all(bytes).expect("write");
    pending.commit().expect("commit");
}

fn get(store: &S3Storage, key: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    store
        .open(key)
        .expect("open")
        .read_to_end(&mut bytes)
        .expect("read");
    bytes
}

/// Deterministic, non-repeating-looking bytes.
fn pattern(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn small_object_round_trips() {
    let Some(moto) = start_moto("small_object_round_trips") else {
        return;
    };
    let store = storage(&moto, PREFIX);
    assert!(store
        .describe()
        .starts_with("s3://visadesk-docs/visadesk-test at http://127.0.0.1:"));
    put(&store, "ab/abcdef-v1", b"sealed bytes");
    assert_eq!(get(&store, "ab/abcdef-v1"), b"sealed bytes");

    // An empty object is an object too.
    put(&store, "ab/empty", b"");
    assert_eq!(get(&store, "ab/empty"), b"");
}

#[test]
fn large_object_round_trips_through_multipart() {
    let Some(moto) = start_moto("large_object_round_trips_through_multipart") else {
        return;
    };
    let store = storage(&moto, PREFIX);
    let data = pattern(20 * 1024 * 1024 + 12_345);
    let mut pending = store.create("cd/large-v1").expect("create");
    // Odd-sized pieces, some larger than a part.
    let sizes = [1, 4093, 65_537, 9 * 1024 * 1024 + 7, 333_333];
    let mut rest = &data[..];
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].min(rest.len());
        pending.write_all(&rest[..n]).expect("write");
        rest = &rest[n..];
        i += 1;
    }
    assert!(
        store.keys().expect("keys").is_empty(),
        "an uncommitted object is invisible"
    );
    assert_eq!(
        unfinished_uploads(&moto),
        1,
        "written as a multipart upload"
    );
    pending.commit().expect("commit");
    assert_eq!(unfinished_uploads(&moto), 0);

    // Read back in small odd reads, byte for byte.
    let mut reader = store.open("cd/large-v1").expect("open");
    let mut back = Vec::with_capacity(data.len());
    let mut buf = [0u8; 7919];
    loop {
        let n = reader.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        back.extend_from_slice(&buf[..n]);
    }
    assert_eq!(back.len(), data.len());
    assert!(back == data, "the large object came back different");
}

#[test]
fn aborted_or_dropped_objects_leave_nothing() {
    let Some(moto) = start_moto("aborted_or_dropped_objects_leave_nothing") else {
        return;
    };
    let store = storage(&moto, PREFIX);
    let big = pattern(9 * 1024 * 1024);

    let mut small = store.create("ef/aborted-small").expect("create");
    small.write_all(b"never kept").expect("write");
    small.abort();

    // Past one part: a multipart upload is under way when it is aborted.
    let mut large = store.create("ef/aborted-large").expect("create");
    large.write_all(&big).expect("write");
    large.write_all(b"more").expect("write");
    assert_eq!(unfinished_uploads(&moto), 1);
    large.abort();
    assert_eq!(unfinished_uploads(&moto), 0, "abort aborts the upload");

    let mut dropped = store.create("ef/dropped-large").expect("create");
    dropped.write_all(&big).expect("write");
    dropped.write_all(b"more").expect("write");
    assert_eq!(unfinished_uploads(&moto), 1);
    drop(dropped);
    assert_eq!(unfinished_uploads(&moto), 0, "drop aborts the upload");

    let mut dropped = store.create("ef/dropped-small").expect("create");
    dropped.write_all(b"never kept").expect("write");
    drop(dropped);

    assert_eq!(store.keys().expect("keys"), Vec::<String>::new());
    for key in [
        "ef/aborted-small",
        "ef/aborted-large",
        "ef/dropped-large",
        "ef/dropped-small",
    ] {
        assert!(matches!(store.open(key), Err(StorageError::NotFound(k)) if k == key));
    }
    assert_eq!(store.sweep_incomplete().expect("sweep"), 0);
}

#[test]
fn keys_are_listed_without_the_prefix() {
    let Some(moto) = start_moto("keys_are_listed_without_the_prefix") else {
        return;
    };
    let store = storage(&moto, PREFIX);
    // Another prefix in the same bucket is not listed.
    let other = storage(&moto, "elsewhere");
    put(&other, "zz/other-v1", b"x");

    put(&store, "ab/abcdef-v1", b"one");
    put(&store, "ab/abcdef-v2", b"two");
    put(&store, "cd/cdef01-v1", b"three");
    let mut keys = store.keys().expect("keys");
    keys.sort();
    assert_eq!(keys, ["ab/abcdef-v1", "ab/abcdef-v2", "cd/cdef01-v1"]);
    assert_eq!(other.keys().expect("keys"), ["zz/other-v1"]);

    // An empty prefix sees the whole bucket.
    let root = storage(&moto, "");
    let mut all = root.keys().expect("keys");
    all.sort();
    assert_eq!(
        all,
        [
            "elsewhere/zz/other-v1",
            "visadesk-test/ab/abcdef-v1",
            "visadesk-test/ab/abcdef-v2",
            "visadesk-test/cd/cdef01-v1",
        ]
    );
}

#[test]
fn delete_removes_and_is_idempotent() {
    let Some(moto) = start_moto("delete_removes_and_is_idempotent") else {
        return;
    };
    let store = storage(&moto, PREFIX);
    put(&store, "ab/gone-v1", b"bytes");
    put(&store, "ab/kept-v1", b"bytes");
    store.delete("ab/gone-v1").expect("delete");
    store.delete("ab/gone-v1").expect("delete again");
    store
        .delete("ab/never-existed")
        .expect("delete a missing key");
    assert_eq!(store.keys().expect("keys"), ["ab/kept-v1"]);
    assert!(matches!(
        store.open("ab/gone-v1"),
        Err(StorageError::NotFound(_))
    ));
}

#[test]
fn missing_objects_and_bad_keys() {
    let Some(moto) = start_moto("missing_objects_and_bad_keys") else {
        return;
    };
    let store = storage(&moto, PREFIX);
    match store.open("no/such-key") {
        Err(StorageError::NotFound(key)) => assert_eq!(key, "no/such-key"),
        Err(e) => panic!("expected NotFound, got {e}"),
        Ok(_) => panic!("expected NotFound, got an object"),
    }
    for bad in ["", "/abs", "a//b", "../up", "a/./b", "sp ace"] {
        assert!(
            matches!(store.create(bad), Err(StorageError::Store(_))),
            "{bad:?} should be refused"
        );
    }
}

#[test]
fn dropping_the_storage_inside_a_runtime_is_safe() {
    let Some(moto) = start_moto("dropping_the_storage_inside_a_runtime_is_safe") else {
        return;
    };
    let store = storage(&moto, PREFIX);
    put(&store, "ab/abcdef-v1", b"bytes");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    // Used from spawn_blocking, then dropped on an async worker.
    runtime.block_on(async move {
        let store = tokio::task::spawn_blocking(move || {
            assert_eq!(get(&store, "ab/abcdef-v1"), b"bytes");
            store
        })
        .await
        .expect("the blocking task");
        drop(store);
    });
}

/// The whole server on S3: an upload lands in the bucket sealed, downloads
/// back exactly, and a refused upload leaves no object.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_keeps_documents_in_the_bucket() {
    let Some(moto) =
        tokio::task::spawn_blocking(|| start_moto("the_server_keeps_documents_in_the_bucket"))
            .await
            .expect("moto")
    else {
        return;
    };
    let endpoint = format!("http://127.0.0.1:{}", moto.port);
    let env = [
        ("VISADESK_S3_BUCKET", BUCKET),
        ("VISADESK_S3_ENDPOINT", endpoint.as_str()),
        ("VISADESK_S3_PREFIX", "firm-a"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("VISADESK_MAX_UPLOAD_MB", "12"),
    ];
    let f = crate::common::firm::firm_with(crate::common::Backend::Sqlite, &env).await;
    let case_id = crate::common::firm::opened(&f, &f.admin, "cn_k", &[])
        .await
        .id;
    let detail: visadesk_app::domain::case::CaseDetail = f
        .app
        .ask(&f.admin, "get_case", &[("id", case_id.as_str())])
        .await
        .expect("the case");
    let item = detail.checklist[0].id.clone();

    let mut file = b"%PDF-1.5\n".to_vec();
    file.extend(pattern(10 * 1024 * 1024));
    let send = |bytes: Vec<u8>| {
        let boundary = "s3-test-boundary";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"degree.pdf\"\r\n\r\n").into_bytes();
        body.extend_from_slice(&bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        f.admin
            .post(f.app.url(&format!("/documents/items/{item}")))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
    };
    let res = send(b"GIF89a not accepted".to_vec()).await.unwrap();
    assert_eq!(res.status(), 415);
    let res = send(file.clone()).await.unwrap();
    assert_eq!(res.status(), 201);
    let answer: visadesk_app::domain::checklist::ChecklistItem = res.json().await.unwrap();
    let doc = answer.versions[0].id.clone();

    let res = f
        .admin
        .get(f.app.url(&format!("/documents/{doc}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.bytes().await.unwrap().as_ref() == file.as_slice(),
        "the bytes come back"
    );

    let key = format!("{case_id}/{doc}");
    let (keys, sealed) = tokio::task::spawn_blocking(move || {
        let store = storage(&moto, "firm-a");
        let keys = store.keys().unwrap();
        let sealed = get(&store, &key);
        (keys, sealed)
    })
    .await
    .unwrap();
    assert_eq!(
        keys.len(),
        1,
        "only the accepted upload is in the bucket: {keys:?}"
    );
    assert!(sealed.starts_with(b"VDOC") && !sealed.windows(9).any(|w| w == b"%PDF-1.5\n"));
    assert!(
        !f.app.data_dir().join("documents").exists(),
        "nothing kept locally"
    );
}
