//! The mail port: the outbox as admins see it, the firm profile that every
//! email is signed with, and (in `delivery`) each person's email choices.

use super::{access, By, VisadeskBackend};
use crate::auth::now;
use crate::error::ServerError;
use crate::store::outbox::{self, OutboxRow};
use crate::store::{audit, settings};
use visadesk_app::api::port::{Actor, MailPort};
use visadesk_app::domain::delivery::{DigestSchedule, MailChoices, MailPreferences};
use visadesk_app::domain::mail::{
    check_firm_name, FirmProfile, MailCategory, OutboxEntry, OutboxMessage, OutboxPage,
    OutboxStatus, OUTBOX_PAGE,
};
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::{CurrentUser, OutboxId, Permission};
use visadesk_app::AppError;

fn entry(row: &OutboxRow) -> Result<OutboxEntry, ServerError> {
    let corrupt = |what: &str| {
        ServerError::CorruptData(format!("outbox row {} has an unknown {what}", row.id))
    };
    Ok(OutboxEntry {
        id: OutboxId::new(row.id.clone()),
        category: MailCategory::from_code(&row.category).ok_or_else(|| corrupt("category"))?,
        recipient_id: row.recipient_id.clone().map(Into::into),
        to_address: row.to_address.clone(),
        to_name: row.to_name.clone(),
        subject: row.subject.clone(),
        status: OutboxStatus::from_code(&row.status).ok_or_else(|| corrupt("status"))?,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        last_error: row.last_error.clone(),
        created_at: row.created_at,
        sent_at: row.sent_at,
        sensitive: row.sensitive,
    })
}

fn not_found() -> ServerError {
    AppError::NotFound("email".into()).into()
}

#[async_trait::async_trait]
impl MailPort for VisadeskBackend {
    async fn outbox(
        &self,
        caller: &CurrentUser,
        status: Option<OutboxStatus>,
        page: i64,
    ) -> Result<OutboxPage, AppError> {
        access::require(caller, Permission::ManageOutbox)?;
        let smtp_configured = self.mail.smtp_configured;
        Ok(self
            .db
            .run(move |conn| {
                let mut rows = outbox::page(conn, status, page)?;
                let has_more = rows.len() as i64 > OUTBOX_PAGE;
                rows.truncate(OUTBOX_PAGE as usize);
                let mut counts = Vec::new();
                for (code, n) in outbox::counts(conn)? {
                    let status = OutboxStatus::from_code(&code).ok_or_else(|| {
                        ServerError::CorruptData(format!("the outbox has an unknown status {code}"))
                    })?;
                    counts.push((status, n));
                }
                counts.sort_by_key(|(s, _)| OutboxStatus::ALL.iter().position(|x| x == s));
                Ok(OutboxPage {
                    smtp_configured,
                    counts,
                    entries: rows.iter().map(entry).collect::<Result<_, _>>()?,
                    page: page.max(0),
                    has_more,
                })
            })
            .await?)
    }

    async fn outbox_message(
        &self,
        caller: &CurrentUser,
        id: &OutboxId,
    ) -> Result<OutboxMessage, AppError> {
        access::require(caller, Permission::ManageOutbox)?;
        let id = id.to_string();
        Ok(self
            .db
            .run(move |conn| {
                let row = outbox::by_id(conn, &id)?.ok_or_else(not_found)?;
                Ok(OutboxMessage {
                    entry: entry(&row)?,
                    message_id: row.message_id.clone(),
                    text_body: (!row.sensitive).then(|| row.text_body.clone()),
                })
            })
            .await?)
    }

    async fn retry_outbox(&self, actor: &Actor, id: &OutboxId) -> Result<OutboxEntry, AppError> {
        access::require(&actor.user, Permission::ManageOutbox)?;
        let (by, id) = (By::actor(actor), id.to_string());
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                let row = outbox::by_id(conn, &id)?.ok_or_else(not_found)?;
                if !outbox::retry(conn, &id, now)? {
                    let status = OutboxStatus::from_code(&row.status).ok_or_else(|| {
                        ServerError::Invariant(format!(
                            "outbox email {id} has the unknown status {:?}",
                            row.status
                        ))
                    })?;
                    return Err(AppError::Conflict(Problem::RetryOnlyFailed(status)).into());
                }
                audit::append(
                    conn,
                    by.entry(
                        "mail.retry",
                        "email",
                        &id,
                        format!("queued \"{}\" to {} again", row.subject, row.to_address),
                    ),
                    now,
                )?;
                let row = outbox::by_id(conn, &id)?.ok_or_else(|| {
                    ServerError::Invariant(format!(
                        "outbox row {id} is gone right after it was written"
                    ))
                })?;
                entry(&row)
            })
            .await?)
    }

    async fn firm_profile(&self, caller: &CurrentUser) -> Result<FirmProfile, AppError> {
        access::require(caller, Permission::EditFirmSettings)?;
        Ok(self.db.run(settings::firm).await?)
    }

    async fn save_firm_profile(
        &self,
        actor: &Actor,
        firm: FirmProfile,
    ) -> Result<FirmProfile, AppError> {
        access::require(&actor.user, Permission::EditFirmSettings)?;
        let name =
            check_firm_name(&firm.name).map_err(|problem| AppError::invalid("name", problem))?;
        let firm = FirmProfile {
            name,
            message_text_in_email: firm.message_text_in_email,
        };
        let by = By::actor(actor);
        let saved = firm.clone();
        self.db
            .write(move |conn| {
                let now = now();
                settings::set_firm(conn, &saved, by.id.as_deref(), now)?;
                audit::append(
                    conn,
                    by.entry(
                        "settings.firm",
                        "settings",
                        "firm",
                        format!(
                            "named the firm \"{}\" in emails; message text {} in emails",
                            saved.name,
                            if saved.message_text_in_email {
                                "included"
                            } else {
                                "left out"
                            }
                        ),
                    ),
                    now,
                )
            })
            .await?;
        Ok(firm)
    }

    async fn mail_preferences(&self, caller: &CurrentUser) -> Result<MailPreferences, AppError> {
        access::require(caller, Permission::ManageOwnSessions)?;
        Ok(self.preferences_of(caller).await?)
    }

    async fn save_mail_preferences(
        &self,
        actor: &Actor,
        choices: MailChoices,
    ) -> Result<MailPreferences, AppError> {
        access::require(&actor.user, Permission::ManageOwnSessions)?;
        self.save_preferences(actor, choices).await
    }

    async fn digest_schedule(&self, caller: &CurrentUser) -> Result<DigestSchedule, AppError> {
        access::require(caller, Permission::EditFirmSettings)?;
        Ok(self.db.run(settings::digest).await?)
    }

    async fn save_digest_schedule(
        &self,
        actor: &Actor,
        schedule: DigestSchedule,
    ) -> Result<DigestSchedule, AppError> {
        access::require(&actor.user, Permission::EditFirmSettings)?;
        self.save_schedule(actor, schedule).await
    }
}
