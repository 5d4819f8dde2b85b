//! How the browser gets the bundle: under a version taken from its contents,
//! cached `immutable`, as the precompressed copy it accepts; pages and API
//! answers compressed on the fly; nothing outside the site folder.

use crate::common::{Backend, TestApp};
use std::io::Read;
use std::path::Path;

/// The WASM file's name as the page links it: cargo-leptos names it after
/// the output name, a plain cargo build (as for these tests) adds `_bg`.
const WASM: &str = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
    "visadesk.wasm"
} else {
    "visadesk_bg.wasm"
};

/// A built site: the bundle with precompressed copies whose bytes say which
/// copy was sent (the server sends a copy as it is), and an asset.
fn site(root: &Path) {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg dir");
    std::fs::create_dir_all(root.join("assets")).expect("assets dir");
    for (name, body) in [
        ("visadesk.js", "export default function(){}"),
        (WASM, "\0asm-not-really"),
        ("visadesk.css", "body { margin: 0 }"),
    ] {
        std::fs::write(pkg.join(name), body).expect("write");
        std::fs::write(
            pkg.join(format!("{name}.br")),
            format!("brotli copy of {name}"),
        )
        .expect("write");
        std::fs::write(
            pkg.join(format!("{name}.gz")),
            format!("gzip copy of {name}"),
        )
        .expect("write");
    }
    std::fs::write(root.join("assets/favicon.svg"), "<svg/>").expect("write");
    std::fs::write(root.join("secret.txt"), "outside the served folders").expect("write");
}

/// The bundle's folder in the page's links: `/pkg/<version>`.
fn bundle_dir(page: &str) -> String {
    let start = page
        .find("href=\"/pkg/")
        .unwrap_or_else(|| panic!("no bundle link in the page:\n{page}"));
    let rest = &page[start + "href=\"".len()..];
    let end = rest.find('"').expect("end of link");
    let link = &rest[..end];
    link.rsplit_once('/')
        .expect("a file in a folder")
        .0
        .to_string()
}

/// The folder of the bundle's script as the page links it (the stylesheet
/// may come from another).
fn script_dir(page: &str) -> String {
    let script = page
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(link, _)| link))
        .find(|link| link.starts_with("/pkg/") && link.ends_with("/visadesk.js"))
        .unwrap_or_else(|| panic!("no script link in the page:\n{page}"));
    script
        .rsplit_once('/')
        .expect("a file in a folder")
        .0
        .to_string()
}

/// The bundle's folder as the sign-in page links it.
async fn signed_out_bundle_dir(app: &TestApp) -> String {
    let page = get(app, "/sign-in", "identity")
        .await
        .text()
        .await
        .expect("page");
    bundle_dir(&page)
}

async fn get(app: &TestApp, path: &str, accept: &str) -> reqwest::Response {
    app.client()
        .get(app.url(path))
        .header("accept-encoding", accept)
        .send()
        .await
        .expect("request")
}

