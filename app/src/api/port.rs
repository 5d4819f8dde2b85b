//! The port `app` needs from the server: implemented in the `server` crate
//! (diesel, argon2) and reached through Leptos context.

use crate::domain::account::{CalendarFeed, NewCalendarFeed};
use crate::domain::assessment::{CaseEligibility, EligibilityContext, StoredAssessment};
use crate::domain::audit::{AuditEvent, AuditFilter};
use crate::domain::case::{
    Board, CaseDetail, CaseEdit, CaseFilter, CasePage, CaseSaveOutcome, CaseSummary, Dashboard,
    Priority, StaffRef,
};
use crate::domain::checklist::{ChecklistItem, DocumentKind};
use crate::domain::client::{Client, ClientInput, ClientPage, ClientSort, SaveOutcome};
use crate::domain::delivery::{DigestSchedule, MailChoices, MailPreferences};
use crate::domain::document::{InvitationInfo, NewInvitation, Portal};
use crate::domain::mail::{FirmProfile, OutboxEntry, OutboxMessage, OutboxPage, OutboxStatus};
use crate::domain::message::{Message, Thread};
use crate::domain::notice::NoticePage;
use crate::domain::scrub::ScrubStatus;
use crate::domain::second_factor::{
    ChallengeInfo, ChallengePurpose, PasskeyAdded, PasskeyCeremony, SecondFactorStatus,
    SecurityPolicy, TotpConfirmed, TotpSetup,
};
use crate::domain::task::{Task, TaskInput};
use crate::domain::{
    CaseId, CeremonyId, ClientId, DocumentId, InvitationToken, ItemId, NoticeId, OutboxId,
    PasskeyId, ResetToken, SessionId, TaskId, UserId,
};
use crate::domain::{
    CurrentUser, Language, NewStaffUser, ResetInfo, ResetSent, Role, SessionInfo, UserSummary,
};
use crate::domain::{Programme, Stage};
use crate::eligibility::Settings;
use crate::error::AppError;
use std::sync::Arc;

/// Where a request came from, recorded with sessions and used for throttling.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestSource {
    pub ip: String,
    pub user_agent: String,
    /// This browser's own token (its cookie), by which a sign-in from a
    /// browser the account has not used before is told apart.
    pub browser: Option<String>,
}

/// The client's address as the server worked it out (behind trusted
/// proxies, from `X-Forwarded-For`); put into the request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The origin (`scheme://host[:port]`) this site is reached at, as the
/// server worked it out (the public URL, or the request's own); put into
/// the request's extensions. Passkeys are bound to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteOrigin(pub String);

/// A signed-in person making a change, and where from (for the audit trail).
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: CurrentUser,
    pub source: RequestSource,
}

/// A client to save: new when `id` is `None`, else an edit of the version
/// the person opened. `details` has been validated.
#[derive(Clone, Debug)]
pub struct ClientSave {
    pub id: Option<ClientId>,
    pub base_version: Option<i64>,
    pub details: ClientInput,
    /// Save even though other clients share the email or passport number.
    pub confirm_duplicate: bool,
}

/// A case to open (checked for shape; the backend checks the references).
#[derive(Clone, Debug)]
pub struct NewCase {
    pub client_id: ClientId,
    pub programme: Programme,
    pub priority: Priority,
    pub attorney_id: Option<UserId>,
    pub paralegal_id: Option<UserId>,
    /// `YYYY-MM-DD` or empty.
    pub target_filing_on: String,
    pub internal_notes: String,
}

/// A sign-in attempt.
#[derive(Clone, Debug)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
    pub source: RequestSource,
    /// The session token the browser already had, ended so the token rotates.
    pub previous_token: Option<String>,
}

/// What a right password (or a finished second factor) opens. Raw tokens
/// go into a cookie and nowhere else.
#[derive(Clone, Debug)]
pub enum SignedIn {
    /// A session; `browser` is a new token for this browser's cookie when
    /// it had none.
    Session {
        token: String,
        viewer: CurrentUser,
        browser: Option<String>,
    },
    /// Not yet a session: a second factor is to be given, or set up first.
    SecondFactor {
        token: String,
        purpose: ChallengePurpose,
    },
}

/// Who is setting up an authenticator: someone signed in, or someone whose
/// sign-in waits for it (the firm requires one).
#[derive(Clone, Debug)]
pub enum Enroller {
    SignedIn(Actor),
    /// The token of the sign-in challenge, from its cookie.
    Challenge {
        token: String,
        source: RequestSource,
    },
}

