//! Eligibility: the firm's settings, and assessments saved on cases. The
//! browser assesses with the same engine and settings; a save has the
//! server assess again from the stored profile, never trusting the browser.

use crate::domain::assessment::{CaseEligibility, EligibilityContext, StoredAssessment};
use crate::domain::CaseId;
use crate::eligibility::Settings;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{backend, require, respond};
#[cfg(feature = "ssr")]
use crate::domain::Permission;

/// The firm's settings and today's date, for assessing in the browser.
#[server(prefix = "/api", endpoint = "load_eligibility_context")]
pub async fn load_eligibility_context() -> Result<EligibilityContext, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewClients).await?;
            backend()?.eligibility_context(&actor.user).await
        }
        .await,
    )
}

/// Replaces the firm's eligibility settings (admins only).
#[server(prefix = "/api", endpoint = "save_eligibility_settings")]
pub async fn save_eligibility_settings(settings: Settings) -> Result<Settings, AppError> {
    respond(
        async move {
            let actor = require(Permission::EditFirmSettings).await?;
            backend()?.save_eligibility_settings(&actor, settings).await
        }
        .await,
    )
}

/// The case client's profile, the settings and the saved assessments.
#[server(prefix = "/api", endpoint = "load_case_eligibility")]
pub async fn load_case_eligibility(case_id: CaseId) -> Result<CaseEligibility, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewCases).await?;
            backend()?.case_eligibility(&actor.user, &case_id).await
        }
        .await,
    )
}

/// Assesses the case's client on `on` (`YYYY-MM-DD`) on the server, from the
/// stored profile and settings, and keeps the result on the case.
#[server(prefix = "/api", endpoint = "save_assessment")]
pub async fn save_assessment(case_id: CaseId, on: String) -> Result<StoredAssessment, AppError> {
    respond(
        async move {
            let actor = require(Permission::SaveAssessments).await?;
            backend()?.save_assessment(&actor, &case_id, &on).await
        }
        .await,
    )
}
