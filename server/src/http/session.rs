//! Resolves the session cookie into the signed-in [`CurrentUser`] (put into the
//! request's extensions for server functions and pages) and sends visitors
//! without a session to the sign-in page, remembering where they were going.

use super::{is_public_path, is_static_path, HttpState};
use crate::backend::SESSION_COOKIE;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpResponse};
use std::net::IpAddr;
use visadesk_app::api::port::{ClientAddress, SiteOrigin};
use visadesk_app::domain::{cookie, validate::safe_next_path, CurrentUser};
use visadesk_app::query::{decode as decode_query_value, encode as encode_query_value};
use visadesk_app::AppError;

/// The middleware.
pub async fn resolve(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    // The bundle and assets are the same for everyone: no session lookup.
    if is_static_path(req.path()) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let token = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| cookie::value(h, SESSION_COOKIE));
    let state = req.app_data::<web::Data<HttpState>>().cloned();
    let viewer: Option<CurrentUser> = match (&token, &state) {
        (Some(token), Some(state)) => match state.backend.resolve_session(token).await {
            Ok(v) => v,
            Err(e) => {
                // Not the visitor's fault: keep their cookie and say so.
                tracing::error!(error = %e, "could not check a session");
                return Ok(unavailable(req).map_into_right_body());
            }
        },
        _ => None,
    };
    if let Some(state) = &state {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let address = client_ip(
            req.peer_addr().map(|a| a.ip()),
            forwarded,
            &state.trusted_proxies,
        );
        req.extensions_mut().insert(ClientAddress(address));
        let site = super::origin::expected_origin(&req, state);
        req.extensions_mut().insert(SiteOrigin(site));
    }
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
        // Applicants have the portal and nothing of the staff area.
        if is_page_view
            && viewer.role == visadesk_app::domain::Role::Applicant
            && !super::is_applicant_page(&path)
            && !path.starts_with("/documents/")
        {
            return Ok(redirect(req, "/portal", false).map_into_right_body());
        }
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

/// 503 for a request whose session could not be checked.
fn unavailable(req: ServiceRequest) -> ServiceResponse {
    let response = if req.path().starts_with("/api/") {
        HttpResponse::ServiceUnavailable()
            .content_type("application/json")
            .body(serde_json::to_string(&AppError::Internal).unwrap_or_default())
    } else {
        HttpResponse::ServiceUnavailable().content_type("text/html; charset=utf-8").body(
            "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>Visadesk is unavailable</title>\
             <h1>Visadesk is briefly unavailable</h1><p>Please try again in a moment.</p></html>",
        )
    };
    req.into_response(response)
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the
/// last address in `X-Forwarded-For` that is not one of the trusted proxies.
pub fn client_ip(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer else {
        return String::new();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    for hop in forwarded_for.unwrap_or_default().rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip.to_string(),
            Err(_) => break,
        }
    }
    peer.to_string()
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

#[cfg(test)]
mod tests {
    use super::client_ip;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let proxy = [ip("10.0.0.2")];
        assert_eq!(
            client_ip(Some(ip("203.0.113.9")), Some("1.2.3.4"), &proxy),
            "203.0.113.9"
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), Some("1.2.3.4, 198.51.100.7"), &proxy),
            "198.51.100.7"
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), Some("198.51.100.7, 10.0.0.2"), &proxy),
            "198.51.100.7"
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), Some("junk"), &proxy),
            "10.0.0.2"
        );
        assert_eq!(client_ip(Some(ip("10.0.0.2")), None, &proxy), "10.0.0.2");
        assert_eq!(client_ip(None, None, &proxy), "");
    }
}
