//! The calendar port: each staff member's private feed URL, and the feed
//! itself for the HTTP endpoint (the token in the URL is the key).

use super::{access, By, VisadeskBackend};
use crate::auth::{now, token};
use crate::calendar;
use crate::error::ServerError;
use crate::store::{audit, calendar_feeds, users};
use visadesk_app::api::port::{Actor, CalendarPort};
use visadesk_app::domain::account::{CalendarFeed, NewCalendarFeed};
use visadesk_app::domain::{CurrentUser, Permission};
use visadesk_app::AppError;

impl VisadeskBackend {
    /// The iCalendar document of the feed with this token, or `None` when
    /// no live feed has it (revoked, renewed, or its owner deactivated).
    pub async fn calendar_document(&self, raw: &str) -> Result<Option<String>, ServerError> {
        if !token::looks_valid(raw) {
            return Ok(None);
        }
        let digest = token::digest(raw);
        let mail = self.mail.clone();
        self.db
            .run(move |conn| {
                let Some(user_id) = calendar_feeds::user_by_token_hash(conn, &digest)? else {
                    return Ok(None);
                };
                let Some(user) = users::by_id(conn, &user_id)?.filter(|u| u.active) else {
                    return Ok(None);
                };
                if !user.role()?.can(Permission::ViewDashboard) {
                    return Ok(None);
                }
                // Worded in the account's language, like its emails.
                let events = calendar::events(conn, &user.id, crate::notify::locale_of(&user))?;
                Ok(Some(calendar::render(
                    &events,
                    &format!("Visadesk: {}", user.display_name),
                    &calendar::stamp(now()),
                    &mail.message_domain,
                    &mail.public_base,
                )))
            })
            .await
    }
}

#[async_trait::async_trait]
impl CalendarPort for VisadeskBackend {
    async fn calendar_feed(&self, caller: &CurrentUser) -> Result<CalendarFeed, AppError> {
        access::require(caller, Permission::ViewDashboard)?;
        let id = caller.user_id.to_string();
        Ok(CalendarFeed {
            created_at: self
                .db
                .run(move |conn| calendar_feeds::created_at(conn, &id))
                .await?,
        })
    }

    async fn renew_calendar_feed(&self, actor: &Actor) -> Result<NewCalendarFeed, AppError> {
        access::require(&actor.user, Permission::ViewDashboard)?;
        let raw = token::generate()?;
        let digest = token::digest(&raw);
        let (by, id) = (By::actor(actor), actor.user.user_id.to_string());
        let created_at = self
            .db
            .write(move |conn| {
                let now = now();
                let renewed = calendar_feeds::created_at(conn, &id)?.is_some();
                calendar_feeds::replace(conn, &id, &digest, now)?;
                let summary = if renewed {
                    "made a new calendar feed URL; the old one stopped working"
                } else {
                    "made a calendar feed URL"
                };
                audit::append(
                    conn,
                    by.entry("calendar.renew", "user", &id, summary.into()),
                    now,
                )?;
                Ok(now)
            })
            .await?;
        Ok(NewCalendarFeed {
            path: format!("/calendar/{raw}.ics"),
            created_at,
        })
    }

    async fn revoke_calendar_feed(&self, actor: &Actor) -> Result<(), AppError> {
        access::require(&actor.user, Permission::ViewDashboard)?;
        let (by, id) = (By::actor(actor), actor.user.user_id.to_string());
        Ok(self
            .db
            .write(move |conn| {
                if !calendar_feeds::delete(conn, &id)? {
                    return Err(AppError::NotFound("calendar feed".into()).into());
                }
                audit::append(
                    conn,
                    by.entry(
                        "calendar.revoke",
                        "user",
                        &id,
                        "ended their calendar feed".into(),
                    ),
                    now(),
                )
            })
            .await?)
    }
}
