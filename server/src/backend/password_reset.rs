//! Password reset: a single-use link, emailed, that works for an hour. Only
//! a digest of its token is kept; using it sets the password, ends every
//! session of the account and signs the browser in.

use super::{By, VisadeskBackend};
use crate::auth::password::check_new_password;
use crate::auth::{now, token};
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::mail::{self, compose, MailSettings, Outgoing};
use crate::store::audit::{self, Entry};
use crate::store::password_resets::{self, ResetRow};
use crate::store::sessions;
use crate::store::{settings, throttle, users};
use visadesk_app::api::port::{Actor, RequestSource, SignedIn};
use visadesk_app::domain::account::RESET_MINUTES;
use visadesk_app::domain::mail::MailCategory;
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::{validate, ResetInfo, ResetSent, ResetToken, Role, UserId};
use visadesk_app::{AppError, LinkKind};

/// The path of a reset link.
pub fn reset_path(token: &str) -> String {
    format!("/reset-password/{token}")
}

/// The refusal for a reset link that is unknown, used or expired.
pub fn dead_reset_link() -> ServerError {
    AppError::DeadLink(LinkKind::PasswordReset).into()
}

/// Who asked for the link, and so which words the email uses.
enum AskedBy<'a> {
    /// The person themself, on the sign-in page.
    Themself,
    /// An admin, on the admin page.
    Admin(&'a str),
}

/// Makes a reset link for `user` (withdrawing earlier ones) and queues the
/// email that carries it; returns when it expires.
fn issue(
    conn: &mut DbConnection,
    mail: &MailSettings,
    user: &users::UserRow,
    asked_by: AskedBy<'_>,
    now: i64,
) -> Result<i64, ServerError> {
    let raw = token::generate()?;
    let row = ResetRow {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: user.id.clone(),
        token_hash: token::digest(&raw),
        requested_by: match asked_by {
            AskedBy::Themself => "self".into(),
            AskedBy::Admin(email) => email.to_string(),
        },
        created_at: now,
        expires_at: now + RESET_MINUTES * 60,
        used_at: None,
    };
    password_resets::replace_for_user(conn, &row)?;
    let firm = settings::firm(conn)?.name;
    let link = mail.link(&reset_path(&raw));
    let l = crate::notify::locale_of(user);
    let letter = match asked_by {
        AskedBy::Themself => {
            compose::password_reset(l, &firm, &user.display_name, link, RESET_MINUTES)
        }
        AskedBy::Admin(admin) => compose::password_reset_by_admin(
            l,
            &firm,
            &user.display_name,
            admin,
            link,
            RESET_MINUTES,
        ),
    };
    mail::queue(
        conn,
        mail,
        Outgoing {
            category: MailCategory::PasswordReset,
            recipient_id: Some(UserId::new(user.id.clone())),
            to_address: user.email.clone(),
            to_name: user.display_name.clone(),
            letter,
            sensitive: true,
        },
        now,
    )?;
    Ok(row.expires_at)
}

/// The live reset for a raw token, with its active user.
fn live_reset(
    conn: &mut DbConnection,
    raw: &str,
    now: i64,
) -> Result<(ResetRow, users::UserRow), ServerError> {
    if !token::looks_valid(raw) {
        return Err(dead_reset_link());
    }
    let row = password_resets::by_token_hash(conn, &token::digest(raw))?
        .filter(|r| r.used_at.is_none() && r.expires_at > now)
        .ok_or_else(dead_reset_link)?;
    let user = users::by_id(conn, &row.user_id)?
        .filter(|u| u.active)
        .ok_or_else(dead_reset_link)?;
    Ok((row, user))
}

impl VisadeskBackend {
    /// See [`visadesk_app::api::port::AccountPort::request_password_reset`].
    pub(super) async fn request_reset(
        &self,
        email: String,
        source: RequestSource,
    ) -> Result<(), ServerError> {
        let email = validate::normalize_email(&email).map_err(AppError::from)?;
        let keys = throttle::reset_keys(&email, &source.ip);
        let mail = self.mail.clone();
        let sent = self
            .db
            .write(move |conn| {
                let now = now();
                throttle::serialize(conn)?;
                if let Err(retry_after_secs) = throttle::count_request(conn, &keys, now)? {
                    return Err(AppError::RateLimited { retry_after_secs }.into());
                }
                let Some(user) = users::by_email(conn, &email)?.filter(|u| u.active) else {
                    return Ok(false);
                };
                issue(conn, &mail, &user, AskedBy::Themself, now)?;
                audit::append(
                    conn,
                    Entry {
                        actor_id: Some(user.id.clone()),
                        actor_email: user.email.clone(),
                        action: "auth.reset_requested".into(),
                        object_type: "user".into(),
                        object_id: user.id.clone(),
                        summary: "asked for a password reset link".into(),
                        ip: source.ip.clone(),
                    },
                    now,
                )?;
                Ok(true)
            })
            .await?;
        tracing::info!(target: "visadesk::auth", link_queued = sent, "password reset asked for");
        Ok(())
    }

