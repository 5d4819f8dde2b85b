//! Cases: one visa application each, with its stage and timeline.

use super::checklist::{ChecklistItem, Progress};
use super::client::{date, err, FieldMessage};
use super::id::{CaseId, ClientId, UserId};
use super::problem::{Problem, Thing};
use super::task::{Deadline, Task};
use super::{Permission, Programme, Role, Stage};
use serde::{Deserialize, Serialize};

/// Cases per page of the list.
pub const CASE_PAGE_SIZE: i64 = 25;
/// Longest note on a stage move.
pub const NOTE_MAX_CHARS: usize = 2000;
/// Longest internal notes on a case.
pub const NOTES_MAX_CHARS: usize = 20_000;
/// Most cards a board column shows (the column says how many there are in all).
pub const BOARD_CARDS_PER_STAGE: i64 = 50;

/// How urgent a case is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    pub id: UserId,
    pub display_name: String,
    pub role: Role,
}

/// A case as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: CaseId,
    /// Readable reference, e.g. VD-2026-0042.
    pub reference: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub programme: Programme,
    pub stage: Stage,
    pub priority: Priority,
    pub attorney: Option<StaffRef>,
    pub paralegal: Option<StaffRef>,
    /// `YYYY-MM-DD` or empty.
    pub target_filing_on: String,
    pub updated_at: i64,
    /// The document checklist's progress.
    pub documents: Progress,
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
    /// Whether the asking person may change who is assigned.
    pub can_assign: bool,
    /// Open tasks first, soonest due first; then done ones.
    pub tasks: Vec<Task>,
    /// The document checklist, in the programme's order, added items last.
    pub checklist: Vec<ChecklistItem>,
    /// The largest document accepted, in bytes.
    pub max_upload_bytes: u64,
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
    pub assignee: Option<UserId>,
    /// Only open cases whose target filing date has passed.
    pub overdue: bool,
    pub client_id: Option<ClientId>,
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
    /// Target filings of open cases and open tasks due in the next 14
    /// days (today included), soonest first.
    pub deadlines: Vec<Deadline>,
    /// Open cases past their target filing date or with an overdue task.
    pub overdue: i64,
}

/// The board: one column per stage, in pipeline order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub columns: Vec<BoardColumn>,
}

/// One stage on the board: the most recently updated cases, and how many
/// there are in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub stage: Stage,
    pub total: i64,
    pub cards: Vec<CaseSummary>,
}

/// A case's editable details as typed into the form: the priority is a
/// code, assignees are user ids (empty for nobody), dates `YYYY-MM-DD`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEdit {
    pub priority: String,
    pub attorney_id: String,
    pub paralegal_id: String,
    pub target_filing_on: String,
    pub filed_on: String,
    pub decision_on: String,
    pub internal_notes: String,
}

impl CaseEdit {
    /// The form's starting values for a case.
    pub fn of(case: &CaseDetail) -> CaseEdit {
        let s = &case.summary;
        CaseEdit {
            priority: s.priority.code().into(),
            attorney_id: s
                .attorney
                .as_ref()
                .map(|p| p.id.to_string())
                .unwrap_or_default(),
            paralegal_id: s
                .paralegal
                .as_ref()
                .map(|p| p.id.to_string())
                .unwrap_or_default(),
            target_filing_on: s.target_filing_on.clone(),
            filed_on: case.filed_on.clone(),
            decision_on: case.decision_on.clone(),
            internal_notes: case.internal_notes.clone(),
        }
    }
}

/// A case edit that passed [`validate_case_edit`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedCaseEdit {
    pub priority: Priority,
    pub attorney_id: Option<UserId>,
    pub paralegal_id: Option<UserId>,
    pub target_filing_on: String,
    pub filed_on: String,
    pub decision_on: String,
    pub internal_notes: String,
}

