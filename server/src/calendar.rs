//! Private calendar feeds (iCalendar, RFC 5545): each staff member's open
//! tasks with a due date (their own, or unassigned ones on their cases as
//! attorney) and their open cases' target filing dates, as all-day events.

use crate::db::schema::{case_tasks, cases, clients};
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::cases::open_codes;
use diesel::prelude::*;
use visadesk_app::domain::date::Date;
use visadesk_app::domain::Programme;
use visadesk_app::i18n::{names, td_string, Locale};

/// What a feed event stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// An open task's due date.
    Task,
    /// An open case's target filing date.
    Filing,
}

/// One all-day event of a feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedEvent {
    pub kind: EventKind,
    /// Stable across fetches, so calendar apps update rather than duplicate.
    pub uid: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub summary: String,
    pub description: String,
    /// The local path of the thing itself.
    pub path: String,
}

/// The events of `user_id`'s feed, soonest first, worded in `l`.
pub fn events(
    conn: &mut DbConnection,
    user_id: &str,
    l: Locale,
) -> Result<Vec<FeedEvent>, ServerError> {
    let tasks: Vec<(String, String, String, String, String, String)> = case_tasks::table
        .inner_join(cases::table.inner_join(clients::table))
        .filter(case_tasks::done.eq(false))
        .filter(case_tasks::due_on.ne(""))
        .filter(cases::stage.eq_any(open_codes()))
        .filter(
            case_tasks::assignee_id
                .eq(user_id)
                .or(case_tasks::assignee_id
                    .is_null()
                    .and(cases::attorney_id.eq(user_id))),
        )
        .select((
            case_tasks::id,
            case_tasks::due_on,
            case_tasks::title,
            cases::id,
            cases::reference,
            clients::full_name,
        ))
        .load(conn)?;
    let filings: Vec<(String, String, String, String, String)> = cases::table
        .inner_join(clients::table)
        .filter(cases::stage.eq_any(open_codes()))
        .filter(cases::target_filing_on.ne(""))
        .filter(
            cases::attorney_id
                .eq(user_id)
                .or(cases::paralegal_id.eq(user_id)),
        )
        .select((
            cases::id,
            cases::target_filing_on,
            cases::reference,
            cases::programme,
            clients::full_name,
        ))
        .load(conn)?;
    let mut out: Vec<FeedEvent> = tasks
        .into_iter()
        .map(|(id, due, title, case_id, reference, client)| FeedEvent {
            kind: EventKind::Task,
            uid: format!("task-{id}"),
            date: due,
            summary: td_string!(
                l,
                calendar.feed.task_summary,
                task = &title,
                reference = &reference
            )
            .to_string(),
            description: td_string!(
                l,
                calendar.feed.task_description,
                reference = &reference,
                client = &client
            )
            .to_string(),
            path: format!("/cases/{case_id}"),
        })
        .chain(
            filings
                .into_iter()
                .map(|(case_id, on, reference, programme, client)| {
                    let programme = programme
                        .parse::<Programme>()
                        .map_or(td_string!(l, calendar.feed.any_programme), |p| {
                            names::programme(l, p)
                        });
                    FeedEvent {
                        kind: EventKind::Filing,
                        uid: format!("filing-{case_id}"),
                        date: on,
                        summary: td_string!(
                            l,
                            calendar.feed.filing_summary,
                            reference = &reference,
                            programme = programme
                        )
                        .to_string(),
                        description: td_string!(
                            l,
                            calendar.feed.filing_description,
                            client = &client,
                            programme = programme
                        )
                        .to_string(),
                        path: format!("/cases/{case_id}"),
                    }
                }),
        )
        .collect();
    out.sort_by(|a, b| (&a.date, &a.summary).cmp(&(&b.date, &b.summary)));
    Ok(out)
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (never inside a UTF-8 character),
/// ended with CRLF (RFC 5545 3.1).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn ical_date(date: &str) -> Option<(String, String)> {
    let day = Date::parse(date)?;
    let next = Date::from_day_number(day.day_number() + 1);
    Some((
        day.to_string().replace('-', ""),
        next.to_string().replace('-', ""),
    ))
}

/// The feed as an iCalendar document. `stamp` is the UTC time of the fetch
/// (`YYYYMMDDTHHMMSSZ`); `domain` makes the UIDs unique; links start with
/// `base`.
pub fn render(events: &[FeedEvent], name: &str, stamp: &str, domain: &str, base: &str) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Visadesk//Calendar feed//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    for e in events {
        let Some((start, end)) = ical_date(&e.date) else {
            continue;
        };
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}@{}", e.uid, domain));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(&mut out, &format!("DTSTART;VALUE=DATE:{start}"));
        line(&mut out, &format!("DTEND;VALUE=DATE:{end}"));
        line(&mut out, &format!("SUMMARY:{}", text(&e.summary)));
        line(&mut out, &format!("DESCRIPTION:{}", text(&e.description)));
        line(&mut out, &format!("URL:{base}{}", e.path));
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// `YYYYMMDDTHHMMSSZ` for Unix seconds.
pub fn stamp(unix: i64) -> String {
    let day = Date::from_unix(unix).to_string().replace('-', "");
    let secs = unix.rem_euclid(86_400);
    format!(
        "{day}T{:02}{:02}{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_are_escaped_and_long_lines_folded() {
        let e = FeedEvent {
            kind: EventKind::Task,
            uid: "task-1".into(),
            date: "2026-12-31".into(),
            summary: "Call; then write, \\ done\nnow".into(),
            description: "张伟的 K 签证案件，目标递交日期".repeat(4),
            path: "/cases/1".into(),
        };
        let ics = render(
            &[e],
            "Tasks",
            "20261203T120000Z",
            "v.example",
            "https://v.example",
        );
        assert!(ics.contains("SUMMARY:Call\\; then write\\, \\\\ done\\nnow\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n"));
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "a line over 75 octets: {l}");
        }
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(stamp(0), "19700101T000000Z");
    }
}