    /// See [`visadesk_app::api::port::AccountPort::password_reset_info`].
    pub(super) async fn reset_info(&self, token: &ResetToken) -> Result<ResetInfo, ServerError> {
        let raw = token.as_str().to_string();
        self.db
            .run(move |conn| {
                let (row, user) = live_reset(conn, &raw, now())?;
                Ok(ResetInfo {
                    email: user.email,
                    expires_at: row.expires_at,
                })
            })
            .await
    }

    /// See [`visadesk_app::api::port::AccountPort::reset_password`].
    pub(super) async fn use_reset(
        &self,
        token: &ResetToken,
        password: String,
        source: RequestSource,
    ) -> Result<SignedIn, ServerError> {
        let info = self.reset_info(token).await?;
        check_new_password(&password, &info.email)?;
        let hash = self.with_hasher(move |p| p.hash(&password)).await?;
        let raw = token.as_str().to_string();
        let (terms, mail) = (self.session_terms(), self.mail.clone());
        let default = self.security_default.clone();
        let (signed_in, user_id) = self
            .db
            .write(move |conn| {
                let now = now();
                let (row, user) = live_reset(conn, &raw, now)?;
                if !password_resets::use_once(conn, &row.id, now)? {
                    return Err(dead_reset_link());
                }
                users::set_password_hash(conn, &user.id, &hash, now)?;
                let ended = sessions::delete_all_for_user(conn, &user.id, None)?;
                password_resets::withdraw_for_user(conn, &user.id)?;
                let ip = source.ip.clone();
                // A second factor is still asked for after a reset.
                let opened = super::sign_in_step::open_after_password(
                    conn, &user, source, &default, now, &terms,
                )?;
                audit::append(
                    conn,
                    Entry {
                        actor_id: Some(user.id.clone()),
                        actor_email: user.email.clone(),
                        action: "auth.password_reset".into(),
                        object_type: "user".into(),
                        object_id: user.id.clone(),
                        summary: format!(
                            "chose a new password with a reset link; {ended} session{} ended",
                            if ended == 1 { "" } else { "s" }
                        ),
                        ip,
                    },
                    now,
                )?;
                let firm = settings::firm(conn)?.name;
                let sign_in = mail.link(if user.role()? == Role::Applicant {
                    "/portal"
                } else {
                    "/sign-in"
                });
                mail::queue(
                    conn,
                    &mail,
                    Outgoing {
                        category: MailCategory::PasswordChanged,
                        recipient_id: Some(UserId::new(user.id.clone())),
                        to_address: user.email.clone(),
                        to_name: user.display_name.clone(),
                        letter: compose::password_changed(
                            crate::notify::locale_of(&user),
                            &firm,
                            &user.display_name,
                            sign_in,
                            now,
                        ),
                        sensitive: false,
                    },
                    now,
                )?;
                Ok((opened.signed_in(&user)?, user.id.clone()))
            })
            .await?;
        tracing::info!(target: "visadesk::auth", user = %user_id, "password reset");
        Ok(signed_in)
    }

    /// See [`visadesk_app::api::port::UserPort::send_password_reset`].
    pub(super) async fn send_reset(
        &self,
        actor: &Actor,
        user_id: &UserId,
    ) -> Result<ResetSent, ServerError> {
        super::access::require(&actor.user, visadesk_app::domain::Permission::ManageUsers)?;
        let (by, id, mail) = (By::actor(actor), user_id.to_string(), self.mail.clone());
        let admin = actor.user.display_name.clone();
        self.db
            .write(move |conn| {
                let now = now();
                let user = users::by_id(conn, &id)?
                    .ok_or_else(|| ServerError::from(AppError::NotFound("user".into())))?;
                if user.role()? == Role::Applicant {
                    return Err(AppError::Conflict(Problem::ApplicantResetsByInvitation).into());
                }
                if !user.active {
                    return Err(AppError::Conflict(Problem::AccountDeactivated(
                        user.email.clone(),
                    ))
                    .into());
                }
                let expires_at = issue(conn, &mail, &user, AskedBy::Admin(&admin), now)?;
                audit::append(
                    conn,
                    by.entry(
                        "user.reset_link_sent",
                        "user",
                        &user.id,
                        format!("sent {} a password reset link", user.email),
                    ),
                    now,
                )?;
                Ok(ResetSent {
                    email: user.email,
                    expires_at,
                })
            })
            .await
    }
}
