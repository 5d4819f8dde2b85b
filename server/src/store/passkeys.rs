//! Passkeys: `passkeys` (a user's registered keys) and `passkey_ceremonies`
//! (registrations and sign-ins under way).

use crate::db::schema::{passkey_ceremonies, passkeys, users};
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::users::UserRow;
use diesel::prelude::*;

/// A row of `passkeys`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = passkeys, treat_none_as_default_value = false)]
pub struct PasskeyRow {
    pub id: String,
    pub user_id: String,
    /// The name the person gave it.
    pub name: String,
    /// The credential id, base64url.
    pub credential_id: String,
    /// The domain it was made for.
    pub rp_id: String,
    /// webauthn-rs's `Passkey` as JSON (public key and counter).
    pub credential: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// The user's passkeys, oldest first.
pub fn for_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<PasskeyRow>, ServerError> {
    Ok(passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .order((passkeys::created_at.asc(), passkeys::id.asc()))
        .select(PasskeyRow::as_select())
        .load(conn)?)
}

/// How many passkeys the user has.
pub fn count_for_user(conn: &mut DbConnection, user_id: &str) -> Result<i64, ServerError> {
    Ok(passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .count()
        .get_result(conn)?)
}

/// The ids of users with at least one passkey.
pub fn users_with_passkeys(
    conn: &mut DbConnection,
) -> Result<std::collections::HashSet<String>, ServerError> {
    Ok(passkeys::table
        .select(passkeys::user_id)
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// The passkey with this credential id and its active owner.
pub fn by_credential(
    conn: &mut DbConnection,
    credential_id: &str,
) -> Result<Option<(PasskeyRow, UserRow)>, ServerError> {
    Ok(passkeys::table
        .inner_join(users::table)
        .filter(passkeys::credential_id.eq(credential_id))
        .filter(users::active.eq(true))
        .select((PasskeyRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()?)
}

/// True when a passkey with this credential id exists (on any account).
pub fn credential_taken(conn: &mut DbConnection, credential_id: &str) -> Result<bool, ServerError> {
    Ok(passkeys::table
        .filter(passkeys::credential_id.eq(credential_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Adds a passkey.
pub fn insert(conn: &mut DbConnection, row: &PasskeyRow) -> Result<(), ServerError> {
    diesel::insert_into(passkeys::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Records a use: the key's new state (its counter) and when.
pub fn mark_used(
    conn: &mut DbConnection,
    id: &str,
    credential: &str,
    now: i64,
) -> Result<(), ServerError> {
    diesel::update(passkeys::table.find(id))
        .set((
            passkeys::credential.eq(credential),
            passkeys::last_used_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes the user's passkey `id`; the removed row, if it was theirs.
pub fn remove(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
) -> Result<Option<PasskeyRow>, ServerError> {
    let row = passkeys::table
        .filter(passkeys::id.eq(id))
        .filter(passkeys::user_id.eq(user_id))
        .select(PasskeyRow::as_select())
        .first(conn)
        .optional()?;
    if row.is_some() {
        diesel::delete(passkeys::table.find(id)).execute(conn)?;
    }
    Ok(row)
}

/// Removes every passkey of the user; how many.
pub fn remove_all(conn: &mut DbConnection, user_id: &str) -> Result<usize, ServerError> {
    diesel::delete(passkey_ceremonies::table.filter(passkey_ceremonies::user_id.eq(Some(user_id))))
        .execute(conn)?;
    Ok(diesel::delete(passkeys::table.filter(passkeys::user_id.eq(user_id))).execute(conn)?)
}

/// A row of `passkey_ceremonies`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = passkey_ceremonies, treat_none_as_default_value = false)]
pub struct CeremonyRow {
    pub id: String,
    /// `register`, `verify` or `sign_in`.
    pub kind: String,
    pub user_id: Option<String>,
    /// The sign-in challenge a `verify` ceremony belongs to.
    pub challenge_id: Option<String>,
    /// The origin the browser was on (the relying party).
    pub site: String,
    /// webauthn-rs's state as JSON.
    pub state: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Starts a ceremony.
pub fn insert_ceremony(conn: &mut DbConnection, row: &CeremonyRow) -> Result<(), ServerError> {
    diesel::insert_into(passkey_ceremonies::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Takes the live ceremony `id` of `kind` (it is used once): `None` when it
/// is unknown, expired, of another kind, or a parallel request took it.
pub fn take_ceremony(
    conn: &mut DbConnection,
    id: &str,
    kind: &str,
    now: i64,
) -> Result<Option<CeremonyRow>, ServerError> {
    let row = passkey_ceremonies::table
        .filter(passkey_ceremonies::id.eq(id))
        .filter(passkey_ceremonies::kind.eq(kind))
        .filter(passkey_ceremonies::expires_at.gt(now))
        .select(CeremonyRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    let taken = diesel::delete(passkey_ceremonies::table.find(id)).execute(conn)? == 1;
    Ok(taken.then_some(row))
}

/// Deletes expired ceremonies.
pub fn purge_expired(conn: &mut DbConnection, now: i64) -> Result<u64, ServerError> {
    Ok(
        diesel::delete(passkey_ceremonies::table.filter(passkey_ceremonies::expires_at.le(now)))
            .execute(conn)? as u64,
    )
}
