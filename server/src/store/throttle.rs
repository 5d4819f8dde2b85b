//! Sign-in throttling, kept in the database so every instance sees it.
//!
//! Two counters per attempt: the (account, client address) pair and the
//! client address alone. A lock only ever blocks the address that failed, so
//! an attacker elsewhere can never lock a known user out of their own
//! browser; and every lock ends by itself.

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

/// The throttle keys of an attempt on `email` from `ip`.
pub fn keys(email: &str, ip: &str) -> [(String, Rule); 2] {
    [
        (format!("account-at:{email}|{ip}"), ACCOUNT_AT_ADDRESS),
        (format!("address:{ip}"), ADDRESS),
    ]
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

/// Forgets the failures on `key` (after a successful sign-in).
pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), ServerError> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}

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
    }
}
