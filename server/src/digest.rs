//! The daily digest. From the firm's hour, in the firm's time zone, each
//! day's digest is sent once: to each active staff member their overdue
//! tasks, what is due today and tomorrow, and their cases' target filings
//! within 7 days (unless they turned the digest off); and to anyone (staff
//! or applicant) what happened since the last digest in the categories they
//! chose to hear about then. Nobody gets an empty digest.
//!
//! Several instances may check at once: the instance that records the day
//! in `digest_runs` queues that day's digests in the same transaction, so
//! they go out once. An instance that was down at the hour sends the day's
//! digest when it is back, the same day.

use crate::calendar::{self, EventKind};
use crate::db::{Db, DbConnection};
use crate::error::ServerError;
use crate::mail::compose::{self, DigestContent, DigestLine};
use crate::mail::{self, MailSettings, Outgoing};
use crate::store::{digests, mail_preferences, settings, users};
use std::collections::BTreeMap;
use std::time::Duration;
use visadesk_app::domain::date::Date;
use visadesk_app::domain::delivery::{Delivery, DigestSchedule};
use visadesk_app::domain::mail::MailCategory;
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::{Permission, UserId};
use visadesk_app::i18n::{format, td_string, Locale};

/// The firm-local date and hour at Unix second `now`.
pub fn local_time(schedule: &DigestSchedule, now: i64) -> Result<(Date, u8), ServerError> {
    let tz = time_zone(&schedule.time_zone).map_err(|p| ServerError::CorruptData(p.to_string()))?;
    let at = jiff::Timestamp::from_second(now)
        .map_err(|e| ServerError::CorruptData(format!("the clock reads {now}: {e}")))?
        .to_zoned(tz);
    let date = Date {
        year: i32::from(at.year()),
        month: at.month() as u8,
        day: at.day() as u8,
    };
    Ok((date, at.hour() as u8))
}

/// The firm-local day whose digest is due at `now`: today, once its hour
/// has come; `None` before it.
pub fn due_day(schedule: &DigestSchedule, now: i64) -> Result<Option<Date>, ServerError> {
    let (today, hour) = local_time(schedule, now)?;
    Ok((hour >= schedule.hour).then_some(today))
}

/// The time zone with this IANA name, or the problem with it.
pub fn time_zone(name: &str) -> Result<jiff::tz::TimeZone, Problem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Problem::TimeZoneMissing);
    }
    jiff::tz::TimeZone::get(name)
        .map_err(|_| Problem::TimeZoneUnknown(name.chars().take(60).collect()))
}

/// Sends `day`'s digests unless an instance already has; returns how many
/// were queued, or `None` when the day's digest had gone out already.
pub fn run(
    conn: &mut DbConnection,
    mail: &MailSettings,
    day: Date,
    by: &str,
    now: i64,
) -> Result<Option<usize>, ServerError> {
    let day_code = day.to_string();
    if !digests::claim_day(conn, &day_code, by, now)? {
        return Ok(None);
    }
    let mut news: BTreeMap<String, Vec<DigestLine>> = BTreeMap::new();
    let waiting = digests::waiting(conn)?;
    for item in &waiting {
        news.entry(item.user_id.clone())
            .or_default()
            .push(DigestLine {
                text: item.subject.clone(),
                detail: item.detail.clone(),
                link: item.link.clone(),
            });
    }
    let firm = settings::firm(conn)?.name;
    let mut queued = 0;
    for user in users::all(conn)?.into_iter().filter(|u| u.active) {
        let role = user.role()?;
        let l = crate::notify::locale_of(&user);
        let mut content = DigestContent {
            news: news.remove(&user.id).unwrap_or_default(),
            ..Default::default()
        };
        if role.can(Permission::ViewDashboard)
            && mail_preferences::delivery(conn, &user.id, MailCategory::Digest)? != Delivery::Off
        {
            agenda(conn, mail, &user.id, l, day, &mut content)?;
        }
        if content.is_empty() {
            continue;
        }
        let settings_path = if role.is_staff() {
            "/account/sessions#email"
        } else {
            "/portal#email"
        };
        mail::queue(
            conn,
            mail,
            Outgoing {
                category: MailCategory::Digest,
                recipient_id: Some(UserId::new(user.id.clone())),
                to_address: user.email.clone(),
                to_name: user.display_name.clone(),
                // The news lines were worded in this person's language when
                // they happened; the rest is worded now.
                letter: compose::digest(
                    l,
                    &firm,
                    &user.display_name,
                    day,
                    content,
                    mail.link(settings_path),
                ),
                sensitive: false,
            },
            now,
        )?;
        queued += 1;
    }
    // Items of people no longer active are dropped with the rest.
    let ids: Vec<String> = waiting.into_iter().map(|i| i.id).collect();
    digests::mark_carried(conn, &ids, &day_code)?;
    digests::finish_day(conn, &day_code, queued as i32)?;
    Ok(Some(queued))
}

