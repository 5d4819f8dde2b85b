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
    let expected = req
        .app_data::<web::Data<HttpState>>()
        .and_then(|s| s.public_origin.clone())
        .unwrap_or_else(|| {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        });
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
    tracing::warn!(target: "visadesk::http", path = req.path(), ?origin, ?sec_fetch_site, "refused a cross-site request");
    let body = serde_json::to_string(&AppError::CrossSite).unwrap_or_default();
    let response = HttpResponse::Forbidden()
        .content_type("application/json")
        .body(body);
    Ok(req.into_response(response).map_into_right_body())
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
