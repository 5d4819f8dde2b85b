//! Sign-in (with throttling), sessions, and the account port.

use super::sign_in_step::{open_after_password, Opened};
use super::{By, VisadeskBackend, SESSION_COOKIE, TOUCH_EVERY_SECS};
use crate::auth::{now, token};
use crate::error::ServerError;
use crate::store::audit::{self, Entry};
use crate::store::sessions::{self, SessionRow};
use crate::store::{throttle, users};
use visadesk_app::api::port::AccountPort;
use visadesk_app::api::port::{Actor, CookiePolicy, RequestSource, SignInRequest, SignedIn};
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::validate;
use visadesk_app::domain::{CurrentUser, Language, ResetInfo, ResetToken, SessionId, SessionInfo};
use visadesk_app::AppError;
impl VisadeskBackend {
    /// The signed-in person for a session token, if the session is live.
    pub async fn resolve_session(&self, token: &str) -> Result<Option<CurrentUser>, ServerError> {
        if !token::looks_valid(token) {
            return Ok(None);
        }
        let digest = token::digest(token);
        let idle = self.idle_secs;
        self.db
            .run(move |conn| {
                let now = now();
                let Some((session, user)) = sessions::live_by_token_hash(conn, &digest, now, idle)?
                else {
                    return Ok(None);
                };
                if now - session.last_seen_at >= TOUCH_EVERY_SECS {
                    // Best effort: a busy database must not end the session.
                    if let Err(e) = sessions::touch(conn, &session.id, now) {
                        tracing::warn!(error = %e, "could not record session activity");
                    }
                }
                Ok(Some(user.viewer(session.id)?))
            })
            .await
    }

    async fn sign_in_inner(&self, request: SignInRequest) -> Result<SignedIn, ServerError> {
        let email = validate::normalize_email(&request.email).map_err(AppError::from)?;
        if request.password.is_empty() {
            return Err(AppError::invalid("password", Problem::EnterYourPassword).into());
        }
        if request.password.chars().count() > validate::PASSWORD_MAX_CHARS {
            return Err(AppError::InvalidCredentials.into());
        }
        let keys = throttle::keys(&email, &request.source.ip);

        // One write transaction: refuse a locked attempt, else hold an
        // in-flight place under each limit so parallel attempts cannot slip
        // past it. Every way out below settles the attempt.
        let (user, delay) = {
            let (email, keys) = (email.clone(), keys.clone());
            self.db
                .write(move |conn| {
                    let now = now();
                    throttle::serialize(conn)?;
                    if let Err(retry_after_secs) = throttle::begin(conn, &keys, now)? {
                        return Err(AppError::Throttled { retry_after_secs }.into());
                    }
                    let delay = throttle::account_delay(conn, &email, now)?;
                    Ok((users::by_email(conn, &email)?, delay))
                })
                .await?
        };
        let result = self
            .check_and_open(request, keys.clone(), user, delay)
            .await;
        let settle = match &result {
            Ok(_) => None,
            Err(ServerError::Refused(AppError::InvalidCredentials)) => Some(true),
            Err(_) => Some(false),
        };
        if let Some(wrong_password) = settle {
            let settled = self
                .db
                .write(move |conn| {
                    throttle::serialize(conn)?;
                    if wrong_password {
                        throttle::failed(conn, &keys, now())
                    } else {
                        throttle::abandoned(conn, &keys)
                    }
                })
                .await;
            if let Err(e) = settled {
                tracing::error!(target: "visadesk::auth", error = %e, "could not settle a sign-in attempt's throttle counters");
            }
        }
        result
    }

