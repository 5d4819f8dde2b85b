//! The `assessments` table: eligibility results kept on cases.

use crate::db::schema::assessments;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use visadesk_app::domain::assessment::StoredAssessment;

/// Most assessments a case page lists.
pub const LISTED: i64 = 50;

/// A row of `assessments`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = assessments, treat_none_as_default_value = false)]
pub struct AssessmentRow {
    pub id: String,
    pub case_id: String,
    pub client_id: String,
    pub client_version: i64,
    pub assessed_on: String,
    pub rules_version: String,
    pub profile: String,
    pub result: String,
    pub created_by: Option<String>,
    pub created_by_name: String,
    pub created_at: i64,
}

impl AssessmentRow {
    /// The assessment as the app sees it.
    pub fn stored(self) -> Result<StoredAssessment, ServerError> {
        // Assessments saved before the engine spoke in keys read as recorded.
        let assessment = visadesk_app::eligibility::read_saved(&self.result).map_err(|e| {
            ServerError::CorruptData(format!("assessment {} is unreadable: {e}", self.id))
        })?;
        Ok(StoredAssessment {
            id: self.id.into(),
            client_version: self.client_version,
            created_by_name: self.created_by_name,
            created_at: self.created_at,
            assessment,
        })
    }
}

/// Keeps an assessment.
pub fn insert(conn: &mut DbConnection, row: &AssessmentRow) -> Result<(), ServerError> {
    diesel::insert_into(assessments::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// A case's assessments, newest first.
pub fn for_case(
    conn: &mut DbConnection,
    case_id: &str,
) -> Result<Vec<StoredAssessment>, ServerError> {
    let rows = assessments::table
        .filter(assessments::case_id.eq(case_id))
        .order((assessments::created_at.desc(), assessments::id.desc()))
        .limit(LISTED)
        .select(AssessmentRow::as_select())
        .load(conn)?;
    // One unreadable row (say, from a future format) must not hide the rest.
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            row.stored()
                .map_err(|e| tracing::warn!(error = %e, "skipping an unreadable assessment"))
                .ok()
        })
        .collect())
}
