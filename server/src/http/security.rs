//! Security headers on every response, and the page CSP with Leptos' nonce.

use super::HttpState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, Error};

/// CSP for anything that is not a page (API answers, files).
const STRICT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The CSP of a rendered page: scripts only from this site or carrying the
/// page's nonce (Leptos' hydration script), WASM allowed, no framing.
pub fn page_csp(nonce: &str, reload_port: Option<u32>) -> String {
    let connect = match reload_port {
        Some(port) => format!("'self' ws://127.0.0.1:{port} ws://localhost:{port}"),
        None => "'self'".to_string(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: blob:; font-src 'self'; connect-src {connect}; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Adds the security headers; pages and API answers are never cached.
/// Static files keep the caching their handler chose.
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let https = req
        .app_data::<web::Data<HttpState>>()
        .is_some_and(|s| s.https);
    let cacheable = super::is_static_path(req.path());
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    let set = |h: &mut header::HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(h, header::CONTENT_SECURITY_POLICY, STRICT_CSP);
    }
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    if !h.contains_key(header::X_FRAME_OPTIONS) {
        set(h, header::X_FRAME_OPTIONS, "DENY");
    }
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if https {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    if cacheable {
        // The asset handler says how long its file keeps (a versioned
        // bundle file for a year); anything else there is revalidated.
        if !h.contains_key(header::CACHE_CONTROL) {
            set(h, header::CACHE_CONTROL, "no-cache");
        }
    } else {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    Ok(res)
}
