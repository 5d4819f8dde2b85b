//! The implementation of `app`'s backend port on diesel and argon2.

mod access;
mod accounts;
mod audit_trail;
mod calendar_feed;
mod case_records;
mod case_work;
mod client_records;
mod delivery;
pub mod documents;
mod eligibility;
mod messages;
mod notices;
mod outbox;
mod passkeys;
mod password_reset;
mod second_factor;
mod sign_in_step;
mod user_admin;

use crate::auth::now;
use crate::auth::password::Passwords;
use crate::config::Config;
use crate::db::{Db, DbConnection};
use crate::error::ServerError;
use crate::store::audit::{self, Entry};
use crate::store::sessions::{self};
use crate::store::{throttle, users};
use std::sync::Arc;
use tokio::sync::Semaphore;
use visadesk_app::api::port::Actor;
use visadesk_app::domain::CurrentUser;
use visadesk_app::AppError;

/// How many argon2 runs may happen at once: twice the cores.
fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() * 2)
}

/// Who an audit entry is by.
#[derive(Clone, Debug)]
pub struct By {
    pub id: Option<String>,
    pub email: String,
    pub ip: String,
}

impl By {
    /// Work done by Visadesk itself or its command line, e.g. "create-admin".
    pub fn system(what: &str) -> By {
        By {
            id: None,
            email: format!("system: {what}"),
            ip: String::new(),
        }
    }

    fn actor(actor: &Actor) -> By {
        By {
            id: Some(actor.user.user_id.to_string()),
            email: actor.user.email.clone(),
            ip: actor.source.ip.clone(),
        }
    }

    fn entry(&self, action: &str, object_type: &str, object_id: &str, summary: String) -> Entry {
        Entry {
            actor_id: self.id.clone(),
            actor_email: self.email.clone(),
            action: action.into(),
            object_type: object_type.into(),
            object_id: object_id.into(),
            summary,
            ip: self.ip.clone(),
        }
    }
}

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "visadesk_session";
/// A session's `last_seen_at` is refreshed at most this often, in seconds.
const TOUCH_EVERY_SECS: i64 = 60;

/// Accounts and sessions on the database.
#[derive(Clone)]
pub struct VisadeskBackend {
    db: Db,
    passwords: Passwords,
    hashing: Arc<Semaphore>,
    idle_secs: i64,
    max_age_secs: i64,
    secure_cookie: bool,
    documents: crate::documents::pipeline::Documents,
    mail: crate::mail::MailSettings,
    /// The firm's security settings until an admin saves some.
    security_default: visadesk_app::domain::second_factor::SecurityPolicy,
    /// Email people about sign-ins from browsers not seen before.
    new_browser_emails: bool,
    /// Hours between scheduled document scrubs (0: none).
    scrub_every_hours: u64,
}

impl VisadeskBackend {
    /// What opening a session needs (sign_in_step).
    fn session_terms(&self) -> sign_in_step::Terms {
        sign_in_step::Terms {
            max_age: self.max_age_secs,
            mail: self.mail.clone(),
            new_browser_emails: self.new_browser_emails,
        }
    }

    /// Builds the backend from the configuration.
    pub fn new(db: Db, config: &Config) -> Result<Self, ServerError> {
        if config.session_idle_minutes < 1 || config.session_max_hours < 1 {
            return Err(ServerError::Config(
                "VISADESK_SESSION_IDLE_MINUTES and VISADESK_SESSION_MAX_HOURS must be at least 1"
                    .into(),
            ));
        }
        let second_factor = visadesk_app::domain::second_factor::SecondFactorRule::from_code(
            config.second_factor_default.trim(),
        )
        .ok_or_else(|| {
            ServerError::Config(format!(
                "VISADESK_SECOND_FACTOR_DEFAULT must be optional, admins, staff or everyone; got \"{}\"",
                config.second_factor_default
            ))
        })?;
        Ok(VisadeskBackend {
            security_default: visadesk_app::domain::second_factor::SecurityPolicy {
                second_factor,
                passkey_sign_in: false,
            },
            db,
            passwords: Passwords::new(config.argon2_memory_kib, config.argon2_iterations)?,
            hashing: Arc::new(Semaphore::new(hashing_slots())),
            idle_secs: config.session_idle_minutes * 60,
            max_age_secs: config.session_max_hours * 3600,
            new_browser_emails: config.new_browser_emails,
            scrub_every_hours: config.scrub_every_hours,
            secure_cookie: config.https(),
            documents: crate::documents::open(config)?,
            mail: crate::mail::MailSettings::from_config(config),
        })
    }

    /// Document storage, keys and limits.
    pub fn documents(&self) -> &crate::documents::pipeline::Documents {
        &self.documents
    }

    /// Runs `work` in one write transaction as `actor` (whose viewer the
    /// object checks use and who the audit trail names), at the time now.
    async fn write_as<T: Send + 'static>(
        &self,
        actor: &Actor,
        work: impl FnOnce(&mut DbConnection, &CurrentUser, &By, i64) -> Result<T, ServerError>
            + Send
            + 'static,
    ) -> Result<T, AppError> {
        let (viewer, by) = (actor.user.clone(), By::actor(actor));
        Ok(self
            .db
            .write(move |conn| work(conn, &viewer, &by, now()))
            .await?)
    }

    /// The backend of a server listening on `local`: without a public URL,
    /// links in emails point there.
    pub fn listening_on(mut self, config: &Config, local: std::net::SocketAddr) -> Self {
        if config.public_url.is_none() {
            self.mail = crate::mail::MailSettings::for_address(config, local);
            tracing::warn!(links = %self.mail.public_base, "VISADESK_PUBLIC_URL is not set: links in emails point at this address");
        }
        self
    }

    /// What every email needs to know about this install.
    pub fn mail(&self) -> &crate::mail::MailSettings {
        &self.mail
    }

    /// The database this backend uses.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Deletes expired sessions, stale throttle rows, expired reset links
    /// and sent email older than 30 days; returns how many.
    pub async fn purge(&self) -> Result<u64, ServerError> {
        let idle = self.idle_secs;
        self.db
            .run(move |conn| {
                let now = now();
                Ok(sessions::purge_expired(conn, now, idle)?
                    + throttle::purge_stale(conn, now)?
                    + crate::store::password_resets::purge_expired(conn, now - 86_400)?
                    + crate::store::outbox::purge_sent(conn, now - 30 * 86_400)?
                    + crate::store::second_factors::purge_expired(conn, now)?
                    + crate::store::passkeys::purge_expired(conn, now)?)
            })
            .await
    }

    /// Number of users in the database.
    pub async fn user_count(&self) -> Result<i64, ServerError> {
        self.db.run(users::count).await
    }

    /// Appends an audit entry in its own transaction; a failure is logged,
    /// never shown (the request it records has already been answered).
    async fn audit_best_effort(&self, entry: Entry) {
        let result = self
            .db
            .write(move |conn| audit::append(conn, entry, now()))
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "could not write an audit entry");
        }
    }

    /// Runs argon2 work on the blocking pool, at most a few at a time, so a
    /// burst of sign-ins cannot exhaust memory (each run takes ~19 MiB).
    async fn with_hasher<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Passwords) -> Result<T, ServerError> + Send + 'static,
    ) -> Result<T, ServerError> {
        let _permit = self
            .hashing
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ServerError::Blocking(e.to_string()))?;
        let passwords = self.passwords.clone();
        actix_web::rt::task::spawn_blocking(move || work(&passwords))
            .await
            .map_err(|e| ServerError::Blocking(e.to_string()))?
    }
}
