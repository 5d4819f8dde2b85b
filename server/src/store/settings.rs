//! The `firm_settings` table: one JSON value per setting group.

use crate::db::schema::firm_settings;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use visadesk_app::domain::delivery::DigestSchedule;
use visadesk_app::domain::mail::FirmProfile;
use visadesk_app::domain::second_factor::SecurityPolicy;
use visadesk_app::eligibility::Settings;

const ELIGIBILITY: &str = "eligibility";
const FIRM: &str = "firm";
const DIGEST: &str = "digest";
const SECURITY: &str = "security";

/// The firm's eligibility settings; the defaults until an admin saves some.
pub fn eligibility(conn: &mut DbConnection) -> Result<Settings, ServerError> {
    get(conn, ELIGIBILITY, "eligibility settings")
}

/// Replaces the eligibility settings.
pub fn set_eligibility(
    conn: &mut DbConnection,
    settings: &Settings,
    by: Option<&str>,
    now: i64,
) -> Result<(), ServerError> {
    set(conn, ELIGIBILITY, settings, by, now)
}

/// The firm's name and the like, as emails show them.
pub fn firm(conn: &mut DbConnection) -> Result<FirmProfile, ServerError> {
    get(conn, FIRM, "firm profile")
}

/// Replaces the firm profile.
pub fn set_firm(
    conn: &mut DbConnection,
    firm: &FirmProfile,
    by: Option<&str>,
    now: i64,
) -> Result<(), ServerError> {
    set(conn, FIRM, firm, by, now)
}

/// When the daily digest goes out; 08:00 UTC until an admin sets it.
pub fn digest(conn: &mut DbConnection) -> Result<DigestSchedule, ServerError> {
    get(conn, DIGEST, "digest schedule")
}

/// Replaces the digest schedule.
pub fn set_digest(
    conn: &mut DbConnection,
    schedule: &DigestSchedule,
    by: Option<&str>,
    now: i64,
) -> Result<(), ServerError> {
    set(conn, DIGEST, schedule, by, now)
}

/// The firm's sign-in security settings; `default` until an admin saves some.
pub fn security(
    conn: &mut DbConnection,
    default: &SecurityPolicy,
) -> Result<SecurityPolicy, ServerError> {
    Ok(
        get::<Option<SecurityPolicy>>(conn, SECURITY, "security settings")?
            .unwrap_or_else(|| default.clone()),
    )
}

/// Replaces the security settings.
pub fn set_security(
    conn: &mut DbConnection,
    policy: &SecurityPolicy,
    by: Option<&str>,
    now: i64,
) -> Result<(), ServerError> {
    set(conn, SECURITY, policy, by, now)
}

/// A setting group, or its defaults until one is saved.
fn get<T: DeserializeOwned + Default>(
    conn: &mut DbConnection,
    name: &str,
    what: &str,
) -> Result<T, ServerError> {
    let value: Option<String> = firm_settings::table
        .find(name)
        .select(firm_settings::value)
        .first(conn)
        .optional()?;
    match value {
        None => Ok(T::default()),
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            ServerError::CorruptData(format!("the stored {what} cannot be read: {e}"))
        }),
    }
}

/// Replaces a setting group.
fn set<T: Serialize>(
    conn: &mut DbConnection,
    name: &str,
    value: &T,
    by: Option<&str>,
    now: i64,
) -> Result<(), ServerError> {
    let json = serde_json::to_string(value)
        .map_err(|e| ServerError::CorruptData(format!("settings could not be stored: {e}")))?;
    let updated = diesel::update(firm_settings::table.find(name))
        .set((
            firm_settings::value.eq(&json),
            firm_settings::updated_at.eq(now),
            firm_settings::updated_by.eq(by),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(firm_settings::table)
            .values((
                firm_settings::name.eq(name),
                firm_settings::value.eq(&json),
                firm_settings::updated_at.eq(now),
                firm_settings::updated_by.eq(by),
            ))
            .execute(conn)?;
    }
    Ok(())
}
