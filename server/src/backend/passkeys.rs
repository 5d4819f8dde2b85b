//! Passkeys (WebAuthn): registering and removing one's own, the passkey
//! step of a sign-in, and signing in with a passkey alone where the firm
//! allows it. Each ceremony's server half is kept in the database (any
//! instance can finish it) and used once.

use super::second_factor::{
    alert, codes_for_first_factor, find_owner, finish_enrolment, live_challenge, user_entry,
    wrong_code, Outcome, Owner,
};
use super::sign_in_step::{finish_challenge, open_audited};
use super::VisadeskBackend;
use crate::auth::{now, passkey};
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::mail::compose::SecurityEvent;
use crate::store::audit::{self, Entry};
use crate::store::passkeys::{self as keys, CeremonyRow, PasskeyRow};
use crate::store::second_factors as factors;
use crate::store::users::UserRow;
use crate::store::{settings, throttle};
use visadesk_app::api::port::{Actor, Enroller, PasskeyPort, RequestSource, SignedIn};
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::second_factor::{
    passkey_name, ChallengePurpose, PasskeyAdded, PasskeyCeremony, PasskeySummary,
    PASSKEY_CEREMONY_SECS,
};
use visadesk_app::domain::{CeremonyId, PasskeyId};
use visadesk_app::AppError;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Webauthn,
};
use webauthn_rs_proto::ResidentKeyRequirement;

/// The kinds of ceremony, as stored.
const REGISTER: &str = "register";
const VERIFY: &str = "verify";
const SIGN_IN: &str = "sign_in";

/// The relying party for `site`, named after the firm.
fn relying_party(conn: &mut DbConnection, site: &str) -> Result<Webauthn, ServerError> {
    let firm = settings::firm(conn)?.name;
    passkey::relying_party(site, &firm).map_err(|p| AppError::Conflict(p).into())
}

/// A stored passkey, or a log line and a 500 when it cannot be read.
fn load_key(row: &PasskeyRow) -> Result<Passkey, ServerError> {
    passkey::load(&row.credential).map_err(|e| {
        ServerError::CorruptData(format!("the passkey {} cannot be read: {e}", row.id))
    })
}

fn state_json<T: serde::Serialize>(state: &T) -> Result<String, ServerError> {
    serde_json::to_string(state)
        .map_err(|e| ServerError::Invariant(format!("keeping a passkey ceremony: {e}")))
}

fn read_state<T: serde::de::DeserializeOwned>(row: &CeremonyRow) -> Result<T, ServerError> {
    serde_json::from_str(&row.state).map_err(|e| {
        ServerError::CorruptData(format!(
            "the passkey ceremony {} cannot be read: {e}",
            row.id
        ))
    })
}

/// Who a ceremony is for: its kind, user and sign-in challenge.
struct For<'a> {
    kind: &'a str,
    user_id: Option<String>,
    challenge_id: Option<String>,
}

/// Keeps the server's half of a ceremony; the browser's half to send.
fn keep_ceremony<S: serde::Serialize, O: serde::Serialize>(
    conn: &mut DbConnection,
    who: For<'_>,
    site: &str,
    state: &S,
    options: &O,
    now: i64,
) -> Result<PasskeyCeremony, ServerError> {
    let id = uuid::Uuid::new_v4().to_string();
    keys::insert_ceremony(
        conn,
        &CeremonyRow {
            id: id.clone(),
            kind: who.kind.into(),
            user_id: who.user_id,
            challenge_id: who.challenge_id,
            site: site.into(),
            state: state_json(state)?,
            created_at: now,
            expires_at: now + PASSKEY_CEREMONY_SECS,
        },
    )?;
    Ok(PasskeyCeremony {
        ceremony: CeremonyId::new(id),
        options: options_json(options)?,
    })
}

fn options_json<T: serde::Serialize>(options: &T) -> Result<String, ServerError> {
    serde_json::to_string(options)
        .map_err(|e| ServerError::Invariant(format!("writing passkey options: {e}")))
}

/// The browser's new credential, or a refusal naming the field.
fn parse_registration(credential: &str) -> Result<RegisterPublicKeyCredential, AppError> {
    serde_json::from_str(credential).map_err(|e| {
        tracing::info!(target: "visadesk::auth", error = %e, "a passkey registration that is not a credential");
        AppError::invalid("credential", Problem::PasskeyRefused)
    })
}

