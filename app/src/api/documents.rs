//! Document review, the applicant portal, and portal invitations. (The
//! bytes themselves go through the server's plain upload and download
//! endpoints: see `domain::document::upload_path`.)

use crate::domain::checklist::ChecklistItem;
use crate::domain::document::{InvitationInfo, NewInvitation, Portal};
use crate::domain::{ClientId, DocumentId, InvitationToken};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{backend, request_source, require, respond, viewer};
#[cfg(feature = "ssr")]
use crate::domain::Permission;

/// Accepts the newest version of a checklist item's document, or rejects
/// it with a reason the applicant will see.
#[server(prefix = "/api", endpoint = "review_document")]
pub async fn review_document(
    document_id: DocumentId,
    accept: bool,
    reason: Option<String>,
) -> Result<ChecklistItem, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditCases).await?;
            backend()?
                .review_document(&actor, &document_id, accept, reason.unwrap_or_default())
                .await
        }
        .await,
    )
}

/// The signed-in applicant's portal: their own cases only.
#[server(prefix = "/api", endpoint = "portal")]
pub async fn portal_data() -> Result<Portal, AppError> {
    respond(
        async move {
            let viewer = viewer().ok_or(AppError::NotSignedIn)?;
            backend()?.portal(&viewer).await
        }
        .await,
    )
}

/// Makes a one-time portal link for a client (valid 7 days, single use).
#[server(prefix = "/api", endpoint = "invite_applicant")]
pub async fn invite_applicant(client_id: ClientId) -> Result<NewInvitation, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditClients).await?;
            backend()?.invite_applicant(&actor, &client_id).await
        }
        .await,
    )
}

/// What an invitation link's page shows; needs no session (the token is the key).
#[server(prefix = "/api", endpoint = "invitation_details")]
pub async fn invitation_details(token: InvitationToken) -> Result<InvitationInfo, AppError> {
    respond(async move { backend()?.invitation_info(&token).await }.await)
}

/// Uses an invitation: sets the password, signs in, and returns where to go.
#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: InvitationToken,
    password: String,
    confirm: String,
) -> Result<String, AppError> {
    respond(
        async move {
            if password != confirm {
                return Err(AppError::invalid(
                    "confirm",
                    crate::domain::problem::Problem::PasswordsDiffer,
                ));
            }
            let backend = backend()?;
            let policy = backend.cookie_policy();
            let signed_in = backend
                .accept_invitation(&token, password, request_source())
                .await?;
            Ok(super::context::finish_sign_in(
                &signed_in, &policy, "/portal",
            ))
        }
        .await,
    )
}
