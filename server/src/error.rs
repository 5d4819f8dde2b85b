//! The server layer's one error type.

use visadesk_app::AppError;

/// Something that failed inside the server. Turned into an [`AppError`] at
/// the port: refusals pass through, everything else is logged and shown as
/// a generic failure.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("could not connect to the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("no database connection available: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// Every connection stayed in use for the whole wait.
    #[error("no database connection came free within {0:?}")]
    PoolBusy(std::time::Duration),
    #[error("database migrations failed: {0}")]
    Migration(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("a background task failed: {0}")]
    Blocking(String),
    /// A setting or file the server was started with is wrong.
    #[error("configuration: {0}")]
    Config(String),
    /// A stored row cannot be read back (an unknown code, unreadable JSON)
    /// or a value cannot be written in the stored form.
    #[error("corrupt data: {0}")]
    CorruptData(String),
    /// Document storage (the documents folder or the bucket) failed.
    #[error("document storage: {0}")]
    Storage(String),
    /// Something the code relies on did not hold, e.g. a row written in the
    /// same transaction is not there. Always a bug.
    #[error("invariant broken: {0}")]
    Invariant(String),
    /// A backup cannot be taken, checked or restored (the message says
    /// which file or table, and why).
    #[error("backup: {0}")]
    Backup(String),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// A refusal meant for the person who asked (validation, conflict, ...).
    #[error("{0}")]
    Refused(AppError),
}

impl From<AppError> for ServerError {
    fn from(e: AppError) -> Self {
        ServerError::Refused(e)
    }
}

impl From<ServerError> for AppError {
    fn from(e: ServerError) -> Self {
        match e {
            ServerError::Refused(app) => app,
            other => {
                tracing::error!(error = %other, "request failed");
                AppError::Internal
            }
        }
    }
}
