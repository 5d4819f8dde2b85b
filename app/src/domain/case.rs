//! Cases: one visa application each, with its stage and timeline.

use super::{Programme, Role, Stage};
use serde::{Deserialize, Serialize};

/// Cases per page of the list.
pub const CASE_PAGE_SIZE: i64 = 25;
/// Longest note on a stage move.
pub const NOTE_MAX_CHARS: usize = 2000;

/// How urgent a case is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// Lowest to highest.
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    /// The stable code used in forms and storage.
    pub fn code(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// The name staff see.
    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Normal => "Normal",
            Priority::High => "High",
            Priority::Urgent => "Urgent",
        }
    }

    /// The priority with this code.
    pub fn from_code(code: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// A staff member a case can be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRef {
    pub id: String,
    pub display_name: String,
    pub role: Role,
}

/// A case as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: String,
    /// Readable reference, e.g. VD-2026-0042.
    pub reference: String,
    pub client_id: String,
    pub client_name: String,
    pub programme: Programme,
    pub stage: Stage,
    pub priority: Priority,
    pub attorney: Option<StaffRef>,
    pub paralegal: Option<StaffRef>,
    /// `YYYY-MM-DD` or empty.
    pub target_filing_on: String,
    pub updated_at: i64,
}

/// A case with everything its page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub version: i64,
    pub opened_on: String,
    pub filed_on: String,
    pub decision_on: String,
    /// Staff only; never shown to applicants.
    pub internal_notes: String,
    /// Newest first.
    pub timeline: Vec<StageMove>,
    /// The moves the asking person may make now.
    pub offered_moves: Vec<Stage>,
    /// Whether the asking person may edit this case.
    pub can_edit: bool,
}

/// One move on a case's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageMove {
    /// Unix seconds.
    pub at: i64,
    pub actor_name: String,
    /// `None` for the case's creation.
    pub from: Option<Stage>,
    pub to: Stage,
    pub note: String,
}

/// Which cases to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    pub stage: Option<Stage>,
    pub programme: Option<Programme>,
    /// Cases where this user is the attorney or the paralegal.
    pub assignee: Option<String>,
    /// Only open cases whose target filing date has passed.
    pub overdue: bool,
    pub client_id: Option<String>,
    pub page: i64,
}

/// A page of the case list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePage {
    pub cases: Vec<CaseSummary>,
    pub total: i64,
    pub page: i64,
}

/// What the dashboard shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Every stage with its number of cases, in pipeline order.
    pub by_stage: Vec<(Stage, i64)>,
    /// Open cases per programme.
    pub by_programme: Vec<(Programme, i64)>,
    /// Open cases assigned to the viewer, soonest target filing first.
    pub mine: Vec<CaseSummary>,
    /// Open cases whose target filing date is within the next 14 days.
    pub upcoming: Vec<CaseSummary>,
    /// Open cases past their target filing date.
    pub overdue: i64,
}

/// Whether `role` (user `user_id`) may change a case assigned as given:
/// admins and attorneys any case, paralegals only cases assigned to them.
pub fn can_edit_case(role: Role, user_id: &str, paralegal_id: Option<&str>) -> bool {
    match role {
        Role::Admin | Role::Attorney => true,
        Role::Paralegal => paralegal_id == Some(user_id),
        Role::Viewer | Role::Applicant => false,
    }
}

/// The case reference for the `n`th case opened in `year`.
pub fn reference(year: i32, n: i64) -> String {
    format!("VD-{year}-{n:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_readable_and_sort_by_number() {
        assert_eq!(reference(2026, 42), "VD-2026-0042");
        assert_eq!(reference(2026, 12345), "VD-2026-12345");
    }

    #[test]
    fn paralegals_edit_only_the_cases_assigned_to_them() {
        assert!(can_edit_case(Role::Paralegal, "p1", Some("p1")));
        assert!(!can_edit_case(Role::Paralegal, "p1", Some("p2")));
        assert!(!can_edit_case(Role::Paralegal, "p1", None));
        assert!(can_edit_case(Role::Attorney, "a1", Some("p2")));
        assert!(can_edit_case(Role::Admin, "x", None));
        assert!(!can_edit_case(Role::Viewer, "v", Some("v")));
    }

    #[test]
    fn priorities_round_trip() {
        for p in Priority::ALL {
            assert_eq!(Priority::from_code(p.code()), Some(p));
        }
    }
}
