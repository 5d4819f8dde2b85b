//! The database: one diesel code path for SQLite and PostgreSQL, a pool, and
//! migrations embedded in the binary.

mod connection;
pub mod schema;

pub use connection::DbConnection;

use crate::config::DatabaseUrl;
use crate::error::ServerError;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
/// Key of the PostgreSQL advisory lock held while migrating, so instances
/// starting together migrate one at a time.
const MIGRATION_LOCK_KEY: i64 = 0x7669_7361_6465_736b; // "visadesk"
/// How long a request waits for a connection before it fails.
const CONNECTION_WAIT: Duration = Duration::from_secs(10);

/// Opens connections of the configured kind.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        let conn = match &self.url {
            DatabaseUrl::Postgres(url) => {
                PgConnection::establish(url).map(DbConnection::Postgresql)
            }
            DatabaseUrl::Sqlite(path) => {
                SqliteConnection::establish(&path.to_string_lossy()).map(DbConnection::Sqlite)
            }
        };
        conn.map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    /// A connection left inside a transaction (a panic, a failed rollback)
    /// must not go back to the pool: it would hold SQLite's write lock.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        let depth = match conn {
            DbConnection::Sqlite(c) => {
                AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
            }
            DbConnection::Postgresql(c) => {
                AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
            }
        };
        std::thread::panicking() || !matches!(depth, Ok(None))
    }
}

/// Per-connection SQLite settings: WAL, foreign keys, busy timeout.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(c) = conn {
            c.batch_execute(
                // Reads map the file (no copy per page) and each connection
                // keeps a 16 MB page cache: lists over 100k cases stay in memory.
                "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                 PRAGMA mmap_size = 268435456; PRAGMA cache_size = -16000;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// A pool of connections; clone freely.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    kind: &'static str,
    /// One permit per pooled connection: requests past the pool's size wait
    /// here, as futures, instead of each parking a blocking thread on the
    /// pool's lock (64 waiting requests were 64 threads woken in turn).
    permits: Arc<Semaphore>,
    /// Calls waiting for a permit now (for `/metrics`).
    waiting: Arc<AtomicUsize>,
}

/// One call counted as waiting until dropped (also when its future is).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn count(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Waiting(counter)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// How the pool is used at one moment.
#[derive(Clone, Copy, Debug)]
pub struct PoolState {
    /// Connections lent out.
    pub in_use: u32,
    /// Connections open and idle.
    pub idle: u32,
    /// Calls waiting for a connection.
    pub waiting: usize,
}

impl Db {
    /// Opens the pool (creating the SQLite file and its folder if needed).
    pub fn open(url: &DatabaseUrl, max_size: u32) -> Result<Db, ServerError> {
        let kind = match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                "sqlite"
            }
            DatabaseUrl::Postgres(_) => "postgres",
        };
        let pool = Pool::builder()
            .max_size(max_size.max(1))
            // No background connection building: a command that exits right
            // after its query must not race a half-open PostgreSQL connection
            // (libpq's exit handlers) in the pool's worker thread.
            .min_idle(Some(0))
            .connection_timeout(CONNECTION_WAIT)
            // A PostgreSQL connection can die with its server, so it is
            // checked with `SELECT 1` when taken; a SQLite file cannot, and
            // that round trip was paid on every query.
            .test_on_check_out(kind == "postgres")
            .connection_customizer(Box::new(SqlitePragmas))
            .build(Manager { url: url.clone() })
            .map_err(ServerError::Pool)?;
        let permits = Arc::new(Semaphore::new(max_size.max(1) as usize));
        Ok(Db {
            pool,
            kind,
            permits,
            waiting: Arc::default(),
        })
    }

    /// "sqlite" or "postgres".
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Connections in use and idle, and calls waiting for one.
    pub fn pool_state(&self) -> PoolState {
        let state = self.pool.state();
        PoolState {
            in_use: state.connections - state.idle_connections,
            idle: state.idle_connections,
            waiting: self.waiting.load(Ordering::Relaxed),
        }
    }

    /// Runs blocking database work on the blocking thread pool.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ServerError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ServerError> + Send + 'static,
    {
        let waiting = Waiting::count(&self.waiting);
        let permit =
            tokio::time::timeout(CONNECTION_WAIT, self.permits.clone().acquire_owned()).await;
        drop(waiting);
        let permit = permit
            .map_err(|_| ServerError::PoolBusy(CONNECTION_WAIT))?
            .map_err(|e| ServerError::Blocking(e.to_string()))?;
        let pool = self.pool.clone();
        actix_web::rt::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| ServerError::Blocking(e.to_string()))?
    }

    /// Runs `work` in a write transaction ([`write_tx`]) off the async workers.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ServerError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ServerError> + Send + 'static,
    {
        self.run(move |conn| write_tx(conn, work)).await
    }

    /// Runs blocking database work on the current thread (CLI commands).
    pub fn run_here<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        let mut conn = self.pool.get()?;
        work(&mut conn)
    }

    /// Applies pending migrations; returns the versions applied.
    pub fn migrate(&self) -> Result<Vec<String>, ServerError> {
        self.run_here(migrate)
    }
}

fn migrate(conn: &mut DbConnection) -> Result<Vec<String>, ServerError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(versions),
        DbConnection::Postgresql(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let result = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(versions);
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            result
        }
    };
    applied.map_err(|e| ServerError::Migration(e.to_string()))
}

fn versions(v: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    v.into_iter().map(|m| m.to_string()).collect()
}

/// Runs `work` in a write transaction. On SQLite it starts with
/// `BEGIN IMMEDIATE`, so a read-then-write never fails with SQLITE_BUSY.
pub fn write_tx<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, ServerError>,
) -> Result<T, ServerError> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    if let DbConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
        let result = work(conn);
        let DbConnection::Sqlite(c) = conn else {
            // Cannot happen (a connection never changes kind); the pool
            // discards a connection left inside a transaction either way.
            return Err(ServerError::Blocking(
                "the database connection changed kind during a transaction".into(),
            ));
        };
        match result {
            Ok(value) => {
                AnsiTransactionManager::commit_transaction(c)?;
                Ok(value)
            }
            Err(e) => {
                let _ = AnsiTransactionManager::rollback_transaction(c);
                Err(e)
            }
        }
    } else {
        conn.transaction(work)
    }
}
