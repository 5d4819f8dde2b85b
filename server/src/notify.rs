//! Who is told what when something happens on a case. Applicants hear by
//! email; staff in the app (the bell) and by email. Each email goes as its
//! recipient chose: at once, in the daily digest, or not. Everything here
//! runs in the transaction of the change, so a refused change tells nobody.

use crate::db::DbConnection;
use crate::error::ServerError;
use crate::mail::compose::{self, Letter};
use crate::mail::{self, MailSettings, Outgoing};
use crate::store::cases::CaseRow;
use crate::store::digests::{self, DigestItemRow};
use crate::store::notifications::{self, NoticeRow};
use crate::store::users::UserRow;
use crate::store::{mail_preferences, settings, users};
use visadesk_app::domain::checklist::DocumentKind;
use visadesk_app::domain::date::Date;
use visadesk_app::domain::delivery::Delivery;
use visadesk_app::domain::document::Review;
use visadesk_app::domain::mail::{one_line, MailCategory};
use visadesk_app::domain::notice::{NoticeEvent, NoticeKind};
use visadesk_app::domain::{CurrentUser, Programme, Stage, UserId};
use visadesk_app::i18n::{format, names, notices, td_string, Locale};

/// Sends `letter` to `user` as they chose for `category`: queued now, kept
/// for their next daily digest (its subject, `detail` and `link`), or not
/// by email at all.
#[allow(clippy::too_many_arguments)]
fn deliver(
    conn: &mut DbConnection,
    mail: &MailSettings,
    user: &UserRow,
    category: MailCategory,
    letter: Letter,
    detail: &str,
    link: String,
    now: i64,
) -> Result<(), ServerError> {
    match mail_preferences::delivery(conn, &user.id, category)? {
        Delivery::AtOnce => {
            mail::queue(
                conn,
                mail,
                Outgoing {
                    category,
                    recipient_id: Some(UserId::new(user.id.clone())),
                    to_address: user.email.clone(),
                    to_name: user.display_name.clone(),
                    letter,
                    sensitive: false,
                },
                now,
            )?;
        }
        Delivery::Digest => digests::insert(
            conn,
            &DigestItemRow {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: user.id.clone(),
                category: category.code().into(),
                subject: one_line(&letter.subject),
                detail: detail.to_string(),
                link,
                created_at: now,
                digest_day: None,
            },
        )?,
        Delivery::Off => {}
    }
    Ok(())
}

/// Emails every active applicant account of the case's client (as each chose).
fn tell_applicants(
    conn: &mut DbConnection,
    mail: &MailSettings,
    case: &CaseRow,
    (category, detail): (MailCategory, impl Fn(Locale) -> String),
    letter: impl Fn(Locale, &str, &str, String) -> Letter,
    now: i64,
) -> Result<usize, ServerError> {
    let applicants = users::applicants_of(conn, &case.client_id)?;
    if applicants.is_empty() {
        return Ok(0);
    }
    let firm = settings::firm(conn)?.name;
    let link = mail.link("/portal");
    for user in &applicants {
        let l = locale_of(user);
        let letter = letter(l, &firm, &user.display_name, link.clone());
        deliver(
            conn,
            mail,
            user,
            category,
            letter,
            &detail(l),
            link.clone(),
            now,
        )?;
    }
    Ok(applicants.len())
}

/// A notice in the app and an email for one staff member (not `actor`,
/// who knows already, and only while their account is active).
#[allow(clippy::too_many_arguments)]
fn tell_staff(
    conn: &mut DbConnection,
    mail: &MailSettings,
    user_id: &str,
    actor: &CurrentUser,
    kind: NoticeKind,
    (category, detail): (MailCategory, &dyn Fn(Locale) -> String),
    case: &CaseRow,
    event: &NoticeEvent,
    letter: impl Fn(Locale, &str, &str, &str, String) -> Letter,
    now: i64,
) -> Result<bool, ServerError> {
    if actor.user_id.as_str() == user_id {
        return Ok(false);
    }
    let Some(user) = users::by_id(conn, user_id)?.filter(|u| u.active) else {
        return Ok(false);
    };
    let path = format!("/cases/{}", case.id);
    notifications::insert(
        conn,
        &NoticeRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.id.clone(),
            kind: kind.code().into(),
            case_id: Some(case.id.clone()),
            // The English line, for anything that reads the table directly;
            // the bell words the event in its reader's language.
            title: notices::event(Locale::en, event),
            link: path.clone(),
            created_at: now,
            read_at: None,
            event: serde_json::to_string(event).map_err(|e| {
                ServerError::Invariant(format!("a notice event could not be written: {e}"))
            })?,
        },
    )?;
    let firm = settings::firm(conn)?.name;
    let link = mail.link(&path);
    let l = locale_of(&user);
    let title = notices::event(l, event);
    let letter = letter(l, &firm, &user.display_name, &title, link.clone());
    deliver(conn, mail, &user, category, letter, &detail(l), link, now)?;
    Ok(true)
}

/// Tells the case's attorney and paralegal (once each, not `by`).
#[allow(clippy::too_many_arguments)]
fn tell_case_staff(
    conn: &mut DbConnection,
    mail: &MailSettings,
    case: &CaseRow,
    by: &CurrentUser,
    (kind, category, detail): (NoticeKind, MailCategory, &dyn Fn(Locale) -> String),
    event: &NoticeEvent,
    letter: impl Fn(Locale, &str, &str, &str, String) -> Letter,
    now: i64,
) -> Result<(), ServerError> {
    let mut told: Vec<&String> = Vec::new();
    for staff in [&case.attorney_id, &case.paralegal_id]
        .into_iter()
        .flatten()
    {
        if told.contains(&staff) {
            continue;
        }
        tell_staff(
            conn,
            mail,
            staff,
            by,
            kind,
            (category, detail),
            case,
            event,
            &letter,
            now,
        )?;
        told.push(staff);
    }
    Ok(())
}

