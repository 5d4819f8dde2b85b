//! The implementation of `app`'s backend port on diesel and argon2.

mod case_work;
pub mod documents;
mod eligibility;

use crate::auth::password::{check_new_password, Passwords};
use crate::auth::{now, token};
use crate::config::Config;
use crate::db::{Db, DbConnection};
use crate::error::ServerError;
use crate::store::audit::{self, Entry};
use crate::store::cases::{self, CaseRow, EventRow};
use crate::store::clients;
use crate::store::sessions::{self, SessionRow};
use crate::store::{throttle, users};
use case_work::{case_detail, check_assignees, editable_case};
use std::sync::Arc;
use tokio::sync::Semaphore;
use visadesk_app::api::port::NewCase;
use visadesk_app::api::port::{
    Actor, Backend, ClientMeta, ClientSave, CookiePolicy, SignInRequest, SignedIn,
};
use visadesk_app::domain::assessment::{CaseEligibility, EligibilityContext, StoredAssessment};
use visadesk_app::domain::audit::{AuditEvent, AuditFilter};
use visadesk_app::domain::case::{
    Board, CaseDetail, CaseEdit, CaseFilter, CasePage, CaseSaveOutcome, CaseSummary, Dashboard,
    StaffRef,
};
use visadesk_app::domain::checklist::{ChecklistItem, DocumentKind};
use visadesk_app::domain::client::{changed_fields, Client, ClientPage, ClientSort, SaveOutcome};
use visadesk_app::domain::date::Date;
use visadesk_app::domain::document::{InvitationInfo, NewInvitation, Portal};
use visadesk_app::domain::stage::{check_move, MoveError};
use visadesk_app::domain::task::{Task, TaskInput};
use visadesk_app::domain::validate;
use visadesk_app::domain::Stage;
use visadesk_app::domain::{NewStaffUser, Role, SessionInfo, UserSummary, Viewer};
use visadesk_app::eligibility::Settings;
use visadesk_app::AppError;

/// How many argon2 runs may happen at once: twice the cores.
fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() * 2)
}

/// Who an audit entry is by.
#[derive(Clone, Debug)]
pub struct By {
    pub id: Option<String>,
    pub email: String,
    pub ip: String,
}

impl By {
    /// Work done by Visadesk itself or its command line, e.g. "create-admin".
    pub fn system(what: &str) -> By {
        By {
            id: None,
            email: format!("system: {what}"),
            ip: String::new(),
        }
    }

    fn actor(actor: &Actor) -> By {
        By {
            id: Some(actor.viewer.user_id.clone()),
            email: actor.viewer.email.clone(),
            ip: actor.client.ip.clone(),
        }
    }

    fn entry(&self, action: &str, object_type: &str, object_id: &str, summary: String) -> Entry {
        Entry {
            actor_id: self.id.clone(),
            actor_email: self.email.clone(),
            action: action.into(),
            object_type: object_type.into(),
            object_id: object_id.into(),
            summary,
            ip: self.ip.clone(),
        }
    }
}

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "visadesk_session";
/// A session's `last_seen_at` is refreshed at most this often, in seconds.
const TOUCH_EVERY_SECS: i64 = 60;

/// Accounts and sessions on the database.
#[derive(Clone)]
pub struct VisadeskBackend {
    db: Db,
    passwords: Passwords,
    hashing: Arc<Semaphore>,
    idle_secs: i64,
    max_age_secs: i64,
    secure_cookie: bool,
    documents: crate::documents::pipeline::Documents,
}

impl VisadeskBackend {
    /// Builds the backend from the configuration.
    pub fn new(db: Db, config: &Config) -> Result<Self, ServerError> {
        if config.session_idle_minutes < 1 || config.session_max_hours < 1 {
            return Err(ServerError::Config(
                "VISADESK_SESSION_IDLE_MINUTES and VISADESK_SESSION_MAX_HOURS must be at least 1"
                    .into(),
            ));
        }
        Ok(VisadeskBackend {
            db,
            passwords: Passwords::new(config.argon2_memory_kib, config.argon2_iterations)?,
            hashing: Arc::new(Semaphore::new(hashing_slots())),
            idle_secs: config.session_idle_minutes * 60,
            max_age_secs: config.session_max_hours * 3600,
            secure_cookie: config.https(),
            documents: crate::documents::open(config)?,
        })
    }

