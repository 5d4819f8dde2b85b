//! Anchoring the audit trail's end. A hash chain shows a changed or removed
//! row, but not rows cut off its end: the shorter chain is still a valid
//! chain. So the server signs the newest row's number and hash (a
//! checkpoint, HMAC-SHA256 with a key kept outside the database) and keeps
//! it in a file outside the database: at start, every
//! `VISADESK_AUDIT_CHECKPOINT_SECS` when the trail has grown, and on
//! shutdown. `visadesk audit verify` then checks the chain against it and
//! names the rows that are missing.
//!
//! A checkpoint only moves forward: before writing a new one the writer
//! checks that the trail still holds the last checkpoint's row with its
//! hash, and that every row since links to it. If not, it keeps the old
//! checkpoint (the evidence) and logs why. See `SECURITY.md` for what this
//! does and does not protect against.

pub mod check;
pub mod key;
pub mod record;

pub use key::{AnchorKey, AnchorKeys};
pub use record::{Checkpoint, FileProblem};

use crate::config::Config;
use crate::db::{Db, DbConnection};
use crate::error::ServerError;
use crate::store::audit::{self, Verdict};
use std::path::{Path, PathBuf};

/// Where checkpoints are kept and what signs them.
#[derive(Clone, Debug)]
pub struct Anchor {
    pub keys: AnchorKeys,
    pub path: PathBuf,
    /// This process, as written in its checkpoints.
    pub instance: String,
}

impl Anchor {
    /// The anchor the configuration asks for.
    pub fn from_config(config: &Config, instance: String) -> Result<Anchor, ServerError> {
        let keys = AnchorKeys::load(
            config.audit_key.as_deref(),
            &config.audit_old_keys,
            &config.data_dir,
        )
        .map_err(ServerError::Config)?;
        Ok(Anchor {
            keys,
            path: config.checkpoint_path(),
            instance,
        })
    }
}

/// What [`advance`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Advanced {
    /// A new checkpoint was written.
    Written(Checkpoint),
    /// The checkpoint already covers the newest row.
    Unchanged(Checkpoint),
    /// The trail is empty: there is nothing to anchor yet.
    Empty,
}

/// Why the checkpoint was not moved forward: the old one stays.
#[derive(Debug, thiserror::Error)]
pub enum Held {
    /// The checkpoint file cannot be trusted (forged, cut off, ...).
    #[error(
        "{0}; the checkpoint was not replaced (move the file aside once you have looked into it)"
    )]
    File(FileProblem),
    /// The trail no longer extends the last checkpoint.
    #[error("the audit trail no longer extends the last checkpoint ({0}); the checkpoint was kept as evidence: run `visadesk audit verify`")]
    Diverged(String),
    #[error("could not write the checkpoint {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// Writes a checkpoint of the newest row, if the trail grew since the last
/// one and still extends it.
pub fn advance(conn: &mut DbConnection, anchor: &Anchor, now: i64) -> Result<Advanced, Held> {
    let last = match record::read(&anchor.path, &anchor.keys) {
        Ok(c) => Some(c),
        Err(FileProblem::Missing(_)) => None,
        Err(problem) => return Err(Held::File(problem)),
    };
    let Some((seq, hash)) = audit::head(conn)? else {
        return match last {
            Some(c) => Err(Held::Diverged(format!(
                "the trail is empty, but the checkpoint saw row {}",
                c.seq
            ))),
            None => Ok(Advanced::Empty),
        };
    };
    if let Some(last) = &last {
        extends(conn, last, seq)?;
        if last.seq == seq {
            return Ok(Advanced::Unchanged(last.clone()));
        }
    }
    let checkpoint = Checkpoint::sign(&anchor.keys, seq, &hash, now, &anchor.instance);
    record::write(&anchor.path, &checkpoint).map_err(|e| Held::Write(anchor.path.clone(), e))?;
    Ok(Advanced::Written(checkpoint))
}

/// Checks that the trail, now ending at row `head`, extends `last`.
fn extends(conn: &mut DbConnection, last: &Checkpoint, head: i64) -> Result<(), Held> {
    if head < last.seq {
        return Err(Held::Diverged(format!(
            "it ends at row {head}, the checkpoint saw row {}",
            last.seq
        )));
    }
    match audit::hash_of(conn, last.seq)? {
        None => return Err(Held::Diverged(format!("row {} is missing", last.seq))),
        Some(h) if h != last.hash => {
            return Err(Held::Diverged(format!(
                "row {} no longer has the hash it had",
                last.seq
            )))
        }
        Some(_) => {}
    }
    match audit::verify_after(conn, last.seq, &last.hash)? {
        Verdict::Intact { .. } => Ok(()),
        Verdict::Changed { seq } => Err(Held::Diverged(format!("row {seq} was changed"))),
        Verdict::Removed { expected, .. } => {
            Err(Held::Diverged(format!("row {expected} is missing")))
        }
    }
}

/// Advances the checkpoint on the database, logging what happened.
pub async fn advance_logged(db: &Db, anchor: &Anchor) -> Option<Advanced> {
    let a = anchor.clone();
    let result = db
        .run(move |conn| Ok(advance(conn, &a, crate::auth::now())))
        .await;
    match result {
        Ok(Ok(done)) => {
            if let Advanced::Written(c) = &done {
                tracing::debug!(row = c.seq, file = %anchor.path.display(), "audit checkpoint written");
            }
            Some(done)
        }
        Ok(Err(held)) => {
            tracing::error!(file = %anchor.path.display(), "audit checkpoint held: {held}");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not read the audit trail for a checkpoint");
            None
        }
    }
}

/// Writes a checkpoint now and then every `every` while the trail grows.
/// A problem is logged when it first appears, not on every tick.
pub async fn run_periodically(db: Db, anchor: Anchor, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_problem: Option<String> = None;
    loop {
        tick.tick().await;
        let a = anchor.clone();
        let result = db
            .run(move |conn| Ok(advance(conn, &a, crate::auth::now())))
            .await;
        let problem = match result {
            Ok(Ok(_)) => None,
            Ok(Err(held)) => Some(held.to_string()),
            Err(e) => Some(format!("could not read the audit trail: {e}")),
        };
        if problem != last_problem {
            match &problem {
                Some(p) => {
                    tracing::error!(file = %anchor.path.display(), "audit checkpoint held: {p}")
                }
                None if last_problem.is_some() => {
                    tracing::info!("audit checkpoints are being written again")
                }
                None => {}
            }
            last_problem = problem;
        }
    }
}

/// The default checkpoint file inside a data folder.
pub fn default_path(data_dir: &Path) -> PathBuf {
    data_dir.join("audit-checkpoint")
}
