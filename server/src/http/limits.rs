//! Server-function requests are read and checked here before Leptos decodes
//! them: bounded in size (declared or chunked), valid UTF-8, and made only of
//! fields the function takes (see `visadesk_app::api::input`). A refusal is
//! a 4xx with a sentence that says what is wrong, and changes nothing.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse};
use bytes::BytesMut;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::OnceLock;
use visadesk_app::api::input::{rules, InputRule};
use visadesk_app::domain::problem::Problem;
use visadesk_app::AppError;

/// Largest form a server function accepts, in bytes. File uploads use their
/// own streaming endpoint and limit.
pub const MAX_FORM_BYTES: u64 = 256 * 1024;

fn input_rules() -> &'static HashMap<&'static str, InputRule> {
    static RULES: OnceLock<HashMap<&'static str, InputRule>> = OnceLock::new();
    RULES.get_or_init(|| rules().into_iter().map(|r| (r.path, r)).collect())
}

/// The server function at `path` (`/api/...`), if there is one; its path
/// then lives as long as the program (a label value in `/metrics`).
pub fn server_fn_path(path: &str) -> Option<&'static str> {
    input_rules().get_key_value(path).map(|(k, _)| *k)
}

/// Refuses to start when a registered server function has no input rule:
/// the middleware would answer it 404, so it must be listed in
/// `visadesk_app::api::input::rules`.
pub fn check_every_server_fn_has_a_rule() -> Result<(), crate::error::ServerError> {
    let mut missing: Vec<&str> = leptos::server_fn::actix::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|path| !input_rules().contains_key(path))
        .collect();
    missing.sort();
    if missing.is_empty() {
        return Ok(());
    }
    Err(crate::error::ServerError::Invariant(format!(
        "server functions without an input rule in visadesk_app::api::input::rules: {}",
        missing.join(", ")
    )))
}

/// The middleware: checks every POST under `/api/`, then answers a failed
/// server function with its error's own status.
pub async fn check_server_fn_input(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, Error> {
    if !req.path().starts_with("/api/") || req.method() != Method::POST {
        return Ok(next
            .call(req)
            .await?
            .map_into_boxed_body()
            .map_into_left_body());
    }
    let Some(rule) = input_rules().get(req.path()).copied() else {
        // Every registered server function has a rule (a test checks): this
        // is a path with no server function behind it.
        let error = AppError::NotFound("server function".into());
        return Ok(refuse(req, StatusCode::NOT_FOUND, &error));
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(len) = declared.filter(|len| *len > MAX_FORM_BYTES) {
        return Ok(too_large(req, Some(len)));
    }
    let mut body = BytesMut::new();
    let mut payload = req.take_payload();
    while let Some(chunk) = payload.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                tracing::info!(target: "visadesk::http", path = req.path(), error = %e, "a request body broke off");
                let error = AppError::Request(Problem::RequestCutOff);
                return Ok(refuse(req, StatusCode::BAD_REQUEST, &error));
            }
        };
        if (body.len() + chunk.len()) as u64 > MAX_FORM_BYTES {
            return Ok(too_large(req, None));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Err(message) = rule.check(content_type.as_deref(), &body) {
        tracing::info!(target: "visadesk::http", path = req.path(), %message, "refused a server-function request");
        return Ok(refuse(
            req,
            StatusCode::BAD_REQUEST,
            &AppError::Request(Problem::UnreadableRequest(message)),
        ));
    }
    req.set_payload(Payload::from(body));
    let res = next.call(req).await?;
    Ok(with_error_status(res).await?.map_into_left_body())
}

fn too_large(req: ServiceRequest, declared: Option<u64>) -> ServiceResponse<EitherBody<BoxBody>> {
    let error = AppError::Request(Problem::RequestTooLarge {
        limit: MAX_FORM_BYTES,
        size: declared,
    });
    refuse(req, StatusCode::PAYLOAD_TOO_LARGE, &error)
}

fn refuse(
    req: ServiceRequest,
    status: StatusCode,
    error: &AppError,
) -> ServiceResponse<EitherBody<BoxBody>> {
    let body = serde_json::to_string(error).unwrap_or_default();
    let res = HttpResponse::build(status)
        .content_type("application/json")
        .body(body);
    req.into_response(res).map_into_right_body()
}

/// server_fn answers every error with 500 unless the function set a status;
/// a failure it decoded as an [`AppError`] gets that error's own status.
async fn with_error_status(
    res: ServiceResponse<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("could not read the response"))?;
    let error = serde_json::from_slice::<AppError>(&bytes).ok();
    if let Some(status) = error
        .as_ref()
        .and_then(|e| StatusCode::from_u16(e.status()).ok())
    {
        *head.status_mut() = status;
    }
    if head.status() == StatusCode::INTERNAL_SERVER_ERROR {
        // The backend logs the cause where it happens; this line ties the
        // answer to the request, so no 500 leaves without one.
        tracing::error!(
            target: "visadesk::http",
            path = req.path(),
            answer = %String::from_utf8_lossy(&bytes[..bytes.len().min(300)]),
            "a server function answered 500"
        );
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}