    /// Document storage, keys and limits.
    pub fn documents(&self) -> &crate::documents::pipeline::Documents {
        &self.documents
    }

    /// Checks an upload before its bytes are read (see [`documents::upload_target`]).
    pub async fn upload_target(
        &self,
        viewer: &Viewer,
        item_id: &str,
    ) -> Result<documents::UploadTarget, AppError> {
        let (viewer, item_id) = (viewer.clone(), item_id.to_string());
        Ok(self
            .db
            .run(move |conn| documents::upload_target(conn, &viewer, &item_id))
            .await?)
    }

    /// Records a sealed upload (see [`documents::record_upload`]).
    pub async fn record_upload(
        &self,
        actor: &Actor,
        target: documents::UploadTarget,
        storage_key: String,
        sealed: crate::documents::pipeline::SealedUpload,
        file_name: String,
        content_type: &'static str,
    ) -> Result<ChecklistItem, AppError> {
        self.write_as(actor, move |conn, viewer, by, now| {
            documents::record_upload(
                conn,
                viewer,
                by,
                &target,
                &storage_key,
                &sealed,
                &file_name,
                content_type,
                now,
            )
        })
        .await
    }

    /// A document the actor may download, the download audited.
    pub async fn download_target(
        &self,
        actor: &Actor,
        document_id: &str,
        preview: bool,
    ) -> Result<
        (
            crate::store::documents::DocumentRow,
            crate::documents::pipeline::StoredVersion,
        ),
        AppError,
    > {
        let id = document_id.to_string();
        self.write_as(actor, move |conn, viewer, by, now| {
            documents::download_target(conn, viewer, by, &id, preview, now)
        })
        .await
    }

