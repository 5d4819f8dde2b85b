//! Sign-in throttling, kept in the database so every instance sees it.
//!
//! Three counters per attempt:
//! - the (account, client address) pair: five failures lock the pair;
//! - the client address alone: thirty failures lock the address;
//! - the account, from anywhere: past ten failures each attempt on it waits a
//!   growing delay (1 s, 2 s, 4 s ... at most 30 s), which slows guessing
//!   from many addresses but never locks the account.
//!
//! A lock only ever blocks the address that failed, so an attacker elsewhere
//! can never lock a known user out of their own browser; and every lock and
//! delay ends by itself.
//!
//! Only wrong passwords count. An attempt whose password is still being
//! checked holds an *in-flight* place on the pair and address counters, so
//! parallel guesses cannot slip past a limit, but it is not a failure: a
//! correct sign-in never brings an address closer to its lock, and parallel
//! correct sign-ins of one account never wait for each other.

use crate::db::schema::login_throttle;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;

/// When failures on one key turn into a lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Failures within the window that trigger the lock.
    pub max_failures: i32,
    /// Seconds over which failures are counted.
    pub window_secs: i64,
    /// Seconds the lock lasts.
    pub lock_secs: i64,
}

/// Five failures for one account from one address lock that pair for 15 minutes.
pub const ACCOUNT_AT_ADDRESS: Rule = Rule {
    max_failures: 5,
    window_secs: 900,
    lock_secs: 900,
};
/// Thirty failures from one address (any accounts) lock the address for 15 minutes.
pub const ADDRESS: Rule = Rule {
    max_failures: 30,
    window_secs: 900,
    lock_secs: 900,
};

/// Failures counted per account (from any address), never locking it.
pub const ACCOUNT: Rule = Rule {
    max_failures: i32::MAX,
    window_secs: 900,
    lock_secs: 0,
};
/// Account failures within the window before attempts start to wait.
pub const ACCOUNT_DELAY_AFTER: i32 = 10;
/// The longest wait per attempt, in seconds.
pub const ACCOUNT_DELAY_MAX_SECS: u64 = 30;

/// The throttle keys of an attempt on `email` from `ip`.
pub fn keys(email: &str, ip: &str) -> [(String, Rule); 3] {
    [
        (format!("account-at:{email}|{ip}"), ACCOUNT_AT_ADDRESS),
        (format!("address:{ip}"), ADDRESS),
        (format!("account:{email}"), ACCOUNT),
    ]
}

/// Three reset links per account in 15 minutes, then none for 15 minutes.
pub const RESET_ACCOUNT: Rule = Rule {
    max_failures: 3,
    window_secs: 900,
    lock_secs: 900,
};
/// Ten reset requests from one address in 15 minutes, then none for 15 minutes.
pub const RESET_ADDRESS: Rule = Rule {
    max_failures: 10,
    window_secs: 900,
    lock_secs: 900,
};

/// The throttle keys of a password reset request for `email` from `ip`
/// (counted whether or not the account exists).
pub fn reset_keys(email: &str, ip: &str) -> [(String, Rule); 2] {
    [
        (format!("reset-account:{email}"), RESET_ACCOUNT),
        (format!("reset-address:{ip}"), RESET_ADDRESS),
    ]
}

/// Counts one request on each key, or refuses it with the seconds until
/// the lock ends. Call inside a write transaction after [`serialize`].
pub fn count_request(
    conn: &mut DbConnection,
    keys: &[(String, Rule)],
    now: i64,
) -> Result<Result<(), u64>, ServerError> {
    if let Some(retry_after_secs) = locked_for(conn, keys, now)? {
        return Ok(Err(retry_after_secs));
    }
    record_failure(conn, keys, now)?;
    Ok(Ok(()))
}

/// Seconds an attempt on `email` waits before its password is checked.
pub fn account_delay(conn: &mut DbConnection, email: &str, now: i64) -> Result<u64, ServerError> {
    let failures: Option<i32> = login_throttle::table
        .find(format!("account:{email}"))
        .filter(login_throttle::window_started_at.gt(now - ACCOUNT.window_secs))
        .select(login_throttle::failures)
        .first(conn)
        .optional()?;
    Ok(delay_for(failures.unwrap_or(0)))
}

/// The wait after `failures` account failures: none below the threshold,
/// then doubling from one second up to the cap.
pub fn delay_for(failures: i32) -> u64 {
    if failures < ACCOUNT_DELAY_AFTER {
        return 0;
    }
    let doublings = (failures - ACCOUNT_DELAY_AFTER).min(16) as u32;
    (1u64 << doublings).min(ACCOUNT_DELAY_MAX_SECS)
}

