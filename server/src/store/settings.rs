//! The `firm_settings` table: one JSON value per setting group.

use crate::db::schema::firm_settings;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use visadesk_app::eligibility::Settings;

const ELIGIBILITY: &str = "eligibility";

/// The firm's eligibility settings; the defaults until an admin saves some.
pub fn eligibility(conn: &mut DbConnection) -> Result<Settings, ServerError> {
    let value: Option<String> = firm_settings::table
        .find(ELIGIBILITY)
        .select(firm_settings::value)
        .first(conn)
        .optional()?;
    match value {
        None => Ok(Settings::default()),
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            ServerError::CorruptData(format!(
                "the stored eligibility settings are unreadable: {e}"
            ))
        }),
    }
}

/// Replaces the eligibility settings.
pub fn set_eligibility(
    conn: &mut DbConnection,
    settings: &Settings,
    by: Option<&str>,
    now: i64,
) -> Result<(), ServerError> {
    let json = serde_json::to_string(settings)
        .map_err(|e| ServerError::CorruptData(format!("settings could not be stored: {e}")))?;
    let updated = diesel::update(firm_settings::table.find(ELIGIBILITY))
        .set((
            firm_settings::value.eq(&json),
            firm_settings::updated_at.eq(now),
            firm_settings::updated_by.eq(by),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(firm_settings::table)
            .values((
                firm_settings::name.eq(ELIGIBILITY),
                firm_settings::value.eq(&json),
                firm_settings::updated_at.eq(now),
                firm_settings::updated_by.eq(by),
            ))
            .execute(conn)?;
    }
    Ok(())
}