/// Checks a case edit for a case opened on `opened_on`: a known priority,
/// real dates, filing not before opening, a decision not before filing,
/// notes within the limit. Every broken rule is reported on its field.
pub fn validate_case_edit(
    edit: &CaseEdit,
    opened_on: &str,
) -> Result<CheckedCaseEdit, Vec<FieldMessage>> {
    let mut e = Vec::new();
    let priority = Priority::from_code(edit.priority.trim());
    if priority.is_none() {
        e.push(err(
            "priority",
            Problem::Unknown {
                thing: Thing::Priority,
                value: edit.priority.chars().take(40).collect(),
                choices: Priority::ALL.iter().map(|p| p.code().to_string()).collect(),
            },
        ));
    }
    let (target_filing_on, _) = date(
        &mut e,
        "target_filing_on",
        Thing::TargetFilingDate,
        &edit.target_filing_on,
    );
    let (filed_on, filed) = date(&mut e, "filed_on", Thing::FilingDate, &edit.filed_on);
    let (decision_on, decided) = date(
        &mut e,
        "decision_on",
        Thing::DecisionDate,
        &edit.decision_on,
    );
    if filed.is_some() && filed_on.as_str() < opened_on {
        e.push(err(
            "filed_on",
            Problem::DateBefore {
                thing: Thing::FilingDate,
                other: Thing::OpeningDate,
                on: Some(opened_on.to_string()),
            },
        ));
    }
    if let (Some(_), Some(_)) = (filed, decided) {
        if decision_on < filed_on {
            e.push(err(
                "decision_on",
                Problem::DateBefore {
                    thing: Thing::DecisionDate,
                    other: Thing::FilingDate,
                    on: Some(filed_on.clone()),
                },
            ));
        }
    }
    let internal_notes = edit.internal_notes.trim_end().to_string();
    let chars = internal_notes.chars().count();
    if chars > NOTES_MAX_CHARS {
        e.push(err(
            "internal_notes",
            Problem::TooLong {
                thing: Thing::Notes,
                chars,
                max: NOTES_MAX_CHARS,
            },
        ));
    }
    let id = |s: &str| Some(UserId::new(s.trim())).filter(|id| !id.is_empty());
    match priority {
        Some(priority) if e.is_empty() => Ok(CheckedCaseEdit {
            priority,
            attorney_id: id(&edit.attorney_id),
            paralegal_id: id(&edit.paralegal_id),
            target_filing_on,
            filed_on,
            decision_on,
            internal_notes,
        }),
        _ => Err(e),
    }
}

/// The details that differ between two versions of a case, as staff call them.
pub fn changed_case_fields(before: &CaseEdit, after: &CaseEdit) -> Vec<&'static str> {
    [
        (before.priority == after.priority, "priority"),
        (before.attorney_id == after.attorney_id, "attorney"),
        (before.paralegal_id == after.paralegal_id, "paralegal"),
        (
            before.target_filing_on == after.target_filing_on,
            "target filing date",
        ),
        (before.filed_on == after.filed_on, "filing date"),
        (before.decision_on == after.decision_on, "decision date"),
        (
            before.internal_notes == after.internal_notes,
            "internal notes",
        ),
    ]
    .into_iter()
    .filter(|(same, _)| !same)
    .map(|(_, label)| label)
    .collect()
}

/// The result of saving a case's details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseSaveOutcome {
    /// Saved; this is the case as stored.
    Saved(Box<CaseDetail>),
    /// Not saved: someone changed the case since it was opened. This is the
    /// current case; what the person typed stays in their form.
    Conflict(Box<CaseDetail>),
}

/// Whether `role` (user `user_id`) may change a case assigned as given:
/// with [`Permission::EditAnyCase`] any case, with only
/// [`Permission::EditCases`] the cases assigned to them as paralegal.
pub fn can_edit_case(role: Role, user_id: &UserId, paralegal_id: Option<&UserId>) -> bool {
    role.can(Permission::EditAnyCase)
        || (role.can(Permission::EditCases) && paralegal_id == Some(user_id))
}

