//! Second factors: authenticator apps (TOTP) and recovery codes, the
//! challenge a sign-in waits on after its password, an admin's reset, and
//! the firm's rule of who must use one.

use super::sign_in_step::{finish_challenge, Terms};
use super::{By, VisadeskBackend};
use crate::auth::{now, recovery, token, totp};
use crate::db::DbConnection;
use crate::documents::keys::Keyring;
use crate::error::ServerError;
use crate::mail::compose::{self, SecurityEvent};
use crate::mail::{self, MailSettings, Outgoing};
use crate::store::audit::{self, Entry};
use crate::store::second_factors::{self as factors, ChallengeRow, TotpRow};
use crate::store::sessions;
use crate::store::users::{self, UserRow};
use crate::store::{settings, throttle};
use visadesk_app::api::port::{Actor, Enroller, RequestSource, SecondFactorPort, SignedIn};
use visadesk_app::domain::mail::MailCategory;
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::second_factor::{
    ChallengeInfo, ChallengePurpose, SecondFactorStatus, SecurityPolicy, TotpConfirmed, TotpSetup,
    CHALLENGE_MAX_FAILURES,
};
use visadesk_app::domain::{CurrentUser, Role, UserId};
use visadesk_app::AppError;

/// What sealing an authenticator's secret is bound to: its owner.
fn secret_context(user_id: &str) -> String {
    format!("totp:{user_id}")
}

/// Who is setting up an authenticator, found in the database.
pub(super) enum Owner {
    SignedIn(UserRow),
    Challenge(ChallengeRow, UserRow),
}

impl Owner {
    pub(super) fn user(&self) -> &UserRow {
        match self {
            Owner::SignedIn(u) | Owner::Challenge(_, u) => u,
        }
    }

    pub(super) fn ip(&self, who: &Enroller) -> String {
        match who {
            Enroller::SignedIn(actor) => actor.source.ip.clone(),
            Enroller::Challenge { source, .. } => source.ip.clone(),
        }
    }
}

pub(super) fn find_owner(
    conn: &mut DbConnection,
    who: &Enroller,
    now: i64,
) -> Result<Owner, ServerError> {
    match who {
        Enroller::SignedIn(actor) => users::by_id(conn, actor.user.user_id.as_str())?
            .filter(|u| u.active)
            .map(Owner::SignedIn)
            .ok_or_else(|| AppError::NotSignedIn.into()),
        Enroller::Challenge { token, .. } => {
            // Only a sign-in waiting for its first second factor may set one
            // up: one that has a factor must give it.
            match live_challenge(conn, token, now)? {
                Some((c, u)) if c.purpose == ChallengePurpose::Enrol.code() => {
                    Ok(Owner::Challenge(c, u))
                }
                _ => Err(AppError::NotSignedIn.into()),
            }
        }
    }
}

pub(super) fn live_challenge(
    conn: &mut DbConnection,
    token: &str,
    now: i64,
) -> Result<Option<(ChallengeRow, UserRow)>, ServerError> {
    if !token::looks_valid(token) {
        return Ok(None);
    }
    factors::live_challenge(conn, &token::digest(token), now)
}

/// Queues a security alert to `user` (inside the change's transaction).
pub(super) fn alert(
    conn: &mut DbConnection,
    mail: &MailSettings,
    user: &UserRow,
    event: SecurityEvent,
    now: i64,
) -> Result<(), ServerError> {
    let firm = settings::firm(conn)?.name;
    let review = mail.link(if user.role()? == Role::Applicant {
        "/portal"
    } else {
        "/account/sessions"
    });
    mail::queue(
        conn,
        mail,
        Outgoing {
            category: MailCategory::SecurityAlert,
            recipient_id: Some(UserId::new(user.id.clone())),
            to_address: user.email.clone(),
            to_name: user.display_name.clone(),
            letter: compose::security_alert(
                crate::notify::locale_of(user),
                &firm,
                &user.display_name,
                &event,
                review,
                now,
            ),
            sensitive: false,
        },
        now,
    )?;
    Ok(())
}

pub(super) fn user_entry(user: &UserRow, ip: &str, action: &str, summary: String) -> Entry {
    Entry {
        actor_id: Some(user.id.clone()),
        actor_email: user.email.clone(),
        action: action.into(),
        object_type: "user".into(),
        object_id: user.id.clone(),
        summary,
        ip: ip.into(),
    }
}

