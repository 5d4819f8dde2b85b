//! Second factors: one's own authenticator app and recovery codes, the
//! second step of a sign-in, an admin's reset, and the firm's rule.

use crate::domain::second_factor::{
    ChallengeInfo, SecondFactorRule, SecondFactorStatus, SecurityPolicy, TotpConfirmed, TotpSetup,
};
use crate::domain::UserId;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{backend, cookie, request_source, require, respond, viewer};
#[cfg(feature = "ssr")]
use super::port::{Actor, Enroller};
#[cfg(feature = "ssr")]
use crate::domain::second_factor::CHALLENGE_COOKIE;
#[cfg(feature = "ssr")]
use crate::domain::Permission;

/// The sign-in challenge token from its cookie; refused as "sign in again"
/// when there is none.
#[cfg(feature = "ssr")]
pub(super) fn challenge_token() -> Result<String, AppError> {
    cookie(CHALLENGE_COOKIE).ok_or(AppError::NotSignedIn)
}

/// Whoever may set up an authenticator now: the signed-in person, or a
/// sign-in waiting for one.
#[cfg(feature = "ssr")]
pub(super) async fn enroller() -> Result<Enroller, AppError> {
    if viewer().is_some() {
        return Ok(Enroller::SignedIn(
            require(Permission::ManageOwnSessions).await?,
        ));
    }
    Ok(Enroller::Challenge {
        token: challenge_token()?,
        source: request_source(),
    })
}

/// The caller's own second factor.
#[server(prefix = "/api", endpoint = "my_second_factor")]
pub async fn my_second_factor() -> Result<SecondFactorStatus, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOwnSessions).await?;
            backend()?.second_factor_status(&actor.user).await
        }
        .await,
    )
}

/// Starts setting up an authenticator app: a new secret and its QR code.
#[server(prefix = "/api", endpoint = "start_totp")]
pub async fn start_totp() -> Result<TotpSetup, AppError> {
    respond(async move { backend()?.start_totp(&enroller().await?).await }.await)
}

/// Confirms the authenticator with its first code; answers the recovery
/// codes (shown once) and, when this finished a sign-in, where to go.
#[server(prefix = "/api", endpoint = "confirm_totp")]
pub async fn confirm_totp(code: String, next: Option<String>) -> Result<TotpConfirmed, AppError> {
    respond(
        async move {
            let backend = backend()?;
            let (mut confirmed, signed_in) = backend.confirm_totp(&enroller().await?, code).await?;
            if let Some(signed_in) = signed_in {
                let next = crate::domain::validate::safe_next_path(next.as_deref());
                confirmed.next = Some(super::context::finish_sign_in(
                    &signed_in,
                    &backend.cookie_policy(),
                    &next,
                ));
            }
            Ok(confirmed)
        }
        .await,
    )
}

/// Turns the caller's authenticator off, proven with a current code.
#[server(prefix = "/api", endpoint = "turn_off_totp")]
pub async fn turn_off_totp(code: String) -> Result<(), AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOwnSessions).await?;
            backend()?.turn_off_totp(&actor, code).await
        }
        .await,
    )
}

/// Replaces the caller's recovery codes; answers the new ones (shown once).
#[server(prefix = "/api", endpoint = "renew_recovery_codes")]
pub async fn renew_recovery_codes() -> Result<Vec<String>, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOwnSessions).await?;
            backend()?.renew_recovery_codes(&actor).await
        }
        .await,
    )
}

/// The sign-in waiting for a second factor in this browser.
#[server(prefix = "/api", endpoint = "sign_in_challenge")]
pub async fn sign_in_challenge() -> Result<ChallengeInfo, AppError> {
    respond(async move { backend()?.challenge_info(&challenge_token()?).await }.await)
}

/// Finishes a sign-in with a code from the authenticator app or a recovery
/// code; answers where to go.
#[server(prefix = "/api", endpoint = "verify_second_factor")]
pub async fn verify_second_factor(code: String, next: Option<String>) -> Result<String, AppError> {
    respond(
        async move {
            let backend = backend()?;
            let signed_in = backend
                .verify_second_factor(&challenge_token()?, code, request_source())
                .await?;
            let next = crate::domain::validate::safe_next_path(next.as_deref());
            Ok(super::context::finish_sign_in(
                &signed_in,
                &backend.cookie_policy(),
                &next,
            ))
        }
        .await,
    )
}

/// Removes another user's second factor (an admin, for someone who lost
/// theirs); they are told by email.
#[server(prefix = "/api", endpoint = "reset_second_factor")]
pub async fn reset_second_factor(user_id: UserId) -> Result<(), AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageUsers).await?;
            backend()?.reset_second_factor(&actor, &user_id).await
        }
        .await,
    )
}

/// The firm's sign-in security settings.
#[server(prefix = "/api", endpoint = "load_security_policy")]
pub async fn load_security_policy() -> Result<SecurityPolicy, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditFirmSettings).await?;
            backend()?.security_policy(&actor.user).await
        }
        .await,
    )
}

/// Replaces the firm's sign-in security settings: who must use a second
/// factor, and whether a passkey alone signs in (a checkbox: absent is off).
#[server(prefix = "/api", endpoint = "save_security_policy")]
pub async fn save_security_policy(
    second_factor: SecondFactorRule,
    #[server(default)] passkey_sign_in: bool,
) -> Result<SecurityPolicy, AppError> {
    respond(
        async move {
            let actor: Actor = require(Permission::EditFirmSettings).await?;
            backend()?
                .save_security_policy(
                    &actor,
                    SecurityPolicy {
                        second_factor,
                        passkey_sign_in,
                    },
                )
                .await
        }
        .await,
    )
}
