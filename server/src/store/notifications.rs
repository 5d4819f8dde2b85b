//! The `notifications` table: what a staff member is told in the app.

use crate::db::schema::notifications;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use visadesk_app::domain::notice::NOTICE_PAGE;

/// A row of `notifications`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = notifications, treat_none_as_default_value = false)]
pub struct NoticeRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub case_id: Option<String>,
    pub title: String,
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
    /// JSON of the notice's `NoticeEvent`; empty for notices saved before
    /// events were kept (their English `title` is shown).
    pub event: String,
}

/// Adds a notice.
pub fn insert(conn: &mut DbConnection, row: &NoticeRow) -> Result<(), ServerError> {
    diesel::insert_into(notifications::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// A page of a user's notices, newest first (one more than a page, to tell
/// whether there are more).
pub fn page(
    conn: &mut DbConnection,
    user_id: &str,
    page: i64,
) -> Result<Vec<NoticeRow>, ServerError> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(NOTICE_PAGE + 1)
        .offset(page.max(0) * NOTICE_PAGE)
        .select(NoticeRow::as_select())
        .load(conn)?)
}

/// How many of a user's notices are unread.
pub fn unread(conn: &mut DbConnection, user_id: &str) -> Result<i64, ServerError> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Marks one of the user's notices read; false when it is not theirs.
pub fn mark_read(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
    now: i64,
) -> Result<bool, ServerError> {
    let found = notifications::table
        .find(id)
        .filter(notifications::user_id.eq(user_id))
        .select(notifications::id)
        .first::<String>(conn)
        .optional()?
        .is_some();
    if found {
        diesel::update(
            notifications::table
                .find(id)
                .filter(notifications::read_at.is_null()),
        )
        .set(notifications::read_at.eq(Some(now)))
        .execute(conn)?;
    }
    Ok(found)
}

/// Marks all of a user's notices read; returns how many were unread.
pub fn mark_all_read(conn: &mut DbConnection, user_id: &str, now: i64) -> Result<u64, ServerError> {
    let n = diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n as u64)
}