/// Counts a wrong code on a sign-in challenge, ending it at the limit; the
/// refusal to answer.
pub(super) fn wrong_code(
    conn: &mut DbConnection,
    challenge: &ChallengeRow,
    problem: Problem,
) -> Result<AppError, ServerError> {
    crate::metrics::sign_in_refused("second_factor", "wrong_code");
    if factors::count_failure(conn, &challenge.id)? >= CHALLENGE_MAX_FAILURES {
        factors::end_challenge(conn, &challenge.id)?;
        return Ok(AppError::invalid("code", Problem::TooManyWrongCodes));
    }
    Ok(AppError::invalid("code", problem))
}

/// Replaces the user's recovery codes with a new set; the codes, to show once.
pub(super) fn new_recovery_codes(
    conn: &mut DbConnection,
    user_id: &str,
    now: i64,
) -> Result<Vec<String>, ServerError> {
    let codes = recovery::new_set()?;
    let digests: Vec<String> = codes.iter().filter_map(|c| recovery::digest(c)).collect();
    factors::replace_codes(conn, user_id, &digests, now)?;
    Ok(codes)
}

/// Recovery codes for someone who has none (their first second factor was
/// just set up: removing the last one removes the codes); none otherwise.
pub(super) fn codes_for_first_factor(
    conn: &mut DbConnection,
    user_id: &str,
    now: i64,
) -> Result<Vec<String>, ServerError> {
    if factors::codes_left(conn, user_id)? == 0 {
        new_recovery_codes(conn, user_id, now)
    } else {
        Ok(Vec::new())
    }
}

/// How a code given at sign-in turned out.
enum Verified {
    Totp,
    Recovery { left: i64 },
}

/// A refusal decided inside a transaction that must still commit (it counts
/// a failure).
pub(super) enum Outcome<T> {
    Done(T),
    Refused(AppError),
}

impl<T> Outcome<T> {
    /// The answer, once the transaction has committed.
    pub(super) fn into_result(self) -> Result<T, AppError> {
        match self {
            Outcome::Done(done) => Ok(done),
            Outcome::Refused(e) => Err(e),
        }
    }
}

/// For a sign-in that waited for its first second factor (`Owner::Challenge`):
/// ends the challenge and opens the session, audited with `how`. `None`
/// for someone signed in already.
pub(super) fn finish_enrolment(
    conn: &mut DbConnection,
    owner: &Owner,
    who: &Enroller,
    how: &str,
    now: i64,
    terms: &Terms,
) -> Result<Option<SignedIn>, ServerError> {
    match (owner, who) {
        (Owner::Challenge(challenge, user), Enroller::Challenge { source, .. }) => Ok(Some(
            finish_challenge(
                conn,
                challenge,
                user,
                source.clone(),
                how.into(),
                now,
                terms,
            )?
            .ok_or(AppError::NotSignedIn)?,
        )),
        _ => Ok(None),
    }
}

fn open_totp_secret(keys: &Keyring, row: &TotpRow) -> Result<Vec<u8>, ServerError> {
    let sealed = hex::decode(&row.sealed_secret).map_err(|_| {
        ServerError::CorruptData(format!("the authenticator {} is not hex", row.id))
    })?;
    keys.open_secret(&row.key_id, &sealed, &secret_context(&row.user_id))
        .map_err(|e| {
            ServerError::CorruptData(format!(
                "the authenticator of user {} does not open: {e}",
                row.user_id
            ))
        })
}

fn new_totp_row(
    keys: &Keyring,
    user_id: &str,
    secret: &[u8],
    now: i64,
) -> Result<TotpRow, ServerError> {
    let key = keys.current();
    let sealed = key
        .seal_secret(secret, &secret_context(user_id))
        .map_err(|e| ServerError::Invariant(format!("sealing an authenticator: {e}")))?;
    Ok(TotpRow {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: user_id.to_string(),
        key_id: key.id().to_string(),
        sealed_secret: hex::encode(sealed),
        created_at: now,
        confirmed_at: None,
        last_step: 0,
    })
}

/// Checks `code` against the user's confirmed authenticator, marking its
/// step used; `Ok(None)` when the user has none.
fn check_totp(
    keys: &Keyring,
    conn: &mut DbConnection,
    user_id: &str,
    code: &str,
    now: i64,
) -> Result<Option<Result<(), Problem>>, ServerError> {
    let Some(row) = factors::confirmed_totp(conn, user_id)? else {
        return Ok(None);
    };
    let secret = open_totp_secret(keys, &row)?;
    Ok(Some(match totp::check(&secret, code, now, row.last_step) {
        totp::CodeCheck::Accepted { step } => {
            if factors::use_step(conn, &row.id, step)? {
                Ok(())
            } else {
                Err(Problem::CodeUsed)
            }
        }
        totp::CodeCheck::Replayed => Err(Problem::CodeUsed),
        totp::CodeCheck::Wrong => Err(Problem::WrongCode),
        totp::CodeCheck::Malformed => Err(Problem::CodeShape {
            recovery_allowed: false,
        }),
    }))
}

