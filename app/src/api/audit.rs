//! The audit trail and the document scrub's findings, for admins.

use crate::domain::audit::AuditEvent;
use crate::domain::scrub::ScrubStatus;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{backend, require, respond};
#[cfg(feature = "ssr")]
use crate::domain::{audit::AuditFilter, Permission};

/// A page of audit events, newest first. `actor` matches part of the actor's
/// email, `action` the start of the action, `object` an object id exactly;
/// `before_seq` pages back.
#[server(prefix = "/api", endpoint = "audit_events")]
pub async fn audit_events(
    actor: Option<String>,
    action: Option<String>,
    object: Option<String>,
    before_seq: Option<i64>,
) -> Result<Vec<AuditEvent>, AppError> {
    respond(
        async move {
            let asker = require(Permission::ViewAudit).await?;
            let clip = |s: Option<String>| s.map(|s| s.chars().take(200).collect::<String>());
            let filter = AuditFilter {
                actor: clip(actor),
                action: clip(action),
                object: clip(object),
                before_seq,
            };
            backend()?.audit_events(&asker.user, filter).await
        }
        .await,
    )
}

/// The document scrub's last run (what it checked and found) and how often
/// it runs.
#[server(prefix = "/api", endpoint = "last_scrub")]
pub async fn last_scrub() -> Result<ScrubStatus, AppError> {
    respond(
        async move {
            let asker = require(Permission::ViewAudit).await?;
            backend()?.scrub_status(&asker.user).await
        }
        .await,
    )
}
