//! `known_browsers`: the browsers each account has signed in from.

use crate::db::schema::known_browsers;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;

/// What a sign-in from a browser was to its account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Signed in from before.
    Known,
    /// Not seen before; `first` when the account had no browser at all.
    New { first: bool },
}

/// Records a sign-in by `user_id` from the browser whose token has this
/// digest, and says whether it was known.
pub fn remember(
    conn: &mut DbConnection,
    user_id: &str,
    token_hash: &str,
    user_agent: &str,
    now: i64,
) -> Result<Seen, ServerError> {
    let known = diesel::update(
        known_browsers::table
            .filter(known_browsers::user_id.eq(user_id))
            .filter(known_browsers::token_hash.eq(token_hash)),
    )
    .set(known_browsers::last_seen.eq(now))
    .execute(conn)?
        > 0;
    if known {
        return Ok(Seen::Known);
    }
    let before: i64 = known_browsers::table
        .filter(known_browsers::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    diesel::insert_into(known_browsers::table)
        .values((
            known_browsers::id.eq(uuid::Uuid::new_v4().to_string()),
            known_browsers::user_id.eq(user_id),
            known_browsers::token_hash.eq(token_hash),
            known_browsers::user_agent.eq(user_agent),
            known_browsers::first_seen.eq(now),
            known_browsers::last_seen.eq(now),
        ))
        .execute(conn)?;
    Ok(Seen::New { first: before == 0 })
}
