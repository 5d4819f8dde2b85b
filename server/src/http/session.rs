//! Resolves the session cookie into the signed-in [`Viewer`] (put into the
//! request's extensions for server functions and pages) and sends visitors
//! without a session to the sign-in page, remembering where they were going.

use super::{decode_query_value, encode_query_value, is_public_path, HttpState};
use crate::backend::SESSION_COOKIE;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpResponse};
use visadesk_app::domain::{cookie, validate::safe_next_path, Viewer};

/// The middleware.
pub async fn resolve(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let token = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| cookie::value(h, SESSION_COOKIE));
    let viewer: Option<Viewer> = match (&token, req.app_data::<web::Data<HttpState>>()) {
        (Some(token), Some(state)) => match state.backend.resolve_session(token).await {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(error = %e, "could not check a session");
                None
            }
        },
        _ => None,
    };
    let stale_cookie = token.is_some() && viewer.is_none();

    let path = req.path().to_string();
    let is_page_view = matches!(*req.method(), Method::GET | Method::HEAD);
    if is_page_view && path == "/sign-in" && viewer.is_some() {
        let next_path = query_param(req.query_string(), "next");
        return Ok(
            redirect(req, &safe_next_path(next_path.as_deref()), false).map_into_right_body()
        );
    }
    if is_page_view && !is_public_path(&path) && viewer.is_none() {
        let wanted = match req.query_string() {
            "" => path.clone(),
            q => format!("{path}?{q}"),
        };
        let mut target = String::from("/sign-in");
        let mut sep = '?';
        if wanted != "/" {
            target.push_str(&format!("?next={}", encode_query_value(&wanted)));
            sep = '&';
        }
        if stale_cookie {
            target.push_str(&format!("{sep}expired=1"));
        }
        return Ok(redirect(req, &target, stale_cookie).map_into_right_body());
    }

    if let Some(viewer) = viewer {
        req.extensions_mut().insert(viewer);
    }
    let mut res = next.call(req).await?;
    if stale_cookie && !res.headers().contains_key(header::SET_COOKIE) {
        res.headers_mut().append(header::SET_COOKIE, clear_cookie());
    }
    Ok(res.map_into_left_body())
}

fn redirect(req: ServiceRequest, to: &str, clear: bool) -> ServiceResponse {
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, to.to_string()));
    if clear {
        response.append_header((header::SET_COOKIE, clear_cookie()));
    }
    req.into_response(response.finish())
}

fn clear_cookie() -> header::HeaderValue {
    header::HeaderValue::from_static("visadesk_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| decode_query_value(v))
}
