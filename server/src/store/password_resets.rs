//! The `password_resets` table: single-use links that let a person choose a
//! new password. Only a digest of each token is kept.

use crate::db::schema::password_resets;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;

/// A row of `password_resets`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = password_resets, treat_none_as_default_value = false)]
pub struct ResetRow {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    /// "self" (the sign-in page) or the email of the admin who sent it.
    pub requested_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// Inserts a reset link, withdrawing the user's earlier unused ones (only
/// the newest link works).
pub fn replace_for_user(conn: &mut DbConnection, row: &ResetRow) -> Result<(), ServerError> {
    diesel::delete(
        password_resets::table
            .filter(password_resets::user_id.eq(&row.user_id))
            .filter(password_resets::used_at.is_null()),
    )
    .execute(conn)?;
    diesel::insert_into(password_resets::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The reset with this token digest, used or not.
pub fn by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<ResetRow>, ServerError> {
    Ok(password_resets::table
        .filter(password_resets::token_hash.eq(token_hash))
        .select(ResetRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a reset used if it still was not; returns whether this call did.
pub fn use_once(conn: &mut DbConnection, id: &str, now: i64) -> Result<bool, ServerError> {
    let n = diesel::update(
        password_resets::table
            .find(id)
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Withdraws every unused reset of a user (their password changed otherwise).
pub fn withdraw_for_user(conn: &mut DbConnection, user_id: &str) -> Result<u64, ServerError> {
    let n = diesel::delete(
        password_resets::table
            .filter(password_resets::user_id.eq(user_id))
            .filter(password_resets::used_at.is_null()),
    )
    .execute(conn)?;
    Ok(n as u64)
}

/// Deletes resets that expired before `before`; returns how many.
pub fn purge_expired(conn: &mut DbConnection, before: i64) -> Result<u64, ServerError> {
    let n = diesel::delete(password_resets::table.filter(password_resets::expires_at.lt(before)))
        .execute(conn)?;
    Ok(n as u64)
}
