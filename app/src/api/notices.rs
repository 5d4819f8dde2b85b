//! What staff are told in the app: the bell and its list.

use crate::domain::notice::NoticePage;
use crate::domain::NoticeId;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{backend, require, respond};
#[cfg(feature = "ssr")]
use crate::domain::Permission;

/// A page of the caller's notices, newest first.
#[server(prefix = "/api", endpoint = "my_notices")]
pub async fn my_notices(page: i64) -> Result<NoticePage, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewDashboard).await?;
            backend()?.notices(&actor.user, page.max(0)).await
        }
        .await,
    )
}

/// The bell's number: how many of the caller's notices are unread.
#[server(prefix = "/api", endpoint = "unread_notices")]
pub async fn unread_notices() -> Result<i64, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewDashboard).await?;
            backend()?.unread_notices(&actor.user).await
        }
        .await,
    )
}

/// Marks one notice read.
#[server(prefix = "/api", endpoint = "mark_notice_read")]
pub async fn mark_notice_read(id: NoticeId) -> Result<(), AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewDashboard).await?;
            backend()?.mark_notice_read(&actor.user, &id).await
        }
        .await,
    )
}

/// Marks every notice read; returns how many were unread.
#[server(prefix = "/api", endpoint = "mark_all_notices_read")]
pub async fn mark_all_notices_read() -> Result<u64, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewDashboard).await?;
            backend()?.mark_all_notices_read(&actor.user).await
        }
        .await,
    )
}
