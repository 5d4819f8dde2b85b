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
/// Call inside a write transaction.
pub fn record_failure(
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

/// Takes back the failure counted up front for a sign-in that succeeded:
/// the (account, address) pair is cleared, the other counters lose one.
pub fn forgive(conn: &mut DbConnection, keys: &[(String, Rule)]) -> Result<(), ServerError> {
    if let Some((pair, _)) = keys.first() {
        diesel::delete(login_throttle::table.find(pair)).execute(conn)?;
    }
    let others: Vec<&str> = keys.iter().skip(1).map(|(k, _)| k.as_str()).collect();
    diesel::update(
        login_throttle::table
            .filter(login_throttle::key.eq_any(others))
            .filter(login_throttle::failures.gt(0)),
    )
    .set(login_throttle::failures.eq(login_throttle::failures - 1))
    .execute(conn)?;
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
