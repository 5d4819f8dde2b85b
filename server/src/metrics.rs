//! `/metrics` in the Prometheus text format: requests by route and status
//! with latency histograms, the database pool, the outbox, uploads, sign-in
//! refusals and build information.
//!
//! Counters are recorded with the `metrics` crate wherever the event happens
//! (`metrics::counter!`); this module installs the Prometheus recorder, times
//! every request, and reads the gauges that are states rather than events
//! (the pool, the outbox) when the page is scraped. Without a metrics
//! setting no recorder is installed and the macros record nothing.
//!
//! Served either on a listen address of its own (`VISADESK_METRICS_ADDR`,
//! for a network only the monitoring reaches) or on the main address behind
//! a bearer token (`VISADESK_METRICS_TOKEN_FILE`), or both.

use crate::backend::VisadeskBackend;
use crate::error::ServerError;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpRequest, HttpResponse};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::Arc;
use std::time::Instant;

/// Requests answered, by route, method and status.
pub const REQUESTS: &str = "visadesk_http_requests_total";
/// Seconds from a request's arrival to its response's head, by route and method.
pub const REQUEST_SECONDS: &str = "visadesk_http_request_duration_seconds";
/// Bytes of documents stored by uploads.
pub const UPLOAD_BYTES: &str = "visadesk_upload_bytes_total";
/// Uploads stored.
pub const UPLOADS: &str = "visadesk_uploads_total";
/// Uploads refused, by the status answered.
pub const UPLOAD_REFUSALS: &str = "visadesk_upload_refusals_total";
/// Sign-in attempts refused, by reason (`wrong_credentials`, `throttled`).
pub const SIGN_IN_FAILURES: &str = "visadesk_sign_in_failures_total";

/// Counts a refused sign-in step: `step` is `password`, `second_factor`
/// or `passkey`; `reason` is `wrong_credentials`, `wrong_code` or `throttled`.
pub fn sign_in_refused(step: &'static str, reason: &'static str) {
    metrics::counter!(SIGN_IN_FAILURES, "step" => step, "reason" => reason).increment(1);
}

/// Latency buckets, in seconds: a page served from memory in a millisecond
/// up to an upload of tens of megabytes.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// What `/metrics` answers with.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
    backend: Arc<VisadeskBackend>,
    /// Bearer token the main address asks for; `None`: not served there.
    token: Option<Arc<str>>,
}

/// Installs the process's Prometheus recorder (once per process).
pub fn install(
    backend: Arc<VisadeskBackend>,
    token: Option<String>,
) -> Result<Metrics, ServerError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), LATENCY_BUCKETS)
        .map_err(|e| ServerError::Config(format!("metrics: {e}")))?
        .install_recorder()
        .map_err(|e| ServerError::Config(format!("metrics: {e}")))?;
    describe();
    metrics::gauge!(
        "visadesk_build_info",
        "version" => env!("CARGO_PKG_VERSION"),
        "rustc" => option_env!("VISADESK_RUSTC_VERSION").unwrap_or("unknown"),
    )
    .set(1.0);
    Ok(Metrics {
        handle,
        backend,
        token: token.map(Arc::from),
    })
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        REQUESTS,
        "HTTP requests answered, by route, method and status."
    );
    describe_histogram!(
        REQUEST_SECONDS,
        Unit::Seconds,
        "Time to answer an HTTP request (to the response's head), by route and method."
    );
    describe_counter!(
        UPLOAD_BYTES,
        Unit::Bytes,
        "Bytes of documents stored by uploads."
    );
    describe_counter!(UPLOADS, "Document uploads stored.");
    describe_counter!(
        UPLOAD_REFUSALS,
        "Document uploads refused, by the status answered."
    );
    describe_counter!(SIGN_IN_FAILURES, "Sign-in attempts refused, by reason.");
    describe_gauge!(
        "visadesk_build_info",
        "Always 1; the labels say which build runs."
    );
    describe_gauge!(
        "visadesk_db_connections_in_use",
        "Database connections lent out."
    );
    describe_gauge!(
        "visadesk_db_connections_idle",
        "Database connections open and idle."
    );
    describe_gauge!(
        "visadesk_db_waiting",
        "Database calls waiting for a connection."
    );
    describe_gauge!("visadesk_outbox_emails", "Emails in the outbox, by status.");
}

