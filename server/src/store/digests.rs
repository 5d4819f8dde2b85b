//! The `digest_items` and `digest_runs` tables: what waits for a person's
//! daily digest, and which days' digests have gone out.

use crate::db::schema::{digest_items, digest_runs};
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;

/// A row of `digest_items`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = digest_items, treat_none_as_default_value = false)]
pub struct DigestItemRow {
    pub id: String,
    pub user_id: String,
    pub category: String,
    /// One line: what happened.
    pub subject: String,
    /// More words, such as a rejection's reason; may be empty.
    pub detail: String,
    /// The absolute link to the thing itself.
    pub link: String,
    pub created_at: i64,
    pub digest_day: Option<String>,
}

/// Adds an item to a person's next digest.
pub fn insert(conn: &mut DbConnection, row: &DigestItemRow) -> Result<(), ServerError> {
    diesel::insert_into(digest_items::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Everything waiting for a digest, oldest first.
pub fn waiting(conn: &mut DbConnection) -> Result<Vec<DigestItemRow>, ServerError> {
    Ok(digest_items::table
        .filter(digest_items::digest_day.is_null())
        .order((digest_items::created_at.asc(), digest_items::id.asc()))
        .select(DigestItemRow::as_select())
        .load(conn)?)
}

/// Marks the items waiting for a digest as carried by `day`'s.
pub fn mark_carried(conn: &mut DbConnection, ids: &[String], day: &str) -> Result<(), ServerError> {
    for chunk in ids.chunks(500) {
        diesel::update(digest_items::table.filter(digest_items::id.eq_any(chunk)))
            .set(digest_items::digest_day.eq(Some(day)))
            .execute(conn)?;
    }
    Ok(())
}

/// Claims `day`'s digest for this instance: true when no instance has sent
/// it yet. On PostgreSQL a second instance waits here until the first
/// commits, then gets false; call it first in the digest's transaction.
pub fn claim_day(
    conn: &mut DbConnection,
    day: &str,
    by: &str,
    now: i64,
) -> Result<bool, ServerError> {
    let row = (
        digest_runs::day.eq(day),
        digest_runs::ran_by.eq(by),
        digest_runs::ran_at.eq(now),
        digest_runs::emails.eq(0),
    );
    let insert = diesel::insert_into(digest_runs::table).values(row);
    let added = match conn {
        DbConnection::Postgresql(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConnection::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    Ok(added == 1)
}

/// Records how many digests `day`'s run queued.
pub fn finish_day(conn: &mut DbConnection, day: &str, emails: i32) -> Result<(), ServerError> {
    diesel::update(digest_runs::table.find(day))
        .set(digest_runs::emails.eq(emails))
        .execute(conn)?;
    Ok(())
}

/// Whether `day`'s digest has gone out.
pub fn ran(conn: &mut DbConnection, day: &str) -> Result<bool, ServerError> {
    Ok(digest_runs::table
        .find(day)
        .select(digest_runs::day)
        .first::<String>(conn)
        .optional()?
        .is_some())
}
