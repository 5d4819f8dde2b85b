//! Passkeys: registering and removing one's own, the passkey step of a
//! sign-in, and signing in with a passkey alone. The browser's part is in
//! `components::passkeys`; credentials travel as the JSON the browser's
//! `PublicKeyCredential.toJSON()` writes.

use crate::domain::second_factor::{PasskeyAdded, PasskeyCeremony};
use crate::domain::{CeremonyId, PasskeyId};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{backend, request_site, request_source, require, respond};
#[cfg(feature = "ssr")]
use super::second_factor::{challenge_token, enroller};
#[cfg(feature = "ssr")]
use crate::domain::validate::safe_next_path;
#[cfg(feature = "ssr")]
use crate::domain::Permission;

/// Starts adding a passkey: the options for `navigator.credentials.create`.
#[server(prefix = "/api", endpoint = "start_passkey_registration")]
pub async fn start_passkey_registration() -> Result<PasskeyCeremony, AppError> {
    respond(
        async move {
            backend()?
                .start_passkey_registration(&enroller().await?, &request_site())
                .await
        }
        .await,
    )
}

/// Keeps the new passkey under `name`; answers it, any recovery codes (shown
/// once) and, when this finished a sign-in, where to go.
#[server(prefix = "/api", endpoint = "finish_passkey_registration")]
pub async fn finish_passkey_registration(
    ceremony: CeremonyId,
    name: String,
    credential: String,
    next: Option<String>,
) -> Result<PasskeyAdded, AppError> {
    respond(
        async move {
            let backend = backend()?;
            let (mut added, signed_in) = backend
                .finish_passkey_registration(
                    &enroller().await?,
                    &request_site(),
                    &ceremony,
                    name,
                    credential,
                )
                .await?;
            if let Some(signed_in) = signed_in {
                added.next = Some(super::context::finish_sign_in(
                    &signed_in,
                    &backend.cookie_policy(),
                    &safe_next_path(next.as_deref()),
                ));
            }
            Ok(added)
        }
        .await,
    )
}

/// Removes one of the caller's passkeys.
#[server(prefix = "/api", endpoint = "remove_passkey")]
pub async fn remove_passkey(passkey_id: PasskeyId) -> Result<(), AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOwnSessions).await?;
            backend()?.remove_passkey(&actor, &passkey_id).await
        }
        .await,
    )
}

/// Starts the passkey step of the sign-in waiting in this browser: the
/// options for `navigator.credentials.get`.
#[server(prefix = "/api", endpoint = "start_passkey_verification")]
pub async fn start_passkey_verification() -> Result<PasskeyCeremony, AppError> {
    respond(
        async move {
            backend()?
                .start_passkey_verification(&challenge_token()?, &request_site())
                .await
        }
        .await,
    )
}

/// Finishes the sign-in waiting in this browser with a passkey; answers
/// where to go.
#[server(prefix = "/api", endpoint = "finish_passkey_verification")]
pub async fn finish_passkey_verification(
    ceremony: CeremonyId,
    credential: String,
    next: Option<String>,
) -> Result<String, AppError> {
    respond(
        async move {
            let backend = backend()?;
            let signed_in = backend
                .finish_passkey_verification(
                    &challenge_token()?,
                    &request_site(),
                    &ceremony,
                    credential,
                    request_source(),
                )
                .await?;
            Ok(super::context::finish_sign_in(
                &signed_in,
                &backend.cookie_policy(),
                &safe_next_path(next.as_deref()),
            ))
        }
        .await,
    )
}

/// Whether the sign-in page offers signing in with a passkey alone.
#[server(prefix = "/api", endpoint = "passkey_sign_in_offered")]
pub async fn passkey_sign_in_offered() -> Result<bool, AppError> {
    respond(async move { backend()?.passkey_sign_in_offered().await }.await)
}

/// Starts signing in with a passkey alone, where the firm allows it.
#[server(prefix = "/api", endpoint = "start_passkey_sign_in")]
pub async fn start_passkey_sign_in() -> Result<PasskeyCeremony, AppError> {
    respond(async move { backend()?.start_passkey_sign_in(&request_site()).await }.await)
}

/// Finishes signing in with a passkey alone; answers where to go.
#[server(prefix = "/api", endpoint = "finish_passkey_sign_in")]
pub async fn finish_passkey_sign_in(
    ceremony: CeremonyId,
    credential: String,
    next: Option<String>,
) -> Result<String, AppError> {
    respond(
        async move {
            let backend = backend()?;
            let signed_in = backend
                .finish_passkey_sign_in(&request_site(), &ceremony, credential, request_source())
                .await?;
            Ok(super::context::finish_sign_in(
                &signed_in,
                &backend.cookie_policy(),
                &safe_next_path(next.as_deref()),
            ))
        }
        .await,
    )
}