/// How the session cookie is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookiePolicy {
    pub name: String,
    /// Add `Secure` (the site is served over HTTPS).
    pub secure: bool,
    /// The session's absolute lifetime.
    pub max_age_secs: i64,
}

/// Sign-in, sign-out and one's own sessions.
#[async_trait::async_trait]
pub trait AccountPort: Send + Sync + 'static {
    /// How to write the session cookie.
    fn cookie_policy(&self) -> CookiePolicy;
    /// Checks credentials (with throttling) and opens a session.
    async fn sign_in(&self, request: SignInRequest) -> Result<SignedIn, AppError>;
    /// Ends the actor's current session.
    async fn sign_out(&self, actor: &Actor) -> Result<(), AppError>;
    /// The caller's open sessions, newest first.
    async fn list_sessions(&self, caller: &CurrentUser) -> Result<Vec<SessionInfo>, AppError>;
    /// Ends one of the actor's own sessions.
    async fn end_session(&self, actor: &Actor, session_id: &SessionId) -> Result<(), AppError>;
    /// Ends every session of the actor but the current one; returns how many.
    async fn end_other_sessions(&self, actor: &Actor) -> Result<u64, AppError>;
    /// Emails a password reset link if `email` belongs to an active account;
    /// answers the same either way. Throttled per address and per account.
    async fn request_password_reset(
        &self,
        email: String,
        source: RequestSource,
    ) -> Result<(), AppError>;
    /// What a reset link's page shows (refused when used or expired).
    async fn password_reset_info(&self, token: &ResetToken) -> Result<ResetInfo, AppError>;
    /// Uses a reset link: sets the password, ends every session of the
    /// account, and signs this browser in.
    async fn reset_password(
        &self,
        token: &ResetToken,
        password: String,
        source: RequestSource,
    ) -> Result<SignedIn, AppError>;
    /// Stores the language the actor chose in their account (audited).
    async fn set_language(&self, actor: &Actor, language: Language) -> Result<(), AppError>;
}

/// The firm's users, as admins manage them.
#[async_trait::async_trait]
pub trait UserPort: Send + Sync + 'static {
    /// Every user, staff and applicants.
    async fn list_users(&self, caller: &CurrentUser) -> Result<Vec<UserSummary>, AppError>;
    /// Creates a staff user.
    async fn create_user(&self, actor: &Actor, user: NewStaffUser)
        -> Result<UserSummary, AppError>;
    /// Gives a user another role.
    async fn change_role(
        &self,
        actor: &Actor,
        user_id: &UserId,
        role: Role,
    ) -> Result<UserSummary, AppError>;
    /// Deactivates (ending every session at once) or reactivates a user.
    async fn set_active(
        &self,
        actor: &Actor,
        user_id: &UserId,
        active: bool,
    ) -> Result<UserSummary, AppError>;
    /// Emails a staff member a link to choose a new password.
    async fn send_password_reset(
        &self,
        actor: &Actor,
        user_id: &UserId,
    ) -> Result<ResetSent, AppError>;
}

/// Outgoing email: the outbox as admins see it, and the firm's name.
#[async_trait::async_trait]
pub trait MailPort: Send + Sync + 'static {
    /// A page of the outbox, newest first, optionally of one status.
    async fn outbox(
        &self,
        caller: &CurrentUser,
        status: Option<OutboxStatus>,
        page: i64,
    ) -> Result<OutboxPage, AppError>;
    /// One email, with its text unless it holds a single-use link.
    async fn outbox_message(
        &self,
        caller: &CurrentUser,
        id: &OutboxId,
    ) -> Result<OutboxMessage, AppError>;
    /// Queues a failed email again, for an attempt now.
    async fn retry_outbox(&self, actor: &Actor, id: &OutboxId) -> Result<OutboxEntry, AppError>;
    /// The firm's name and the like, as emails show them.
    async fn firm_profile(&self, caller: &CurrentUser) -> Result<FirmProfile, AppError>;
    /// Replaces the firm profile.
    async fn save_firm_profile(
        &self,
        actor: &Actor,
        firm: FirmProfile,
    ) -> Result<FirmProfile, AppError>;
    /// The caller's own email choices, and when the daily digest goes out.
    async fn mail_preferences(&self, caller: &CurrentUser) -> Result<MailPreferences, AppError>;
    /// Saves the caller's choices; a category left out keeps its choice.
    async fn save_mail_preferences(
        &self,
        actor: &Actor,
        choices: MailChoices,
    ) -> Result<MailPreferences, AppError>;
    /// When the firm's daily digest goes out.
    async fn digest_schedule(&self, caller: &CurrentUser) -> Result<DigestSchedule, AppError>;
    /// Sets the digest's hour and time zone (an IANA name the server knows).
    async fn save_digest_schedule(
        &self,
        actor: &Actor,
        schedule: DigestSchedule,
    ) -> Result<DigestSchedule, AppError>;
}

