//! A request id for every request, sent back in `X-Request-Id` and written in
//! the access log, and for every server function a tracing span that names
//! the function, the caller's user id and the request id, so each log line a
//! call makes (a refusal, a failed query, a 500) says which call it was.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;
use visadesk_app::domain::CurrentUser;

/// The answer header that carries the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// This request's id: 16 hex digits, random.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Gives the request its id (outside every other middleware but the access log).
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = uuid::Uuid::new_v4().simple().to_string()[..16].to_string();
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.call(req).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(res)
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
            let request_id = extensions
                .get::<RequestId>()
                .map(|r| r.0.clone())
                .unwrap_or_default();
            tracing::info_span!("server_fn", name, %user_id, %request_id)
        }
        None => tracing::Span::none(),
    };
    next.call(req).instrument(span).await
}