impl VisadeskBackend {
    pub(super) fn policy_default(&self) -> SecurityPolicy {
        self.security_default.clone()
    }
}

#[async_trait::async_trait]
impl SecondFactorPort for VisadeskBackend {
    async fn second_factor_status(
        &self,
        caller: &CurrentUser,
    ) -> Result<SecondFactorStatus, AppError> {
        let user_id = caller.user_id.to_string();
        let role = caller.role;
        let default = self.policy_default();
        Ok(self
            .db
            .run(move |conn| {
                let totp = factors::confirmed_totp(conn, &user_id)?;
                Ok(SecondFactorStatus {
                    totp_since: totp.and_then(|t| t.confirmed_at),
                    passkeys: super::passkeys::summaries(conn, &user_id)?,
                    recovery_codes_left: factors::codes_left(conn, &user_id)?.max(0) as u32,
                    required: settings::security(conn, &default)?
                        .second_factor
                        .requires(role),
                })
            })
            .await?)
    }

    async fn start_totp(&self, who: &Enroller) -> Result<TotpSetup, AppError> {
        let secret = totp::new_secret()?;
        let who = who.clone();
        let row_secret = secret.clone();
        let (email, firm) = {
            let keys = self.documents.keys.clone();
            self.db
                .write(move |conn| {
                    let now = now();
                    let owner = find_owner(conn, &who, now)?;
                    let user = owner.user();
                    let row = new_totp_row(&keys, &user.id, &row_secret, now)?;
                    factors::replace_pending(conn, &row)?;
                    Ok((user.email.clone(), settings::firm(conn)?.name))
                })
                .await?
        };
        let issuer = format!("{firm} (Visadesk)");
        let uri = totp::otpauth_uri(&secret, &issuer, &email);
        Ok(TotpSetup {
            secret: totp::secret_text(&secret),
            qr: totp::qr_data_uri(&uri)?,
            uri,
        })
    }

    async fn confirm_totp(
        &self,
        who: &Enroller,
        code: String,
    ) -> Result<(TotpConfirmed, Option<SignedIn>), AppError> {
        let who = who.clone();
        let keys = self.documents.keys.clone();
        let (terms, mail) = (self.session_terms(), self.mail.clone());
        let outcome = self
            .db
            .write(move |conn| {
                let now = now();
                let owner = find_owner(conn, &who, now)?;
                let user = owner.user().clone();
                let ip = owner.ip(&who);
                let Some(pending) = factors::pending_totp(conn, &user.id)? else {
                    return Ok(Outcome::Refused(AppError::invalid(
                        "code",
                        Problem::TotpNotStarted,
                    )));
                };
                let secret = open_totp_secret(&keys, &pending)?;
                let step = match totp::check(&secret, &code, now, pending.last_step) {
                    totp::CodeCheck::Accepted { step } => step,
                    other => {
                        let problem = match other {
                            totp::CodeCheck::Malformed => Problem::CodeShape {
                                recovery_allowed: false,
                            },
                            totp::CodeCheck::Replayed => Problem::CodeUsed,
                            _ => Problem::WrongCode,
                        };
                        return Ok(Outcome::Refused(match &owner {
                            Owner::Challenge(c, _) => wrong_code(conn, c, problem)?,
                            Owner::SignedIn(_) => AppError::invalid("code", problem),
                        }));
                    }
                };
                let replacing = factors::confirmed_totp(conn, &user.id)?.is_some();
                factors::confirm(conn, &user.id, &pending.id, step, now)?;
                let recovery_codes = codes_for_first_factor(conn, &user.id, now)?;
                audit::append(
                    conn,
                    user_entry(
                        &user,
                        &ip,
                        "auth.totp_on",
                        format!(
                            "{} an authenticator app{}",
                            if replacing { "replaced" } else { "set up" },
                            if recovery_codes.is_empty() {
                                String::new()
                            } else {
                                format!("; {} recovery codes made", recovery_codes.len())
                            }
                        ),
                    ),
                    now,
                )?;
                alert(conn, &mail, &user, SecurityEvent::TotpOn, now)?;
                let signed_in = finish_enrolment(
                    conn,
                    &owner,
                    &who,
                    "signed in after setting up an authenticator app",
                    now,
                    &terms,
                )?;
                Ok(Outcome::Done((
                    TotpConfirmed {
                        recovery_codes,
                        next: None,
                    },
                    signed_in,
                )))
            })
            .await?;
        outcome.into_result()
    }

