//! HTTP concerns around the Leptos app: middleware and plain endpoints.

pub mod documents;
pub mod health;
pub mod limits;
pub mod origin;
pub mod security;
pub mod session;

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
        || path.starts_with("/portal/join/")
        || path == "/healthz"
        || path == "/favicon.ico"
        || path.starts_with("/pkg/")
        || path.starts_with("/assets/")
        || path.starts_with("/api/")
}

#[cfg(test)]
mod tests {
    use super::*;

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
