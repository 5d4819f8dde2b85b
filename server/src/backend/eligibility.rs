//! Eligibility on the server: the firm's settings, and assessments computed
//! from the stored profile and kept on cases.

use super::access::{editable_case, may_edit_case};
use super::{By, VisadeskBackend};
use crate::auth::now;
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::assessments::{self, AssessmentRow};
use crate::store::audit;
use crate::store::{cases, clients, settings};
use visadesk_app::api::port::{Actor, EligibilityPort};
use visadesk_app::domain::assessment::{CaseEligibility, EligibilityContext, StoredAssessment};
use visadesk_app::domain::date::Date;
use visadesk_app::domain::problem::{CaseAction, Problem, Thing};
use visadesk_app::domain::{CaseId, CurrentUser, Permission, Role};
use visadesk_app::eligibility::{assess, Outcome, Settings, RULES_VERSION};
use visadesk_app::AppError;

fn staff_only(viewer: &CurrentUser) -> Result<(), ServerError> {
    if viewer.role == Role::Applicant {
        return Err(AppError::Forbidden.into());
    }
    Ok(())
}

/// The settings and the server's date, for assessing in the browser.
pub fn context(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    today: Date,
) -> Result<EligibilityContext, ServerError> {
    staff_only(viewer)?;
    Ok(EligibilityContext {
        settings: settings::eligibility(conn)?,
        today: today.to_string(),
        can_save: viewer.role.can(Permission::SaveAssessments),
    })
}

/// Replaces the firm's eligibility settings, audited with the old and new values.
pub fn save_settings(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    new: Settings,
    now: i64,
) -> Result<Settings, ServerError> {
    if !viewer.role.can(Permission::EditFirmSettings) {
        return Err(AppError::Forbidden.into());
    }
    new.check()
        .map_err(|(field, problem)| AppError::invalid(field, problem))?;
    let old = settings::eligibility(conn)?;
    settings::set_eligibility(conn, &new, by.id.as_deref(), now)?;
    audit::append(
        conn,
        by.entry(
            "settings.eligibility",
            "settings",
            "eligibility",
            format!(
                "K visa age limit {} -> {}; work permit B age limit {} -> {}",
                old.k_visa_max_age,
                new.k_visa_max_age,
                old.z_permit_b_max_age,
                new.z_permit_b_max_age
            ),
        ),
        now,
    )?;
    Ok(new)
}

/// The case client's stored profile, the settings and the saved assessments.
pub fn case_eligibility(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    case_id: &str,
    today: Date,
) -> Result<CaseEligibility, ServerError> {
    staff_only(viewer)?;
    let case = cases::row_by_id(conn, case_id)?.ok_or_else(|| AppError::NotFound("case".into()))?;
    let client = clients::by_id(conn, &case.client_id)?
        .ok_or_else(|| AppError::NotFound("client".into()))?;
    let mut context = context(conn, viewer, today)?;
    context.can_save = may_edit_case(viewer, &case);
    Ok(CaseEligibility {
        context,
        profile: client.details.eligibility_profile(),
        client_version: client.version,
        assessments: assessments::for_case(conn, case_id)?,
    })
}

/// Assesses the case's client on `on` from the stored profile and settings,
/// keeps the result on the case and audits it.
pub fn save_assessment(
    conn: &mut DbConnection,
    viewer: &CurrentUser,
    by: &By,
    case_id: &str,
    on: &str,
    now: i64,
) -> Result<StoredAssessment, ServerError> {
    let on = Date::parse(on)
        .ok_or_else(|| AppError::invalid("on", Problem::NotADate(Thing::AssessmentDate)))?;
    let case = editable_case(conn, viewer, case_id, CaseAction::SaveAssessment)?;
    let client = clients::by_id(conn, &case.client_id)?
        .ok_or_else(|| AppError::NotFound("client".into()))?;
    let settings = settings::eligibility(conn)?;
    let profile = client.details.eligibility_profile();
    let assessment = assess(&profile, on, &settings, None);
    let row = AssessmentRow {
        // Time-ordered, so assessments saved within a second still list newest first.
        id: uuid::Uuid::now_v7().to_string(),
        case_id: case.id.clone(),
        client_id: client.id.to_string(),
        client_version: client.version,
        assessed_on: on.to_string(),
        rules_version: RULES_VERSION.to_string(),
        profile: to_json(&profile)?,
        result: to_json(&assessment)?,
        created_by: Some(viewer.user_id.to_string()),
        created_by_name: viewer.display_name.clone(),
        created_at: now,
    };
    assessments::insert(conn, &row)?;
    let eligible: Vec<&str> = assessment
        .programmes
        .iter()
        .filter(|p| p.outcome == Outcome::Eligible)
        .map(|p| p.programme.as_ref())
        .collect();
    audit::append(
        conn,
        by.entry(
            "assessment.save",
            "case",
            &case.id,
            format!(
                "assessed {} on {on} (rules {RULES_VERSION}); eligible: {}",
                case.reference,
                if eligible.is_empty() {
                    "none".to_string()
                } else {
                    eligible.join(", ")
                }
            ),
        ),
        now,
    )?;
    row.stored()
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ServerError> {
    serde_json::to_string(value)
        .map_err(|e| ServerError::CorruptData(format!("could not be stored as JSON: {e}")))
}

#[async_trait::async_trait]
impl EligibilityPort for VisadeskBackend {
    async fn eligibility_context(
        &self,
        viewer: &CurrentUser,
    ) -> Result<EligibilityContext, AppError> {
        let viewer = viewer.clone();
        let today = Date::from_unix(now());
        Ok(self
            .db
            .run(move |conn| context(conn, &viewer, today))
            .await?)
    }

    async fn save_eligibility_settings(
        &self,
        actor: &Actor,
        settings: Settings,
    ) -> Result<Settings, AppError> {
        self.write_as(actor, move |conn, viewer, by, now| {
            save_settings(conn, viewer, by, settings, now)
        })
        .await
    }

    async fn case_eligibility(
        &self,
        viewer: &CurrentUser,
        case_id: &CaseId,
    ) -> Result<CaseEligibility, AppError> {
        let (viewer, case_id) = (viewer.clone(), case_id.to_string());
        let today = Date::from_unix(now());
        Ok(self
            .db
            .run(move |conn| case_eligibility(conn, &viewer, &case_id, today))
            .await?)
    }

    async fn save_assessment(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        on: &str,
    ) -> Result<StoredAssessment, AppError> {
        let (case_id, on) = (case_id.to_string(), on.to_string());
        self.write_as(actor, move |conn, viewer, by, now| {
            save_assessment(conn, viewer, by, &case_id, &on, now)
        })
        .await
    }
}
