//! `GET /calendar/{token}.ics`: a staff member's private feed, for any
//! calendar app to subscribe to. The token is the key; an unknown, renewed
//! or revoked one answers 404.

use super::HttpState;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{web, HttpResponse};

pub async fn feed(state: web::Data<HttpState>, path: web::Path<String>) -> HttpResponse {
    let raw = path.into_inner();
    let token = raw.strip_suffix(".ics").unwrap_or(&raw);
    match state.backend.calendar_document(token).await {
        Ok(Some(ics)) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/calendar; charset=utf-8"))
            .insert_header((CACHE_CONTROL, "private, no-store"))
            .body(ics),
        Ok(None) => HttpResponse::NotFound()
            .insert_header((CONTENT_TYPE, "text/plain; charset=utf-8"))
            .body("This calendar feed does not exist or has been revoked. Make a new one on your account page in Visadesk.\n"),
        Err(e) => {
            tracing::error!(error = %e, "a calendar feed could not be built");
            HttpResponse::InternalServerError()
                .insert_header((CONTENT_TYPE, "text/plain; charset=utf-8"))
                .body("The calendar feed could not be built; try again later.\n")
        }
    }
}
