//! The mail worker: claims due outbox rows, sends them, and records what
//! happened. A failed attempt is retried after a growing delay (the base,
//! then twice, four times ... at most six hours); after the last attempt
//! the row is failed and waits for an admin.

use super::smtp::Smtp;
use crate::auth::now;
use crate::db::Db;
use crate::error::ServerError;
use crate::store::{outbox, settings};
use std::time::Duration;

/// When failed attempts are tried again, and how many there are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Seconds before the second attempt; each later wait doubles.
    pub base_secs: i64,
    /// Attempts before the row is failed.
    pub max_attempts: i32,
}

/// The longest wait between two attempts.
pub const MAX_RETRY_DELAY_SECS: i64 = 6 * 3600;

impl RetryPolicy {
    /// When to try again after `attempts` attempts have failed, or `None`
    /// when that was the last.
    pub fn next_attempt(&self, attempts: i32, now: i64) -> Option<i64> {
        if attempts >= self.max_attempts {
            return None;
        }
        let doublings = (attempts.max(1) - 1).min(30) as u32;
        let delay = self
            .base_secs
            .saturating_mul(1i64 << doublings)
            .min(MAX_RETRY_DELAY_SECS);
        Some(now + delay)
    }
}

/// What the worker needs: the database, the SMTP server and its timings.
#[derive(Clone)]
pub struct Worker {
    pub db: Db,
    pub smtp: Smtp,
    /// This instance's name in leases.
    pub name: String,
    pub retry: RetryPolicy,
    /// How long a claim lasts: longer than an SMTP conversation may take.
    pub lease_secs: i64,
    /// How often to look for due rows when there were none.
    pub poll: Duration,
    /// Rows claimed at once.
    pub batch: i64,
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

impl Worker {
    /// Runs forever: a pass, then (when nothing was due) a pause.
    pub async fn run(self) {
        tracing::info!(smtp = %self.smtp.describe(), worker = %self.name, "mail worker started");
        loop {
            match self.pass().await {
                Ok(pass) if pass.sent + pass.retrying + pass.failed > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the mail worker could not read the outbox"),
            }
            actix_web::rt::time::sleep(self.poll).await;
        }
    }

    /// Claims one batch of due rows and sends each.
    pub async fn pass(&self) -> Result<Pass, ServerError> {
        let (name, lease) = (self.name.clone(), self.lease_secs);
        let batch = self.batch;
        let (rows, firm) = self
            .db
            .write(move |conn| {
                let t = now();
                let rows = outbox::claim(conn, &name, t, t + lease, batch)?;
                let firm = if rows.is_empty() {
                    String::new()
                } else {
                    settings::firm(conn)?.name
                };
                Ok((rows, firm))
            })
            .await?;
        let mut pass = Pass::default();
        for row in rows {
            let result = match self.smtp.message(&row, &firm) {
                Ok(message) => self.smtp.send(message).await,
                Err(e) => Err(e),
            };
            let (id, name, attempts) = (row.id.clone(), self.name.clone(), row.attempts);
            match result {
                Ok(()) => {
                    let held = self
                        .db
                        .write(move |conn| outbox::mark_sent(conn, &id, &name, now()))
                        .await?;
                    if !held {
                        tracing::warn!(outbox = %row.id, "an email was sent after its lease ran out");
                    }
                    tracing::info!(outbox = %row.id, category = %row.category, attempt = attempts, "email sent");
                    pass.sent += 1;
                }
                Err(error) => {
                    let retry_at = self.retry.next_attempt(attempts, now());
                    let message = clip(&error, 500);
                    let logged = message.clone();
                    self.db
                        .write(move |conn| {
                            outbox::mark_attempt_failed(conn, &id, &name, &message, retry_at)
                        })
                        .await?;
                    match retry_at {
                        Some(at) => {
                            pass.retrying += 1;
                            tracing::warn!(outbox = %row.id, attempt = attempts, retry_in_secs = at - now(), error = %logged, "email not sent; will retry");
                        }
                        None => {
                            pass.failed += 1;
                            tracing::error!(outbox = %row.id, attempts, error = %logged, "email failed after its last attempt");
                        }
                    }
                }
            }
        }
        Ok(pass)
    }
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_then_the_row_fails() {
        let policy = RetryPolicy {
            base_secs: 60,
            max_attempts: 8,
        };
        assert_eq!(policy.next_attempt(1, 0), Some(60));
        assert_eq!(policy.next_attempt(2, 0), Some(120));
        assert_eq!(policy.next_attempt(4, 0), Some(480));
        assert_eq!(policy.next_attempt(8, 0), None);
        let slow = RetryPolicy {
            base_secs: 3600,
            max_attempts: 20,
        };
        assert_eq!(slow.next_attempt(19, 0), Some(MAX_RETRY_DELAY_SECS));
    }
}
