//! A request id for every request, sent back in `X-Request-Id` and written in
//! the access log, and for every server function a tracing span that names
//! the function and the caller's user id, inside the request's span with its
//! id, so each log line a call makes (a refusal, a failed query, a 500)
//! says which call it was.

use super::HttpState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage};
use tracing::Instrument;
use visadesk_app::domain::CurrentUser;

/// The answer header that carries the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// This request's id: 16 hex digits, random.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Gives the request its id (outside every other middleware but the access
/// log) and runs it inside a `request` span carrying that id, so every line
/// it logs names it. Behind a trusted proxy that sends `X-Request-Id` (nginx's
/// `$request_id`), that id is kept, so the proxy's log and ours agree.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = forwarded_id(&req)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()[..16].to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", id = %id);
    let mut res = next.call(req).instrument(span).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(res)
}

/// The id a trusted proxy gave the request, if it is a plain token
/// (letters, digits and dashes, at most 64).
fn forwarded_id(req: &ServiceRequest) -> Option<String> {
    let trusted = &req.app_data::<web::Data<HttpState>>()?.trusted_proxies;
    let peer = req.peer_addr()?.ip();
    if !trusted.contains(&peer) {
        return None;
    }
    let id = req.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let plain = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    plain.then(|| id.to_string())
}

/// Runs a server function inside its span (inside the session middleware,
/// which has put the caller in the request's extensions).
pub async fn server_fn_span(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let span = match req.path().strip_prefix("/api/") {
        Some(name) => {
            let extensions = req.extensions();
            let user_id = extensions
                .get::<CurrentUser>()
                .map(|v| v.user_id.clone())
                .unwrap_or_else(|| "-".into());
            tracing::info_span!("server_fn", name, %user_id)
        }
        None => tracing::Span::none(),
    };
    next.call(req).instrument(span).await
}
