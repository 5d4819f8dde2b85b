//! The `outbox` table: email written in the same transaction as the change
//! that causes it, and delivered later by the mail worker.
//!
//! A row is `queued` until a worker claims it: the claim sets it `sending`
//! with a lease (the worker's name and a time). Sending ends it `sent`, or
//! `queued` again for a later attempt, or `failed` after the last attempt.
//! A worker that dies mid-send leaves its lease to run out; the row is then
//! claimed again and sent with the same `Message-ID`. On PostgreSQL the
//! claim takes rows `FOR UPDATE SKIP LOCKED`, so instances never claim one
//! row together; SQLite's write transaction already serialises claims.

use crate::db::schema::outbox;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use visadesk_app::domain::mail::{OutboxStatus, OUTBOX_PAGE};

/// A row of `outbox`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
pub struct OutboxRow {
    pub id: String,
    pub message_id: String,
    pub category: String,
    pub recipient_id: Option<String>,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub sensitive: bool,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub lease_until: Option<i64>,
    pub leased_by: String,
    pub last_error: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// Adds a row (call in the transaction of the change it reports).
pub fn insert(conn: &mut DbConnection, row: &OutboxRow) -> Result<(), ServerError> {
    diesel::insert_into(outbox::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Claims up to `limit` rows that are due (queued and due, or sending with
/// a lease that ran out) for `worker` until `lease_until`, counting an
/// attempt on each. Call in a write transaction.
pub fn claim(
    conn: &mut DbConnection,
    worker: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<OutboxRow>, ServerError> {
    let due = outbox::table
        .filter(
            outbox::status
                .eq(OutboxStatus::Queued.code())
                .and(outbox::next_attempt_at.le(now))
                .or(outbox::status
                    .eq(OutboxStatus::Sending.code())
                    .and(outbox::lease_until.lt(now))),
        )
        .order((outbox::next_attempt_at, outbox::created_at))
        .limit(limit)
        .select(outbox::id);
    let ids: Vec<String> = match conn {
        DbConnection::Postgresql(c) => due.for_update().skip_locked().load(c)?,
        DbConnection::Sqlite(c) => due.load(c)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set((
            outbox::status.eq(OutboxStatus::Sending.code()),
            outbox::lease_until.eq(Some(lease_until)),
            outbox::leased_by.eq(worker),
            outbox::attempts.eq(outbox::attempts + 1),
        ))
        .execute(conn)?;
    Ok(outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order((outbox::next_attempt_at, outbox::created_at))
        .select(OutboxRow::as_select())
        .load(conn)?)
}

/// Marks a claimed row sent; false when `worker` no longer held it.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    now: i64,
) -> Result<bool, ServerError> {
    let n = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(OutboxStatus::Sending.code()))
            .filter(outbox::leased_by.eq(worker)),
    )
    .set((
        outbox::status.eq(OutboxStatus::Sent.code()),
        outbox::sent_at.eq(Some(now)),
        outbox::lease_until.eq(None::<i64>),
        outbox::last_error.eq(""),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records a failed attempt on a claimed row: queued again at `retry_at`,
/// or failed for good when `retry_at` is `None`.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    error: &str,
    retry_at: Option<i64>,
) -> Result<bool, ServerError> {
    let (status, next) = match retry_at {
        Some(at) => (OutboxStatus::Queued, Some(at)),
        None => (OutboxStatus::Failed, None),
    };
    let n = match next {
        Some(at) => diesel::update(
            outbox::table
                .find(id)
                .filter(outbox::status.eq(OutboxStatus::Sending.code()))
                .filter(outbox::leased_by.eq(worker)),
        )
        .set((
            outbox::status.eq(status.code()),
            outbox::next_attempt_at.eq(at),
            outbox::lease_until.eq(None::<i64>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)?,
        None => diesel::update(
            outbox::table
                .find(id)
                .filter(outbox::status.eq(OutboxStatus::Sending.code()))
                .filter(outbox::leased_by.eq(worker)),
        )
        .set((
            outbox::status.eq(status.code()),
            outbox::lease_until.eq(None::<i64>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)?,
    };
    Ok(n == 1)
}

/// Puts a failed row back in the queue for an attempt now, with a fresh
/// count of attempts; false when the row is not failed.
pub fn retry(conn: &mut DbConnection, id: &str, now: i64) -> Result<bool, ServerError> {
    let n = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(OutboxStatus::Failed.code())),
    )
    .set((
        outbox::status.eq(OutboxStatus::Queued.code()),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// One row.
pub fn by_id(conn: &mut DbConnection, id: &str) -> Result<Option<OutboxRow>, ServerError> {
    Ok(outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()?)
}

/// A page of rows, newest first, optionally of one status.
pub fn page(
    conn: &mut DbConnection,
    status: Option<OutboxStatus>,
    page: i64,
) -> Result<Vec<OutboxRow>, ServerError> {
    let mut query = outbox::table
        .select(OutboxRow::as_select())
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .limit(OUTBOX_PAGE + 1)
        .offset(page.max(0) * OUTBOX_PAGE)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(outbox::status.eq(status.code()));
    }
    Ok(query.load(conn)?)
}

/// How many rows have each status.
pub fn counts(conn: &mut DbConnection) -> Result<Vec<(String, i64)>, ServerError> {
    Ok(outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)?)
}

/// Deletes sent rows older than `before`; returns how many.
pub fn purge_sent(conn: &mut DbConnection, before: i64) -> Result<u64, ServerError> {
    let n = diesel::delete(
        outbox::table
            .filter(outbox::status.eq(OutboxStatus::Sent.code()))
            .filter(outbox::created_at.lt(before)),
    )
    .execute(conn)?;
    Ok(n as u64)
}