/// Whether `role` may change who a case is assigned to: attorneys and
/// admins; a paralegal can't hand a case over or take one.
pub fn can_assign_case(role: Role) -> bool {
    role.can(Permission::AssignCases)
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
        let (p1, p2, a1) = (UserId::new("p1"), UserId::new("p2"), UserId::new("a1"));
        assert!(can_edit_case(Role::Paralegal, &p1, Some(&p1)));
        assert!(!can_edit_case(Role::Paralegal, &p1, Some(&p2)));
        assert!(!can_edit_case(Role::Paralegal, &p1, None));
        assert!(can_edit_case(Role::Attorney, &a1, Some(&p2)));
        assert!(can_edit_case(Role::Admin, &UserId::new("x"), None));
        let v = UserId::new("v");
        assert!(!can_edit_case(Role::Viewer, &v, Some(&v)));
    }

    fn edit() -> CaseEdit {
        CaseEdit {
            priority: "high".into(),
            target_filing_on: "2026-12-01".into(),
            ..CaseEdit::default()
        }
    }

    #[test]
    fn a_valid_edit_is_normalised() {
        let checked = validate_case_edit(
            &CaseEdit {
                attorney_id: " a1 ".into(),
                internal_notes: "Call back on Monday.  \n".into(),
                ..edit()
            },
            "2026-11-01",
        )
        .unwrap();
        assert_eq!(checked.priority, Priority::High);
        assert_eq!(checked.attorney_id, Some(UserId::new("a1")));
        assert_eq!(checked.paralegal_id, None);
        assert_eq!(checked.internal_notes, "Call back on Monday.");
    }

    #[test]
    fn an_edit_reports_every_broken_rule_on_its_field() {
        let errors = validate_case_edit(
            &CaseEdit {
                priority: "critical".into(),
                target_filing_on: "2026-13-01".into(),
                filed_on: "2026-10-01".into(),
                internal_notes: "x".repeat(NOTES_MAX_CHARS + 1),
                ..edit()
            },
            "2026-11-01",
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|m| m.field.as_str()).collect();
        assert_eq!(
            fields,
            ["priority", "target_filing_on", "filed_on", "internal_notes"]
        );
        assert!(matches!(
            &errors[0].problem,
            Problem::Unknown { thing: Thing::Priority, value, .. } if value == "critical"
        ));
        assert_eq!(
            errors[2].problem,
            Problem::DateBefore {
                thing: Thing::FilingDate,
                other: Thing::OpeningDate,
                on: Some("2026-11-01".into())
            }
        );
    }

    #[test]
    fn a_decision_cannot_come_before_the_filing() {
        let errors = validate_case_edit(
            &CaseEdit {
                filed_on: "2026-11-10".into(),
                decision_on: "2026-11-09".into(),
                ..edit()
            },
            "2026-11-01",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "decision_on");
        let same_day = CaseEdit {
            filed_on: "2026-11-10".into(),
            decision_on: "2026-11-10".into(),
            ..edit()
        };
        assert!(validate_case_edit(&same_day, "2026-11-01").is_ok());
    }

    #[test]
    fn changed_case_fields_name_what_differs() {
        let a = edit();
        let b = CaseEdit {
            paralegal_id: "p2".into(),
            internal_notes: "new".into(),
            ..edit()
        };
        assert_eq!(changed_case_fields(&a, &b), ["paralegal", "internal notes"]);
        assert!(changed_case_fields(&a, &a).is_empty());
    }

    #[test]
    fn only_attorneys_and_admins_reassign_cases() {
        assert!(can_assign_case(Role::Admin));
        assert!(can_assign_case(Role::Attorney));
        assert!(!can_assign_case(Role::Paralegal));
        assert!(!can_assign_case(Role::Viewer));
    }

    #[test]
    fn priorities_round_trip() {
        for p in Priority::ALL {
            assert_eq!(Priority::from_code(p.code()), Some(p));
        }
    }
}