    /// The second half of a sign-in: the password check (after the account's
    /// delay) and, when it matches, the new session, which settles the
    /// attempt's throttle counters in the same transaction.
    async fn check_and_open(
        &self,
        request: SignInRequest,
        keys: [(String, throttle::Rule); 3],
        user: Option<users::UserRow>,
        delay: u64,
    ) -> Result<SignedIn, ServerError> {
        if delay > 0 {
            tracing::info!(target: "visadesk::auth", delay_secs = delay, "a sign-in attempt waits for its account's delay");
            actix_web::rt::time::sleep(std::time::Duration::from_secs(delay)).await;
        }

        // Always one full verification, against the user's hash or the dummy.
        let stored = user
            .as_ref()
            .filter(|u| u.active)
            .map(|u| u.password_hash.clone());
        let password = request.password.clone();
        let (ok, upgraded) = self
            .with_hasher(move |passwords| {
                let ok = passwords.verify(&password, stored.as_deref());
                let upgraded = match (&stored, ok) {
                    (Some(h), true) if passwords.needs_rehash(h) => Some(passwords.hash(&password)),
                    _ => None,
                };
                Ok((ok, upgraded.transpose()?))
            })
            .await?;

        let user = match (ok, user) {
            (true, Some(user)) => user,
            _ => {
                tracing::info!(target: "visadesk::auth", "failed sign-in");
                return Err(AppError::InvalidCredentials.into());
            }
        };

        let previous = request
            .previous_token
            .filter(|t| token::looks_valid(t))
            .map(|t| token::digest(&t));
        let client = request.source;
        let terms = self.session_terms();
        let default = self.security_default.clone();
        let (signed_in, user_id) = self
            .db
            .write(move |conn| {
                let now = now();
                throttle::serialize(conn)?;
                throttle::succeeded(conn, &keys)?;
                if let Some(previous) = previous {
                    sessions::delete_by_token_hash(conn, &previous)?;
                }
                if let Some(hash) = upgraded {
                    users::set_password_hash(conn, &user.id, &hash, now)?;
                }
                let ip = client.ip.clone();
                let opened = open_after_password(conn, &user, client, &default, now, &terms)?;
                let (object_type, object_id) = opened.object(&user);
                audit::append(
                    conn,
                    Entry {
                        actor_id: Some(user.id.clone()),
                        actor_email: user.email.clone(),
                        action: match opened {
                            Opened::Session { .. } => "auth.sign_in",
                            Opened::Challenge { .. } => "auth.password_accepted",
                        }
                        .into(),
                        object_type: object_type.into(),
                        object_id,
                        summary: opened.summary().into(),
                        ip,
                    },
                    now,
                )?;
                Ok((opened.signed_in(&user)?, user.id.clone()))
            })
            .await?;
        match &signed_in {
            SignedIn::Session { .. } => {
                tracing::info!(target: "visadesk::auth", user = %user_id, "signed in")
            }
            SignedIn::SecondFactor { .. } => {
                tracing::info!(target: "visadesk::auth", user = %user_id, "password right; second factor next")
            }
        }
        Ok(signed_in)
    }
}

fn session_info(row: SessionRow, current: &str) -> SessionInfo {
    SessionInfo {
        current: row.id == current,
        id: row.id.into(),
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        expires_at: row.expires_at,
        user_agent: row.user_agent,
        ip: row.ip,
    }
}

#[async_trait::async_trait]
impl AccountPort for VisadeskBackend {
    fn cookie_policy(&self) -> CookiePolicy {
        CookiePolicy {
            name: SESSION_COOKIE.into(),
            secure: self.secure_cookie,
            max_age_secs: self.max_age_secs,
        }
    }

    async fn sign_in(&self, request: SignInRequest) -> Result<SignedIn, AppError> {
        let typed_email: String = request
            .email
            .trim()
            .to_lowercase()
            .chars()
            .take(254)
            .collect();
        let ip = request.source.ip.clone();
        match self.sign_in_inner(request).await {
            Ok(signed_in) => Ok(signed_in),
            Err(e) => {
                let error = AppError::from(e);
                let refused = match &error {
                    AppError::InvalidCredentials => {
                        Some(("auth.sign_in_failed", "wrong email or password".to_string()))
                    }
                    AppError::Throttled { retry_after_secs } => Some((
                        "auth.sign_in_throttled",
                        format!("refused: locked for {retry_after_secs} s more"),
                    )),
                    _ => None,
                };
                if let Some((action, summary)) = refused {
                    let reason = if action == "auth.sign_in_throttled" {
                        "throttled"
                    } else {
                        "wrong_credentials"
                    };
                    crate::metrics::sign_in_refused("password", reason);
                    let by = By {
                        id: None,
                        email: typed_email,
                        ip,
                    };
                    self.audit_best_effort(by.entry(action, "user", "", summary))
                        .await;
                }
                Err(error)
            }
        }
    }

