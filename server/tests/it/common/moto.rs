//! moto's S3 server (`moto_server`, installed by scripts/bootstrap), one
//! per test on a free loopback port, with an empty bucket.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BUCKET: &str = "visadesk-docs";

/// A running `moto_server`, killed on drop.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `$VISADESK_MOTO_SERVER`, else `moto_server` on the PATH.
fn moto_program() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("VISADESK_MOTO_SERVER") {
        let path = std::path::PathBuf::from(path);
        if path.is_file() {
            return Some(path);
        }
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .map(|dir| dir.join("moto_server"))
        .find(|path| path.is_file())
}

/// Starts moto with an empty bucket [`BUCKET`], or says why the test is
/// skipped (`None`); in CI a missing moto fails the test.
pub fn start_moto(test: &str) -> Option<Moto> {
    let Some(program) = moto_program() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("moto_server not found (set VISADESK_MOTO_SERVER or run scripts/bootstrap)");
        }
        eprintln!("skipping {test}: moto_server not found (run scripts/bootstrap)");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(&program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", program.display()));
    let mut moto = Moto { child, port };

    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = moto.child.try_wait() {
            panic!("moto_server exited at once: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "moto_server did not answer on port {port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // moto takes unsigned requests: create the bucket with a plain PUT.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .put(format!("http://127.0.0.1:{port}/{BUCKET}"))
            .send()
            .await
            .expect("the bucket request")
            .status()
    });
    assert!(status.is_success(), "creating the bucket: {status}");
    Some(moto)
}

/// How many multipart uploads of [`BUCKET`] are unfinished (an unsigned
/// `ListMultipartUploads`, which moto answers).
pub fn unfinished_uploads(moto: &Moto) -> usize {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let body = runtime.block_on(async {
        let response = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{}/{BUCKET}?uploads", moto.port))
            .send()
            .await
            .expect("the uploads request");
        assert!(response.status().is_success(), "{}", response.status());
        response.text().await.expect("the uploads list")
    });
    body.matches("<Upload>").count()
}