    /// Runs `work` in one write transaction as `actor` (whose viewer the
    /// object checks use and who the audit trail names), at the time now.
    async fn write_as<T: Send + 'static>(
        &self,
        actor: &Actor,
        work: impl FnOnce(&mut DbConnection, &Viewer, &By, i64) -> Result<T, ServerError>
            + Send
            + 'static,
    ) -> Result<T, AppError> {
        let (viewer, by) = (actor.viewer.clone(), By::actor(actor));
        Ok(self
            .db
            .write(move |conn| work(conn, &viewer, &by, now()))
            .await?)
    }

    /// The database this backend uses.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The signed-in person for a session token, if the session is live.
    pub async fn resolve_session(&self, token: &str) -> Result<Option<Viewer>, ServerError> {
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

    /// Creates a user with a checked password (the admin page, `create-admin`
    /// and the initial admin), recording who created it.
    pub async fn add_user(&self, user: NewStaffUser, by: By) -> Result<UserSummary, ServerError> {
        let email = validate::normalize_email(&user.email).map_err(AppError::from)?;
        let display_name =
            validate::normalize_display_name(&user.display_name).map_err(AppError::from)?;
        check_new_password(&user.password, &email)?;
        let password = user.password;
        let hash = self.with_hasher(move |p| p.hash(&password)).await?;
        let role = user.role;
        self.db
            .write(move |conn| {
                if users::by_email(conn, &email)?.is_some() {
                    return Err(AppError::Conflict(format!(
                        "A user with the email {email} already exists."
                    ))
                    .into());
                }
                let id = uuid::Uuid::new_v4().to_string();
                let now = now();
                users::insert(
                    conn,
                    &users::NewUserRow {
                        id: &id,
                        email: &email,
                        display_name: &display_name,
                        role: role.as_str(),
                        password_hash: &hash,
                        active: true,
                        created_at: now,
                        updated_at: now,
                        client_id: None,
                    },
                )?;
                audit::append(
                    conn,
                    by.entry(
                        "user.create",
                        "user",
                        &id,
                        format!("created {email} ({display_name}) as {}", role.label()),
                    ),
                    now,
                )?;
                users::by_id(conn, &id)?
                    .ok_or_else(|| {
                        ServerError::Invariant(format!(
                            "user {id} is gone right after it was written"
                        ))
                    })?
                    .summary()
            })
            .await
    }

    /// Deletes expired sessions and stale throttle rows; returns how many.
    pub async fn purge(&self) -> Result<u64, ServerError> {
        let idle = self.idle_secs;
        self.db
            .run(move |conn| {
                let now = now();
                Ok(sessions::purge_expired(conn, now, idle)? + throttle::purge_stale(conn, now)?)
            })
            .await
    }

    /// Number of users in the database.
    pub async fn user_count(&self) -> Result<i64, ServerError> {
        self.db.run(users::count).await
    }

    /// Appends an audit entry in its own transaction; a failure is logged,
    /// never shown (the request it records has already been answered).
    async fn audit_best_effort(&self, entry: Entry) {
        let result = self
            .db
            .write(move |conn| audit::append(conn, entry, now()))
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "could not write an audit entry");
        }
    }
    async fn sign_in_inner(&self, request: SignInRequest) -> Result<SignedIn, ServerError> {
        let email = validate::normalize_email(&request.email).map_err(AppError::from)?;
        if request.password.is_empty() {
            return Err(AppError::Invalid {
                field: "password".into(),
                message: "Enter your password.".into(),
            }
            .into());
        }
        if request.password.chars().count() > validate::PASSWORD_MAX_CHARS {
            return Err(AppError::InvalidCredentials.into());
        }
        let keys = throttle::keys(&email, &request.client.ip);

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

        let token = token::generate()?;
        let digest = token::digest(&token);
        let previous = request
            .previous_token
            .filter(|t| token::looks_valid(t))
            .map(|t| token::digest(&t));
        let client = request.client;
        let max_age = self.max_age_secs;
        let viewer = self
            .db
            .write(move |conn| {
                let now = now();
                throttle::serialize(conn)?;
                throttle::succeeded(conn, &keys)?;
                if let Some(previous) = previous {
                    sessions::delete_by_token_hash(conn, &previous)?;
                }
                let session = SessionRow::new(&user.id, digest, client, now, now + max_age);
                sessions::insert(conn, &session)?;
                if let Some(hash) = upgraded {
                    users::set_password_hash(conn, &user.id, &hash, now)?;
                }
                users::touch_sign_in(conn, &user.id, now)?;
                audit::append(
                    conn,
                    Entry {
                        actor_id: Some(user.id.clone()),
                        actor_email: user.email.clone(),
                        action: "auth.sign_in".into(),
                        object_type: "session".into(),
                        object_id: session.id.clone(),
                        summary: "signed in".into(),
                        ip: session.ip.clone(),
                    },
                    now,
                )?;
                user.viewer(session.id)
            })
            .await?;
        tracing::info!(target: "visadesk::auth", user = %viewer.user_id, "signed in");
        Ok(SignedIn { token, viewer })
    }

    /// Runs argon2 work on the blocking pool, at most a few at a time, so a
    /// burst of sign-ins cannot exhaust memory (each run takes ~19 MiB).
    async fn with_hasher<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Passwords) -> Result<T, ServerError> + Send + 'static,
    ) -> Result<T, ServerError> {
        let _permit = self
            .hashing
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ServerError::Blocking(e.to_string()))?;
        let passwords = self.passwords.clone();
        actix_web::rt::task::spawn_blocking(move || work(&passwords))
            .await
            .map_err(|e| ServerError::Blocking(e.to_string()))?
    }

    async fn update_user(
        &self,
        actor: &Actor,
        user_id: &str,
        change: impl FnOnce(&mut crate::db::DbConnection, &users::UserRow, i64) -> Result<Entry, ServerError>
            + Send
            + 'static,
    ) -> Result<UserSummary, ServerError> {
        let (actor_id, user_id) = (actor.viewer.user_id.clone(), user_id.to_string());
        self.db
            .write(move |conn| {
                let user =
                    users::by_id(conn, &user_id)?.ok_or(AppError::NotFound("user".into()))?;
                if user.id == actor_id {
                    return Err(AppError::Conflict(
                        "You can't change your own role or deactivate yourself; ask another admin."
                            .into(),
                    )
                    .into());
                }
                let now = now();
                let entry = change(conn, &user, now)?;
                audit::append(conn, entry, now)?;
                users::by_id(conn, &user_id)?
                    .ok_or(AppError::NotFound("user".into()))?
                    .summary()
            })
            .await
    }
}

fn session_info(row: SessionRow, current: &str) -> SessionInfo {
    SessionInfo {
        current: row.id == current,
        id: row.id,
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        expires_at: row.expires_at,
        user_agent: row.user_agent,
        ip: row.ip,
    }
}