#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug)]
#[diesel(table_name = login_throttle)]
struct ThrottleRow {
    key: String,
    failures: i32,
    window_started_at: i64,
    locked_until: i64,
    in_flight: i32,
}

/// Seconds an attempt is told to wait when every remaining place under a
/// limit is held by attempts still being checked.
pub const IN_FLIGHT_RETRY_SECS: u64 = 2;

/// Starts an attempt: refuses it while a lock is in force or while attempts
/// in flight could use up what is left under a limit, else holds an
/// in-flight place on each locking counter. Call inside a write transaction
/// after [`serialize`]; settle with [`failed`], [`succeeded`] or [`abandoned`].
pub fn begin(
    conn: &mut DbConnection,
    keys: &[(String, Rule)],
    now: i64,
) -> Result<Result<(), u64>, ServerError> {
    if let Some(retry_after_secs) = locked_for(conn, keys, now)? {
        return Ok(Err(retry_after_secs));
    }
    let mut rows = Vec::new();
    for (key, rule) in keys.iter().filter(|(_, rule)| locks(*rule)) {
        let row = current(conn, key, *rule, now)?;
        if row.failures + row.in_flight >= rule.max_failures {
            return Ok(Err(IN_FLIGHT_RETRY_SECS));
        }
        rows.push(row);
    }
    for mut row in rows {
        row.in_flight += 1;
        upsert(conn, &row)?;
    }
    Ok(Ok(()))
}

/// Settles an attempt whose password was wrong: its in-flight place is
/// given back and a failure counted on every key.
pub fn failed(
    conn: &mut DbConnection,
    keys: &[(String, Rule)],
    now: i64,
) -> Result<(), ServerError> {
    abandoned(conn, keys)?;
    record_failure(conn, keys, now)
}

/// Settles an attempt that signed in: its in-flight place is given back and
/// the (account, address) pair's failures are cleared. The address and the
/// account keep what others failed.
pub fn succeeded(conn: &mut DbConnection, keys: &[(String, Rule)]) -> Result<(), ServerError> {
    abandoned(conn, keys)?;
    if let Some((pair, _)) = keys.first() {
        diesel::update(login_throttle::table.find(pair))
            .set(login_throttle::failures.eq(0))
            .execute(conn)?;
    }
    Ok(())
}

/// Settles an attempt that ended without an answer (a server failure): it
/// gives back its in-flight place and counts nothing.
pub fn abandoned(conn: &mut DbConnection, keys: &[(String, Rule)]) -> Result<(), ServerError> {
    let names: Vec<&str> = keys
        .iter()
        .filter(|(_, rule)| locks(*rule))
        .map(|(k, _)| k.as_str())
        .collect();
    diesel::update(
        login_throttle::table
            .filter(login_throttle::key.eq_any(names))
            .filter(login_throttle::in_flight.gt(0)),
    )
    .set(login_throttle::in_flight.eq(login_throttle::in_flight - 1))
    .execute(conn)?;
    Ok(())
}

/// Whether a rule ever locks (the account rule only delays).
fn locks(rule: Rule) -> bool {
    rule.max_failures < i32::MAX
}

/// The key's row as it counts now: a window that is over starts afresh, and
/// so do in-flight places it held (an attempt cut short by a crash).
fn current(
    conn: &mut DbConnection,
    key: &str,
    rule: Rule,
    now: i64,
) -> Result<ThrottleRow, ServerError> {
    let existing: Option<ThrottleRow> = login_throttle::table
        .find(key)
        .select(ThrottleRow::as_select())
        .first(conn)
        .optional()?;
    Ok(match existing {
        Some(row) if now - row.window_started_at < rule.window_secs => row,
        Some(row) => ThrottleRow {
            failures: 0,
            window_started_at: now,
            in_flight: 0,
            ..row
        },
        None => ThrottleRow {
            key: key.to_string(),
            failures: 0,
            window_started_at: now,
            locked_until: 0,
            in_flight: 0,
        },
    })
}