/// A staff member's tasks and filings as of `day`: overdue, due today and
/// tomorrow, and target filings from today to 7 days on.
fn agenda(
    conn: &mut DbConnection,
    mail: &MailSettings,
    user_id: &str,
    l: Locale,
    day: Date,
    content: &mut DigestContent,
) -> Result<(), ServerError> {
    let today = day.day_number();
    for event in calendar::events(conn, user_id, l)? {
        let Some(date) = Date::parse(&event.date) else {
            continue;
        };
        let days = date.day_number() - today;
        let line = |detail: String| DigestLine {
            text: event.summary.clone(),
            detail,
            link: mail.link(&event.path),
        };
        match (event.kind, days) {
            (EventKind::Task, ..0) => content.overdue.push(line(
                td_string!(l, email.digest.was_due, date = format::date(l, date)).to_string(),
            )),
            (EventKind::Task, 0) => content.due_today.push(line(event.description.clone())),
            (EventKind::Task, 1) => content.due_tomorrow.push(line(event.description.clone())),
            (EventKind::Filing, 0..=7) => content.filings.push(line(
                td_string!(
                    l,
                    email.digest.filing_detail,
                    description = &event.description,
                    date = format::date(l, date)
                )
                .to_string(),
            )),
            _ => {}
        }
    }
    Ok(())
}

/// Checks every `every` whether a digest is due, and sends it (one
/// instance's task; the others find the day taken).
pub async fn run_periodically(db: Db, mail: MailSettings, name: String, every: Duration) {
    tracing::info!(every_secs = every.as_secs(), "daily digest scheduled");
    let mut tick = actix_web::rt::time::interval(every);
    loop {
        tick.tick().await;
        let (mail, name) = (mail.clone(), name.clone());
        let result = db
            .write(move |conn| {
                let now = crate::auth::now();
                let schedule = settings::digest(conn)?;
                let Some(day) = due_day(&schedule, now)? else {
                    return Ok(None);
                };
                if digests::ran(conn, &day.to_string())? {
                    return Ok(None);
                }
                Ok(run(conn, &mail, day, &name, now)?.map(|n| (day, n)))
            })
            .await;
        match result {
            Ok(Some((day, emails))) => {
                tracing::info!(day = %day, emails, "daily digest queued")
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "the daily digest could not be sent; will try again")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(time_zone: &str, hour: u8) -> DigestSchedule {
        DigestSchedule {
            time_zone: time_zone.into(),
            hour,
        }
    }

    // 2026-12-03T23:30:00Z: 07:30 on 4 December in Shanghai.
    const LATE_EVENING_UTC: i64 = 1_796_340_600;

    #[test]
    fn the_day_and_hour_are_the_firms_own() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(
            local_time(&at("UTC", 8), LATE_EVENING_UTC).unwrap(),
            (d("2026-12-03"), 23)
        );
        assert_eq!(
            local_time(&at("Asia/Shanghai", 8), LATE_EVENING_UTC).unwrap(),
            (d("2026-12-04"), 7)
        );
        assert_eq!(
            local_time(&at("America/Los_Angeles", 8), LATE_EVENING_UTC).unwrap(),
            (d("2026-12-03"), 15)
        );
    }

    #[test]
    fn the_digest_is_due_from_the_firms_hour_on_its_own_day() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(
            due_day(&at("Asia/Shanghai", 8), LATE_EVENING_UTC).unwrap(),
            None
        );
        assert_eq!(
            due_day(&at("Asia/Shanghai", 8), LATE_EVENING_UTC + 1800).unwrap(),
            Some(d("2026-12-04"))
        );
        assert_eq!(
            due_day(&at("Asia/Shanghai", 7), LATE_EVENING_UTC).unwrap(),
            Some(d("2026-12-04"))
        );
        assert_eq!(
            due_day(&at("UTC", 8), LATE_EVENING_UTC).unwrap(),
            Some(d("2026-12-03")),
            "late is better than never"
        );
    }

    #[test]
    fn summer_time_moves_the_hour_with_the_clock() {
        // 2026-07-01T06:30:00Z is 08:30 in Berlin (CEST, UTC+2).
        let july = 1_782_887_400;
        assert_eq!(local_time(&at("Europe/Berlin", 8), july).unwrap().1, 8);
        // 2026-01-15T06:30:00Z is 07:30 in Berlin (CET, UTC+1).
        let january = 1_768_458_600;
        assert_eq!(local_time(&at("Europe/Berlin", 8), january).unwrap().1, 7);
    }

    #[test]
    fn an_unknown_time_zone_is_named_in_the_error() {
        let e = time_zone("Asia/Shangai").unwrap_err();
        assert_eq!(e, Problem::TimeZoneUnknown("Asia/Shangai".into()));
        assert!(
            e.to_string()
                .contains("\"Asia/Shangai\" is not a time zone"),
            "{e}"
        );
        assert!(time_zone(" Europe/Berlin ").is_ok());
        assert!(time_zone("").is_err());
    }
}
