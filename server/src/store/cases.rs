//! The `cases`, `case_events` and `case_counters` tables.

use crate::db::schema::{case_counters, case_events, case_tasks, cases, clients, users};
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::tasks;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use std::collections::HashMap;
use visadesk_app::domain::case::{
    reference, Board, BoardColumn, CaseFilter, CasePage, CaseSummary, CheckedCaseEdit, Dashboard,
    Priority, StaffRef, StageMove, BOARD_CARDS_PER_STAGE, CASE_PAGE_SIZE,
};
use visadesk_app::domain::task::Deadline;
use visadesk_app::domain::{Programme, Role, Stage};

/// Ids of cases with a task not done and due before `$today`: a subquery
/// (a macro, as `MultiConnection` can't run a boxed one).
macro_rules! overdue_task_cases {
    ($today:expr) => {
        case_tasks::table
            .filter(case_tasks::done.eq(false))
            .filter(case_tasks::due_on.ne(""))
            .filter(case_tasks::due_on.lt($today.to_string()))
            .select(case_tasks::case_id)
    };
}

/// Most deadlines the dashboard lists.
const DEADLINES_SHOWN: i64 = 15;

/// PostgreSQL advisory lock serialising reference numbering.
const COUNTER_LOCK_KEY: i64 = 0x7669_7361_6361_7365; // "visacase"

