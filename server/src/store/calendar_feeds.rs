//! The `calendar_feeds` table: one private feed per staff member.

use crate::db::schema::calendar_feeds;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;

/// When the user's feed was made, if they have one.
pub fn created_at(conn: &mut DbConnection, user_id: &str) -> Result<Option<i64>, ServerError> {
    Ok(calendar_feeds::table
        .find(user_id)
        .select(calendar_feeds::created_at)
        .first(conn)
        .optional()?)
}

/// Replaces the user's feed token (the old URL stops working).
pub fn replace(
    conn: &mut DbConnection,
    user_id: &str,
    token_hash: &str,
    now: i64,
) -> Result<(), ServerError> {
    diesel::delete(calendar_feeds::table.find(user_id)).execute(conn)?;
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::user_id.eq(user_id),
            calendar_feeds::token_hash.eq(token_hash),
            calendar_feeds::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes the user's feed; returns whether there was one.
pub fn delete(conn: &mut DbConnection, user_id: &str) -> Result<bool, ServerError> {
    Ok(diesel::delete(calendar_feeds::table.find(user_id)).execute(conn)? == 1)
}

/// The user whose feed has this token digest.
pub fn user_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<String>, ServerError> {
    Ok(calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash))
        .select(calendar_feeds::user_id)
        .first(conn)
        .optional()?)
}
