//! Refuses state-changing requests sent from other sites (CSRF defence on top
//! of SameSite cookies): `Sec-Fetch-Site` and `Origin` must say "this site".

use super::HttpState;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpResponse};
use visadesk_app::AppError;

/// Whether a request with these headers comes from this site.
/// `expected` is the configured origin, or `scheme://host` of the request.
pub fn same_site(sec_fetch_site: Option<&str>, origin: Option<&str>, expected: &str) -> bool {
    if let Some(site) = sec_fetch_site {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    match origin {
        Some(origin) => origin.trim_end_matches('/').eq_ignore_ascii_case(expected),
        // No Origin: not a browser's cross-site request (browsers send Origin on POST).
        None => true,
    }
}

/// The middleware.
pub async fn check(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let expected = match req.app_data::<web::Data<HttpState>>() {
        Some(state) => expected_origin(&req, state),
        None => {
            tracing::error!(target: "visadesk::http", "the origin check has no HTTP state");
            return Ok(refuse(req).map_into_right_body());
        }
    };
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let sec_fetch_site = header("sec-fetch-site");
    let origin = header(header::ORIGIN.as_str());
    if same_site(sec_fetch_site.as_deref(), origin.as_deref(), &expected) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    tracing::warn!(target: "visadesk::http", path = req.path(), ?origin, ?sec_fetch_site, %expected, "refused a cross-site request");
    Ok(refuse(req).map_into_right_body())
}

fn refuse(req: ServiceRequest) -> ServiceResponse {
    let body = serde_json::to_string(&AppError::CrossSite).unwrap_or_default();
    let response = HttpResponse::Forbidden()
        .content_type("application/json")
        .body(body);
    req.into_response(response)
}

/// The origin a same-site request carries: the configured public URL's, or
/// else this request's own. Forwarding headers (`X-Forwarded-Host`,
/// `X-Forwarded-Proto`, `Forwarded`) say where the request was addressed only
/// when a trusted proxy sent it; from anyone else they are the sender's say-so,
/// and the `Host` header of the connection is used instead.
pub(crate) fn expected_origin(req: &ServiceRequest, state: &HttpState) -> String {
    if let Some(origin) = &state.public_origin {
        return origin.clone();
    }
    let from_trusted_proxy = req
        .peer_addr()
        .is_some_and(|peer| state.trusted_proxies.contains(&peer.ip()));
    if from_trusted_proxy {
        let info = req.connection_info();
        return format!("{}://{}", info.scheme(), info.host());
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default();
    // Visadesk itself speaks plain HTTP; HTTPS comes from a proxy in front.
    format!("http://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "http://127.0.0.1:3000";

    #[test]
    fn same_origin_requests_pass() {
        assert!(same_site(Some("same-origin"), Some(SITE), SITE));
        assert!(same_site(None, Some("HTTP://127.0.0.1:3000"), SITE));
        assert!(same_site(None, None, SITE));
    }

    #[test]
    fn other_sites_are_refused() {
        assert!(!same_site(
            Some("cross-site"),
            Some("https://evil.example"),
            SITE
        ));
        assert!(!same_site(
            Some("same-site"),
            Some("http://127.0.0.1:3000"),
            SITE
        ));
        assert!(!same_site(None, Some("https://evil.example"), SITE));
        assert!(!same_site(None, Some("null"), SITE));
    }
}
