//! The `case_tasks` table: tasks and deadlines on cases.

use crate::db::schema::{case_tasks, cases, clients, users};
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::cases::{open_codes, staff_refs};
use diesel::prelude::*;
use std::collections::HashMap;
use visadesk_app::domain::task::{is_overdue, Deadline, Task};

/// A row of `case_tasks`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = case_tasks, treat_none_as_default_value = false)]
pub struct TaskRow {
    pub id: String,
    pub case_id: String,
    pub title: String,
    /// `YYYY-MM-DD` or empty.
    pub due_on: String,
    pub assignee_id: Option<String>,
    pub done: bool,
    pub done_at: Option<i64>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Inserts a task.
pub fn insert(conn: &mut DbConnection, row: &TaskRow) -> Result<(), ServerError> {
    diesel::insert_into(case_tasks::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The task with this id.
pub fn by_id(conn: &mut DbConnection, id: &str) -> Result<Option<TaskRow>, ServerError> {
    Ok(case_tasks::table
        .find(id)
        .select(TaskRow::as_select())
        .first(conn)
        .optional()?)
}

/// How many tasks a case has.
pub fn count_for_case(conn: &mut DbConnection, case_id: &str) -> Result<i64, ServerError> {
    Ok(case_tasks::table
        .filter(case_tasks::case_id.eq(case_id))
        .count()
        .get_result(conn)?)
}

/// Marks a task done (at `now`) or open again.
pub fn set_done(
    conn: &mut DbConnection,
    id: &str,
    done: bool,
    now: i64,
) -> Result<(), ServerError> {
    diesel::update(case_tasks::table.find(id))
        .set((
            case_tasks::done.eq(done),
            case_tasks::done_at.eq(done.then_some(now)),
            case_tasks::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes a task.
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<(), ServerError> {
    diesel::delete(case_tasks::table.find(id)).execute(conn)?;
    Ok(())
}

/// A case's tasks: open ones first, soonest due first (undated last), then
/// done ones, most recently done first. `today` decides what is overdue.
pub fn for_case(
    conn: &mut DbConnection,
    case_id: &str,
    today: &str,
) -> Result<Vec<Task>, ServerError> {
    let rows: Vec<TaskRow> = case_tasks::table
        .filter(case_tasks::case_id.eq(case_id))
        .order((
            case_tasks::done.asc(),
            case_tasks::due_on.eq("").asc(),
            case_tasks::due_on.asc(),
            case_tasks::done_at.desc(),
            case_tasks::created_at.asc(),
        ))
        .select(TaskRow::as_select())
        .load(conn)?;
    let ids: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.assignee_id.as_deref())
        .collect();
    let people = staff_refs(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| Task {
            overdue: is_overdue(&r.due_on, r.done, today),
            assignee: r
                .assignee_id
                .as_ref()
                .and_then(|id| people.get(id).cloned()),
            id: r.id.into(),
            case_id: r.case_id.into(),
            title: r.title,
            due_on: r.due_on,
            done: r.done,
            done_at: r.done_at,
        })
        .collect())
}

/// Open tasks on open cases due from `from` to `to` (inclusive), soonest
/// first, as deadlines.
pub fn deadlines(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<Deadline>, ServerError> {
    let rows: Vec<(TaskRow, String, String)> = case_tasks::table
        .inner_join(cases::table)
        .filter(case_tasks::done.eq(false))
        .filter(case_tasks::due_on.ge(from.to_string()))
        .filter(case_tasks::due_on.le(to.to_string()))
        .filter(cases::stage.eq_any(open_codes()))
        .order((case_tasks::due_on.asc(), cases::reference.asc()))
        .limit(limit)
        .select((TaskRow::as_select(), cases::reference, cases::client_id))
        .load(conn)?;
    let client_ids: Vec<&str> = rows.iter().map(|(_, _, c)| c.as_str()).collect();
    let names: HashMap<String, String> = clients::table
        .filter(clients::id.eq_any(client_ids))
        .select((clients::id, clients::full_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let user_ids: Vec<&str> = rows
        .iter()
        .filter_map(|(t, _, _)| t.assignee_id.as_deref())
        .collect();
    let who: HashMap<String, String> = users::table
        .filter(users::id.eq_any(user_ids))
        .select((users::id, users::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(t, reference, client_id)| Deadline {
            who: t.assignee_id.as_ref().and_then(|id| who.get(id).cloned()),
            client_name: names.get(&client_id).cloned().unwrap_or_default(),
            due_on: t.due_on,
            what: t.title,
            is_task: true,
            case_id: t.case_id.into(),
            reference,
        })
        .collect())
}
