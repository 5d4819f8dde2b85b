//! Configuration: command-line flags, each with an environment variable and a
//! safe default (`visadesk --help` lists them). A `.env` file is read first.

use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Every setting of the server.
#[derive(Args, Clone, Debug)]
pub struct Config {
    /// Folder for Visadesk's own data: the SQLite database and, later, documents.
    #[arg(
        long,
        env = "VISADESK_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// PostgreSQL URL (postgres://user@host/db) for multi-instance deployments.
    /// Unset: embedded SQLite at DATA_DIR/visadesk.db.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Most database connections kept open by this instance.
    #[arg(
        long,
        env = "VISADESK_DB_POOL_SIZE",
        default_value_t = 8,
        global = true
    )]
    pub db_pool_size: u32,

    /// Address and port to listen on (cargo-leptos sets it from Cargo.toml).
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,

    /// Folder with the compiled browser bundle and CSS (cargo-leptos sets it).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,

    /// Folder with a browser bundle per language (`<code>/pkg`, made by
    /// scripts/build-language-bundles); a page loads its language's, so it
    /// does not download the other languages. Missing: the default bundle.
    #[arg(
        long,
        env = "VISADESK_LANGUAGE_BUNDLES",
        default_value = "target/language-bundles",
        global = true
    )]
    pub language_bundles: PathBuf,

    /// Port of cargo-leptos' live-reload socket during `cargo leptos watch`.
    #[arg(
        long,
        env = "LEPTOS_RELOAD_PORT",
        default_value_t = 3001,
        global = true
    )]
    pub reload_port: u32,

    /// The address people use, e.g. https://visa.firm.example. Requests that
    /// change data must come from it; https:// turns on Secure cookies and HSTS.
    /// Unset: the Host the request was sent to, over http.
    #[arg(long, env = "VISADESK_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Comma-separated addresses of reverse proxies in front of Visadesk; only
    /// from them is `X-Forwarded-For` believed (for throttling and session records).
    #[arg(
        long,
        env = "VISADESK_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Minutes of inactivity after which a session ends.
    #[arg(
        long,
        env = "VISADESK_SESSION_IDLE_MINUTES",
        default_value_t = 120,
        global = true
    )]
    pub session_idle_minutes: i64,

    /// Hours after sign-in at which a session ends, however active.
    #[arg(
        long,
        env = "VISADESK_SESSION_MAX_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_max_hours: i64,

    /// Argon2id memory cost in KiB (at least 19456). Raising it upgrades
    /// each stored hash at its owner's next sign-in.
    #[arg(
        long,
        env = "VISADESK_ARGON2_MEMORY_KIB",
        default_value_t = 19456,
        global = true
    )]
    pub argon2_memory_kib: u32,

    /// Argon2id iterations (at least 2).
    #[arg(
        long,
        env = "VISADESK_ARGON2_ITERATIONS",
        default_value_t = 2,
        global = true
    )]
    pub argon2_iterations: u32,

    /// With VISADESK_INITIAL_ADMIN_PASSWORD_FILE: on a database with no users,
    /// `serve` creates this admin (for unattended installs; else use create-admin).
    #[arg(long, env = "VISADESK_INITIAL_ADMIN_EMAIL", global = true)]
    pub initial_admin_email: Option<String>,

    /// File holding the initial admin's password (never passed on the command line).
    #[arg(long, env = "VISADESK_INITIAL_ADMIN_PASSWORD_FILE", global = true)]
    pub initial_admin_password_file: Option<PathBuf>,

    /// Largest document accepted, in MiB (checked while the upload streams).
    #[arg(
        long,
        env = "VISADESK_MAX_UPLOAD_MB",
        default_value_t = 25,
        global = true
    )]
    pub max_upload_mb: u64,

    /// Master key sealing documents at rest: 32 bytes of base64
    /// (`openssl rand -base64 32`). Unset: a key is generated into DATA_DIR
    /// (development only; keep the production key apart from the data).
    #[arg(
        long,
        env = "VISADESK_DOCUMENT_KEY",
        hide_env_values = true,
        global = true
    )]
    pub document_key: Option<String>,

    /// Earlier master keys (comma-separated) that still open documents
    /// sealed before the key was rotated.
    #[arg(
        long,
        env = "VISADESK_DOCUMENT_OLD_KEYS",
        value_delimiter = ',',
        hide_env_values = true,
        global = true
    )]
    pub document_old_keys: Vec<String>,

    /// Who must use a second factor to sign in until an admin chooses on
    /// the Admin page: optional, admins, staff or everyone.
    #[arg(
        long,
        env = "VISADESK_SECOND_FACTOR_DEFAULT",
        default_value = "admins",
        global = true
    )]
    pub second_factor_default: String,

    /// Email people when their account is signed in to from a browser it
    /// has not been used in before (`true` or `false`).
    #[arg(
        long,
        env = "VISADESK_NEW_BROWSER_EMAILS",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub new_browser_emails: bool,

    /// Key signing the audit trail's checkpoints: 32 bytes of base64
    /// (`openssl rand -base64 32`), the same on every instance. Unset: a key
    /// is generated into DATA_DIR (development only; keep it apart from the data).
    #[arg(
        long,
        env = "VISADESK_AUDIT_KEY",
        hide_env_values = true,
        global = true
    )]
    pub audit_key: Option<String>,

    /// Earlier checkpoint keys (comma-separated) that still check
    /// checkpoints signed before the key was rotated.
    #[arg(
        long,
        env = "VISADESK_AUDIT_OLD_KEYS",
        value_delimiter = ',',
        hide_env_values = true,
        global = true
    )]
    pub audit_old_keys: Vec<String>,

    /// File holding the audit trail's latest signed checkpoint (default
    /// DATA_DIR/audit-checkpoint); best on storage the database's users
    /// cannot write. Each instance keeps its own.
    #[arg(long, env = "VISADESK_AUDIT_CHECKPOINT", global = true)]
    pub audit_checkpoint: Option<PathBuf>,

    /// Seconds between audit checkpoints while the trail grows (one is also
    /// written at start and on shutdown); 0 writes them only then.
    #[arg(
        long,
        env = "VISADESK_AUDIT_CHECKPOINT_SECS",
        default_value_t = 60,
        global = true
    )]
    pub audit_checkpoint_secs: u64,

    /// Folder for documents when no S3 bucket is set (default DATA_DIR/documents).
    #[arg(long, env = "VISADESK_DOCUMENTS_DIR", global = true)]
    pub documents_dir: Option<PathBuf>,

    /// S3-compatible bucket for documents, shared by several instances.
    /// Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
    #[arg(long, env = "VISADESK_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,

    /// Endpoint of a non-AWS S3 service (MinIO, Garage, ...), e.g. http://127.0.0.1:9000.
    #[arg(long, env = "VISADESK_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,

    /// Region of the bucket.
    #[arg(
        long,
        env = "VISADESK_S3_REGION",
        default_value = "us-east-1",
        global = true
    )]
    pub s3_region: String,

    /// Key prefix inside the bucket.
    #[arg(long, env = "VISADESK_S3_PREFIX", default_value = "", global = true)]
    pub s3_prefix: String,

    /// SMTP server for outgoing email: smtp://host:port (plain, only to a
    /// loopback host; STARTTLS is required for any other host) or
    /// smtps://host:port (TLS); user:password@ before the host signs in.
    /// Unset: email waits in the outbox (Admin > Outbox).
    #[arg(long, env = "VISADESK_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// The sender address of Visadesk's email; the firm's name is its display name.
    #[arg(
        long,
        env = "VISADESK_MAIL_FROM",
        default_value = "visadesk@localhost",
        global = true
    )]
    pub mail_from: String,

    /// Seconds before a failed email is tried again; each later wait doubles (at most 6 hours).
    #[arg(
        long,
        env = "VISADESK_MAIL_RETRY_SECS",
        default_value_t = 60,
        global = true
    )]
    pub mail_retry_secs: i64,

    /// Attempts before an email is marked failed for an admin to retry.
    #[arg(
        long,
        env = "VISADESK_MAIL_MAX_ATTEMPTS",
        default_value_t = 8,
        global = true
    )]
    pub mail_max_attempts: i32,

    /// Seconds an instance holds an email it is sending; after a crash the
    /// email is sent again once this has passed. Keep it above 60 (SMTP
    /// conversations time out after 30 seconds).
    #[arg(
        long,
        env = "VISADESK_MAIL_LEASE_SECS",
        default_value_t = 120,
        global = true
    )]
    pub mail_lease_secs: i64,

    /// Milliseconds between looks at the outbox when nothing was due.
    #[arg(
        long,
        env = "VISADESK_MAIL_POLL_MS",
        default_value_t = 2000,
        global = true
    )]
    pub mail_poll_ms: u64,

    /// Seconds between checks for a due daily digest (sent once a day from
    /// the firm's hour, set on the Admin page); 0 sends no digest at all.
    #[arg(
        long,
        env = "VISADESK_DIGEST_CHECK_SECS",
        default_value_t = 60,
        global = true
    )]
    pub digest_check_secs: u64,

    /// Hours between document scrubs while serving (every stored version
    /// read back and checked; of several instances, one runs each); 0: only
    /// when `visadesk scrub` is run.
    #[arg(
        long,
        env = "VISADESK_SCRUB_EVERY_HOURS",
        default_value_t = 24,
        global = true
    )]
    pub scrub_every_hours: u64,

    /// Address for `/metrics` (Prometheus) on a listener of its own, e.g.
    /// 127.0.0.1:9464, reachable only by the monitoring. Unset: no such listener.
    #[arg(long, env = "VISADESK_METRICS_ADDR", global = true)]
    pub metrics_addr: Option<SocketAddr>,

    /// File holding a bearer token (one word, 16 characters or more) that
    /// serves `/metrics` on the main address too. Unset: not served there.
    #[arg(long, env = "VISADESK_METRICS_TOKEN_FILE", global = true)]
    pub metrics_token_file: Option<PathBuf>,

    /// Log lines as `text` (for people) or `json` (one object a line, for a
    /// log collector); both carry each request's id.
    #[arg(
        long,
        env = "VISADESK_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,

    /// Log filter (tracing EnvFilter syntax).
    #[arg(long, env = "RUST_LOG", default_value = "info", global = true)]
    pub log: String,
}