/// The language a user reads their email in: their account's, else English.
pub fn locale_of(user: &UserRow) -> Locale {
    user.language().unwrap_or_default().locale()
}

/// The case moved to `to`: its applicants hear it in plain words.
pub fn stage_changed(
    conn: &mut DbConnection,
    mail: &MailSettings,
    case: &CaseRow,
    to: Stage,
    now: i64,
) -> Result<(), ServerError> {
    let programme = case.programme.parse::<Programme>().ok();
    tell_applicants(
        conn,
        mail,
        case,
        (MailCategory::StageChanged, |l| {
            names::stage_in_plain_words(l, to).to_string()
        }),
        |l, firm, name, link| {
            let programme = programme.map_or("", |p| names::programme(l, p));
            let words = names::stage_in_plain_words(l, to);
            compose::stage_changed(l, firm, name, programme, words, link)
        },
        now,
    )?;
    Ok(())
}

/// A document was reviewed: its applicants hear the outcome (and why).
pub fn document_reviewed(
    conn: &mut DbConnection,
    mail: &MailSettings,
    case: &CaseRow,
    kind: DocumentKind,
    review: &Review,
    now: i64,
) -> Result<(), ServerError> {
    let detail = |l: Locale| match review {
        Review::Rejected(reason) => td_string!(l, email.details.why, reason = reason).to_string(),
        _ => String::new(),
    };
    tell_applicants(
        conn,
        mail,
        case,
        (MailCategory::DocumentReviewed, detail),
        |l, firm, name, link| {
            let label = names::document(l, kind);
            match review {
                Review::Rejected(reason) => {
                    compose::document_rejected(l, firm, name, label, reason, link)
                }
                _ => compose::document_accepted(l, firm, name, label, link),
            }
        },
        now,
    )?;
    Ok(())
}

/// A document was added to the case's checklist: its applicants hear it.
pub fn item_added(
    conn: &mut DbConnection,
    mail: &MailSettings,
    case: &CaseRow,
    kind: DocumentKind,
    now: i64,
) -> Result<(), ServerError> {
    tell_applicants(
        conn,
        mail,
        case,
        (MailCategory::ItemAdded, |_| String::new()),
        |l, firm, name, link| compose::item_added(l, firm, name, names::document(l, kind), link),
        now,
    )?;
    Ok(())
}

/// A document was uploaded: the case's attorney and paralegal hear it.
pub fn document_uploaded(
    conn: &mut DbConnection,
    mail: &MailSettings,
    case: &CaseRow,
    document: Option<DocumentKind>,
    file_name: &str,
    by: &CurrentUser,
    now: i64,
) -> Result<(), ServerError> {
    let event = NoticeEvent::DocumentUploaded {
        by: by.display_name.clone(),
        document,
        case: case.reference.clone(),
    };
    tell_case_staff(
        conn,
        mail,
        case,
        by,
        (
            NoticeKind::DocumentUploaded,
            MailCategory::DocumentUploaded,
            &|l| td_string!(l, email.details.file, file = file_name).to_string(),
        ),
        &event,
        |l, firm, name, title, link| {
            compose::document_uploaded(l, firm, name, title, file_name, link)
        },
        now,
    )
}

/// A task was given to `assignee`: they hear it, unless they gave it themself.
#[allow(clippy::too_many_arguments)]
pub fn task_assigned(
    conn: &mut DbConnection,
    mail: &MailSettings,
    case: &CaseRow,
    task_title: &str,
    due_on: &str,
    assignee: &str,
    by: &CurrentUser,
    now: i64,
) -> Result<(), ServerError> {
    let event = NoticeEvent::TaskAssigned {
        by: by.display_name.clone(),
        case: case.reference.clone(),
        task: task_title.to_string(),
    };
    let due = Date::parse(due_on);
    let detail = |l: Locale| {
        due.map(|d| td_string!(l, email.details.due, date = format::date(l, d)).to_string())
            .unwrap_or_default()
    };
    tell_staff(
        conn,
        mail,
        assignee,
        by,
        NoticeKind::TaskAssigned,
        (MailCategory::TaskAssigned, &detail),
        case,
        &event,
        |l, firm, name, title, link| compose::task_assigned(l, firm, name, title, due, link),
        now,
    )?;
    Ok(())
}

/// A message on the case's thread: from the firm, its applicants hear it;
/// from the applicant, the case's attorney and paralegal (bell and email).
/// The email quotes the text only when the firm allows it.
pub fn message_sent(
    conn: &mut DbConnection,
    mail: &MailSettings,
    case: &CaseRow,
    body: &str,
    by: &CurrentUser,
    now: i64,
) -> Result<(), ServerError> {
    let quote = settings::firm(conn)?.message_text_in_email;
    let words = quote.then_some(body);
    if by.role != visadesk_app::domain::Role::Applicant {
        tell_applicants(
            conn,
            mail,
            case,
            (MailCategory::Message, |_| String::new()),
            |l, firm, name, link| {
                compose::message_to_applicant(l, firm, name, &by.display_name, words, link)
            },
            now,
        )?;
        return Ok(());
    }
    let event = NoticeEvent::MessageReceived {
        by: by.display_name.clone(),
        case: case.reference.clone(),
    };
    tell_case_staff(
        conn,
        mail,
        case,
        by,
        (NoticeKind::MessageReceived, MailCategory::Message, &|_| {
            String::new()
        }),
        &event,
        |l, firm, name, title, link| compose::message_to_staff(l, firm, name, title, words, link),
        now,
    )
}
