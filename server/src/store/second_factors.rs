//! Second factors: `totp_secrets` (authenticator apps), `recovery_codes`,
//! and `sign_in_challenges` (sign-ins waiting for a second factor).

use crate::db::schema::{recovery_codes, sign_in_challenges, totp_secrets, users};
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::users::UserRow;
use diesel::prelude::*;

/// A row of `totp_secrets`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = totp_secrets, treat_none_as_default_value = false)]
pub struct TotpRow {
    pub id: String,
    pub user_id: String,
    /// The document master key that sealed the secret.
    pub key_id: String,
    /// Hex of the sealed secret.
    pub sealed_secret: String,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    pub last_step: i64,
}

/// The user's confirmed authenticator, if any.
pub fn confirmed_totp(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Option<TotpRow>, ServerError> {
    Ok(totp_secrets::table
        .filter(totp_secrets::user_id.eq(user_id))
        .filter(totp_secrets::confirmed_at.is_not_null())
        .select(TotpRow::as_select())
        .first(conn)
        .optional()?)
}

/// The ids of users with a confirmed authenticator.
pub fn users_with_totp(
    conn: &mut DbConnection,
) -> Result<std::collections::HashSet<String>, ServerError> {
    Ok(totp_secrets::table
        .filter(totp_secrets::confirmed_at.is_not_null())
        .select(totp_secrets::user_id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// The authenticator the user is setting up, if any.
pub fn pending_totp(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Option<TotpRow>, ServerError> {
    Ok(totp_secrets::table
        .filter(totp_secrets::user_id.eq(user_id))
        .filter(totp_secrets::confirmed_at.is_null())
        .select(TotpRow::as_select())
        .first(conn)
        .optional()?)
}

/// Starts setting up an authenticator, replacing one half set up.
pub fn replace_pending(conn: &mut DbConnection, row: &TotpRow) -> Result<(), ServerError> {
    diesel::delete(
        totp_secrets::table
            .filter(totp_secrets::user_id.eq(&row.user_id))
            .filter(totp_secrets::confirmed_at.is_null()),
    )
    .execute(conn)?;
    diesel::insert_into(totp_secrets::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Makes the pending authenticator `id` the user's one (removing any
/// earlier), with `step` used.
pub fn confirm(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
    step: i64,
    now: i64,
) -> Result<(), ServerError> {
    diesel::delete(
        totp_secrets::table
            .filter(totp_secrets::user_id.eq(user_id))
            .filter(totp_secrets::id.ne(id)),
    )
    .execute(conn)?;
    diesel::update(totp_secrets::table.find(id))
        .set((
            totp_secrets::confirmed_at.eq(Some(now)),
            totp_secrets::last_step.eq(step),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks `step` used on authenticator `id`, if it is newer than the last
/// used one; false when another request used it (or a newer one) first.
pub fn use_step(conn: &mut DbConnection, id: &str, step: i64) -> Result<bool, ServerError> {
    Ok(diesel::update(
        totp_secrets::table
            .filter(totp_secrets::id.eq(id))
            .filter(totp_secrets::last_step.lt(step)),
    )
    .set(totp_secrets::last_step.eq(step))
    .execute(conn)?
        == 1)
}

/// Removes the user's authenticator apps (keeping recovery codes).
pub fn remove_totp(conn: &mut DbConnection, user_id: &str) -> Result<usize, ServerError> {
    Ok(
        diesel::delete(totp_secrets::table.filter(totp_secrets::user_id.eq(user_id)))
            .execute(conn)?,
    )
}

/// Removes the user's authenticators and recovery codes; how many of each.
pub fn remove_all(conn: &mut DbConnection, user_id: &str) -> Result<(usize, usize), ServerError> {
    let apps = diesel::delete(totp_secrets::table.filter(totp_secrets::user_id.eq(user_id)))
        .execute(conn)?;
    let codes = diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    Ok((apps, codes))
}

/// Replaces the user's recovery codes with these digests.
pub fn replace_codes(
    conn: &mut DbConnection,
    user_id: &str,
    digests: &[String],
    now: i64,
) -> Result<(), ServerError> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    let rows: Vec<_> = digests
        .iter()
        .map(|d| {
            (
                recovery_codes::id.eq(uuid::Uuid::new_v4().to_string()),
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(d),
                recovery_codes::created_at.eq(now),
                recovery_codes::used_at.eq(None::<i64>),
            )
        })
        .collect();
    for row in rows {
        diesel::insert_into(recovery_codes::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The user's unused recovery codes.
pub fn codes_left(conn: &mut DbConnection, user_id: &str) -> Result<i64, ServerError> {
    Ok(recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Uses the unused code with this digest; false when there is none.
pub fn use_code(
    conn: &mut DbConnection,
    user_id: &str,
    digest: &str,
    now: i64,
) -> Result<bool, ServerError> {
    Ok(diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(digest))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(now)))
    .execute(conn)?
        == 1)
}

/// A row of `sign_in_challenges`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = sign_in_challenges)]
pub struct ChallengeRow {
    pub id: String,
    pub token_hash: String,
    pub user_id: String,
    /// `verify` or `enrol` (the app's `ChallengePurpose` codes).
    pub purpose: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub failures: i32,
    pub user_agent: String,
    pub ip: String,
}

/// Inserts a challenge, ending the user's earlier ones from this browser's
/// previous attempt (`previous`, a token digest).
pub fn insert_challenge(
    conn: &mut DbConnection,
    row: &ChallengeRow,
    previous: Option<&str>,
) -> Result<(), ServerError> {
    if let Some(previous) = previous {
        diesel::delete(
            sign_in_challenges::table.filter(sign_in_challenges::token_hash.eq(previous)),
        )
        .execute(conn)?;
    }
    diesel::insert_into(sign_in_challenges::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The live challenge with this token digest and its active user.
pub fn live_challenge(
    conn: &mut DbConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<(ChallengeRow, UserRow)>, ServerError> {
    Ok(sign_in_challenges::table
        .inner_join(users::table)
        .filter(sign_in_challenges::token_hash.eq(token_hash))
        .filter(sign_in_challenges::expires_at.gt(now))
        .filter(users::active.eq(true))
        .select((ChallengeRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()?)
}

/// Counts a wrong code on a challenge; returns the failures so far.
pub fn count_failure(conn: &mut DbConnection, id: &str) -> Result<i32, ServerError> {
    diesel::update(sign_in_challenges::table.find(id))
        .set(sign_in_challenges::failures.eq(sign_in_challenges::failures + 1))
        .execute(conn)?;
    Ok(sign_in_challenges::table
        .find(id)
        .select(sign_in_challenges::failures)
        .first(conn)
        .optional()?
        .unwrap_or(i32::MAX))
}

/// Ends a challenge; false when it was already gone (used by a parallel request).
pub fn end_challenge(conn: &mut DbConnection, id: &str) -> Result<bool, ServerError> {
    Ok(diesel::delete(sign_in_challenges::table.find(id)).execute(conn)? == 1)
}

/// Ends every challenge of a user (their second factor was reset).
pub fn end_challenges_for_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<usize, ServerError> {
    Ok(
        diesel::delete(sign_in_challenges::table.filter(sign_in_challenges::user_id.eq(user_id)))
            .execute(conn)?,
    )
}

/// Deletes expired challenges.
pub fn purge_expired(conn: &mut DbConnection, now: i64) -> Result<u64, ServerError> {
    Ok(
        diesel::delete(sign_in_challenges::table.filter(sign_in_challenges::expires_at.le(now)))
            .execute(conn)? as u64,
    )
}