/// A GET with the path exactly as given; the whole answer as text.
async fn raw_get(app: &TestApp, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundle_is_versioned_cached_for_good_and_sent_precompressed() {
    let site_dir = tempfile::tempdir().expect("temp dir");
    site(site_dir.path());
    let root = site_dir.path().to_string_lossy().to_string();
    let app = TestApp::spawn_with(Backend::Sqlite, &[("LEPTOS_SITE_ROOT", &root)]).await;

    let page = get(&app, "/sign-in", "identity").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    // The hydration links read `/pkg/<version>/./visadesk.js` (the split
    // manifest is read from the bundle's folder on disk, see
    // `visadesk_app::shell`); a browser resolves the `.` away.
    let page = page.text().await.expect("page").replace("/./", "/");
    let dir = bundle_dir(&page);
    let version = dir.strip_prefix("/pkg/").expect("under /pkg");
    assert_eq!(version.len(), 16, "{dir}");
    // Script, WASM and stylesheet all come from the versioned folder.
    for file in ["visadesk.js", WASM, "visadesk.css"] {
        assert!(
            page.contains(&format!("{dir}/{file}")),
            "{file} not linked from {dir}:\n{page}"
        );
    }

    for (accept, encoding, body) in [
        (
            "gzip, deflate, br, zstd",
            Some("br"),
            format!("brotli copy of {WASM}"),
        ),
        ("br;q=0, gzip", Some("gzip"), format!("gzip copy of {WASM}")),
        ("identity", None, "\0asm-not-really".to_string()),
    ] {
        let res = get(&app, &format!("{dir}/{WASM}"), accept).await;
        assert_eq!(res.status(), 200, "{accept}");
        let h = res.headers().clone();
        assert_eq!(h["content-type"], "application/wasm", "{accept}");
        assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(h["vary"], "Accept-Encoding");
        assert_eq!(h["x-content-type-options"], "nosniff");
        match encoding {
            Some(e) => assert_eq!(h["content-encoding"], e, "{accept}"),
            None => assert!(
                h.get("content-encoding").is_none_or(|v| v == "identity"),
                "{accept}: {h:?}"
            ),
        }
        assert_eq!(res.text().await.expect("body"), body, "{accept}");
    }
    let css = get(&app, &format!("{dir}/visadesk.css"), "gzip").await;
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(css.text().await.unwrap(), "gzip copy of visadesk.css");

    // Another version (a page from before an upgrade) finds nothing, nor
    // does the unversioned folder or a copy asked for by name.
    for path in [
        format!("/pkg/0000000000000000/{WASM}"),
        format!("/pkg/{WASM}"),
        format!("{dir}/{WASM}.br"),
    ] {
        assert_eq!(get(&app, &path, "identity").await.status(), 404, "{path}");
    }
    // Nor does a path out of the served folder (sent as it is: an HTTP
    // client would resolve the dots itself).
    for path in [
        format!("{dir}/../secret.txt"),
        format!("{dir}/%2e%2e/%2e%2e/secret.txt"),
        format!("{dir}/..%2fsecret.txt"),
        "/assets/../secret.txt".to_string(),
        "/assets//etc/passwd".to_string(),
    ] {
        let answer = raw_get(&app, &path).await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer}");
        assert!(
            !answer.contains("outside") && !answer.contains("root:"),
            "{path}"
        );
    }

    // Assets keep their names, so they are revalidated rather than kept.
    let icon = get(&app, "/assets/favicon.svg", "identity").await;
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["cache-control"], "no-cache");
    assert!(icon.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("image/svg+xml"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_build_is_a_new_version() {
    let site_dir = tempfile::tempdir().expect("temp dir");
    site(site_dir.path());
    let root = site_dir.path().to_string_lossy().to_string();
    let mut app = TestApp::spawn_with(Backend::Sqlite, &[("LEPTOS_SITE_ROOT", &root)]).await;
    let before = signed_out_bundle_dir(&app).await;

    std::fs::write(site_dir.path().join("pkg").join(WASM), "\0asm-rebuilt").expect("write");
    app.restart_with(&[("LEPTOS_SITE_ROOT", &root)]).await;
    let after = signed_out_bundle_dir(&app).await;
    assert_ne!(before, after);
    assert_eq!(
        get(&app, &format!("{before}/{WASM}"), "identity")
            .await
            .status(),
        404
    );
    let res = get(&app, &format!("{after}/{WASM}"), "identity").await;
    assert_eq!(res.text().await.unwrap(), "\0asm-rebuilt");
}

/// A page in a language with a bundle of its own loads that bundle; the
/// other language keeps the default one (end2end/tests/languages.spec.js
/// checks the same with real bundles, page chunks included).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_loads_the_bundle_of_its_own_language() {
    let site_dir = tempfile::tempdir().expect("temp dir");
    site(site_dir.path());
    let zh = site_dir.path().join("language-bundles/zh-Hans/pkg");
    std::fs::create_dir_all(&zh).expect("mkdir");
    std::fs::write(zh.join("visadesk.js"), "// 中文 only").expect("write");
    std::fs::write(zh.join(WASM), "\0asm-chinese").expect("write");
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[
            ("LEPTOS_SITE_ROOT", &site_dir.path().to_string_lossy()),
            (
                "VISADESK_LANGUAGE_BUNDLES",
                &site_dir.path().join("language-bundles").to_string_lossy(),
            ),
        ],
    )
    .await;

    let page_in = |language: &'static str| {
        let app = &app;
        async move {
            app.client()
                .get(app.url("/sign-in"))
                .header("accept-language", language)
                .send()
                .await
                .expect("request")
                .text()
                .await
                .expect("page")
                .replace("/./", "/")
        }
    };
    let english = page_in("en").await;
    let chinese = page_in("zh-CN,zh;q=0.9").await;
    assert!(chinese.contains("<html lang=\"zh-Hans\""), "{chinese}");
    let (en_dir, zh_dir) = (script_dir(&english), script_dir(&chinese));
    assert_ne!(en_dir, zh_dir);
    assert!(
        chinese.contains(&format!("{zh_dir}/visadesk.js")),
        "{chinese}"
    );
    assert!(
        english.contains(&format!("{en_dir}/visadesk.js")),
        "{english}"
    );
    // The stylesheet is the same for both.
    assert!(
        chinese.contains(&format!("{en_dir}/visadesk.css")),
        "{chinese}"
    );
    let body = |path: String| {
        let app = &app;
        async move {
            get(app, &path, "identity")
                .await
                .text()
                .await
                .expect("body")
        }
    };
    assert_eq!(body(format!("{zh_dir}/visadesk.js")).await, "// 中文 only");
    assert_eq!(
        body(format!("{en_dir}/visadesk.js")).await,
        "export default function(){}"
    );
    let zh_wasm = get(&app, &format!("{zh_dir}/{WASM}"), "br").await;
    assert_eq!(
        zh_wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // No precompressed copy in that bundle: sent as it is.
    assert_eq!(zh_wasm.text().await.expect("body"), "\0asm-chinese");
    // The English page names nothing of the Chinese bundle.
    assert!(!english.contains(&zh_dir), "{english}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_api_answers_are_compressed_as_the_browser_asks() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let plain = get(&app, "/sign-in", "identity").await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.text().await.unwrap();

    let res = get(&app, "/sign-in", "gzip").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let mut page = String::new();
    flate2::read::GzDecoder::new(res.bytes().await.unwrap().as_ref())
        .read_to_string(&mut page)
        .expect("gzip");
    // Each render has its own nonce (Leptos also puts it in the preload
    // links' `crossorigin`): compare the page without it.
    let nonce_free = |s: &str| {
        let mut s = s.to_string();
        for attr in ["nonce=\"", "crossorigin=\""] {
            let mut parts = s.split(attr);
            let mut out = parts.next().unwrap_or_default().to_string();
            for part in parts {
                out.push_str(part.split_once('"').map_or(part, |(_, rest)| rest));
            }
            s = out;
        }
        s
    };
    assert_eq!(nonce_free(&page), nonce_free(&plain));

    let res = get(&app, "/sign-in", "br").await;
    assert_eq!(res.headers()["content-encoding"], "br");
    let bytes = res.bytes().await.unwrap();
    let mut page = String::new();
    brotli_decompressor::Decompressor::new(bytes.as_ref(), 4096)
        .read_to_string(&mut page)
        .expect("brotli");
    assert!(
        bytes.len() < page.len() / 2,
        "{} of {}",
        bytes.len(),
        page.len()
    );
    assert_eq!(nonce_free(&page), nonce_free(&plain));

    // A server function's answer, in the app's own type.
    let admin = app.admin().await;
    let res = admin
        .post(app.url("/api/signed_in_user"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let mut json = String::new();
    flate2::read::GzDecoder::new(res.bytes().await.unwrap().as_ref())
        .read_to_string(&mut json)
        .expect("gzip");
    let viewer: Option<visadesk_app::domain::CurrentUser> =
        serde_json::from_str(&json).expect("a signed-in user");
    assert_eq!(viewer.expect("signed in").email, crate::common::ADMIN_EMAIL);
}
