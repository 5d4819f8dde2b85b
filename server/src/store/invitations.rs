//! The `invitations` table: one-time links that let an applicant set a
//! password for the portal. Only a digest of each token is kept.

use crate::db::schema::invitations;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;

/// A row of `invitations`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = invitations, treat_none_as_default_value = false)]
pub struct InvitationRow {
    pub id: String,
    pub client_id: String,
    pub email: String,
    pub token_hash: String,
    pub created_by: Option<String>,
    pub created_by_name: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// Inserts an invitation, withdrawing the client's earlier unused ones.
pub fn replace_for_client(conn: &mut DbConnection, row: &InvitationRow) -> Result<(), ServerError> {
    diesel::delete(
        invitations::table
            .filter(invitations::client_id.eq(&row.client_id))
            .filter(invitations::used_at.is_null()),
    )
    .execute(conn)?;
    diesel::insert_into(invitations::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The unused, unexpired invitation with this token digest.
pub fn live_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<InvitationRow>, ServerError> {
    Ok(invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .filter(invitations::used_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks an invitation used, if it still was not; returns whether it was
/// this call that used it (so a link works once even when raced).
pub fn use_once(conn: &mut DbConnection, id: &str, now: i64) -> Result<bool, ServerError> {
    let n = diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::used_at.is_null()),
    )
    .set(invitations::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}