fn upsert(conn: &mut DbConnection, row: &ThrottleRow) -> Result<(), ServerError> {
    let updated = diesel::update(login_throttle::table.find(&row.key))
        .set((
            login_throttle::failures.eq(row.failures),
            login_throttle::window_started_at.eq(row.window_started_at),
            login_throttle::in_flight.eq(row.in_flight),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(login_throttle::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Seconds until the latest lock on any of `keys` ends, if one is in force.
pub fn locked_for(
    conn: &mut DbConnection,
    keys: &[(String, Rule)],
    now: i64,
) -> Result<Option<u64>, ServerError> {
    let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    let until: Option<i64> = login_throttle::table
        .filter(login_throttle::key.eq_any(names))
        .filter(login_throttle::locked_until.gt(now))
        .select(diesel::dsl::max(login_throttle::locked_until))
        .first(conn)?;
    Ok(until.map(|u| (u - now).max(1) as u64))
}

/// Counts a failure on each key, locking any that reach their rule's limit.
fn record_failure(
    conn: &mut DbConnection,
    keys: &[(String, Rule)],
    now: i64,
) -> Result<(), ServerError> {
    for (key, rule) in keys {
        let existing: Option<ThrottleRow> = login_throttle::table
            .find(key)
            .select(ThrottleRow::as_select())
            .first(conn)
            .optional()?;
        let next = next_state(
            existing.as_ref().map(|r| (r.failures, r.window_started_at)),
            *rule,
            now,
        );
        let row = ThrottleRow {
            key: key.clone(),
            failures: next.0,
            window_started_at: next.1,
            locked_until: next.2,
            in_flight: existing.as_ref().map_or(0, |r| r.in_flight),
        };
        match existing {
            Some(old) => {
                let locked_until = row.locked_until.max(old.locked_until);
                diesel::update(login_throttle::table.find(key))
                    .set((
                        login_throttle::failures.eq(row.failures),
                        login_throttle::window_started_at.eq(row.window_started_at),
                        login_throttle::locked_until.eq(locked_until),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(login_throttle::table)
                    .values(&row)
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Serialises throttle updates across PostgreSQL connections and instances
/// for the rest of the transaction (SQLite's write transaction already does).
pub fn serialize(conn: &mut DbConnection) -> Result<(), ServerError> {
    use diesel::connection::SimpleConnection;
    if let DbConnection::Postgresql(_) = conn {
        conn.batch_execute(&format!(
            "SELECT pg_advisory_xact_lock({THROTTLE_LOCK_KEY})"
        ))?;
    }
    Ok(())
}

/// Rows whose window and lock are both over: safe to delete.
pub fn purge_stale(conn: &mut DbConnection, now: i64) -> Result<u64, ServerError> {
    let oldest_window = ACCOUNT
        .window_secs
        .max(ADDRESS.window_secs)
        .max(ACCOUNT_AT_ADDRESS.window_secs);
    let n = diesel::delete(
        login_throttle::table
            .filter(login_throttle::window_started_at.lt(now - oldest_window))
            .filter(login_throttle::locked_until.lt(now)),
    )
    .execute(conn)?;
    Ok(n as u64)
}

/// PostgreSQL advisory lock key for throttle updates.
const THROTTLE_LOCK_KEY: i64 = 0x7669_7361_7468_726f; // "visathro"

/// (failures, window start, locked until) after one more failure.
fn next_state(current: Option<(i32, i64)>, rule: Rule, now: i64) -> (i32, i64, i64) {
    let (failures, started) = match current {
        Some((f, started)) if now - started < rule.window_secs => (f + 1, started),
        _ => (1, now),
    };
    if failures >= rule.max_failures {
        // Locked: counting starts afresh once the lock ends.
        (0, now, now + rule.lock_secs)
    } else {
        (failures, started, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_in_the_window_locks_for_fifteen_minutes() {
        let mut state = None;
        for i in 1..=4 {
            let (f, s, locked) = next_state(state, ACCOUNT_AT_ADDRESS, 1000 + i);
            assert_eq!((f, locked), (i as i32, 0));
            state = Some((f, s));
        }
        assert_eq!(
            next_state(state, ACCOUNT_AT_ADDRESS, 1005),
            (0, 1005, 1005 + 900)
        );
    }

    #[test]
    fn failures_outside_the_window_start_a_new_count() {
        assert_eq!(
            next_state(Some((4, 0)), ACCOUNT_AT_ADDRESS, 900),
            (1, 900, 0)
        );
    }

    #[test]
    fn keys_pair_the_account_with_the_address() {
        let k = keys("ana@firm.example", "10.0.0.1");
        assert_eq!(k[0].0, "account-at:ana@firm.example|10.0.0.1");
        assert_eq!(k[1].0, "address:10.0.0.1");
        assert_eq!(k[2].0, "account:ana@firm.example");
    }

    #[test]
    fn the_account_counter_never_locks() {
        let mut state = None;
        for i in 0..1000 {
            let (f, s, locked) = next_state(state, ACCOUNT, 1000 + i);
            assert_eq!(locked, 0);
            state = Some((f, s));
        }
    }

    #[test]
    fn account_delays_grow_from_one_second_to_the_cap() {
        assert_eq!(delay_for(0), 0);
        assert_eq!(delay_for(9), 0);
        assert_eq!(delay_for(10), 1);
        assert_eq!(delay_for(11), 2);
        assert_eq!(delay_for(14), 16);
        assert_eq!(delay_for(15), 30);
        assert_eq!(delay_for(i32::MAX), 30);
    }
}
