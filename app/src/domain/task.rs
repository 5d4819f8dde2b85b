//! Tasks and deadlines on a case: what has to be done, by when, by whom.

use super::case::StaffRef;
use super::client::{date, text, FieldMessage, TEXT_MAX_CHARS};
use super::id::{CaseId, TaskId, UserId};
use super::problem::Thing;
use serde::{Deserialize, Serialize};

/// Longest task title.
pub const TASK_TITLE_MAX_CHARS: usize = TEXT_MAX_CHARS;
/// Most tasks one case may hold.
pub const TASKS_PER_CASE_MAX: usize = 200;

/// A task on a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub case_id: CaseId,
    pub title: String,
    /// `YYYY-MM-DD` or empty.
    pub due_on: String,
    pub assignee: Option<StaffRef>,
    pub done: bool,
    /// Unix seconds when it was marked done.
    pub done_at: Option<i64>,
    /// Not done and its due date has passed (as of the server's today).
    pub overdue: bool,
}

/// A task as typed into the form (the assignee is a user id or empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInput {
    pub title: String,
    pub due_on: String,
    pub assignee_id: String,
}

/// A task that passed [`validate_task`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedTask {
    pub title: String,
    pub due_on: String,
    pub assignee_id: Option<UserId>,
}

/// Checks a new task: a title is required, the due date must be real.
pub fn validate_task(input: &TaskInput) -> Result<CheckedTask, Vec<FieldMessage>> {
    let mut e = Vec::new();
    // `text` enforces TASK_TITLE_MAX_CHARS (the same limit as client text).
    let title = text(&mut e, "title", Thing::TaskTitle, &input.title, true);
    let (due_on, _) = date(&mut e, "due_on", Thing::DueDate, &input.due_on);
    let assignee_id = Some(UserId::new(input.assignee_id.trim())).filter(|id| !id.is_empty());
    if e.is_empty() {
        Ok(CheckedTask {
            title,
            due_on,
            assignee_id,
        })
    } else {
        Err(e)
    }
}

/// Whether a task due on `due_on` is overdue on `today` (both `YYYY-MM-DD`):
/// not done, with a due date before today. Due today is not yet overdue.
pub fn is_overdue(due_on: &str, done: bool, today: &str) -> bool {
    !done && !due_on.is_empty() && due_on < today
}

/// Something due on a case: its target filing, or an open task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// `YYYY-MM-DD`.
    pub due_on: String,
    /// "Target filing", or the task's title.
    pub what: String,
    pub is_task: bool,
    pub case_id: CaseId,
    pub reference: String,
    pub client_name: String,
    /// Who it falls to: the task's assignee, or the case's attorney.
    pub who: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::problem::Problem;

    fn input(title: &str, due_on: &str) -> TaskInput {
        TaskInput {
            title: title.into(),
            due_on: due_on.into(),
            assignee_id: String::new(),
        }
    }

    #[test]
    fn a_task_needs_a_title_and_a_real_due_date() {
        let errors = validate_task(&input("  ", "2026-02-30")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|m| m.field.as_str()).collect();
        assert_eq!(fields, ["title", "due_on"]);
        assert_eq!(errors[1].problem, Problem::NotADate(Thing::DueDate));
    }

    #[test]
    fn a_task_without_a_due_date_or_assignee_is_fine() {
        let t = validate_task(&input(" Request transcript ", "")).unwrap();
        assert_eq!(t.title, "Request transcript");
        assert_eq!(t.due_on, "");
        assert_eq!(t.assignee_id, None);
    }

    #[test]
    fn overlong_titles_are_refused_with_the_limit() {
        let errors = validate_task(&input(&"x".repeat(201), "")).unwrap_err();
        assert_eq!(errors[0].field, "title");
        assert_eq!(
            errors[0].problem,
            Problem::TooLong {
                thing: Thing::TaskTitle,
                chars: 201,
                max: 200
            }
        );
    }

    #[test]
    fn a_task_is_overdue_from_the_day_after_it_was_due_until_done() {
        assert!(!is_overdue("2026-11-24", false, "2026-11-24"));
        assert!(is_overdue("2026-11-23", false, "2026-11-24"));
        assert!(!is_overdue("2026-11-23", true, "2026-11-24"));
        assert!(!is_overdue("", false, "2026-11-24"));
    }
}