    async fn sign_out(&self, actor: &Actor) -> Result<(), AppError> {
        let by = By::actor(actor);
        let (user_id, session_id) = (
            actor.user.user_id.to_string(),
            actor.user.session_id.to_string(),
        );
        self.db
            .write(move |conn| {
                sessions::delete_for_user(conn, &user_id, &session_id)?;
                audit::append(
                    conn,
                    by.entry("auth.sign_out", "session", &session_id, "signed out".into()),
                    now(),
                )
            })
            .await?;
        Ok(())
    }

    async fn list_sessions(&self, viewer: &CurrentUser) -> Result<Vec<SessionInfo>, AppError> {
        let (user_id, current, idle) = (
            viewer.user_id.to_string(),
            viewer.session_id.to_string(),
            self.idle_secs,
        );
        let rows = self
            .db
            .run(move |conn| sessions::live_for_user(conn, &user_id, now(), idle))
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| session_info(r, &current))
            .collect())
    }

    async fn end_session(&self, actor: &Actor, session_id: &SessionId) -> Result<(), AppError> {
        let by = By::actor(actor);
        let (user_id, id) = (actor.user.user_id.to_string(), session_id.to_string());
        self.db
            .write(move |conn| {
                if !sessions::delete_for_user(conn, &user_id, &id)? {
                    return Err(AppError::NotFound("session".into()).into());
                }
                audit::append(
                    conn,
                    by.entry(
                        "session.end",
                        "session",
                        &id,
                        "ended one of their sessions".into(),
                    ),
                    now(),
                )
            })
            .await?;
        Ok(())
    }

    async fn end_other_sessions(&self, actor: &Actor) -> Result<u64, AppError> {
        let by = By::actor(actor);
        let (user_id, keep) = (
            actor.user.user_id.to_string(),
            actor.user.session_id.to_string(),
        );
        Ok(self
            .db
            .write(move |conn| {
                let ended = sessions::delete_all_for_user(conn, &user_id, Some(&keep))?;
                let summary = format!(
                    "ended {ended} other session{}",
                    if ended == 1 { "" } else { "s" }
                );
                audit::append(
                    conn,
                    by.entry("session.end_others", "user", &user_id, summary),
                    now(),
                )?;
                Ok(ended)
            })
            .await?)
    }

    async fn request_password_reset(
        &self,
        email: String,
        source: RequestSource,
    ) -> Result<(), AppError> {
        Ok(self.request_reset(email, source).await?)
    }

    async fn password_reset_info(&self, token: &ResetToken) -> Result<ResetInfo, AppError> {
        Ok(self.reset_info(token).await?)
    }

    async fn reset_password(
        &self,
        token: &ResetToken,
        password: String,
        source: RequestSource,
    ) -> Result<SignedIn, AppError> {
        Ok(self.use_reset(token, password, source).await?)
    }

    async fn set_language(&self, actor: &Actor, language: Language) -> Result<(), AppError> {
        let by = By::actor(actor);
        let user_id = actor.user.user_id.to_string();
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                users::set_language(conn, &user_id, language, now)?;
                audit::append(
                    conn,
                    by.entry(
                        "user.language",
                        "user",
                        &user_id,
                        format!("chose {} ({})", language.native_name(), language.code()),
                    ),
                    now,
                )?;
                Ok(())
            })
            .await?)
    }
}
