//! A real SMTP server on loopback (aiosmtpd, `support/smtp_sink.py`) and
//! the messages it received, parsed with `mail-parser`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How the sink answers.
#[derive(Clone, Copy, Debug, Default)]
pub struct SinkMode {
    /// Seconds to wait after receiving a message before saying 250.
    pub delay_secs: f64,
    /// Answer every message with 451.
    pub refuse: bool,
}

/// A running SMTP sink; stopped when dropped.
pub struct SmtpSink {
    pub port: u16,
    dir: PathBuf,
    _keep: Option<TempDir>,
    child: Option<Child>,
}

/// A free loopback port (nothing listens on it once this returns).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The Python of the test tools' venv (aiosmtpd, icalendar).
pub fn python() -> PathBuf {
    let venv = std::env::var_os("VISADESK_PYTOOLS_VENV")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/visadesk/pytools")))
        .expect("VISADESK_PYTOOLS_VENV or HOME");
    let python = venv.join("bin/python");
    assert!(
        python.exists(),
        "aiosmtpd is not installed at {} (run scripts/bootstrap)",
        python.display()
    );
    python
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub async fn start() -> SmtpSink {
        Self::start_on(free_port(), SinkMode::default()).await
    }

    /// Starts a sink on `port`, keeping what it receives in a new folder.
    pub async fn start_on(port: u16, mode: SinkMode) -> SmtpSink {
        let dir = tempfile::tempdir().expect("sink dir");
        let path = dir.path().to_path_buf();
        let mut sink = SmtpSink {
            port,
            dir: path,
            _keep: Some(dir),
            child: None,
        };
        sink.run(mode).await;
        sink
    }

    /// Starts the sink again (after [`SmtpSink::stop`]), on the same port and folder.
    pub async fn run(&mut self, mode: SinkMode) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/smtp_sink.py");
        let mut cmd = Command::new(python());
        cmd.arg(script)
            .arg("--port")
            .arg(self.port.to_string())
            .arg("--out")
            .arg(&self.dir)
            .arg("--delay")
            .arg(mode.delay_secs.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        if mode.refuse {
            cmd.arg("--refuse");
        }
        let mut child = cmd.spawn().expect("start the SMTP sink");
        let stdout = child.stdout.take().expect("sink stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("smtp sink ready") {
                    return true;
                }
            }
            false
        })
        .await;
        assert!(matches!(ready, Ok(true)), "the SMTP sink did not start");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.child = Some(child);
    }

    /// Stops the sink; the port then refuses connections.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
            let _ = child.wait().await;
        }
    }

    /// `smtp://127.0.0.1:PORT`, for VISADESK_SMTP_URL.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .map(|p| {
                        let t = std::fs::metadata(&p)
                            .and_then(|m| m.modified())
                            .unwrap_or(std::time::UNIX_EPOCH);
                        (t, p)
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .into_iter()
            .map(|(_, p)| Received::parse(&std::fs::read(&p).expect("read message")))
            .collect()
    }

    /// Waits until at least `n` messages have arrived, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..300 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "expected {n} email(s) within 30 s; received {}",
            self.received().len()
        );
    }
}

/// One received message, as a reader sees it.
#[derive(Clone, Debug)]
pub struct Received {
    /// Who the server was told to deliver it to (the envelope).
    pub envelope_to: String,
    pub from: String,
    pub from_name: String,
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// Every header name, lower-cased.
    pub header_names: Vec<String>,
    pub raw: String,
}

impl Received {
    fn parse(bytes: &[u8]) -> Received {
        let raw = String::from_utf8_lossy(bytes).to_string();
        let envelope_to = raw
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("X-Envelope-To: "))
            .unwrap_or_default()
            .to_string();
        let message = mail_parser::MessageParser::default()
            .parse(bytes)
            .expect("a parseable email");
        let first = |a: Option<&mail_parser::Address>| {
            a.and_then(|a| a.first())
                .map(|m| {
                    (
                        m.address().unwrap_or_default().to_string(),
                        m.name().unwrap_or_default().to_string(),
                    )
                })
                .unwrap_or_default()
        };
        let (from, from_name) = first(message.from());
        let (to, to_name) = first(message.to());
        Received {
            envelope_to,
            from,
            from_name,
            to,
            to_name,
            subject: message.subject().unwrap_or_default().to_string(),
            message_id: message.message_id().unwrap_or_default().to_string(),
            text: message.body_text(0).unwrap_or_default().to_string(),
            html: message.body_html(0).unwrap_or_default().to_string(),
            header_names: message
                .headers()
                .iter()
                .map(|h| h.name().to_ascii_lowercase())
                .collect(),
            raw,
        }
    }

    /// The first link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with(prefix))
            .map(str::to_string)
    }
}