    async fn turn_off_totp(&self, actor: &Actor, code: String) -> Result<(), AppError> {
        let actor = actor.clone();
        let keys = self.documents.keys.clone();
        let (default, mail) = (self.policy_default(), self.mail.clone());
        self.db
            .write(move |conn| {
                let now = now();
                let user_id = actor.user.user_id.to_string();
                let user = users::by_id(conn, &user_id)?.ok_or(AppError::NotSignedIn)?;
                let passkeys = crate::store::passkeys::count_for_user(conn, &user_id)?;
                if passkeys == 0
                    && settings::security(conn, &default)?
                        .second_factor
                        .requires(user.role()?)
                {
                    return Err(AppError::NotAllowed(Problem::SecondFactorRequired).into());
                }
                match check_totp(&keys, conn, &user_id, &code, now)? {
                    None => return Err(AppError::Conflict(Problem::NoAuthenticator).into()),
                    Some(Err(problem)) => return Err(AppError::invalid("code", problem).into()),
                    Some(Ok(())) => {}
                }
                // Recovery codes stay while a passkey is left to stand in for.
                let summary = if passkeys == 0 {
                    let (_, codes) = factors::remove_all(conn, &user_id)?;
                    format!("turned the authenticator app off; {codes} recovery codes removed")
                } else {
                    factors::remove_totp(conn, &user_id)?;
                    format!("turned the authenticator app off; {passkeys} passkeys left")
                };
                audit::append(
                    conn,
                    user_entry(&user, &actor.source.ip, "auth.totp_off", summary),
                    now,
                )?;
                alert(conn, &mail, &user, SecurityEvent::TotpOff, now)
            })
            .await?;
        Ok(())
    }