/// The browser's assertion, or a refusal naming the field.
fn parse_assertion(credential: &str) -> Result<PublicKeyCredential, AppError> {
    serde_json::from_str(credential).map_err(|e| {
        tracing::info!(target: "visadesk::auth", error = %e, "a passkey assertion that is not a credential");
        AppError::invalid("credential", Problem::PasskeyRefused)
    })
}

fn summary(row: &PasskeyRow) -> PasskeySummary {
    PasskeySummary {
        id: PasskeyId::new(row.id.clone()),
        name: row.name.clone(),
        created_at: row.created_at,
        last_used_at: row.last_used_at,
    }
}

/// The user's passkeys as the account page lists them.
pub(super) fn summaries(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<PasskeySummary>, ServerError> {
    Ok(keys::for_user(conn, user_id)?.iter().map(summary).collect())
}

/// Records a verified use of `row`: its new counter, and when.
fn record_use(
    conn: &mut DbConnection,
    row: &PasskeyRow,
    mut key: Passkey,
    result: &webauthn_rs::prelude::AuthenticationResult,
    now: i64,
) -> Result<(), ServerError> {
    key.update_credential(result);
    let stored = passkey::store(&key)
        .map_err(|e| ServerError::Invariant(format!("storing passkey {}: {e}", row.id)))?;
    keys::mark_used(conn, &row.id, &stored, now)
}

/// A ceremony the caller may finish: live, of `kind`, begun on `site`.
fn take_ceremony(
    conn: &mut DbConnection,
    id: &CeremonyId,
    kind: &str,
    site: &str,
    now: i64,
) -> Result<Option<CeremonyRow>, ServerError> {
    Ok(keys::take_ceremony(conn, id.as_str(), kind, now)?.filter(|c| c.site == site))
}

#[async_trait::async_trait]
impl PasskeyPort for VisadeskBackend {
    async fn start_passkey_registration(
        &self,
        who: &Enroller,
        site: &str,
    ) -> Result<PasskeyCeremony, AppError> {
        let (who, site) = (who.clone(), site.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let webauthn = relying_party(conn, &site)?;
                let owner = find_owner(conn, &who, now)?;
                let user = owner.user();
                let exclude = keys::for_user(conn, &user.id)?
                    .iter()
                    .map(|row| load_key(row).map(|k| k.cred_id().clone()))
                    .collect::<Result<Vec<_>, _>>()?;
                let (mut options, state) = webauthn
                    .start_passkey_registration(
                        passkey::user_handle(&user.id),
                        &user.email,
                        &user.display_name,
                        Some(exclude),
                    )
                    .map_err(|e| {
                        ServerError::Invariant(format!("starting a passkey registration: {e}"))
                    })?;
                // A discoverable credential, so that the passkey can sign in
                // alone where the firm allows it.
                if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
                    selection.resident_key = Some(ResidentKeyRequirement::Required);
                    selection.require_resident_key = true;
                }
                let challenge_id = match &owner {
                    Owner::Challenge(c, _) => Some(c.id.clone()),
                    Owner::SignedIn(_) => None,
                };
                keep_ceremony(
                    conn,
                    For {
                        kind: REGISTER,
                        user_id: Some(user.id.clone()),
                        challenge_id,
                    },
                    &site,
                    &state,
                    &options,
                    now,
                )
            })
            .await?)
    }

    async fn finish_passkey_registration(
        &self,
        who: &Enroller,
        site: &str,
        ceremony: &CeremonyId,
        name: String,
        credential: String,
    ) -> Result<(PasskeyAdded, Option<SignedIn>), AppError> {
        let name = passkey_name(&name).map_err(|p| AppError::invalid("name", p))?;
        let credential = parse_registration(&credential)?;
        let (who, site, ceremony) = (who.clone(), site.to_string(), ceremony.clone());
        let (terms, mail) = (self.session_terms(), self.mail.clone());
        let outcome = self
            .db
            .write(move |conn| {
                let now = now();
                let owner = find_owner(conn, &who, now)?;
                let user = owner.user().clone();
                let ip = owner.ip(&who);
                let Some(row) = take_ceremony(conn, &ceremony, REGISTER, &site, now)?
                    .filter(|c| c.user_id.as_deref() == Some(user.id.as_str()))
                else {
                    return Ok(Outcome::Refused(AppError::Conflict(Problem::PasskeyExpired)));
                };
                let state: PasskeyRegistration = read_state(&row)?;
                let webauthn = relying_party(conn, &site)?;
                let key = match webauthn.finish_passkey_registration(&credential, &state) {
                    Ok(key) => key,
                    Err(e) => {
                        tracing::info!(target: "visadesk::auth", error = %e, user_id = %user.id, "a passkey registration did not verify");
                        return Ok(Outcome::Refused(AppError::invalid(
                            "credential",
                            Problem::PasskeyRefused,
                        )));
                    }
                };
                let credential_id = passkey::credential_id_text(key.cred_id());
                if keys::credential_taken(conn, &credential_id)? {
                    return Ok(Outcome::Refused(AppError::Conflict(Problem::PasskeyTaken)));
                }
                let stored = passkey::store(&key)
                    .map_err(|e| ServerError::Invariant(format!("storing a passkey: {e}")))?;
                let new_row = PasskeyRow {
                    // Time-ordered, so that one's passkeys list in the order
                    // they were added.
                    id: uuid::Uuid::now_v7().to_string(),
                    user_id: user.id.clone(),
                    name: name.clone(),
                    credential_id,
                    rp_id: passkey::rp_id(&site).unwrap_or_default(),
                    credential: stored,
                    created_at: now,
                    last_used_at: None,
                };
                keys::insert(conn, &new_row)?;
                let recovery_codes = codes_for_first_factor(conn, &user.id, now)?;
                audit::append(
                    conn,
                    user_entry(
                        &user,
                        &ip,
                        "auth.passkey_added",
                        format!(
                            "added the passkey \"{name}\" for {}{}",
                            new_row.rp_id,
                            if recovery_codes.is_empty() {
                                String::new()
                            } else {
                                format!("; {} recovery codes made", recovery_codes.len())
                            }
                        ),
                    ),
                    now,
                )?;
                alert(
                    conn,
                    &mail,
                    &user,
                    SecurityEvent::PasskeyAdded { name: name.clone() },
                    now,
                )?;
                let signed_in = finish_enrolment(
                    conn,
                    &owner,
                    &who,
                    "signed in after adding a passkey",
                    now,
                    &terms,
                )?;
                Ok(Outcome::Done((
                    PasskeyAdded {
                        passkey: summary(&new_row),
                        recovery_codes,
                        next: None,
                    },
                    signed_in,
                )))
            })
            .await?;
        outcome.into_result()
    }

    async fn remove_passkey(&self, actor: &Actor, passkey: &PasskeyId) -> Result<(), AppError> {
        let (actor, passkey) = (actor.clone(), passkey.clone());
        let (default, mail) = (self.policy_default(), self.mail.clone());
        self.db
            .write(move |conn| {
                let now = now();
                let user_id = actor.user.user_id.to_string();
                let user =
                    crate::store::users::by_id(conn, &user_id)?.ok_or(AppError::NotSignedIn)?;
                let Some(row) = keys::remove(conn, &user_id, passkey.as_str())? else {
                    return Err(AppError::NotFound("passkey".into()).into());
                };
                let has_totp = factors::confirmed_totp(conn, &user_id)?.is_some();
                let left = keys::count_for_user(conn, &user_id)?;
                if !has_totp && left == 0 {
                    if settings::security(conn, &default)?
                        .second_factor
                        .requires(user.role()?)
                    {
                        return Err(AppError::NotAllowed(Problem::LastSecondFactor).into());
                    }
                    // No second factor is left: recovery codes mean nothing.
                    factors::remove_all(conn, &user_id)?;
                }
                audit::append(
                    conn,
                    user_entry(
                        &user,
                        &actor.source.ip,
                        "auth.passkey_removed",
                        format!("removed the passkey \"{}\"; {left} left", row.name),
                    ),
                    now,
                )?;
                alert(
                    conn,
                    &mail,
                    &user,
                    SecurityEvent::PasskeyRemoved { name: row.name },
                    now,
                )
            })
            .await?;
        Ok(())
    }

    async fn start_passkey_verification(
        &self,
        token: &str,
        site: &str,
    ) -> Result<PasskeyCeremony, AppError> {
        let (token, site) = (token.to_string(), site.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let (challenge, user) = live_challenge(conn, &token, now)?
                    .filter(|(c, _)| c.purpose == ChallengePurpose::Verify.code())
                    .ok_or(AppError::NotSignedIn)?;
                let webauthn = relying_party(conn, &site)?;
                let allowed = keys::for_user(conn, &user.id)?
                    .iter()
                    .map(load_key)
                    .collect::<Result<Vec<_>, _>>()?;
                if allowed.is_empty() {
                    return Err(AppError::Conflict(Problem::NoPasskey).into());
                }
                let (options, state) =
                    webauthn
                        .start_passkey_authentication(&allowed)
                        .map_err(|e| {
                            ServerError::Invariant(format!("starting a passkey sign-in step: {e}"))
                        })?;
                keep_ceremony(
                    conn,
                    For {
                        kind: VERIFY,
                        user_id: Some(user.id.clone()),
                        challenge_id: Some(challenge.id.clone()),
                    },
                    &site,
                    &state,
                    &options,
                    now,
                )
            })
            .await?)
    }

    async fn finish_passkey_verification(
        &self,
        token: &str,
        site: &str,
        ceremony: &CeremonyId,
        credential: String,
        source: RequestSource,
    ) -> Result<SignedIn, AppError> {
        let credential = parse_assertion(&credential)?;
        let (token, site, ceremony) = (token.to_string(), site.to_string(), ceremony.clone());
        let terms = self.session_terms();
        let outcome = self
            .db
            .write(move |conn| {
                let now = now();
                let Some((challenge, user)) = live_challenge(conn, &token, now)?
                    .filter(|(c, _)| c.purpose == ChallengePurpose::Verify.code())
                else {
                    return Ok(Outcome::Refused(AppError::NotSignedIn));
                };
                // Passkey failures count under the sign-in limits too.
                let limits = throttle::keys(&user.email, &source.ip);
                throttle::serialize(conn)?;
                if let Err(retry_after_secs) = throttle::begin(conn, &limits, now)? {
                    crate::metrics::sign_in_refused("passkey", "throttled");
                    return Ok(Outcome::Refused(AppError::Throttled { retry_after_secs }));
                }
                let Some(row) = take_ceremony(conn, &ceremony, VERIFY, &site, now)?
                    .filter(|c| c.challenge_id.as_deref() == Some(challenge.id.as_str()))
                else {
                    throttle::abandoned(conn, &limits)?;
                    return Ok(Outcome::Refused(AppError::Conflict(Problem::PasskeyExpired)));
                };
                let state: PasskeyAuthentication = read_state(&row)?;
                let webauthn = relying_party(conn, &site)?;
                let verified = webauthn
                    .finish_passkey_authentication(&credential, &state)
                    .map_err(|e| e.to_string())
                    .map(|result| {
                        let id = passkey::credential_id_text(result.cred_id());
                        (result, id)
                    });
                let used = match verified {
                    Ok((result, id)) => keys::by_credential(conn, &id)?
                        .filter(|(k, _)| k.user_id == user.id)
                        .map(|(k, _)| (result, k)),
                    Err(e) => {
                        tracing::info!(target: "visadesk::auth", error = %e, user_id = %user.id, "a passkey sign-in step did not verify");
                        None
                    }
                };
                let Some((result, key_row)) = used else {
                    throttle::failed(conn, &limits, now)?;
                    audit::append(
                        conn,
                        user_entry(
                            &user,
                            &source.ip,
                            "auth.second_factor_failed",
                            "second factor refused: a passkey that did not verify".into(),
                        ),
                        now,
                    )?;
                    return Ok(Outcome::Refused(wrong_code(
                        conn,
                        &challenge,
                        Problem::PasskeyRefused,
                    )?));
                };
                throttle::succeeded(conn, &limits)?;
                let key = load_key(&key_row)?;
                record_use(conn, &key_row, key, &result, now)?;
                let how = format!("signed in with the passkey \"{}\"", key_row.name);
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

    async fn passkey_sign_in_offered(&self) -> Result<bool, AppError> {
        let default = self.policy_default();
        Ok(self
            .db
            .run(move |conn| Ok(settings::security(conn, &default)?.passkey_sign_in))
            .await?)
    }

    async fn start_passkey_sign_in(&self, site: &str) -> Result<PasskeyCeremony, AppError> {
        let site = site.to_string();
        let default = self.policy_default();
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                if !settings::security(conn, &default)?.passkey_sign_in {
                    return Err(AppError::NotAllowed(Problem::PasskeySignInOff).into());
                }
                let webauthn = relying_party(conn, &site)?;
                let (mut options, state) =
                    webauthn.start_discoverable_authentication().map_err(|e| {
                        ServerError::Invariant(format!("starting a passkey sign-in: {e}"))
                    })?;
                // Asked for with a button, not offered in the email field's
                // suggestions: the browser shows its passkey dialog at once.
                options.mediation = None;
                let anyone = For {
                    kind: SIGN_IN,
                    user_id: None,
                    challenge_id: None,
                };
                keep_ceremony(conn, anyone, &site, &state, &options, now)
            })
            .await?)
    }

    async fn finish_passkey_sign_in(
        &self,
        site: &str,
        ceremony: &CeremonyId,
        credential: String,
        source: RequestSource,
    ) -> Result<SignedIn, AppError> {
        let credential = parse_assertion(&credential)?;
        let (site, ceremony) = (site.to_string(), ceremony.clone());
        let (default, terms) = (self.policy_default(), self.session_terms());
        let outcome = self
            .db
            .write(move |conn| {
                let now = now();
                if !settings::security(conn, &default)?.passkey_sign_in {
                    return Ok(Outcome::Refused(AppError::NotAllowed(
                        Problem::PasskeySignInOff,
                    )));
                }
                let Some(row) = take_ceremony(conn, &ceremony, SIGN_IN, &site, now)? else {
                    return Ok(Outcome::Refused(AppError::Conflict(Problem::PasskeyExpired)));
                };
                let state: DiscoverableAuthentication = read_state(&row)?;
                let webauthn = relying_party(conn, &site)?;
                let Ok((handle, raw_id)) = webauthn.identify_discoverable_authentication(&credential)
                else {
                    return Ok(Outcome::Refused(AppError::invalid(
                        "credential",
                        Problem::PasskeyRefused,
                    )));
                };
                let Some((key_row, user)) =
                    keys::by_credential(conn, &passkey::credential_id_text(raw_id))?
                else {
                    return Ok(Outcome::Refused(AppError::Conflict(Problem::PasskeyUnknown)));
                };
                let limits = throttle::keys(&user.email, &source.ip);
                throttle::serialize(conn)?;
                if let Err(retry_after_secs) = throttle::begin(conn, &limits, now)? {
                    crate::metrics::sign_in_refused("passkey", "throttled");
                    return Ok(Outcome::Refused(AppError::Throttled { retry_after_secs }));
                }
                let key = load_key(&key_row)?;
                // The user handle must be the key's owner's: an answer made
                // for another account is refused.
                let verified = if handle == passkey::user_handle(&user.id) {
                    webauthn
                        .finish_discoverable_authentication(
                            &credential,
                            state,
                            &[DiscoverableKey::from(&key)],
                        )
                        .map_err(|e| e.to_string())
                } else {
                    Err("the user handle is another account's".to_string())
                };
                let result = match verified {
                    Ok(result) => result,
                    Err(e) => {
                        tracing::info!(target: "visadesk::auth", error = %e, user_id = %user.id, "a passkey sign-in did not verify");
                        throttle::failed(conn, &limits, now)?;
                        audit::append(conn, failed_entry(&user, &source.ip), now)?;
                        return Ok(Outcome::Refused(AppError::invalid(
                            "credential",
                            Problem::PasskeyRefused,
                        )));
                    }
                };
                throttle::succeeded(conn, &limits)?;
                record_use(conn, &key_row, key, &result, now)?;
                Ok(Outcome::Done(open_audited(
                    conn,
                    &user,
                    source,
                    // A passkey alone is both factors: the device, and the
                    // screen lock that unlocked it.
                    format!("signed in with the passkey \"{}\" alone", key_row.name),
                    now,
                    &terms,
                )?))
            })
            .await?;
        outcome.into_result()
    }
}

fn failed_entry(user: &UserRow, ip: &str) -> Entry {
    user_entry(
        user,
        ip,
        "auth.sign_in_failed",
        "a passkey that did not verify".into(),
    )
}