/// The audit trail, and the integrity of what is kept.
#[async_trait::async_trait]
pub trait AuditPort: Send + Sync + 'static {
    /// Records that `caller` was refused `what` (best effort, never fails).
    async fn record_denied(&self, caller: &CurrentUser, what: &str, source: &RequestSource);
    /// A page of audit events, newest first.
    async fn audit_events(
        &self,
        caller: &CurrentUser,
        filter: AuditFilter,
    ) -> Result<Vec<AuditEvent>, AppError>;
    /// The document scrub's last run and its schedule.
    async fn scrub_status(&self, caller: &CurrentUser) -> Result<ScrubStatus, AppError>;
}

/// The firm's clients.
#[async_trait::async_trait]
pub trait ClientPort: Send + Sync + 'static {
    /// A page of the clients the caller may see that match `query`.
    async fn list_clients(
        &self,
        caller: &CurrentUser,
        query: String,
        sort: ClientSort,
        page: i64,
    ) -> Result<ClientPage, AppError>;
    /// One client, if the caller may see it.
    async fn get_client(&self, caller: &CurrentUser, id: &ClientId) -> Result<Client, AppError>;
    /// Creates or updates a client (see [`SaveOutcome`] for the outcomes).
    async fn save_client(&self, actor: &Actor, save: ClientSave) -> Result<SaveOutcome, AppError>;
}

/// Cases, their stages, tasks and checklists, the board and the dashboard.
#[async_trait::async_trait]
pub trait CasePort: Send + Sync + 'static {
    /// A page of the cases the caller may see that match `filter`.
    async fn list_cases(
        &self,
        caller: &CurrentUser,
        filter: CaseFilter,
    ) -> Result<CasePage, AppError>;
    /// One case with its timeline and the moves the caller may make.
    async fn get_case(&self, caller: &CurrentUser, id: &CaseId) -> Result<CaseDetail, AppError>;
    /// Opens a case at Intake with the next reference of the year.
    async fn create_case(&self, actor: &Actor, case: NewCase) -> Result<CaseSummary, AppError>;
    /// Moves a case to another stage, as the stage machine allows for the actor.
    async fn move_case(
        &self,
        actor: &Actor,
        id: &CaseId,
        to: Stage,
        note: String,
    ) -> Result<CaseDetail, AppError>;
    /// Saves a case's details if it is still at `base_version` (checked
    /// with `validate_case_edit`; only attorneys and admins reassign).
    async fn update_case(
        &self,
        actor: &Actor,
        id: &CaseId,
        base_version: i64,
        edit: CaseEdit,
    ) -> Result<CaseSaveOutcome, AppError>;
    /// The board: each stage's count and most recently updated cases.
    async fn board(&self, caller: &CurrentUser, filter: CaseFilter) -> Result<Board, AppError>;
    /// Adds a task to a case the actor may edit.
    async fn add_task(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        task: TaskInput,
    ) -> Result<Task, AppError>;
    /// Marks a task done or open again.
    async fn set_task_done(
        &self,
        actor: &Actor,
        task_id: &TaskId,
        done: bool,
    ) -> Result<Task, AppError>;
    /// Deletes a task.
    async fn delete_task(&self, actor: &Actor, task_id: &TaskId) -> Result<(), AppError>;
    /// Adds a document kind to a case's checklist.
    async fn add_checklist_item(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        kind: DocumentKind,
    ) -> Result<ChecklistItem, AppError>;
    /// Waives a checklist item with a reason, or restores a waived one.
    async fn waive_checklist_item(
        &self,
        actor: &Actor,
        item_id: &ItemId,
        waive: bool,
        reason: String,
    ) -> Result<ChecklistItem, AppError>;
    /// The dashboard for the caller.
    async fn dashboard(&self, caller: &CurrentUser) -> Result<Dashboard, AppError>;
    /// Active admins, attorneys and paralegals, for assignment.
    async fn assignable_staff(&self, caller: &CurrentUser) -> Result<Vec<StaffRef>, AppError>;
}

