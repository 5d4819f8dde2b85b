//! Bounds the size of server-function requests, with a clear answer.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use visadesk_app::domain::document::format_bytes;
use visadesk_app::AppError;

/// Largest form a server function accepts, in bytes. File uploads use their
/// own streaming endpoint and limit.
pub const MAX_FORM_BYTES: u64 = 256 * 1024;

/// Answers 413 when a server-function request says it is larger than the limit.
pub async fn bound_forms(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(len) if req.path().starts_with("/api/") && len > MAX_FORM_BYTES => {
            let error = AppError::Request(format!(
                "The form is too large ({}); the limit is {}. Shorten the text and try again.",
                format_bytes(len),
                format_bytes(MAX_FORM_BYTES)
            ));
            let body = serde_json::to_string(&error).unwrap_or_default();
            let res = HttpResponse::PayloadTooLarge()
                .content_type("application/json")
                .body(body);
            Ok(req.into_response(res).map_into_right_body())
        }
        _ => {
            let res = next.call(req).await?;
            Ok(argument_errors_are_bad_requests(res)
                .await?
                .map_into_left_body())
        }
    }
}

/// server_fn answers arguments it cannot decode (missing or malformed form
/// fields) with 500; they are the client's mistake, so answer 400.
async fn argument_errors_are_bad_requests(
    res: ServiceResponse<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.request().path().starts_with("/api/")
    {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("could not read the response"))?;
    if bytes.starts_with(b"{\"Request\"") {
        *head.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}
