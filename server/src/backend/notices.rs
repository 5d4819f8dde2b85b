//! The notice port: a staff member's own notices behind the bell.

use super::{access, VisadeskBackend};
use crate::auth::now;
use crate::error::ServerError;
use crate::store::notifications::{self, NoticeRow};
use visadesk_app::api::port::NoticePort;
use visadesk_app::domain::notice::{
    Notice, NoticeEvent, NoticeKind, NoticePage, NoticeText, NOTICE_PAGE,
};
use visadesk_app::domain::{CurrentUser, NoticeId, Permission};
use visadesk_app::AppError;

fn notice(row: NoticeRow) -> Result<Notice, ServerError> {
    let what = match serde_json::from_str::<NoticeEvent>(&row.event) {
        Ok(event) => NoticeText::Event(event),
        Err(_) if row.event.is_empty() => NoticeText::Recorded(row.title),
        Err(e) => {
            tracing::warn!(notice = %row.id, error = %e, "a notice's event could not be read; showing its saved title");
            NoticeText::Recorded(row.title)
        }
    };
    Ok(Notice {
        kind: NoticeKind::from_code(&row.kind).ok_or_else(|| {
            ServerError::CorruptData(format!(
                "notice {} has an unknown kind {}",
                row.id, row.kind
            ))
        })?,
        id: NoticeId::new(row.id),
        case_id: row.case_id.map(Into::into),
        what,
        link: row.link,
        created_at: row.created_at,
        read_at: row.read_at,
    })
}

#[async_trait::async_trait]
impl NoticePort for VisadeskBackend {
    async fn notices(&self, caller: &CurrentUser, page: i64) -> Result<NoticePage, AppError> {
        access::require(caller, Permission::ViewDashboard)?;
        let user_id = caller.user_id.to_string();
        Ok(self
            .db
            .run(move |conn| {
                let mut rows = notifications::page(conn, &user_id, page)?;
                let has_more = rows.len() as i64 > NOTICE_PAGE;
                rows.truncate(NOTICE_PAGE as usize);
                Ok(NoticePage {
                    unread: notifications::unread(conn, &user_id)?,
                    notices: rows.into_iter().map(notice).collect::<Result<_, _>>()?,
                    page: page.max(0),
                    has_more,
                })
            })
            .await?)
    }

    async fn unread_notices(&self, caller: &CurrentUser) -> Result<i64, AppError> {
        access::require(caller, Permission::ViewDashboard)?;
        let user_id = caller.user_id.to_string();
        Ok(self
            .db
            .run(move |conn| notifications::unread(conn, &user_id))
            .await?)
    }

    async fn mark_notice_read(&self, caller: &CurrentUser, id: &NoticeId) -> Result<(), AppError> {
        access::require(caller, Permission::ViewDashboard)?;
        let (user_id, id) = (caller.user_id.to_string(), id.to_string());
        let found = self
            .db
            .write(move |conn| notifications::mark_read(conn, &user_id, &id, now()))
            .await?;
        if found {
            Ok(())
        } else {
            Err(AppError::NotFound("notice".into()))
        }
    }

    async fn mark_all_notices_read(&self, caller: &CurrentUser) -> Result<u64, AppError> {
        access::require(caller, Permission::ViewDashboard)?;
        let user_id = caller.user_id.to_string();
        Ok(self
            .db
            .write(move |conn| notifications::mark_all_read(conn, &user_id, now()))
            .await?)
    }
}
