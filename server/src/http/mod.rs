//! HTTP concerns around the Leptos app: middleware and plain endpoints.

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

/// Paths served without a session: the sign-in page, assets, health, and the
/// server functions (which check the session themselves).
pub fn is_public_path(path: &str) -> bool {
    path == "/sign-in"
        || path == "/healthz"
        || path == "/favicon.ico"
        || path.starts_with("/pkg/")
        || path.starts_with("/assets/")
        || path.starts_with("/api/")
}

/// Percent-encodes `s` for use as a query value.
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes a percent-encoded query value (`+` as space); `None` if not UTF-8.
pub fn decode_query_value(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_round_trip() {
        let s = "/admin?tab=users&q=王伟";
        assert_eq!(
            decode_query_value(&encode_query_value(s)).as_deref(),
            Some(s)
        );
        assert_eq!(decode_query_value("a+b%2Fc").as_deref(), Some("a b/c"));
        assert_eq!(decode_query_value("%zz"), None);
        assert_eq!(decode_query_value("%4"), Some("%4".into()));
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