/// A row of `cases`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
pub struct CaseRow {
    pub id: String,
    pub reference: String,
    pub client_id: String,
    pub programme: String,
    pub stage: String,
    pub priority: String,
    pub attorney_id: Option<String>,
    pub paralegal_id: Option<String>,
    pub opened_on: String,
    pub target_filing_on: String,
    pub filed_on: String,
    pub decision_on: String,
    pub internal_notes: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CaseRow {
    /// The stage, refusing a value the database should never hold.
    pub fn stage(&self) -> Result<Stage, ServerError> {
        self.stage
            .parse()
            .map_err(|_| ServerError::CorruptData(format!("case {} has an unknown stage", self.id)))
    }
}

/// A row of `case_events`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
pub struct EventRow {
    pub id: String,
    pub case_id: String,
    /// 1, 2, 3... within the case: the timeline's order.
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub note: String,
}

/// The next reference for a case opened in `year` (VD-2026-0001, ...).
/// Call inside a write transaction.
pub fn next_reference(conn: &mut DbConnection, year: i32) -> Result<String, ServerError> {
    if let DbConnection::Postgresql(_) = conn {
        conn.batch_execute(&format!("SELECT pg_advisory_xact_lock({COUNTER_LOCK_KEY})"))?;
    }
    let last: Option<i64> = case_counters::table
        .find(year)
        .select(case_counters::last)
        .first(conn)
        .optional()?;
    let next = last.unwrap_or(0) + 1;
    match last {
        Some(_) => {
            diesel::update(case_counters::table.find(year))
                .set(case_counters::last.eq(next))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(case_counters::table)
                .values((case_counters::year.eq(year), case_counters::last.eq(next)))
                .execute(conn)?;
        }
    }
    Ok(reference(year, next))
}

/// Inserts a case.
pub fn insert(conn: &mut DbConnection, row: &CaseRow) -> Result<(), ServerError> {
    diesel::insert_into(cases::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Inserts many cases and events at once (events must carry their `seq`).
/// Multi-row inserts go to the concrete connection: `MultiConnection` has none.
pub fn insert_many(
    conn: &mut DbConnection,
    rows: &[CaseRow],
    events: &[EventRow],
) -> Result<(), ServerError> {
    for chunk in rows.chunks(500) {
        match conn {
            DbConnection::Sqlite(c) => {
                diesel::insert_into(cases::table).values(chunk).execute(c)?
            }
            DbConnection::Postgresql(c) => {
                diesel::insert_into(cases::table).values(chunk).execute(c)?
            }
        };
    }
    for chunk in events.chunks(500) {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(case_events::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(case_events::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(())
}

/// Sets the reference counter of `year` (after a bulk insert).
pub fn set_counter(conn: &mut DbConnection, year: i32, last: i64) -> Result<(), ServerError> {
    diesel::delete(case_counters::table.find(year)).execute(conn)?;
    diesel::insert_into(case_counters::table)
        .values((case_counters::year.eq(year), case_counters::last.eq(last)))
        .execute(conn)?;
    Ok(())
}

/// Number of cases.
pub fn count(conn: &mut DbConnection) -> Result<i64, ServerError> {
    Ok(cases::table.count().get_result(conn)?)
}

/// Appends a stage move to a case's timeline (its `seq` is set here).
/// Call inside a write transaction.
pub fn add_event(conn: &mut DbConnection, row: &EventRow) -> Result<(), ServerError> {
    let last: Option<i64> = case_events::table
        .filter(case_events::case_id.eq(&row.case_id))
        .select(diesel::dsl::max(case_events::seq))
        .first(conn)?;
    let row = EventRow {
        seq: last.unwrap_or(0) + 1,
        ..row.clone()
    };
    diesel::insert_into(case_events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// A client's cases, newest first.
pub fn for_client(conn: &mut DbConnection, client_id: &str) -> Result<Vec<CaseRow>, ServerError> {
    Ok(cases::table
        .filter(cases::client_id.eq(client_id))
        .order(cases::created_at.desc())
        .select(CaseRow::as_select())
        .load(conn)?)
}

/// The case with this id.
pub fn row_by_id(conn: &mut DbConnection, id: &str) -> Result<Option<CaseRow>, ServerError> {
    Ok(cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?)
}

/// Moves a case from `from` to `to` if it is still in `from`; returns whether it was.
pub fn set_stage(
    conn: &mut DbConnection,
    row: &CaseRow,
    from: Stage,
    to: Stage,
    today: &str,
    now: i64,
) -> Result<bool, ServerError> {
    let filed_on = if to == Stage::Submitted && row.filed_on.is_empty() {
        today.to_string()
    } else {
        row.filed_on.clone()
    };
    let decision_on = if to.is_outcome() {
        today.to_string()
    } else {
        row.decision_on.clone()
    };
    let n = diesel::update(
        cases::table
            .filter(cases::id.eq(&row.id))
            .filter(cases::stage.eq(from.code())),
    )
    .set((
        cases::stage.eq(to.code()),
        cases::filed_on.eq(filed_on),
        cases::decision_on.eq(decision_on),
        cases::version.eq(cases::version + 1),
        cases::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A case's timeline, newest first.
pub fn timeline(conn: &mut DbConnection, case_id: &str) -> Result<Vec<StageMove>, ServerError> {
    let rows: Vec<EventRow> = case_events::table
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::seq.desc())
        .select(EventRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(StageMove {
                at: r.at,
                actor_name: r.actor_name,
                from: r
                    .from_stage
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(stage_error)?,
                to: r.to_stage.parse().map_err(stage_error)?,
                note: r.note,
            })
        })
        .collect()
}

fn stage_error(_: visadesk_app::domain::stage::MoveError) -> ServerError {
    ServerError::CorruptData("a case event has an unknown stage".into())
}

/// Active staff who can be assigned to cases.
pub fn staff(conn: &mut DbConnection) -> Result<Vec<StaffRef>, ServerError> {
    let rows: Vec<(String, String, String)> = users::table
        .filter(users::active.eq(true))
        .filter(users::role.eq_any(["admin", "attorney", "paralegal"]))
        .order(users::display_name.asc())
        .select((users::id, users::display_name, users::role))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, display_name, role)| {
            role.parse::<Role>().ok().map(|role| StaffRef {
                id: id.into(),
                display_name,
                role,
            })
        })
        .collect())
}

/// The users with these ids, by id, as assignees are shown.
pub fn staff_refs(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<HashMap<String, StaffRef>, ServerError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name, users::role))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .filter_map(|(id, display_name, role)| {
            role.parse::<Role>().ok().map(|role| {
                (
                    id.clone(),
                    StaffRef {
                        id: id.into(),
                        display_name,
                        role,
                    },
                )
            })
        })
        .collect())
}

/// Summaries for case rows: client names and assignees looked up in bulk.
pub fn summaries(
    conn: &mut DbConnection,
    rows: Vec<CaseRow>,
) -> Result<Vec<CaseSummary>, ServerError> {
    let client_ids: Vec<&str> = rows.iter().map(|r| r.client_id.as_str()).collect();
    let names: HashMap<String, String> = clients::table
        .filter(clients::id.eq_any(client_ids))
        .select((clients::id, clients::full_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let user_ids: Vec<&str> = rows
        .iter()
        .flat_map(|r| [r.attorney_id.as_deref(), r.paralegal_id.as_deref()])
        .flatten()
        .collect();
    let people = staff_refs(conn, &user_ids)?;
    let case_ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let documents = crate::store::checklist::progress(conn, &case_ids)?;
    rows.into_iter()
        .map(|r| {
            let stage = r.stage()?;
            Ok(CaseSummary {
                documents: documents.get(&r.id).copied().unwrap_or_default(),
                client_name: names.get(&r.client_id).cloned().unwrap_or_default(),
                programme: r.programme.parse::<Programme>().map_err(|_| {
                    ServerError::CorruptData(format!("case {} has an unknown programme", r.id))
                })?,
                stage,
                priority: Priority::from_code(&r.priority).unwrap_or(Priority::Normal),
                attorney: r
                    .attorney_id
                    .as_ref()
                    .and_then(|id| people.get(id).cloned()),
                paralegal: r
                    .paralegal_id
                    .as_ref()
                    .and_then(|id| people.get(id).cloned()),
                id: r.id.into(),
                reference: r.reference,
                client_id: r.client_id.into(),
                target_filing_on: r.target_filing_on,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

/// A page of cases matching `filter`; `today` (YYYY-MM-DD) decides what is overdue.
pub fn list(
    conn: &mut DbConnection,
    filter: &CaseFilter,
    today: &str,
) -> Result<CasePage, ServerError> {
    list_limited(conn, filter, today, CASE_PAGE_SIZE)
}

fn list_limited(
    conn: &mut DbConnection,
    filter: &CaseFilter,
    today: &str,
    per_page: i64,
) -> Result<CasePage, ServerError> {
    let page = filter.page.max(1);
    let filtered = || {
        let mut q = cases::table.into_boxed();
        if let Some(stage) = filter.stage {
            q = q.filter(cases::stage.eq(stage.code()));
        }
        if let Some(programme) = filter.programme {
            q = q.filter(cases::programme.eq(programme.code()));
        }
        if let Some(user) = &filter.assignee {
            q = q.filter(
                cases::attorney_id
                    .eq(user.as_str())
                    .or(cases::paralegal_id.eq(user.as_str())),
            );
        }
        if let Some(client) = &filter.client_id {
            q = q.filter(cases::client_id.eq(client.as_str()));
        }
        if filter.overdue {
            q = q.filter(cases::stage.eq_any(open_codes())).filter(
                cases::target_filing_on
                    .ne("")
                    .and(cases::target_filing_on.lt(today.to_string()))
                    .or(cases::id.eq_any(overdue_task_cases!(today))),
            );
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<CaseRow> = filtered()
        .select(CaseRow::as_select())
        .order((cases::updated_at.desc(), cases::reference.desc()))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(conn)?;
    Ok(CasePage {
        cases: summaries(conn, rows)?,
        total,
        page,
    })
}

/// The codes of the stages a case is still worked on in.
pub fn open_codes() -> Vec<&'static str> {
    Stage::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.code())
        .collect()
}

/// The dashboard for `user_id`: counts per stage and programme, their open
/// cases, and target filings between `today` and `in_14_days` (YYYY-MM-DD).
pub fn dashboard(
    conn: &mut DbConnection,
    user_id: &str,
    today: &str,
    in_14_days: &str,
) -> Result<Dashboard, ServerError> {
    let stage_counts: HashMap<String, i64> = cases::table
        .group_by(cases::stage)
        .select((cases::stage, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let by_stage = Stage::ALL
        .iter()
        .map(|s| (*s, stage_counts.get(s.code()).copied().unwrap_or(0)))
        .collect();
    let programme_counts: HashMap<String, i64> = cases::table
        .filter(cases::stage.eq_any(open_codes()))
        .group_by(cases::programme)
        .select((cases::programme, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let by_programme = Programme::ALL
        .iter()
        .map(|p| (*p, programme_counts.get(p.code()).copied().unwrap_or(0)))
        .collect();
    let mine_rows: Vec<CaseRow> = cases::table
        .filter(cases::stage.eq_any(open_codes()))
        .filter(
            cases::attorney_id
                .eq(user_id)
                .or(cases::paralegal_id.eq(user_id)),
        )
        .order((
            cases::target_filing_on.eq("").asc(),
            cases::target_filing_on.asc(),
            cases::reference.asc(),
        ))
        .limit(10)
        .select(CaseRow::as_select())
        .load(conn)?;
    let filing_rows: Vec<CaseRow> = cases::table
        .filter(cases::stage.eq_any(open_codes()))
        .filter(cases::target_filing_on.ge(today.to_string()))
        .filter(cases::target_filing_on.le(in_14_days.to_string()))
        .order((cases::target_filing_on.asc(), cases::reference.asc()))
        .limit(DEADLINES_SHOWN)
        .select(CaseRow::as_select())
        .load(conn)?;
    let mut deadlines: Vec<Deadline> = summaries(conn, filing_rows)?
        .into_iter()
        .map(|c| Deadline {
            due_on: c.target_filing_on,
            what: "Target filing".into(),
            is_task: false,
            case_id: c.id,
            reference: c.reference,
            client_name: c.client_name,
            who: c.attorney.map(|a| a.display_name),
        })
        .collect();
    deadlines.extend(tasks::deadlines(conn, today, in_14_days, DEADLINES_SHOWN)?);
    deadlines.sort_by(|a, b| (&a.due_on, &a.reference).cmp(&(&b.due_on, &b.reference)));
    deadlines.truncate(DEADLINES_SHOWN as usize);
    let overdue: i64 = cases::table
        .filter(cases::stage.eq_any(open_codes()))
        .filter(
            cases::target_filing_on
                .ne("")
                .and(cases::target_filing_on.lt(today.to_string()))
                .or(cases::id.eq_any(overdue_task_cases!(today))),
        )
        .count()
        .get_result(conn)?;
    Ok(Dashboard {
        by_stage,
        by_programme,
        mine: summaries(conn, mine_rows)?,
        deadlines,
        overdue,
    })
}

/// Saves edited details if the case is still at `base_version`; returns
/// whether it was (otherwise someone changed it meanwhile).
pub fn update_if_version(
    conn: &mut DbConnection,
    id: &str,
    base_version: i64,
    edit: &CheckedCaseEdit,
    now: i64,
) -> Result<bool, ServerError> {
    let n = diesel::update(
        cases::table
            .filter(cases::id.eq(id))
            .filter(cases::version.eq(base_version)),
    )
    .set((
        cases::priority.eq(edit.priority.code()),
        cases::attorney_id.eq(edit.attorney_id.as_ref().map(|id| id.as_str())),
        cases::paralegal_id.eq(edit.paralegal_id.as_ref().map(|id| id.as_str())),
        cases::target_filing_on.eq(&edit.target_filing_on),
        cases::filed_on.eq(&edit.filed_on),
        cases::decision_on.eq(&edit.decision_on),
        cases::internal_notes.eq(&edit.internal_notes),
        cases::version.eq(base_version + 1),
        cases::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The board: for each stage, how many cases match `filter` (its stage and
/// page are ignored) and the most recently updated of them.
pub fn board(
    conn: &mut DbConnection,
    filter: &CaseFilter,
    today: &str,
) -> Result<Board, ServerError> {
    let mut columns = Vec::with_capacity(Stage::ALL.len());
    for stage in Stage::ALL {
        let column = CaseFilter {
            stage: Some(stage),
            page: 1,
            ..filter.clone()
        };
        let mut page = list_limited(conn, &column, today, BOARD_CARDS_PER_STAGE)?;
        columns.push(BoardColumn {
            stage,
            total: page.total,
            cards: std::mem::take(&mut page.cases),
        });
    }
    Ok(Board { columns })
}
