//! Starts the real `visadesk` binary per test, on a fresh SQLite file or a
//! fresh PostgreSQL database (from TEST_DATABASE_URL), and talks HTTP to it.
#![allow(dead_code)]

pub mod authenticator;
pub mod firm;
pub mod moto;
pub mod smtp;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use reqwest::{redirect, Client, Response};
use serde::de::DeserializeOwned;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use visadesk_app::AppError;
use visadesk_server::config::DatabaseUrl;
use visadesk_server::db::Db;

pub const ADMIN_EMAIL: &str = "admin@firm.example";
pub const ADMIN_PASSWORD: &str = "admin pass phrase 1";

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs the test body on SQLite and on PostgreSQL, as two tests.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::common::postgres_url().is_some() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            }
        }
    )* };
}

/// The PostgreSQL server to create test databases on. In CI it must be set.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL tests must run in CI")
        }
        _ => {
            eprintln!("TEST_DATABASE_URL not set: skipping the PostgreSQL variant");
            None
        }
    }
}

/// A fresh PostgreSQL database, dropped when the test ends.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    /// Creates an empty database on the server at `admin_url`.
    pub fn create(admin_url: &str) -> PgDatabase {
        let name = format!("visadesk_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(admin_url)
            .unwrap_or_else(|e| panic!("PostgreSQL at TEST_DATABASE_URL is unreachable: {e}"));
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(admin_url);
        PgDatabase {
            admin_url: admin_url.to_string(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A running server with its own data.
pub struct TestApp {
    pub base: String,
    pub backend: Backend,
    child: Child,
    dir: TempDir,
    pg: Option<PgDatabase>,
}

impl TestApp {
    /// Starts a server with an admin (ADMIN_EMAIL / ADMIN_PASSWORD).
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, &[]).await
    }

    /// Starts a server with extra environment variables.
    pub async fn spawn_with(backend: Backend, env: &[(&str, &str)]) -> TestApp {
        let dir = data_dir();
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PgDatabase::create(
                &postgres_url().expect("TEST_DATABASE_URL"),
            )),
        };
        Self::adopt(backend, dir, pg, env).await
    }

    /// Starts a server on data made elsewhere (a restored backup): the
    /// folder `dir` and, for PostgreSQL, the database `pg`.
    pub async fn adopt(
        backend: Backend,
        dir: TempDir,
        pg: Option<PgDatabase>,
        env: &[(&str, &str)],
    ) -> TestApp {
        std::fs::write(dir.path().join("admin-password"), ADMIN_PASSWORD)
            .expect("write password file");
        let (base, child) = start(
            dir.path().to_path_buf(),
            pg.as_ref().map(|p| p.url.clone()),
            env,
        )
        .await;
        TestApp {
            base,
            backend,
            child,
            dir,
            pg,
        }
    }

    /// Stops the server and starts it again on the same data with `env`.
    pub async fn restart_with(&mut self, env: &[(&str, &str)]) {
        let _ = self.child.kill().await;
        let (base, child) = start(
            self.dir.path().to_path_buf(),
            self.pg.as_ref().map(|p| p.url.clone()),
            env,
        )
        .await;
        self.base = base;
        self.child = child;
    }

    /// Starts two instances at the same moment on one fresh PostgreSQL
    /// database (each with its own data folder), as a deployment's first
    /// start would: both migrate under the advisory lock.
    pub async fn spawn_pair(env: &[(&str, &str)]) -> (TestApp, Sibling) {
        let pg = PgDatabase::create(&postgres_url().expect("TEST_DATABASE_URL"));
        let (dir, other) = (data_dir(), data_dir());
        let ((base, child), (other_base, other_child)) = tokio::join!(
            start(dir.path().to_path_buf(), Some(pg.url.clone()), env),
            start(other.path().to_path_buf(), Some(pg.url.clone()), env),
        );
        (
            TestApp {
                base,
                backend: Backend::Postgres,
                child,
                dir,
                pg: Some(pg),
            },
            Sibling {
                base: other_base,
                _child: other_child,
                _dir: other,
            },
        )
    }

    /// Starts a second instance on the same PostgreSQL database (its own
    /// data folder), as behind a load balancer; stopped when dropped.
    pub async fn spawn_sibling(&self, env: &[(&str, &str)]) -> Sibling {
        let pg = self
            .pg
            .as_ref()
            .expect("siblings share a PostgreSQL database");
        let dir = data_dir();
        let (base, child) = start(dir.path().to_path_buf(), Some(pg.url.clone()), env).await;
        Sibling {
            base,
            _child: child,
            _dir: dir,
        }
    }

    /// The environment that points the `visadesk` command at this app's data.
    pub fn command_env(&self) -> Vec<(String, String)> {
        let mut env = vec![(
            "VISADESK_DATA_DIR".to_string(),
            self.dir.path().display().to_string(),
        )];
        match &self.pg {
            Some(pg) => env.push(("DATABASE_URL".into(), pg.url.clone())),
            None => env.push(("DATABASE_URL".into(), String::new())),
        }
        env
    }

    /// The server's data folder (database, documents, keys, log).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The server process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Waits for the server process to exit.
    pub async fn wait(&mut self) -> std::process::ExitStatus {
        self.child.wait().await.expect("wait for server")
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// A direct connection pool to the app's database, for checks and setup.
    pub fn db(&self) -> Db {
        let url = match &self.pg {
            Some(pg) => DatabaseUrl::Postgres(pg.url.clone()),
            None => DatabaseUrl::Sqlite(self.dir.path().join("visadesk.db")),
        };
        Db::open(&url, 1).expect("open test database")
    }

    /// Turns off the database's protection of the audit trail, as someone
    /// with direct database access could.
    pub fn unprotect_audit_trail(&self) {
        let sql: &[&str] = match self.backend {
            Backend::Sqlite => &[
                "DROP TRIGGER audit_log_no_update",
                "DROP TRIGGER audit_log_no_delete",
            ],
            Backend::Postgres => &["ALTER TABLE audit_log DISABLE TRIGGER USER"],
        };
        for s in sql {
            self.exec(s);
        }
    }

    /// Runs SQL on the app's database.
    pub fn exec(&self, sql: &str) {
        self.try_exec(sql).expect("exec sql");
    }

    /// The number a `SELECT COUNT(*) AS n ...` query answers.
    pub fn count(&self, sql: &str) -> i64 {
        count_in(&self.db(), sql)
    }

    /// Runs SQL on the app's database, returning the database's refusal.
    pub fn try_exec(&self, sql: &str) -> Result<(), String> {
        self.db()
            .run_here(|c| Ok(c.batch_execute(sql)?))
            .map_err(|e| e.to_string())
    }

    /// A browser-like client: keeps cookies, does not follow redirects, and
    /// sends this site's Origin.
    pub fn client(&self) -> Client {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&self.base).expect("origin"));
        Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .default_headers(headers)
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Calls a server function with form-encoded arguments.
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Calls a server function that takes JSON.
    pub async fn call_json(
        &self,
        client: &Client,
        endpoint: &str,
        body: &serde_json::Value,
    ) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Calls a server function with form-encoded arguments and reads its
    /// answer into the app's own types (see [`answer`]).
    pub async fn ask<T: DeserializeOwned>(
        &self,
        client: &Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> Result<T, Refusal> {
        answer(self.call(client, endpoint, form).await).await
    }

    /// Calls a server function that takes JSON and reads its answer.
    pub async fn ask_json<T: DeserializeOwned>(
        &self,
        client: &Client,
        endpoint: &str,
        body: &serde_json::Value,
    ) -> Result<T, Refusal> {
        answer(self.call_json(client, endpoint, body).await).await
    }

    /// The user id of whoever `client` is signed in as.
    pub async fn user_id(&self, client: &Client) -> visadesk_app::domain::UserId {
        let me: Option<visadesk_app::domain::CurrentUser> = self
            .ask(client, "signed_in_user", &[])
            .await
            .expect("signed_in_user answers");
        me.expect("signed in").user_id
    }

    /// Signs in and returns the response.
    pub async fn sign_in(&self, client: &Client, email: &str, password: &str) -> Response {
        self.call(
            client,
            "sign_in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// A client signed in as the admin.
    pub async fn admin(&self) -> Client {
        let client = self.client();
        let res = self.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(
            res.status(),
            200,
            "admin sign-in: {}",
            res.text().await.unwrap_or_default()
        );
        client
    }

    /// Creates a staff user through the admin API and returns a client signed in as them.
    pub async fn user(&self, admin: &Client, email: &str, role: &str, password: &str) -> Client {
        let res = self
            .call(
                admin,
                "create_user",
                &[
                    ("email", email),
                    ("display_name", "Test Person"),
                    ("role", role),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            200,
            "create {role}: {}",
            res.text().await.unwrap_or_default()
        );
        let client = self.client();
        let res = self.sign_in(&client, email, password).await;
        assert_eq!(res.status(), 200, "sign in as {role}");
        client
    }
}

/// A new data folder holding the first admin's password file.
fn data_dir() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("admin-password"), ADMIN_PASSWORD).expect("write password file");
    dir
}

async fn start(
    dir: PathBuf,
    database_url: Option<String>,
    env: &[(&str, &str)],
) -> (String, Child) {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))
        .expect("log file");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_visadesk"));
    cmd.arg("serve")
        .current_dir(&dir)
        .env("VISADESK_DATA_DIR", &dir)
        .env("DATABASE_URL", database_url.unwrap_or_default())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("VISADESK_INITIAL_ADMIN_EMAIL", ADMIN_EMAIL)
        .env(
            "VISADESK_INITIAL_ADMIN_PASSWORD_FILE",
            dir.join("admin-password"),
        )
        .env("RUST_LOG", "warn,visadesk=info")
        // No daily digest unless a test asks for one: at the real hour it
        // would add email to tests that count what arrives.
        .env("VISADESK_DIGEST_CHECK_SECS", "0")
        // Second factors are optional unless a test asks otherwise (the
        // second_factor tests run with the real default, admins).
        .env("VISADESK_SECOND_FACTOR_DEFAULT", "optional")
        // Each test client is a new browser: no email about each one unless a
        // test asks (second_factor::a_new_browser…).
        .env("VISADESK_NEW_BROWSER_EMAILS", "false")
        .env_remove("VISADESK_PUBLIC_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start visadesk");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let wait = async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(url) = line.strip_prefix("visadesk listening on ") {
                return Some(url.to_string());
            }
        }
        None
    };
    let base = match tokio::time::timeout(Duration::from_secs(120), wait).await {
        Ok(Some(url)) => url,
        _ => panic!(
            "visadesk did not start; its log:\n{}",
            std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
        ),
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (base, child)
}

