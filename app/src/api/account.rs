//! Signing in and out, and one's own sessions.

use crate::domain::{CurrentUser, Language, ResetInfo, ResetToken, SessionId, SessionInfo};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{backend, cookie, request_source, require, respond, viewer};
#[cfg(feature = "ssr")]
use super::port::Actor;
#[cfg(feature = "ssr")]
use crate::domain::Permission;

/// Signs in with email and password; sets the session cookie and returns the
/// local path to go to next.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use super::port::SignInRequest;
    use crate::domain::validate::safe_next_path;
    respond(
        async move {
            let backend = backend()?;
            let policy = backend.cookie_policy();
            let previous_token = cookie(&policy.name);
            let signed_in = backend
                .sign_in(SignInRequest {
                    email,
                    password,
                    source: request_source(),
                    previous_token,
                })
                .await?;
            Ok(super::context::finish_sign_in(
                &signed_in,
                &policy,
                &safe_next_path(next.as_deref()),
            ))
        }
        .await,
    )
}

/// Ends the current session and clears the cookie.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    respond(
        async move {
            let backend = backend()?;
            let policy = backend.cookie_policy();
            super::context::clear_session_cookie(&policy);
            match viewer() {
                Some(viewer) => {
                    backend
                        .sign_out(&Actor {
                            user: viewer,
                            source: request_source(),
                        })
                        .await
                }
                None => Ok(()),
            }
        }
        .await,
    )
}

/// Sets the language of the interface and of emails: kept in a cookie for
/// this browser, and in the account of whoever is signed in. The page then
/// reloads in it. An unknown code is refused by name.
#[server(prefix = "/api", endpoint = "choose_language")]
pub async fn choose_language(language: Language) -> Result<(), AppError> {
    respond(
        async move {
            let backend = backend()?;
            if let Some(viewer) = viewer() {
                let actor = Actor {
                    user: viewer,
                    source: request_source(),
                };
                backend.set_language(&actor, language).await?;
            }
            super::context::set_language_cookie(language, backend.cookie_policy().secure);
            Ok(())
        }
        .await,
    )
}

/// Who is signed in, if anyone.
#[server(prefix = "/api", endpoint = "signed_in_user")]
pub async fn signed_in_user() -> Result<Option<CurrentUser>, AppError> {
    Ok(viewer())
}

/// The viewer's open sessions.
#[server(prefix = "/api", endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOwnSessions).await?;
            backend()?.list_sessions(&actor.user).await
        }
        .await,
    )
}

/// Ends one of the viewer's own sessions.
#[server(prefix = "/api", endpoint = "end_session")]
pub async fn end_session(session_id: SessionId) -> Result<(), AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOwnSessions).await?;
            backend()?.end_session(&actor, &session_id).await
        }
        .await,
    )
}

/// Ends every session of the viewer but this one; returns how many ended.
#[server(prefix = "/api", endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    respond(
        async move {
            let actor = require(Permission::ManageOwnSessions).await?;
            backend()?.end_other_sessions(&actor).await
        }
        .await,
    )
}

/// Emails a password reset link if the address belongs to an account. The
/// answer is the same whether or not it does.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    respond(
        async move {
            backend()?
                .request_password_reset(email, request_source())
                .await
        }
        .await,
    )
}

/// What a reset link's page shows; refused when the link is used or expired.
#[server(prefix = "/api", endpoint = "password_reset_details")]
pub async fn password_reset_details(token: ResetToken) -> Result<ResetInfo, AppError> {
    respond(async move { backend()?.password_reset_info(&token).await }.await)
}

/// Uses a reset link: sets the password, ends every other session, signs
/// this browser in, and returns where to go.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(
    token: ResetToken,
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
                .reset_password(&token, password, request_source())
                .await?;
            Ok(super::context::finish_sign_in(&signed_in, &policy, "/"))
        }
        .await,
    )
}

/// Whether the caller has a calendar feed, and since when.
#[server(prefix = "/api", endpoint = "my_calendar_feed")]
pub async fn my_calendar_feed() -> Result<crate::domain::account::CalendarFeed, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewDashboard).await?;
            backend()?.calendar_feed(&actor.user).await
        }
        .await,
    )
}

/// Makes a new calendar feed URL (the old one stops working).
#[server(prefix = "/api", endpoint = "renew_calendar_feed")]
pub async fn renew_calendar_feed() -> Result<crate::domain::account::NewCalendarFeed, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewDashboard).await?;
            backend()?.renew_calendar_feed(&actor).await
        }
        .await,
    )
}

/// Ends the caller's calendar feed.
#[server(prefix = "/api", endpoint = "revoke_calendar_feed")]
pub async fn revoke_calendar_feed() -> Result<(), AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewDashboard).await?;
            backend()?.revoke_calendar_feed(&actor).await
        }
        .await,
    )
}