#[async_trait::async_trait]
impl Backend for VisadeskBackend {
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
        let ip = request.client.ip.clone();
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
            actor.viewer.user_id.clone(),
            actor.viewer.session_id.clone(),
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

    async fn list_sessions(&self, viewer: &Viewer) -> Result<Vec<SessionInfo>, AppError> {
        let (user_id, current, idle) = (
            viewer.user_id.clone(),
            viewer.session_id.clone(),
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

    async fn end_session(&self, actor: &Actor, session_id: &str) -> Result<(), AppError> {
        let by = By::actor(actor);
        let (user_id, id) = (actor.viewer.user_id.clone(), session_id.to_string());
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
            actor.viewer.user_id.clone(),
            actor.viewer.session_id.clone(),
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

    async fn list_users(&self) -> Result<Vec<UserSummary>, AppError> {
        let rows = self.db.run(users::all).await?;
        Ok(rows
            .iter()
            .map(users::UserRow::summary)
            .collect::<Result<Vec<_>, _>>()?)
    }

    async fn create_user(
        &self,
        actor: &Actor,
        user: NewStaffUser,
    ) -> Result<UserSummary, AppError> {
        if !user.role.is_staff() {
            return Err(AppError::Invalid {
                field: "role".into(),
                message: "Choose a staff role.".into(),
            });
        }
        Ok(self.add_user(user, By::actor(actor)).await?)
    }

    async fn change_role(
        &self,
        actor: &Actor,
        user_id: &str,
        role: Role,
    ) -> Result<UserSummary, AppError> {
        let by = By::actor(actor);
        Ok(self
            .update_user(actor, user_id, move |conn, user, now| {
                let before = user.role()?;
                if before.is_staff() != role.is_staff() {
                    return Err(AppError::Invalid {
                        field: "role".into(),
                        message: "Staff and applicant accounts can't be turned into one another."
                            .into(),
                    }
                    .into());
                }
                users::set_role(conn, &user.id, role, now)?;
                let summary = format!("{}: role {} → {}", user.email, before.label(), role.label());
                Ok(by.entry("user.role_change", "user", &user.id, summary))
            })
            .await?)
    }

    async fn set_active(
        &self,
        actor: &Actor,
        user_id: &str,
        active: bool,
    ) -> Result<UserSummary, AppError> {
        let by = By::actor(actor);
        Ok(self
            .update_user(actor, user_id, move |conn, user, now| {
                users::set_active(conn, &user.id, active, now)?;
                let entry = if active {
                    by.entry(
                        "user.reactivate",
                        "user",
                        &user.id,
                        format!("{}: reactivated", user.email),
                    )
                } else {
                    let ended = sessions::delete_all_for_user(conn, &user.id, None)?;
                    let summary = format!("{}: deactivated; {ended} session(s) ended", user.email);
                    by.entry("user.deactivate", "user", &user.id, summary)
                };
                Ok(entry)
            })
            .await?)
    }

    async fn record_denied(&self, viewer: &Viewer, what: &str, client: &ClientMeta) {
        let by = By {
            id: Some(viewer.user_id.clone()),
            email: viewer.email.clone(),
            ip: client.ip.clone(),
        };
        let summary = format!(
            "refused: a {} may not {what}",
            viewer.role.label().to_lowercase()
        );
        self.audit_best_effort(by.entry("access.denied", "permission", what, summary))
            .await;
    }

    async fn audit_events(&self, filter: AuditFilter) -> Result<Vec<AuditEvent>, AppError> {
        Ok(self.db.run(move |conn| audit::list(conn, &filter)).await?)
    }

    async fn list_clients(
        &self,
        query: String,
        sort: ClientSort,
        page: i64,
    ) -> Result<ClientPage, AppError> {
        Ok(self
            .db
            .run(move |conn| clients::search(conn, &query, sort, page))
            .await?)
    }

    async fn get_client(&self, id: &str) -> Result<Client, AppError> {
        let id = id.to_string();
        self.db
            .run(move |conn| clients::by_id(conn, &id))
            .await?
            .ok_or_else(|| AppError::NotFound("client".into()))
    }

    async fn save_client(&self, actor: &Actor, save: ClientSave) -> Result<SaveOutcome, AppError> {
        let by = By::actor(actor);
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                if !save.confirm_duplicate {
                    let matches =
                        clients::likely_duplicates(conn, &save.details, save.id.as_deref())?;
                    if !matches.is_empty() {
                        return Ok(SaveOutcome::PossibleDuplicate(matches));
                    }
                }
                let d = &save.details;
                let id = match (&save.id, save.base_version) {
                    (None, _) => {
                        let id = clients::insert(conn, d, by.id.as_deref(), now)?;
                        audit::append(
                            conn,
                            by.entry(
                                "client.create",
                                "client",
                                &id,
                                format!("created {}", d.full_name),
                            ),
                            now,
                        )?;
                        id
                    }
                    (Some(id), Some(base)) => {
                        let current = clients::by_id(conn, id)?
                            .ok_or_else(|| AppError::NotFound("client".into()))?;
                        if !clients::update_if_version(conn, id, base, d, now)? {
                            return Ok(SaveOutcome::Conflict(current));
                        }
                        let changed = changed_fields(&current.details, d);
                        let summary = if changed.is_empty() {
                            "saved without changes".to_string()
                        } else {
                            format!("{}: changed {}", d.full_name, changed.join(", "))
                        };
                        audit::append(conn, by.entry("client.update", "client", id, summary), now)?;
                        id.clone()
                    }
                    (Some(_), None) => {
                        return Err(AppError::Request(
                            "The form did not say which version it edits. Reload the page.".into(),
                        )
                        .into())
                    }
                };
                let saved = clients::by_id(conn, &id)?.ok_or_else(|| {
                    ServerError::Invariant(format!("client {id} is gone right after it was saved"))
                })?;
                Ok(SaveOutcome::Saved(saved))
            })
            .await?)
    }