    async fn renew_recovery_codes(&self, actor: &Actor) -> Result<Vec<String>, AppError> {
        let actor = actor.clone();
        let mail = self.mail.clone();
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let user_id = actor.user.user_id.to_string();
                let user = users::by_id(conn, &user_id)?.ok_or(AppError::NotSignedIn)?;
                if factors::confirmed_totp(conn, &user_id)?.is_none()
                    && crate::store::passkeys::count_for_user(conn, &user_id)? == 0
                {
                    return Err(AppError::Conflict(Problem::NoAuthenticator).into());
                }
                let codes = new_recovery_codes(conn, &user_id, now)?;
                audit::append(
                    conn,
                    user_entry(
                        &user,
                        &actor.source.ip,
                        "auth.recovery_codes",
                        format!(
                            "made {} new recovery codes; the earlier ones no longer work",
                            codes.len()
                        ),
                    ),
                    now,
                )?;
                alert(conn, &mail, &user, SecurityEvent::RecoveryCodesRenewed, now)?;
                Ok(codes)
            })
            .await?)
    }

    async fn challenge_info(&self, token: &str) -> Result<ChallengeInfo, AppError> {
        let token = token.to_string();
        Ok(self
            .db
            .run(move |conn| {
                let (challenge, user) =
                    live_challenge(conn, &token, now())?.ok_or(AppError::NotSignedIn)?;
                let purpose = ChallengePurpose::from_code(&challenge.purpose).ok_or_else(|| {
                    ServerError::CorruptData(format!(
                        "sign-in challenge {} has purpose \"{}\"",
                        challenge.id, challenge.purpose
                    ))
                })?;
                Ok(ChallengeInfo {
                    purpose,
                    totp: factors::confirmed_totp(conn, &user.id)?.is_some(),
                    passkey: crate::store::passkeys::count_for_user(conn, &user.id)? > 0,
                    email: user.email,
                })
            })
            .await?)
    }

    async fn verify_second_factor(
        &self,
        token: &str,
        code: String,
        source: RequestSource,
    ) -> Result<SignedIn, AppError> {
        let token = token.to_string();
        let keys = self.documents.keys.clone();
        let terms = self.session_terms();
        let outcome = self
            .db
            .write(move |conn| {
                let now = now();
                let Some((challenge, user)) = live_challenge(conn, &token, now)? else {
                    return Ok(Outcome::Refused(AppError::NotSignedIn));
                };
                if challenge.purpose != ChallengePurpose::Verify.code() {
                    return Ok(Outcome::Refused(AppError::NotSignedIn));
                }
                // Second-factor guesses count under the sign-in limits too.
                let limits = throttle::keys(&user.email, &source.ip);
                throttle::serialize(conn)?;
                if let Err(retry_after_secs) = throttle::begin(conn, &limits, now)? {
                    crate::metrics::sign_in_refused("second_factor", "throttled");
                    return Ok(Outcome::Refused(AppError::Throttled { retry_after_secs }));
                }
                let verified = match check_totp(&keys, conn, &user.id, &code, now)? {
                    Some(Ok(())) => Ok(Verified::Totp),
                    other => match recovery::digest(&code) {
                        Some(digest) if factors::use_code(conn, &user.id, &digest, now)? => {
                            Ok(Verified::Recovery {
                                left: factors::codes_left(conn, &user.id)?,
                            })
                        }
                        Some(_) => Err(Problem::WrongCode),
                        None => Err(match other {
                            Some(Err(Problem::CodeShape { .. })) | None => Problem::CodeShape {
                                recovery_allowed: true,
                            },
                            Some(Err(problem)) => problem,
                            Some(Ok(())) => Problem::WrongCode,
                        }),
                    },
                };
                let verified = match verified {
                    Ok(v) => v,
                    Err(problem) => {
                        throttle::failed(conn, &limits, now)?;
                        audit::append(
                            conn,
                            user_entry(
                                &user,
                                &source.ip,
                                "auth.second_factor_failed",
                                format!("second factor refused: {problem}"),
                            ),
                            now,
                        )?;
                        return Ok(Outcome::Refused(wrong_code(conn, &challenge, problem)?));
                    }
                };
                throttle::succeeded(conn, &limits)?;
                let how = match verified {
                    Verified::Totp => "signed in with an authenticator code".to_string(),
                    Verified::Recovery { left } => {
                        format!("signed in with a recovery code ({left} left)")
                    }
                };
                Ok(
                    match finish_challenge(conn, &challenge, &user, source, how, now, &terms)? {
                        Some(signed_in) => Outcome::Done(signed_in),
                        None => Outcome::Refused(AppError::NotSignedIn),
                    },
                )
            })
            .await?;
        outcome.into_result()
    }

    async fn reset_second_factor(&self, actor: &Actor, user_id: &UserId) -> Result<(), AppError> {
        let actor = actor.clone();
        let target_id = user_id.to_string();
        let mail = self.mail.clone();
        self.db
            .write(move |conn| {
                let now = now();
                if target_id == actor.user.user_id.as_str() {
                    return Err(AppError::NotAllowed(Problem::ResetOwnSecondFactor).into());
                }
                let target = users::by_id(conn, &target_id)?
                    .ok_or_else(|| AppError::NotFound("user".into()))?;
                let (apps, codes) = factors::remove_all(conn, &target.id)?;
                let passkeys = crate::store::passkeys::remove_all(conn, &target.id)?;
                if apps == 0 && codes == 0 && passkeys == 0 {
                    return Err(AppError::Conflict(Problem::NoAuthenticator).into());
                }
                factors::end_challenges_for_user(conn, &target.id)?;
                let ended = sessions::delete_all_for_user(conn, &target.id, None)?;
                let by = By::actor(&actor);
                audit::append(
                    conn,
                    by.entry(
                        "auth.second_factor_reset",
                        "user",
                        &target.id,
                        format!(
                            "removed the second factor of {} ({apps} authenticator, {passkeys} passkeys, {codes} recovery codes); {ended} session{} ended",
                            target.email,
                            if ended == 1 { "" } else { "s" }
                        ),
                    ),
                    now,
                )?;
                alert(
                    conn,
                    &mail,
                    &target,
                    SecurityEvent::SecondFactorReset {
                        admin: actor.user.display_name.clone(),
                    },
                    now,
                )
            })
            .await?;
        Ok(())
    }

    async fn security_policy(&self, _caller: &CurrentUser) -> Result<SecurityPolicy, AppError> {
        let default = self.policy_default();
        Ok(self
            .db
            .run(move |conn| settings::security(conn, &default))
            .await?)
    }

    async fn save_security_policy(
        &self,
        actor: &Actor,
        policy: SecurityPolicy,
    ) -> Result<SecurityPolicy, AppError> {
        let by = By::actor(actor);
        let default = self.policy_default();
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let before = settings::security(conn, &default)?;
                settings::set_security(conn, &policy, by.id.as_deref(), now)?;
                audit::append(
                    conn,
                    by.entry(
                        "firm.security",
                        "settings",
                        "security",
                        format!(
                            "second factor required of: {} -> {}",
                            before.second_factor.code(),
                            policy.second_factor.code()
                        ),
                    ),
                    now,
                )?;
                Ok(policy)
            })
            .await?)
    }
}
