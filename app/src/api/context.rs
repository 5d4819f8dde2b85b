//! Server-side helpers for server functions: the backend, the asker, the
//! session cookie, and the HTTP status of a failure.

use super::port::{Actor, ClientAddress, CookiePolicy, RequestSource, SharedBackend, SiteOrigin};
use crate::domain::{CurrentUser, Permission};
use crate::error::AppError;
use actix_web::http::header::{HeaderName, HeaderValue, SET_COOKIE};
use actix_web::http::StatusCode;
use actix_web::HttpMessage;
use leptos::prelude::*;
use leptos_actix::{Request, ResponseOptions};

/// The backend port provided by the server.
pub fn backend() -> Result<SharedBackend, AppError> {
    use_context::<SharedBackend>().ok_or_else(|| {
        tracing::error!("no backend in the Leptos context: the server did not provide it");
        AppError::Internal
    })
}

/// The signed-in person, as resolved by the server's session middleware.
pub fn viewer() -> Option<CurrentUser> {
    let req = use_context::<Request>()?;
    let found = req.extensions().get::<CurrentUser>().cloned();
    found
}

/// The signed-in person, with where they are, if their role allows
/// `permission`. A refusal is recorded in the audit trail.
pub async fn require(permission: Permission) -> Result<Actor, AppError> {
    let viewer = viewer().ok_or(AppError::NotSignedIn)?;
    let client = request_source();
    if viewer.role.can(permission) {
        Ok(Actor {
            user: viewer,
            source: client,
        })
    } else {
        backend()?
            .record_denied(&viewer, permission.code(), &client)
            .await;
        Err(AppError::Forbidden)
    }
}

/// The client's address and user agent.
pub fn request_source() -> RequestSource {
    let Some(req) = use_context::<Request>() else {
        return RequestSource::default();
    };
    let ip = req
        .extensions()
        .get::<ClientAddress>()
        .map(|a| a.0.clone())
        .or_else(|| req.peer_addr().map(|a| a.ip().to_string()))
        .unwrap_or_default();
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(300).collect())
        .unwrap_or_default();
    let browser = cookie(crate::domain::second_factor::BROWSER_COOKIE);
    RequestSource {
        ip,
        user_agent,
        browser,
    }
}

/// The origin this request reached the site at (see [`SiteOrigin`]).
pub fn request_site() -> String {
    use_context::<Request>()
        .and_then(|req| req.extensions().get::<SiteOrigin>().map(|s| s.0.clone()))
        .unwrap_or_default()
}

/// The raw value of the cookie `name` on the current request.
pub fn cookie(name: &str) -> Option<String> {
    let req = use_context::<Request>()?;
    let header = req
        .headers()
        .get(actix_web::http::header::COOKIE)?
        .to_str()
        .ok()?
        .to_string();
    crate::domain::cookie::value(&header, name)
}

/// Sets the session cookie on the response.
pub fn set_session_cookie(token: &str, policy: &CookiePolicy) {
    let cookie = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        policy.name,
        token,
        policy.max_age_secs,
        if policy.secure { "; Secure" } else { "" }
    );
    set_header(SET_COOKIE, &cookie);
}

/// Puts what a sign-in opened into its cookie and returns where to go: for
/// a session, `next` (an applicant's start is the portal); for a challenge,
/// its page, keeping `next` for afterwards.
pub fn finish_sign_in(
    signed_in: &super::port::SignedIn,
    policy: &CookiePolicy,
    next: &str,
) -> String {
    use super::port::SignedIn;
    use crate::domain::second_factor::CHALLENGE_COOKIE;
    match signed_in {
        SignedIn::Session {
            token,
            viewer,
            browser,
        } => {
            set_session_cookie(token, policy);
            if let Some(browser) = browser {
                // About 400 days: the longest a browser keeps a cookie.
                let cookie = format!(
                    "{}={browser}; Path=/; HttpOnly; SameSite=Lax; Max-Age=34560000{}",
                    crate::domain::second_factor::BROWSER_COOKIE,
                    if policy.secure { "; Secure" } else { "" }
                );
                set_header(SET_COOKIE, &cookie);
            }
            clear_cookie(CHALLENGE_COOKIE, policy.secure);
            if viewer.role == crate::domain::Role::Applicant && next == "/" {
                "/portal".to_string()
            } else {
                next.to_string()
            }
        }
        SignedIn::SecondFactor { token, purpose } => {
            let cookie = format!(
                "{CHALLENGE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                crate::domain::second_factor::CHALLENGE_SECS,
                if policy.secure { "; Secure" } else { "" }
            );
            set_header(SET_COOKIE, &cookie);
            if next == "/" {
                purpose.path().to_string()
            } else {
                format!("{}?next={}", purpose.path(), crate::query::encode(next))
            }
        }
    }
}

/// Removes cookie `name` from the browser.
pub fn clear_cookie(name: &str, secure: bool) {
    let cookie = format!(
        "{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    );
    set_header(SET_COOKIE, &cookie);
}

/// Removes the session cookie from the browser.
pub fn clear_session_cookie(policy: &CookiePolicy) {
    let cookie = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        policy.name,
        if policy.secure { "; Secure" } else { "" }
    );
    set_header(SET_COOKIE, &cookie);
}

/// Remembers the chosen language in this browser for a year (read before
/// sign-in, and by pages that render before the account is known).
pub fn set_language_cookie(language: crate::domain::Language, secure: bool) {
    let cookie = format!(
        "{}={}; Path=/; SameSite=Lax; Max-Age=31536000{}",
        crate::i18n::LANGUAGE_COOKIE,
        language.code(),
        if secure { "; Secure" } else { "" }
    );
    set_header(SET_COOKIE, &cookie);
}

fn set_header(name: HeaderName, value: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(name, value);
    }
}

/// Answers a failed server function with the error's HTTP status.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let (Some(res), Ok(status)) = (
            use_context::<ResponseOptions>(),
            StatusCode::from_u16(e.status()),
        ) {
            res.set_status(status);
        }
    }
    result
}
