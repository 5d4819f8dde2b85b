//! The append-only audit trail. Each row carries the hash of the row before
//! it and of its own content, so a changed or removed row is found by
//! [`verify`]; database triggers refuse UPDATE and DELETE on the table.

use crate::db::schema::audit_log;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use sha2::{Digest, Sha256};
use visadesk_app::domain::audit::{AuditEvent, AuditFilter, AUDIT_PAGE_SIZE};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// PostgreSQL advisory lock serialising appends across instances.
const APPEND_LOCK_KEY: i64 = 0x7669_7361_6175_6474; // "visaaudt"

/// A row of `audit_log`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq, Eq)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<String>,
    pub actor_email: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub summary: String,
    pub ip: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// The hash of this row's content chained to `prev_hash`. Fields are
    /// length-prefixed so no two different rows hash the same input.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let seq = self.seq.to_string();
        let at = self.at.to_string();
        let fields: [&str; 10] = [
            &self.prev_hash,
            &seq,
            &at,
            self.actor_id.as_deref().unwrap_or(""),
            &self.actor_email,
            &self.action,
            &self.object_type,
            &self.object_id,
            &self.summary,
            &self.ip,
        ];
        for f in fields {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        hex::encode(h.finalize())
    }

    fn event(self) -> AuditEvent {
        AuditEvent {
            seq: self.seq,
            at: self.at,
            actor_email: self.actor_email,
            action: self.action,
            object_type: self.object_type,
            object_id: self.object_id,
            summary: self.summary,
            ip: self.ip,
        }
    }
}

/// What happened, by whom, to what.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    pub actor_id: Option<String>,
    pub actor_email: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// Before/after in words; never a password or token.
    pub summary: String,
    pub ip: String,
}

/// Appends an entry. Call inside a write transaction (see `db::write_tx`),
/// so it commits or rolls back with the change it records.
pub fn append(conn: &mut DbConnection, entry: Entry, now: i64) -> Result<(), ServerError> {
    if let DbConnection::Postgresql(_) = conn {
        conn.batch_execute(&format!("SELECT pg_advisory_xact_lock({APPEND_LOCK_KEY})"))?;
    }
    let last: Option<(i64, String)> = audit_log::table
        .order(audit_log::seq.desc())
        .select((audit_log::seq, audit_log::hash))
        .first(conn)
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let clip = |s: String, n: usize| -> String { s.chars().take(n).collect() };
    let mut row = AuditRow {
        seq,
        at: now,
        actor_id: entry.actor_id,
        actor_email: clip(entry.actor_email, 254),
        action: clip(entry.action, 64),
        object_type: clip(entry.object_type, 64),
        object_id: clip(entry.object_id, 128),
        summary: clip(entry.summary, 2000),
        ip: clip(entry.ip, 64),
        prev_hash,
        hash: String::new(),
    };
    row.hash = row.compute_hash();
    diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// The outcome of checking the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every row links to the one before and matches its hash.
    Intact { rows: u64 },
    /// Row `seq` does not match its hash: it was changed.
    Changed { seq: i64 },
    /// The row before `seq` is missing (expected `expected`): removed.
    Removed { expected: i64, found: i64 },
}

/// Walks the whole trail in order and reports the first row that was changed
/// or removed.
pub fn verify(conn: &mut DbConnection) -> Result<Verdict, ServerError> {
    verify_after(conn, 0, GENESIS)
}