/// Uploaded documents' review, and the applicants' portal.
#[async_trait::async_trait]
pub trait DocumentPort: Send + Sync + 'static {
    /// Accepts or rejects (with a reason) the newest version of a checklist item.
    async fn review_document(
        &self,
        actor: &Actor,
        document_id: &DocumentId,
        accept: bool,
        reason: String,
    ) -> Result<ChecklistItem, AppError>;
    /// The applicant's portal: their own cases only.
    async fn portal(&self, caller: &CurrentUser) -> Result<Portal, AppError>;
    /// A one-time portal invitation for a client (replacing unused ones).
    async fn invite_applicant(
        &self,
        actor: &Actor,
        client_id: &ClientId,
    ) -> Result<NewInvitation, AppError>;
    /// What an invitation link's page shows (refused when used or expired).
    /// The token is the key: no caller.
    async fn invitation_info(&self, token: &InvitationToken) -> Result<InvitationInfo, AppError>;
    /// Uses an invitation: sets the applicant's password and signs them in.
    async fn accept_invitation(
        &self,
        token: &InvitationToken,
        password: String,
        source: RequestSource,
    ) -> Result<SignedIn, AppError>;
}

/// Eligibility: the firm's settings and stored assessments.
#[async_trait::async_trait]
pub trait EligibilityPort: Send + Sync + 'static {
    /// The settings and today's date for assessing in the browser.
    async fn eligibility_context(
        &self,
        caller: &CurrentUser,
    ) -> Result<EligibilityContext, AppError>;
    /// Replaces the firm's eligibility settings.
    async fn save_eligibility_settings(
        &self,
        actor: &Actor,
        settings: Settings,
    ) -> Result<Settings, AppError>;
    /// The eligibility part of a case page.
    async fn case_eligibility(
        &self,
        caller: &CurrentUser,
        case_id: &CaseId,
    ) -> Result<CaseEligibility, AppError>;
    /// Assesses and stores, on the server.
    async fn save_assessment(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        on: &str,
    ) -> Result<StoredAssessment, AppError>;
}

/// What staff are told in the app (the bell): their own notices only.
#[async_trait::async_trait]
pub trait NoticePort: Send + Sync + 'static {
    /// A page of the caller's notices, newest first, with the unread count.
    async fn notices(&self, caller: &CurrentUser, page: i64) -> Result<NoticePage, AppError>;
    /// How many of the caller's notices are unread.
    async fn unread_notices(&self, caller: &CurrentUser) -> Result<i64, AppError>;
    /// Marks one of the caller's notices read (404 when it is not theirs).
    async fn mark_notice_read(&self, caller: &CurrentUser, id: &NoticeId) -> Result<(), AppError>;
    /// Marks all of the caller's notices read; returns how many were unread.
    async fn mark_all_notices_read(&self, caller: &CurrentUser) -> Result<u64, AppError>;
}

/// Each case's thread between the firm and the applicant.
#[async_trait::async_trait]
pub trait MessagePort: Send + Sync + 'static {
    /// The case's thread, if the caller may see the case (404 otherwise).
    async fn thread(&self, caller: &CurrentUser, case_id: &CaseId) -> Result<Thread, AppError>;
    /// Adds a message (checked with `check_message`) and tells the other side.
    async fn send_message(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        body: String,
    ) -> Result<Message, AppError>;
    /// Records that the caller has read the thread now.
    async fn mark_thread_seen(
        &self,
        caller: &CurrentUser,
        case_id: &CaseId,
    ) -> Result<(), AppError>;
}

/// A staff member's private calendar feed of their tasks and filing dates.
#[async_trait::async_trait]
pub trait CalendarPort: Send + Sync + 'static {
    /// Whether the caller has a feed, and since when.
    async fn calendar_feed(&self, caller: &CurrentUser) -> Result<CalendarFeed, AppError>;
    /// Makes a new feed URL; the old one stops working.
    async fn renew_calendar_feed(&self, actor: &Actor) -> Result<NewCalendarFeed, AppError>;
    /// Ends the caller's feed: its URL answers 404 from now on.
    async fn revoke_calendar_feed(&self, actor: &Actor) -> Result<(), AppError>;
}

