//! HTTP concerns around the Leptos app: middleware and plain endpoints.

pub mod assets;
pub mod calendar;
pub mod documents;
pub mod health;
pub mod limits;
pub mod origin;
pub mod security;
pub mod session;
pub mod trace;

use std::sync::Arc;

/// What the middleware needs, shared by every worker.
#[derive(Clone)]
pub struct HttpState {
    pub backend: Arc<crate::backend::VisadeskBackend>,
    /// The configured public origin, if any (else the request's Host is used).
    pub public_origin: Option<String>,
    /// Served over HTTPS: HSTS on.
    pub https: bool,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// The request line for the access log, with invitation tokens (which are
/// credentials while unused) left out.
pub fn redacted_request_line(req: &actix_web::dev::ServiceRequest) -> String {
    let path = req.path();
    let shown = if path.starts_with("/portal/join/") {
        "/portal/join/[token]".to_string()
    } else if path.starts_with("/reset-password/") {
        "/reset-password/[token]".to_string()
    } else if path.starts_with("/calendar/") {
        "/calendar/[token].ics".to_string()
    } else {
        match req.query_string() {
            "" => path.to_string(),
            q => format!("{path}?{q}"),
        }
    };
    format!("{} {shown} {:?}", req.method(), req.version())
}

/// Whether an applicant may open this page (else they are sent to the portal):
/// the portal, their sessions, and the public pages.
pub fn is_applicant_page(path: &str) -> bool {
    path == "/portal"
        || path.starts_with("/portal/")
        || path == "/account/sessions"
        || is_public_path(path)
}

/// Paths served without a session: the sign-in page, assets, health, and the
/// server functions (which check the session themselves).
pub fn is_public_path(path: &str) -> bool {
    path == "/sign-in"
        || path == "/sign-in/verify"
        || path == "/sign-in/enrol"
        || path == "/forgot-password"
        || path.starts_with("/reset-password/")
        || path.starts_with("/calendar/")
        || path.starts_with("/portal/join/")
        || path == "/healthz"
        || path == "/metrics"
        || path == "/favicon.ico"
        || is_static_path(path)
        || path.starts_with("/api/")
}

/// The browser bundle and static assets: public, and the same for everyone.
pub fn is_static_path(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/assets/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_tokens_stay_out_of_the_access_log() {
        let req =
            actix_web::test::TestRequest::with_uri("/portal/join/SECRETtoken123").to_srv_request();
        let line = redacted_request_line(&req);
        assert!(!line.contains("SECRET"), "{line}");
        assert!(line.starts_with("GET /portal/join/[token]"), "{line}");
        let req = actix_web::test::TestRequest::with_uri("/reset-password/SECRETtoken123")
            .to_srv_request();
        let line = redacted_request_line(&req);
        assert!(!line.contains("SECRET"), "{line}");
        let req = actix_web::test::TestRequest::with_uri("/cases?stage=intake").to_srv_request();
        assert!(redacted_request_line(&req).starts_with("GET /cases?stage=intake"));
    }

    #[test]
    fn pages_need_a_session_but_assets_and_the_api_do_not() {
        for p in ["/", "/admin", "/clients", "/account/sessions", "/nope"] {
            assert!(!is_public_path(p), "{p}");
        }
        for p in ["/sign-in", "/healthz", "/pkg/visadesk.js", "/api/sign_in"] {
            assert!(is_public_path(p), "{p}");
        }
    }
}
