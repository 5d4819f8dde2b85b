//! Email: letters are queued in the outbox inside the transaction of the
//! change that causes them ([`queue`]), and the [`worker`] delivers them over
//! SMTP ([`smtp`]). Without an SMTP server, mail waits in the outbox.

pub mod compose;
pub mod smtp;
pub mod worker;

use crate::config::Config;
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::outbox::{self, OutboxRow};
use compose::Letter;
use visadesk_app::domain::mail::{one_line, MailCategory, OutboxStatus};
use visadesk_app::domain::{OutboxId, UserId};

/// What every email needs to know about this install.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// The address people use, without a trailing slash; links start with it.
    pub public_base: String,
    /// The domain part of every `Message-ID`.
    pub message_domain: String,
    /// Whether an SMTP server is set (else mail waits in the outbox).
    pub smtp_configured: bool,
}

impl MailSettings {
    /// From the configuration: the public URL, else the configured address.
    pub fn from_config(config: &Config) -> MailSettings {
        Self::for_address(config, config.addr)
    }

    /// From the configuration: the public URL, else `http://` and `addr`.
    pub fn for_address(config: &Config, addr: std::net::SocketAddr) -> MailSettings {
        let public_base = config
            .public_url
            .as_deref()
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| format!("http://{addr}"));
        let message_domain = public_base
            .split_once("://")
            .map_or(public_base.as_str(), |(_, rest)| rest)
            .split(['/', ':'])
            .next()
            .filter(|h| !h.is_empty())
            .unwrap_or("visadesk.invalid")
            .to_ascii_lowercase();
        MailSettings {
            public_base,
            message_domain,
            smtp_configured: config.smtp_url().is_some(),
        }
    }

    /// The absolute link to `path` (which starts with `/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_base)
    }
}

/// An email to queue.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub category: MailCategory,
    pub recipient_id: Option<UserId>,
    pub to_address: String,
    pub to_name: String,
    pub letter: Letter,
    /// The body holds a single-use link: the admin page will not show it.
    pub sensitive: bool,
}

/// Writes an email to the outbox, due now. Call inside the transaction of
/// the change it reports, so that both happen or neither does.
pub fn queue(
    conn: &mut DbConnection,
    settings: &MailSettings,
    mail: Outgoing,
    now: i64,
) -> Result<OutboxId, ServerError> {
    let id = uuid::Uuid::now_v7().to_string();
    let row = OutboxRow {
        message_id: format!("<{}@{}>", uuid::Uuid::new_v4(), settings.message_domain),
        id: id.clone(),
        category: mail.category.code().into(),
        recipient_id: mail.recipient_id.map(String::from),
        to_address: one_line(&mail.to_address),
        to_name: one_line(&mail.to_name),
        subject: one_line(&mail.letter.subject),
        text_body: mail.letter.text,
        html_body: mail.letter.html,
        sensitive: mail.sensitive,
        status: OutboxStatus::Queued.code().into(),
        attempts: 0,
        next_attempt_at: now,
        lease_until: None,
        leased_by: String::new(),
        last_error: String::new(),
        created_at: now,
        sent_at: None,
    };
    outbox::insert(conn, &row)?;
    tracing::debug!(outbox = %id, category = mail.category.code(), "email queued");
    Ok(OutboxId::new(id))
}
