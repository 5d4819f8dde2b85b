//! Eligibility as the workspace keeps it: the firm's settings, the date the
//! server calls today, and assessments saved on a case.

use super::id::AssessmentId;
use crate::eligibility::{Assessment, Profile, Settings};
use serde::{Deserialize, Serialize};

/// What a page needs to assess in the browser exactly as the server would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityContext {
    pub settings: Settings,
    /// The server's date (UTC), `YYYY-MM-DD`: the default assessment date.
    pub today: String,
    /// The viewer may save assessments (on a case: this case).
    pub can_save: bool,
}

/// An assessment the server computed and stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAssessment {
    pub id: AssessmentId,
    /// The client version it read.
    pub client_version: i64,
    pub created_by_name: String,
    /// Unix seconds.
    pub created_at: i64,
    pub assessment: Assessment,
}

/// The eligibility part of the case page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEligibility {
    pub context: EligibilityContext,
    /// The client's profile as stored now.
    pub profile: Profile,
    pub client_version: i64,
    /// Newest first.
    pub assessments: Vec<StoredAssessment>,
}