/// Second factors: one's own authenticator and recovery codes, finishing a
/// sign-in with them, an admin's reset, and the firm's rule.
#[async_trait::async_trait]
pub trait SecondFactorPort: Send + Sync + 'static {
    /// The caller's own second factor.
    async fn second_factor_status(
        &self,
        caller: &CurrentUser,
    ) -> Result<SecondFactorStatus, AppError>;
    /// Starts setting up an authenticator app: a new secret to scan.
    async fn start_totp(&self, who: &Enroller) -> Result<TotpSetup, AppError>;
    /// Confirms the authenticator being set up with its first code. For a
    /// challenge, this also finishes the sign-in (the `SignedIn`).
    async fn confirm_totp(
        &self,
        who: &Enroller,
        code: String,
    ) -> Result<(TotpConfirmed, Option<SignedIn>), AppError>;
    /// Turns the caller's authenticator off (a current code proves it is
    /// them); refused while the firm's rule requires one.
    async fn turn_off_totp(&self, actor: &Actor, code: String) -> Result<(), AppError>;
    /// Replaces the caller's recovery codes; the new ones are shown once.
    async fn renew_recovery_codes(&self, actor: &Actor) -> Result<Vec<String>, AppError>;
    /// The half-done sign-in with this challenge token.
    async fn challenge_info(&self, token: &str) -> Result<ChallengeInfo, AppError>;
    /// Finishes a sign-in with an authenticator or recovery code.
    async fn verify_second_factor(
        &self,
        token: &str,
        code: String,
        source: RequestSource,
    ) -> Result<SignedIn, AppError>;
    /// Removes another user's second factor (they lost it); they are told
    /// by email and must set one up again where the firm requires it.
    async fn reset_second_factor(&self, actor: &Actor, user_id: &UserId) -> Result<(), AppError>;
    /// The firm's sign-in security settings.
    async fn security_policy(&self, caller: &CurrentUser) -> Result<SecurityPolicy, AppError>;
    /// Replaces the firm's sign-in security settings.
    async fn save_security_policy(
        &self,
        actor: &Actor,
        policy: SecurityPolicy,
    ) -> Result<SecurityPolicy, AppError>;
}

/// Passkeys (WebAuthn): registering and removing one's own, using one as
/// the second step of a sign-in, and signing in with one alone where the
/// firm allows it. `site` is the origin the browser is on ([`SiteOrigin`]):
/// passkeys are bound to it.
#[async_trait::async_trait]
pub trait PasskeyPort: Send + Sync + 'static {
    /// Starts registering a passkey for the signed-in person or for a
    /// sign-in that must set up a second factor first.
    async fn start_passkey_registration(
        &self,
        who: &Enroller,
        site: &str,
    ) -> Result<PasskeyCeremony, AppError>;
    /// Checks the browser's new credential and keeps it under `name`. For a
    /// challenge, this also finishes the sign-in (the `SignedIn`).
    async fn finish_passkey_registration(
        &self,
        who: &Enroller,
        site: &str,
        ceremony: &CeremonyId,
        name: String,
        credential: String,
    ) -> Result<(PasskeyAdded, Option<SignedIn>), AppError>;
    /// Removes one of the caller's passkeys; refused for the last second
    /// factor of someone the firm requires one of.
    async fn remove_passkey(&self, actor: &Actor, passkey: &PasskeyId) -> Result<(), AppError>;
    /// Starts the passkey step of the sign-in with this challenge token.
    async fn start_passkey_verification(
        &self,
        token: &str,
        site: &str,
    ) -> Result<PasskeyCeremony, AppError>;
    /// Finishes a sign-in with the browser's passkey assertion.
    async fn finish_passkey_verification(
        &self,
        token: &str,
        site: &str,
        ceremony: &CeremonyId,
        credential: String,
        source: RequestSource,
    ) -> Result<SignedIn, AppError>;
    /// Whether the firm allows signing in with a passkey alone.
    async fn passkey_sign_in_offered(&self) -> Result<bool, AppError>;
    /// Starts a sign-in with a passkey alone (the browser offers the
    /// passkeys it holds for this site).
    async fn start_passkey_sign_in(&self, site: &str) -> Result<PasskeyCeremony, AppError>;
    /// Finishes a sign-in with a passkey alone: a session for its owner.
    async fn finish_passkey_sign_in(
        &self,
        site: &str,
        ceremony: &CeremonyId,
        credential: String,
        source: RequestSource,
    ) -> Result<SignedIn, AppError>;
}

/// Everything the UI's server functions ask of the backend: every area's
/// port. Anything that implements them all is a `Backend`; server functions
/// reach it with `backend()` and call any area's methods (bring the area's
/// trait into scope).
pub trait Backend:
    AccountPort
    + UserPort
    + AuditPort
    + ClientPort
    + CasePort
    + DocumentPort
    + EligibilityPort
    + MailPort
    + NoticePort
    + MessagePort
    + CalendarPort
    + SecondFactorPort
    + PasskeyPort
{
}

impl<T> Backend for T where
    T: AccountPort
        + UserPort
        + AuditPort
        + ClientPort
        + CasePort
        + DocumentPort
        + EligibilityPort
        + MailPort
        + NoticePort
        + MessagePort
        + CalendarPort
        + SecondFactorPort
        + PasskeyPort
{
}

/// The backend as kept in Leptos context.
pub type SharedBackend = Arc<dyn Backend>;
