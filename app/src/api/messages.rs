//! Each case's thread between the firm and the applicant. Staff and the
//! applicant use the same functions; the backend decides who may see and
//! write on which case (anything not theirs is 404).

use crate::domain::message::{Message, Thread};
use crate::domain::CaseId;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{backend, request_source, respond, viewer};
#[cfg(feature = "ssr")]
use super::port::Actor;

/// The case's thread.
#[server(prefix = "/api", endpoint = "case_thread")]
pub async fn case_thread(case_id: CaseId) -> Result<Thread, AppError> {
    respond(
        async move {
            let viewer = viewer().ok_or(AppError::NotSignedIn)?;
            backend()?.thread(&viewer, &case_id).await
        }
        .await,
    )
}

/// Writes on the case's thread.
#[server(prefix = "/api", endpoint = "send_message")]
pub async fn send_message(case_id: CaseId, body: String) -> Result<Message, AppError> {
    respond(
        async move {
            let user = viewer().ok_or(AppError::NotSignedIn)?;
            let actor = Actor {
                user,
                source: request_source(),
            };
            backend()?.send_message(&actor, &case_id, body).await
        }
        .await,
    )
}

/// Records that the caller has read the case's thread.
#[server(prefix = "/api", endpoint = "mark_thread_seen")]
pub async fn mark_thread_seen(case_id: CaseId) -> Result<(), AppError> {
    respond(
        async move {
            let viewer = viewer().ok_or(AppError::NotSignedIn)?;
            backend()?.mark_thread_seen(&viewer, &case_id).await
        }
        .await,
    )
}
