//! The audit port: refusals recorded, the trail read back, and the
//! document scrub's last run.

use super::{access, By, VisadeskBackend};
use crate::store::audit::{self};
use crate::store::scrub_runs;
use visadesk_app::api::port::AuditPort;
use visadesk_app::api::port::RequestSource;
use visadesk_app::domain::audit::{AuditEvent, AuditFilter};
use visadesk_app::domain::scrub::ScrubStatus;
use visadesk_app::domain::CurrentUser;
use visadesk_app::domain::Permission;
use visadesk_app::AppError;

#[async_trait::async_trait]
impl AuditPort for VisadeskBackend {
    async fn record_denied(&self, viewer: &CurrentUser, what: &str, client: &RequestSource) {
        let by = By {
            id: Some(viewer.user_id.to_string()),
            email: viewer.email.clone(),
            ip: client.ip.clone(),
        };
        let summary = format!(
            "refused: a {} may not {what}",
            viewer.role.label().to_lowercase()
        );
        self.audit_best_effort(by.entry("access.denied", "permission", what, summary))
            .await;
    }

    async fn audit_events(
        &self,
        caller: &CurrentUser,
        filter: AuditFilter,
    ) -> Result<Vec<AuditEvent>, AppError> {
        access::require(caller, Permission::ViewAudit)?;
        Ok(self.db.run(move |conn| audit::list(conn, &filter)).await?)
    }

    async fn scrub_status(&self, caller: &CurrentUser) -> Result<ScrubStatus, AppError> {
        access::require(caller, Permission::ViewAudit)?;
        let last = self.db.run(scrub_runs::latest).await?;
        Ok(ScrubStatus {
            last: last.map(|row| row.into_run()).transpose()?,
            every_hours: self.scrub_every_hours,
        })
    }
}
