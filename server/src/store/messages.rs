//! The `case_messages` and `message_reads` tables: each case's thread
//! between the firm and the applicant, and when each person last read it.

use crate::db::schema::{case_messages, message_reads};
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;

/// A row of `case_messages`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = case_messages, treat_none_as_default_value = false)]
pub struct MessageRow {
    pub id: String,
    pub case_id: String,
    pub author_id: Option<String>,
    pub author_name: String,
    pub from_firm: bool,
    pub body: String,
    pub created_at: i64,
}

/// Adds a message.
pub fn insert(conn: &mut DbConnection, row: &MessageRow) -> Result<(), ServerError> {
    diesel::insert_into(case_messages::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// A case's messages, oldest first.
pub fn for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<MessageRow>, ServerError> {
    Ok(case_messages::table
        .filter(case_messages::case_id.eq(case_id))
        .order((case_messages::created_at, case_messages::id))
        .select(MessageRow::as_select())
        .load(conn)?)
}

/// When `user_id` last read the case's thread.
pub fn seen_at(
    conn: &mut DbConnection,
    case_id: &str,
    user_id: &str,
) -> Result<Option<i64>, ServerError> {
    Ok(message_reads::table
        .find((case_id, user_id))
        .select(message_reads::seen_at)
        .first(conn)
        .optional()?)
}

/// When anyone on one side (the firm, or the applicant) last read it.
pub fn side_seen_at(
    conn: &mut DbConnection,
    case_id: &str,
    from_firm: bool,
) -> Result<Option<i64>, ServerError> {
    Ok(message_reads::table
        .filter(message_reads::case_id.eq(case_id))
        .filter(message_reads::from_firm.eq(from_firm))
        .select(diesel::dsl::max(message_reads::seen_at))
        .first(conn)?)
}

/// Messages from the other side than `from_firm` after `since`.
pub fn unread(
    conn: &mut DbConnection,
    case_id: &str,
    from_firm: bool,
    since: Option<i64>,
) -> Result<i64, ServerError> {
    Ok(case_messages::table
        .filter(case_messages::case_id.eq(case_id))
        .filter(case_messages::from_firm.ne(from_firm))
        .filter(case_messages::created_at.gt(since.unwrap_or(i64::MIN)))
        .count()
        .get_result(conn)?)
}

/// Records that `user_id` has read the thread now.
pub fn mark_seen(
    conn: &mut DbConnection,
    case_id: &str,
    user_id: &str,
    from_firm: bool,
    now: i64,
) -> Result<(), ServerError> {
    let updated = diesel::update(message_reads::table.find((case_id, user_id)))
        .set(message_reads::seen_at.eq(now))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(message_reads::table)
            .values((
                message_reads::case_id.eq(case_id),
                message_reads::user_id.eq(user_id),
                message_reads::from_firm.eq(from_firm),
                message_reads::seen_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
