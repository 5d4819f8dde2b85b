//! `GET /healthz`: is the server up and its database reachable?

use super::HttpState;
use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;

/// 200 with `{"status":"ok"}` when the database answers, else 503.
pub async fn healthz(state: web::Data<HttpState>) -> HttpResponse {
    let db = state.backend.db().clone();
    let kind = db.kind();
    match db.run(|conn| Ok(conn.batch_execute("SELECT 1")?)).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "database": kind })),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({ "status": "unavailable", "database": kind, "error": "database unreachable" }))
        }
    }
}