    async fn list_cases(&self, filter: CaseFilter) -> Result<CasePage, AppError> {
        let today = Date::from_unix(now()).to_string();
        Ok(self
            .db
            .run(move |conn| cases::list(conn, &filter, &today))
            .await?)
    }

    async fn get_case(&self, viewer: &Viewer, id: &str) -> Result<CaseDetail, AppError> {
        let (viewer, id) = (viewer.clone(), id.to_string());
        let today = Date::from_unix(now()).to_string();
        let mut detail = self
            .db
            .run(move |conn| case_detail(conn, &viewer, &id, &today))
            .await?;
        detail.max_upload_bytes = self.documents.max_upload_bytes;
        Ok(detail)
    }

    async fn update_case(
        &self,
        actor: &Actor,
        id: &str,
        base_version: i64,
        edit: CaseEdit,
    ) -> Result<CaseSaveOutcome, AppError> {
        let by = By::actor(actor);
        let (viewer, id) = (actor.viewer.clone(), id.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let today = Date::from_unix(now).to_string();
                case_work::update_case(conn, &viewer, &by, &id, base_version, &edit, now, &today)
            })
            .await?)
    }

    async fn board(&self, filter: CaseFilter) -> Result<Board, AppError> {
        let today = Date::from_unix(now()).to_string();
        Ok(self
            .db
            .run(move |conn| cases::board(conn, &filter, &today))
            .await?)
    }

    async fn add_task(
        &self,
        actor: &Actor,
        case_id: &str,
        task: TaskInput,
    ) -> Result<Task, AppError> {
        let by = By::actor(actor);
        let (viewer, case_id) = (actor.viewer.clone(), case_id.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let today = Date::from_unix(now).to_string();
                case_work::add_task(conn, &viewer, &by, &case_id, &task, now, &today)
            })
            .await?)
    }

    async fn set_task_done(
        &self,
        actor: &Actor,
        task_id: &str,
        done: bool,
    ) -> Result<Task, AppError> {
        let by = By::actor(actor);
        let (viewer, task_id) = (actor.viewer.clone(), task_id.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let today = Date::from_unix(now).to_string();
                case_work::set_task_done(conn, &viewer, &by, &task_id, done, now, &today)
            })
            .await?)
    }

    async fn add_checklist_item(
        &self,
        actor: &Actor,
        case_id: &str,
        kind: DocumentKind,
    ) -> Result<ChecklistItem, AppError> {
        let case_id = case_id.to_string();
        self.write_as(actor, move |conn, viewer, by, now| {
            case_work::add_checklist_item(conn, viewer, by, &case_id, kind, now)
        })
        .await
    }

    async fn waive_checklist_item(
        &self,
        actor: &Actor,
        item_id: &str,
        waive: bool,
        reason: String,
    ) -> Result<ChecklistItem, AppError> {
        let item_id = item_id.to_string();
        self.write_as(actor, move |conn, viewer, by, now| {
            case_work::waive_checklist_item(conn, viewer, by, &item_id, waive, &reason, now)
        })
        .await
    }

    async fn delete_task(&self, actor: &Actor, task_id: &str) -> Result<(), AppError> {
        let task_id = task_id.to_string();
        self.write_as(actor, move |conn, viewer, by, now| {
            case_work::delete_task(conn, viewer, by, &task_id, now)
        })
        .await
    }

    async fn create_case(&self, actor: &Actor, case: NewCase) -> Result<CaseSummary, AppError> {
        let by = By::actor(actor);
        let actor_name = actor.viewer.display_name.clone();
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let client =
                    clients::by_id(conn, &case.client_id)?.ok_or_else(|| AppError::Invalid {
                        field: "client_id".into(),
                        message: "That client was not found.".into(),
                    })?;
                check_assignees(
                    conn,
                    case.attorney_id.as_deref(),
                    case.paralegal_id.as_deref(),
                )?;
                let today = Date::from_unix(now);
                let row = CaseRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    reference: cases::next_reference(conn, today.year)?,
                    client_id: client.id.clone(),
                    programme: case.programme.code().into(),
                    stage: Stage::Intake.code().into(),
                    priority: case.priority.code().into(),
                    attorney_id: case.attorney_id.clone(),
                    paralegal_id: case.paralegal_id.clone(),
                    opened_on: today.to_string(),
                    target_filing_on: case.target_filing_on.clone(),
                    filed_on: String::new(),
                    decision_on: String::new(),
                    internal_notes: case.internal_notes.clone(),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                cases::insert(conn, &row)?;
                crate::store::checklist::insert_many(
                    conn,
                    &crate::store::checklist::rows_for(&row.id, case.programme, now),
                )?;
                cases::add_event(
                    conn,
                    &EventRow {
                        id: uuid::Uuid::new_v4().to_string(),
                        case_id: row.id.clone(),
                        seq: 0,
                        at: now,
                        actor_id: by.id.clone(),
                        actor_name: actor_name.clone(),
                        from_stage: None,
                        to_stage: Stage::Intake.code().into(),
                        note: "Case opened".into(),
                    },
                )?;
                let summary = format!(
                    "{}: opened for {} ({})",
                    row.reference,
                    client.details.full_name,
                    case.programme.label()
                );
                audit::append(conn, by.entry("case.create", "case", &row.id, summary), now)?;
                cases::summaries(conn, vec![row])?
                    .pop()
                    .ok_or_else(|| ServerError::Invariant("a new case has no summary".into()))
            })
            .await?)
    }

    async fn move_case(
        &self,
        actor: &Actor,
        id: &str,
        to: Stage,
        note: String,
    ) -> Result<CaseDetail, AppError> {
        let by = By::actor(actor);
        let (viewer, id) = (actor.viewer.clone(), id.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let row = editable_case(conn, &viewer, &id, "move it")?;
                let from = row.stage()?;
                check_move(viewer.role, from, to).map_err(|e| match e {
                    MoveError::RoleCannotMove => AppError::Forbidden,
                    other => AppError::Conflict(other.to_string()),
                })?;
                if !cases::set_stage(conn, &row, from, to, &Date::from_unix(now).to_string(), now)?
                {
                    return Err(AppError::Conflict(
                        "Someone moved this case meanwhile. Reload to see where it is now.".into(),
                    )
                    .into());
                }
                cases::add_event(
                    conn,
                    &EventRow {
                        id: uuid::Uuid::new_v4().to_string(),
                        case_id: row.id.clone(),
                        seq: 0,
                        at: now,
                        actor_id: by.id.clone(),
                        actor_name: viewer.display_name.clone(),
                        from_stage: Some(from.code().into()),
                        to_stage: to.code().into(),
                        note: note.clone(),
                    },
                )?;
                let summary = format!("{}: {} → {}", row.reference, from.label(), to.label());
                audit::append(conn, by.entry("case.stage", "case", &row.id, summary), now)?;
                case_detail(conn, &viewer, &id, &Date::from_unix(now).to_string())
            })
            .await?)
    }

    async fn dashboard(&self, viewer: &Viewer) -> Result<Dashboard, AppError> {
        let user_id = viewer.user_id.clone();
        let now = now();
        let (today, in_14_days) = (
            Date::from_unix(now).to_string(),
            Date::from_unix(now + 14 * 86_400).to_string(),
        );
        Ok(self
            .db
            .run(move |conn| cases::dashboard(conn, &user_id, &today, &in_14_days))
            .await?)
    }

    async fn assignable_staff(&self) -> Result<Vec<StaffRef>, AppError> {
        Ok(self.db.run(cases::staff).await?)
    }

    async fn review_document(
        &self,
        actor: &Actor,
        document_id: &str,
        accept: bool,
        reason: String,
    ) -> Result<ChecklistItem, AppError> {
        let id = document_id.to_string();
        self.write_as(actor, move |conn, viewer, by, now| {
            documents::review_document(conn, viewer, by, &id, accept, &reason, now)
        })
        .await
    }

    async fn portal(&self, viewer: &Viewer) -> Result<Portal, AppError> {
        let viewer = viewer.clone();
        let max = self.documents.max_upload_bytes;
        Ok(self
            .db
            .run(move |conn| documents::portal(conn, &viewer, max))
            .await?)
    }

    async fn invite_applicant(
        &self,
        actor: &Actor,
        client_id: &str,
    ) -> Result<NewInvitation, AppError> {
        let id = client_id.to_string();
        self.write_as(actor, move |conn, viewer, by, now| {
            documents::invite(conn, viewer, by, &id, now)
        })
        .await
    }

    async fn invitation_info(&self, token: &str) -> Result<InvitationInfo, AppError> {
        let token = token.to_string();
        Ok(self
            .db
            .run(move |conn| documents::invitation_info(conn, &token, now()))
            .await?)
    }

    async fn accept_invitation(
        &self,
        token: &str,
        password: String,
        client: ClientMeta,
    ) -> Result<SignedIn, AppError> {
        let info = self.invitation_info(token).await?;
        check_new_password(&password, &info.email)?;
        let hash = self.with_hasher(move |p| p.hash(&password)).await?;
        let raw = token.to_string();
        let session_token = token::generate()?;
        let digest = token::digest(&session_token);
        let max_age = self.max_age_secs;
        let viewer = self
            .db
            .write(move |conn| {
                let now = now();
                let user = documents::accept_invitation(conn, &raw, &hash, now)?;
                let session = SessionRow::new(&user.id, digest, client, now, now + max_age);
                sessions::insert(conn, &session)?;
                users::touch_sign_in(conn, &user.id, now)?;
                user.viewer(session.id)
            })
            .await?;
        tracing::info!(target: "visadesk::auth", user = %viewer.user_id, "joined the portal");
        Ok(SignedIn {
            token: session_token,
            viewer,
        })
    }

    async fn eligibility_context(&self, viewer: &Viewer) -> Result<EligibilityContext, AppError> {
        let viewer = viewer.clone();
        let today = Date::from_unix(now());
        Ok(self
            .db
            .run(move |conn| eligibility::context(conn, &viewer, today))
            .await?)
    }

    async fn save_eligibility_settings(
        &self,
        actor: &Actor,
        settings: Settings,
    ) -> Result<Settings, AppError> {
        self.write_as(actor, move |conn, viewer, by, now| {
            eligibility::save_settings(conn, viewer, by, settings, now)
        })
        .await
    }

    async fn case_eligibility(
        &self,
        viewer: &Viewer,
        case_id: &str,
    ) -> Result<CaseEligibility, AppError> {
        let (viewer, case_id) = (viewer.clone(), case_id.to_string());
        let today = Date::from_unix(now());
        Ok(self
            .db
            .run(move |conn| eligibility::case_eligibility(conn, &viewer, &case_id, today))
            .await?)
    }

    async fn save_assessment(
        &self,
        actor: &Actor,
        case_id: &str,
        on: &str,
    ) -> Result<StoredAssessment, AppError> {
        let (case_id, on) = (case_id.to_string(), on.to_string());
        self.write_as(actor, move |conn, viewer, by, now| {
            eligibility::save_assessment(conn, viewer, by, &case_id, &on, now)
        })
        .await
    }
}
