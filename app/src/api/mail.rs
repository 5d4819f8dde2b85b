//! Outgoing email: the admin's outbox, the firm's name that signs it, when
//! the daily digest goes out, and each person's own email choices.

use crate::domain::delivery::{DigestSchedule, MailChoices, MailPreferences};
use crate::domain::mail::{FirmProfile, OutboxEntry, OutboxMessage, OutboxPage};
use crate::domain::OutboxId;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{backend, require, respond};
#[cfg(feature = "ssr")]
use crate::domain::mail::OutboxStatus;
#[cfg(feature = "ssr")]
use crate::domain::Permission;

/// A page of the outbox, newest first; `status` is a status code or empty for all.
#[server(prefix = "/api", endpoint = "list_outbox")]
pub async fn list_outbox(status: String, page: i64) -> Result<OutboxPage, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOutbox).await?;
            let status = match status.trim() {
                "" => None,
                code => Some(OutboxStatus::from_code(code).ok_or_else(|| {
                    AppError::invalid(
                        "status",
                        crate::domain::problem::Problem::Unknown {
                            thing: crate::domain::problem::Thing::OutboxStatus,
                            value: code.chars().take(40).collect(),
                            choices: OutboxStatus::ALL.map(|s| s.code().to_string()).to_vec(),
                        },
                    )
                })?),
            };
            backend()?.outbox(&actor.user, status, page.max(0)).await
        }
        .await,
    )
}

/// One email of the outbox.
#[server(prefix = "/api", endpoint = "read_outbox_message")]
pub async fn read_outbox_message(id: OutboxId) -> Result<OutboxMessage, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOutbox).await?;
            backend()?.outbox_message(&actor.user, &id).await
        }
        .await,
    )
}

/// Queues a failed email again.
#[server(prefix = "/api", endpoint = "retry_outbox")]
pub async fn retry_outbox(id: OutboxId) -> Result<OutboxEntry, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOutbox).await?;
            backend()?.retry_outbox(&actor, &id).await
        }
        .await,
    )
}

/// The firm's name as emails show it.
#[server(prefix = "/api", endpoint = "load_firm_profile")]
pub async fn load_firm_profile() -> Result<FirmProfile, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditFirmSettings).await?;
            backend()?.firm_profile(&actor.user).await
        }
        .await,
    )
}

/// Renames the firm in emails, and chooses whether message emails quote
/// the message (a checkbox: present means yes).
#[server(prefix = "/api", endpoint = "save_firm_profile")]
pub async fn save_firm_profile(
    name: String,
    message_text_in_email: Option<String>,
) -> Result<FirmProfile, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditFirmSettings).await?;
            backend()?
                .save_firm_profile(
                    &actor,
                    FirmProfile {
                        name,
                        message_text_in_email: message_text_in_email.is_some(),
                    },
                )
                .await
        }
        .await,
    )
}

/// The caller's own email choices (every role has some).
#[server(prefix = "/api", endpoint = "my_mail_preferences")]
pub async fn my_mail_preferences() -> Result<MailPreferences, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOwnSessions).await?;
            backend()?.mail_preferences(&actor.user).await
        }
        .await,
    )
}

/// Saves the caller's email choices, sent as `choices[<category>]=<delivery>`.
#[server(prefix = "/api", endpoint = "save_mail_preferences")]
pub async fn save_mail_preferences(
    #[server(default)] choices: MailChoices,
) -> Result<MailPreferences, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOwnSessions).await?;
            backend()?.save_mail_preferences(&actor, choices).await
        }
        .await,
    )
}

/// When the firm's daily digest goes out.
#[server(prefix = "/api", endpoint = "load_digest_schedule")]
pub async fn load_digest_schedule() -> Result<DigestSchedule, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditFirmSettings).await?;
            backend()?.digest_schedule(&actor.user).await
        }
        .await,
    )
}

/// Sets the hour (0 to 23) and the time zone of the firm's daily digest.
#[server(prefix = "/api", endpoint = "save_digest_schedule")]
pub async fn save_digest_schedule(time_zone: String, hour: u8) -> Result<DigestSchedule, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditFirmSettings).await?;
            backend()?
                .save_digest_schedule(&actor, DigestSchedule { time_zone, hour })
                .await
        }
        .await,
    )
}
