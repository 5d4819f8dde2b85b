//! Outgoing email: the admin's outbox, and the firm's name that signs it.

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
                code => Some(
                    OutboxStatus::from_code(code).ok_or_else(|| AppError::Invalid {
                        field: "status".into(),
                        message: format!(
                            "\"{code}\" is not an outbox status; use one of: {}.",
                            OutboxStatus::ALL.map(|s| s.code()).join(", ")
                        ),
                    })?,
                ),
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
