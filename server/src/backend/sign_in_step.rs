//! The step after a right password: a session, or a challenge that waits
//! for a second factor, and the session that finishing one opens.

use crate::auth::token;
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::mail::compose::SecurityEvent;
use crate::mail::MailSettings;
use crate::store::audit::{self, Entry};
use crate::store::known_browsers::{self, Seen};
use crate::store::second_factors::{self as factors, ChallengeRow};
use crate::store::sessions::{self, SessionRow};
use crate::store::settings;
use crate::store::users::{self, UserRow};
use visadesk_app::api::port::{RequestSource, SignedIn};
use visadesk_app::domain::second_factor::{ChallengePurpose, SecurityPolicy, CHALLENGE_SECS};

/// What opening a session needs besides the connection.
#[derive(Clone)]
pub(super) struct Terms {
    /// Seconds a session lasts at most.
    pub max_age: i64,
    pub mail: MailSettings,
    /// Email the person about a sign-in from a browser not seen before.
    pub new_browser_emails: bool,
}

/// What a right password opened (inside the caller's write transaction).
pub(super) enum Opened {
    Session {
        token: String,
        session: SessionRow,
        /// A new token for the browser's cookie, when it had none.
        browser: Option<String>,
    },
    Challenge {
        token: String,
        purpose: ChallengePurpose,
    },
}

impl Opened {
    /// The port's answer for `user`.
    pub(super) fn signed_in(self, user: &UserRow) -> Result<SignedIn, ServerError> {
        Ok(match self {
            Opened::Session {
                token,
                session,
                browser,
            } => SignedIn::Session {
                token,
                viewer: user.viewer(session.id)?,
                browser,
            },
            Opened::Challenge { token, purpose } => SignedIn::SecondFactor { token, purpose },
        })
    }

    /// How the audit trail words it.
    pub(super) fn summary(&self) -> &'static str {
        match self {
            Opened::Session { .. } => "signed in",
            Opened::Challenge {
                purpose: ChallengePurpose::Verify,
                ..
            } => "password right; second factor asked",
            Opened::Challenge {
                purpose: ChallengePurpose::Enrol,
                ..
            } => "password right; must set up a second factor first",
        }
    }

    /// The session's id, or the user's for a challenge (the audit's object).
    pub(super) fn object(&self, user: &UserRow) -> (&'static str, String) {
        match self {
            Opened::Session { session, .. } => ("session", session.id.clone()),
            Opened::Challenge { .. } => ("user", user.id.clone()),
        }
    }
}

/// Opens what a right password earns `user`: a session, or a challenge
/// when they have a second factor (to give) or the firm requires one (to
/// set up first). A reset password or an accepted invitation goes through
/// here too, so neither gets round a second factor.
pub(super) fn open_after_password(
    conn: &mut DbConnection,
    user: &UserRow,
    source: RequestSource,
    default: &SecurityPolicy,
    now: i64,
    terms: &Terms,
) -> Result<Opened, ServerError> {
    let has_factor = factors::confirmed_totp(conn, &user.id)?.is_some()
        || crate::store::passkeys::count_for_user(conn, &user.id)? > 0;
    let purpose = if has_factor {
        Some(ChallengePurpose::Verify)
    } else if settings::security(conn, default)?
        .second_factor
        .requires(user.role()?)
    {
        Some(ChallengePurpose::Enrol)
    } else {
        None
    };
    let token = token::generate()?;
    let digest = token::digest(&token);
    Ok(match purpose {
        None => {
            let (session, browser) = open_session(conn, user, digest, source, now, terms)?;
            Opened::Session {
                token,
                session,
                browser,
            }
        }
        Some(purpose) => {
            factors::insert_challenge(
                conn,
                &ChallengeRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    token_hash: digest,
                    user_id: user.id.clone(),
                    purpose: purpose.code().into(),
                    created_at: now,
                    expires_at: now + CHALLENGE_SECS,
                    failures: 0,
                    user_agent: source.user_agent,
                    ip: source.ip,
                },
                None,
            )?;
            Opened::Challenge { token, purpose }
        }
    })
}

/// Opens a session for `user`, and notes the browser: one the account has
/// not been used in before (but not its very first) is emailed to the
/// person. Answers the session and, when the browser had no token yet, the
/// new one for its cookie.
pub(super) fn open_session(
    conn: &mut DbConnection,
    user: &UserRow,
    digest: String,
    source: RequestSource,
    now: i64,
    terms: &Terms,
) -> Result<(SessionRow, Option<String>), ServerError> {
    let (browser, fresh) = match source.browser.as_deref().filter(|t| token::looks_valid(t)) {
        Some(known) => (known.to_string(), None),
        None => {
            let new = token::generate()?;
            (new.clone(), Some(new))
        }
    };
    let seen = known_browsers::remember(
        conn,
        &user.id,
        &token::digest(&browser),
        &source.user_agent,
        now,
    )?;
    if seen == (Seen::New { first: false }) && terms.new_browser_emails {
        super::second_factor::alert(
            conn,
            &terms.mail,
            user,
            SecurityEvent::NewBrowser {
                user_agent: source.user_agent.clone(),
                ip: source.ip.clone(),
            },
            now,
        )?;
    }
    let session = SessionRow::new(&user.id, digest, source, now, now + terms.max_age);
    sessions::insert(conn, &session)?;
    users::touch_sign_in(conn, &user.id, now)?;
    Ok((session, fresh))
}

/// Opens a session for `user` that a second factor (or a passkey alone)
/// earned, audited with `how`.
pub(super) fn open_audited(
    conn: &mut DbConnection,
    user: &UserRow,
    source: RequestSource,
    how: String,
    now: i64,
    terms: &Terms,
) -> Result<SignedIn, ServerError> {
    let ip = source.ip.clone();
    let token = token::generate()?;
    let (session, browser) = open_session(conn, user, token::digest(&token), source, now, terms)?;
    audit::append(
        conn,
        Entry {
            actor_id: Some(user.id.clone()),
            actor_email: user.email.clone(),
            action: "auth.sign_in".into(),
            object_type: "session".into(),
            object_id: session.id.clone(),
            summary: how,
            ip,
        },
        now,
    )?;
    Opened::Session {
        token,
        session,
        browser,
    }
    .signed_in(user)
}

/// Ends `challenge` and opens the session it waited for, audited with
/// `how`; `None` when a parallel request used the challenge first.
pub(super) fn finish_challenge(
    conn: &mut DbConnection,
    challenge: &ChallengeRow,
    user: &UserRow,
    source: RequestSource,
    how: String,
    now: i64,
    terms: &Terms,
) -> Result<Option<SignedIn>, ServerError> {
    if !factors::end_challenge(conn, &challenge.id)? {
        return Ok(None);
    }
    open_audited(conn, user, source, how, now, terms).map(Some)
}