/// Walks the rows after row `after` (whose hash is `after_hash`, already
/// known good: GENESIS and 0 for the whole trail) and reports the first that
/// was changed or removed; `rows` counts the rows walked.
pub fn verify_after(
    conn: &mut DbConnection,
    after: i64,
    after_hash: &str,
) -> Result<Verdict, ServerError> {
    let mut expected_seq = after + 1;
    let mut prev = after_hash.to_string();
    let mut rows = 0u64;
    loop {
        let batch: Vec<AuditRow> = audit_log::table
            .filter(audit_log::seq.ge(expected_seq))
            .order(audit_log::seq.asc())
            .limit(1000)
            .select(AuditRow::as_select())
            .load(conn)?;
        if batch.is_empty() {
            return Ok(Verdict::Intact { rows });
        }
        for row in batch {
            if row.seq != expected_seq {
                return Ok(Verdict::Removed {
                    expected: expected_seq,
                    found: row.seq,
                });
            }
            if row.prev_hash != prev {
                // The link is broken: the row before was changed or replaced
                // (unless that row is the known-good starting point).
                return Ok(if expected_seq - 1 > after {
                    Verdict::Changed {
                        seq: expected_seq - 1,
                    }
                } else {
                    Verdict::Changed { seq: row.seq }
                });
            }
            if row.compute_hash() != row.hash {
                return Ok(Verdict::Changed { seq: row.seq });
            }
            prev = row.hash;
            expected_seq += 1;
            rows += 1;
        }
    }
}

/// The newest row's number and hash; `None` for an empty trail.
pub fn head(conn: &mut DbConnection) -> Result<Option<(i64, String)>, ServerError> {
    Ok(audit_log::table
        .order(audit_log::seq.desc())
        .select((audit_log::seq, audit_log::hash))
        .first(conn)
        .optional()?)
}

/// The stored hash of row `seq`, if the row is there.
pub fn hash_of(conn: &mut DbConnection, seq: i64) -> Result<Option<String>, ServerError> {
    Ok(audit_log::table
        .filter(audit_log::seq.eq(seq))
        .select(audit_log::hash)
        .first(conn)
        .optional()?)
}

/// A page of events, newest first, matching `filter`.
pub fn list(conn: &mut DbConnection, filter: &AuditFilter) -> Result<Vec<AuditEvent>, ServerError> {
    let mut query = audit_log::table
        .select(AuditRow::as_select())
        .order(audit_log::seq.desc())
        .into_boxed();
    if let Some(before) = filter.before_seq {
        query = query.filter(audit_log::seq.lt(before));
    }
    if let Some(actor) = filter
        .actor
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        query = query.filter(
            audit_log::actor_email
                .like(format!("%{}%", escape_like(&actor.to_lowercase())))
                .escape('\\'),
        );
    }
    if let Some(action) = filter
        .action
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        query = query.filter(
            audit_log::action
                .like(format!("{}%", escape_like(action)))
                .escape('\\'),
        );
    }
    if let Some(object) = filter
        .object
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        query = query.filter(audit_log::object_id.eq(object.to_string()));
    }
    let rows = query.limit(AUDIT_PAGE_SIZE).load(conn)?;
    Ok(rows.into_iter().map(AuditRow::event).collect())
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, prev: &str) -> AuditRow {
        let mut r = AuditRow {
            seq,
            at: 1_700_000_000 + seq,
            actor_id: Some("u1".into()),
            actor_email: "ana@firm.example".into(),
            action: "user.create".into(),
            object_type: "user".into(),
            object_id: "u2".into(),
            summary: "created".into(),
            ip: "127.0.0.1".into(),
            prev_hash: prev.into(),
            hash: String::new(),
        };
        r.hash = r.compute_hash();
        r
    }

    #[test]
    fn any_change_to_a_field_changes_the_hash() {
        let r = row(1, GENESIS);
        let mut changed = r.clone();
        changed.summary = "created!".into();
        assert_ne!(changed.compute_hash(), r.hash);
        let mut moved = r.clone();
        // Shifting text between fields is a change too.
        moved.actor_email = "ana@firm.exampleu".into();
        moved.action = "ser.create".into();
        assert_ne!(moved.compute_hash(), r.hash);
    }

    #[test]
    fn each_hash_depends_on_the_previous_one() {
        let a = row(1, GENESIS);
        let b1 = row(2, &a.hash);
        let b2 = row(2, GENESIS);
        assert_ne!(b1.hash, b2.hash);
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