/// Counts and times every request (wrapped outside everything but the
/// request id and the access log, so a refusal by any middleware counts).
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.path().to_string();
    let res = next.call(req).await?;
    // The route, as its pattern (`/cases/{id}`), so that a label has one
    // value per route, never one per id; known only once routing has run.
    // A server function is named by its path (only a registered one: the
    // set of names is fixed, whatever paths are asked for).
    let route = match res.request().match_pattern() {
        _ if path.starts_with("/api/") => crate::http::limits::server_fn_path(&path)
            .unwrap_or("unmatched")
            .to_string(),
        Some(pattern) if is_static(&pattern) => "static".to_string(),
        Some(pattern) => pattern,
        None => "unmatched".to_string(),
    };
    let status = res.status().as_u16().to_string();
    metrics::histogram!(REQUEST_SECONDS, "route" => route.clone(), "method" => method.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(REQUESTS, "route" => route, "method" => method, "status" => status)
        .increment(1);
    Ok(res)
}

/// A catch-all pattern (the bundle's files) counts as one route.
fn is_static(pattern: &str) -> bool {
    pattern.contains(":.*") || pattern.contains(":.+") || pattern.starts_with("/pkg")
}

impl Metrics {
    /// The text format, with the gauges read now.
    async fn render(&self) -> String {
        let pool = self.backend.db().pool_state();
        metrics::gauge!("visadesk_db_connections_in_use").set(pool.in_use as f64);
        metrics::gauge!("visadesk_db_connections_idle").set(pool.idle as f64);
        metrics::gauge!("visadesk_db_waiting").set(pool.waiting as f64);
        match self.backend.db().run(crate::store::outbox::counts).await {
            Ok(counts) => {
                for status in ["queued", "sending", "sent", "failed"] {
                    let n = counts
                        .iter()
                        .find(|(s, _)| s == status)
                        .map_or(0, |(_, n)| *n);
                    metrics::gauge!("visadesk_outbox_emails", "status" => status).set(n as f64);
                }
            }
            Err(e) => tracing::warn!(error = %e, "metrics: could not count the outbox"),
        }
        self.handle.render()
    }

    /// Whether `req` carries the bearer token (compared in constant time).
    fn authorised(&self, req: &HttpRequest) -> bool {
        let Some(token) = &self.token else {
            return false;
        };
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        crate::auth::token::constant_time_eq(given.as_bytes(), token.as_bytes())
    }
}

fn text(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body)
}

/// `GET /metrics` on the main address: 401 without the bearer token.
pub async fn with_token(req: HttpRequest, metrics: web::Data<Metrics>) -> HttpResponse {
    if metrics.authorised(&req) {
        text(metrics.render().await)
    } else {
        HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\""))
            .json(serde_json::json!({ "error": "a bearer token is needed for /metrics" }))
    }
}

/// `GET /metrics` on the metrics address, which only the monitoring reaches.
pub async fn open(metrics: web::Data<Metrics>) -> HttpResponse {
    text(metrics.render().await)
}

/// Reads the bearer token from its file: one line, at least 16 characters.
pub fn read_token(file: &std::path::Path) -> Result<String, ServerError> {
    let token = std::fs::read_to_string(file)
        .map_err(|e| ServerError::Config(format!("cannot read {}: {e}", file.display())))?;
    let token = token.trim().to_string();
    if token.chars().count() < 16 || token.chars().any(char::is_whitespace) {
        return Err(ServerError::Config(format!(
            "{}: the metrics token must be one word of at least 16 characters",
            file.display()
        )));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::is_static;

    #[test]
    fn bundle_files_count_as_one_route() {
        assert!(is_static("/pkg/{tail:.*}"));
        assert!(!is_static("/cases/{id}"));
        assert!(!is_static("/documents/{id}/preview"));
    }
}
