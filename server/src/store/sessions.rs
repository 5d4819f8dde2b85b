//! The `sessions` table: one row per signed-in browser, keyed by token digest.

use crate::db::schema::{sessions, users};
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::users::UserRow;
use diesel::prelude::*;

/// A row of `sessions`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
    pub ip: String,
}

impl SessionRow {
    /// A new session for a user, from `client`, ending at `expires_at`
    /// (only the token's digest is kept).
    pub fn new(
        user_id: &str,
        token_hash: String,
        client: visadesk_app::api::port::RequestSource,
        now: i64,
        expires_at: i64,
    ) -> SessionRow {
        SessionRow {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user_id.to_string(),
            token_hash,
            created_at: now,
            last_seen_at: now,
            expires_at,
            user_agent: client.user_agent,
            ip: client.ip,
        }
    }
}

/// Inserts a session.
pub fn insert(conn: &mut DbConnection, row: &SessionRow) -> Result<(), ServerError> {
    diesel::insert_into(sessions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The live session with this token digest and its active user: not past its
/// absolute expiry, not idle for `idle_secs` or more.
pub fn live_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
    now: i64,
    idle_secs: i64,
) -> Result<Option<(SessionRow, UserRow)>, ServerError> {
    Ok(sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(now - idle_secs))
        .filter(users::active.eq(true))
        .select((SessionRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()?)
}

/// Marks a session as used now.
pub fn touch(conn: &mut DbConnection, id: &str, now: i64) -> Result<(), ServerError> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// A user's sessions that have not expired, newest first.
pub fn live_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    now: i64,
    idle_secs: i64,
) -> Result<Vec<SessionRow>, ServerError> {
    Ok(sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(now - idle_secs))
        .order(sessions::created_at.desc())
        .select(SessionRow::as_select())
        .load(conn)?)
}

/// Deletes one session of a user; returns whether it existed.
pub fn delete_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
) -> Result<bool, ServerError> {
    let n = diesel::delete(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

/// Deletes the session with this token digest, whoever it belongs to.
pub fn delete_by_token_hash(conn: &mut DbConnection, token_hash: &str) -> Result<(), ServerError> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)?;
    Ok(())
}

/// Deletes every session of a user except `keep`; returns how many.
pub fn delete_all_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    keep: Option<&str>,
) -> Result<u64, ServerError> {
    let n = match keep {
        Some(keep) => diesel::delete(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::id.ne(keep)),
        )
        .execute(conn)?,
        None => {
            diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?
        }
    };
    Ok(n as u64)
}

/// Deletes sessions that can no longer be used.
pub fn purge_expired(
    conn: &mut DbConnection,
    now: i64,
    idle_secs: i64,
) -> Result<u64, ServerError> {
    let n = diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .le(now)
                .or(sessions::last_seen_at.le(now - idle_secs)),
        ),
    )
    .execute(conn)?;
    Ok(n as u64)
}