impl Config {
    /// The database to use: PostgreSQL when DATABASE_URL says so, else SQLite.
    pub fn database(&self) -> Result<DatabaseUrl, String> {
        match self
            .database_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(DatabaseUrl::Postgres(url.to_string()))
            }
            Some(url) if url.starts_with("sqlite://") => Ok(DatabaseUrl::Sqlite(
                url.trim_start_matches("sqlite://").into(),
            )),
            Some(other) => Err(format!(
                "DATABASE_URL must start with postgres:// (or sqlite:// for a file); got \"{}\"",
                other.split('@').next_back().unwrap_or_default()
            )),
            None => Ok(DatabaseUrl::Sqlite(self.data_dir.join("visadesk.db"))),
        }
    }

    /// The file holding this instance's audit checkpoint.
    pub fn checkpoint_path(&self) -> PathBuf {
        self.audit_checkpoint
            .clone()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| crate::audit_anchor::default_path(&self.data_dir))
    }

    /// The SMTP URL, if one is set (an empty value counts as unset).
    pub fn smtp_url(&self) -> Option<&str> {
        self.smtp_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
    }

    /// True when the public URL is https.
    pub fn https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// The origin (scheme://host[:port]) of the public URL, if configured.
    pub fn public_origin(&self) -> Option<String> {
        let url = self.public_url.as_deref()?.trim().trim_end_matches('/');
        let (scheme, rest) = url.split_once("://")?;
        let host = rest.split('/').next()?;
        Some(format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            host.to_ascii_lowercase()
        ))
    }
}

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line, with the fields of its spans.
    Json,
}

/// Which database, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}
