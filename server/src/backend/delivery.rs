//! Each person's email choices, and the firm's digest schedule (the mail
//! port's methods for them live in `outbox.rs` and call these).

use super::{By, VisadeskBackend};
use crate::auth::now;
use crate::digest;
use crate::error::ServerError;
use crate::store::{audit, mail_preferences, settings};
use visadesk_app::api::port::Actor;
use visadesk_app::domain::delivery::{
    categories_for, check_digest_hour, choices, default_delivery, DigestSchedule, MailChoices,
    MailPreference, MailPreferences,
};
use visadesk_app::domain::mail::MailCategory;
use visadesk_app::domain::{CurrentUser, Role};
use visadesk_app::AppError;

/// The form's rows for `role`, filled in from what was chosen.
fn rows(
    role: Role,
    chosen: &[(MailCategory, visadesk_app::domain::delivery::Delivery)],
) -> Vec<MailPreference> {
    categories_for(role)
        .iter()
        .map(|&category| MailPreference {
            category,
            delivery: chosen
                .iter()
                .find(|(c, _)| *c == category)
                .map_or(default_delivery(category), |(_, d)| *d),
            choices: choices(category).to_vec(),
        })
        .collect()
}

fn always() -> Vec<MailCategory> {
    MailCategory::ALL
        .into_iter()
        .filter(|c| c.is_security())
        .collect()
}

impl VisadeskBackend {
    /// The caller's choices (defaults where none was made).
    pub(super) async fn preferences_of(
        &self,
        caller: &CurrentUser,
    ) -> Result<MailPreferences, ServerError> {
        let (id, role) = (caller.user_id.to_string(), caller.role);
        self.db
            .run(move |conn| {
                let chosen = mail_preferences::of_user(conn, &id)?;
                Ok(MailPreferences {
                    preferences: rows(role, &chosen),
                    always: always(),
                    digest: settings::digest(conn)?,
                })
            })
            .await
    }

    /// Checks and saves the caller's choices, audited with what changed.
    pub(super) async fn save_preferences(
        &self,
        actor: &Actor,
        choices: MailChoices,
    ) -> Result<MailPreferences, AppError> {
        let role = actor.user.role;
        let entries = choices
            .check(role)
            .map_err(|(field, problem)| AppError::invalid(field, problem))?;
        let (by, id) = (By::actor(actor), actor.user.user_id.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let before = mail_preferences::of_user(conn, &id)?;
                let before = rows(role, &before);
                let mut changed = Vec::new();
                for (category, delivery) in &entries {
                    let was = before
                        .iter()
                        .find(|p| p.category == *category)
                        .map(|p| p.delivery);
                    if was != Some(*delivery) {
                        mail_preferences::set(conn, &id, *category, *delivery, now)?;
                        changed.push(format!("{}: {}", category.label(), delivery.label()));
                    }
                }
                if !changed.is_empty() {
                    audit::append(
                        conn,
                        by.entry(
                            "account.mail_preferences",
                            "user",
                            &id,
                            format!("chose how email comes: {}", changed.join("; ")),
                        ),
                        now,
                    )?;
                }
                let chosen = mail_preferences::of_user(conn, &id)?;
                Ok(MailPreferences {
                    preferences: rows(role, &chosen),
                    always: always(),
                    digest: settings::digest(conn)?,
                })
            })
            .await?)
    }

    /// Checks and saves when the daily digest goes out.
    pub(super) async fn save_schedule(
        &self,
        actor: &Actor,
        schedule: DigestSchedule,
    ) -> Result<DigestSchedule, AppError> {
        let hour = check_digest_hour(schedule.hour)
            .map_err(|problem| AppError::invalid("hour", problem))?;
        let time_zone = digest::time_zone(&schedule.time_zone)
            .map_err(|problem| AppError::invalid("time_zone", problem))?;
        let name = time_zone
            .iana_name()
            .map_or_else(|| schedule.time_zone.trim().to_string(), str::to_string);
        let saved = DigestSchedule {
            time_zone: name,
            hour,
        };
        let by = By::actor(actor);
        let stored = saved.clone();
        self.db
            .write(move |conn| {
                let now = now();
                settings::set_digest(conn, &stored, by.id.as_deref(), now)?;
                audit::append(
                    conn,
                    by.entry(
                        "settings.digest",
                        "settings",
                        "digest",
                        format!("set the daily digest to go out at {}", stored.describe()),
                    ),
                    now,
                )
            })
            .await?;
        Ok(saved)
    }
}