/// The number a `SELECT COUNT(*) AS n ...` query answers on `db` (a pool
/// kept by a test that asks many times, rather than a connection per ask).
pub fn count_in(db: &Db, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = sql.to_string();
    db.run_here(move |c| {
        use diesel::RunQueryDsl;
        Ok(diesel::sql_query(sql).get_result::<N>(c)?.n)
    })
    .expect("count query")
}

/// A second instance of a [`TestApp`].
pub struct Sibling {
    pub base: String,
    _child: Child,
    _dir: TempDir,
}

impl Sibling {
    /// The instance's own data folder.
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// What the instance logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("server.log")).unwrap_or_default()
    }

    /// Kills the instance at once (SIGKILL: no graceful stop), and waits
    /// until it is gone.
    pub async fn kill_now(&mut self) {
        let _ = self._child.start_kill();
        let _ = self._child.wait().await;
    }
}

/// A server function's refusal: the HTTP status and the app's error.
pub type Refusal = (u16, AppError);

/// A server function's answer: `T` on 200, else the status and the
/// [`AppError`] the body carries. A body that is neither fails the test.
pub async fn answer<T: DeserializeOwned>(res: Response) -> Result<T, Refusal> {
    let status = res.status().as_u16();
    let body = res.text().await.expect("response body");
    if status == 200 {
        Ok(serde_json::from_str(&body).unwrap_or_else(|e| {
            panic!(
                "the answer is not a {}: {e}\n{body}",
                std::any::type_name::<T>()
            )
        }))
    } else {
        Err((
            status,
            serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("a {status} answer is not an AppError: {e}\n{body}")),
        ))
    }
}

/// The value of the session cookie in a response's Set-Cookie headers.
pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("visadesk_session="))
        .map(str::to_string)
}
