//! The `checklist_items` table: each case's document checklist.

use crate::db::schema::{cases, checklist_items};
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use std::collections::HashMap;
use visadesk_app::domain::checklist::{
    checklist, ChecklistItem, DocumentKind, ItemStatus, Progress,
};
use visadesk_app::domain::Programme;

/// A row of `checklist_items`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = checklist_items, treat_none_as_default_value = false)]
pub struct ItemRow {
    pub id: String,
    pub case_id: String,
    pub kind: String,
    pub required: bool,
    pub position: i32,
    pub status: String,
    pub reason: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ItemRow {
    /// The item, skipping kinds or statuses this version doesn't know.
    fn item(self) -> Option<ChecklistItem> {
        Some(ChecklistItem {
            kind: DocumentKind::from_code(&self.kind)?,
            status: ItemStatus::from_code(&self.status, &self.reason)?,
            required: self.required,
            id: self.id.into(),
            versions: Vec::new(),
        })
    }
}

/// The programme's checklist as new rows for a case.
pub fn rows_for(case_id: &str, programme: Programme, now: i64) -> Vec<ItemRow> {
    checklist(programme)
        .iter()
        .enumerate()
        .map(|(i, e)| ItemRow {
            id: uuid::Uuid::new_v4().to_string(),
            case_id: case_id.to_string(),
            kind: e.kind.code().into(),
            required: e.required,
            position: i as i32,
            status: ItemStatus::Missing.code().into(),
            reason: String::new(),
            created_at: now,
            updated_at: now,
        })
        .collect()
}

/// Inserts rows, many per statement.
pub fn insert_many(conn: &mut DbConnection, rows: &[ItemRow]) -> Result<(), ServerError> {
    for chunk in rows.chunks(500) {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(checklist_items::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(checklist_items::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(())
}

/// A case's checklist, in order.
pub fn for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<ChecklistItem>, ServerError> {
    let rows: Vec<ItemRow> = checklist_items::table
        .filter(checklist_items::case_id.eq(case_id))
        .order((
            checklist_items::position.asc(),
            checklist_items::created_at.asc(),
        ))
        .select(ItemRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().filter_map(ItemRow::item).collect())
}

/// The item with this id.
pub fn by_id(conn: &mut DbConnection, id: &str) -> Result<Option<ItemRow>, ServerError> {
    Ok(checklist_items::table
        .find(id)
        .select(ItemRow::as_select())
        .first(conn)
        .optional()?)
}

/// Takes the item's row lock for the rest of the transaction (PostgreSQL;
/// SQLite's write transactions are serialised already), so an upload and a
/// review of the same item happen one after the other.
pub fn lock(conn: &mut DbConnection, id: &str) -> Result<(), ServerError> {
    diesel::update(checklist_items::table.find(id))
        .set(checklist_items::updated_at.eq(checklist_items::updated_at))
        .execute(conn)?;
    Ok(())
}

/// Sets an item's status and reason.
pub fn set_status(
    conn: &mut DbConnection,
    id: &str,
    status: &ItemStatus,
    now: i64,
) -> Result<(), ServerError> {
    let reason = match status {
        ItemStatus::Rejected(r) | ItemStatus::Waived(r) => r.clone(),
        _ => String::new(),
    };
    diesel::update(checklist_items::table.find(id))
        .set((
            checklist_items::status.eq(status.code()),
            checklist_items::reason.eq(reason),
            checklist_items::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The next position on a case's checklist (added items go last).
pub fn next_position(conn: &mut DbConnection, case_id: &str) -> Result<i32, ServerError> {
    let last: Option<i32> = checklist_items::table
        .filter(checklist_items::case_id.eq(case_id))
        .select(diesel::dsl::max(checklist_items::position))
        .first(conn)?;
    Ok(last.map_or(0, |p| p + 1))
}

/// The checklist progress of each of these cases.
pub fn progress(
    conn: &mut DbConnection,
    case_ids: &[&str],
) -> Result<HashMap<String, Progress>, ServerError> {
    if case_ids.is_empty() {
        return Ok(HashMap::new());
    }
    // Counted in the database, read off the (case_id, required, status) index.
    let rows: Vec<(String, bool, String, i64)> = checklist_items::table
        .filter(checklist_items::case_id.eq_any(case_ids))
        .group_by((
            checklist_items::case_id,
            checklist_items::required,
            checklist_items::status,
        ))
        .select((
            checklist_items::case_id,
            checklist_items::required,
            checklist_items::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut by_case: HashMap<String, Progress> = HashMap::with_capacity(case_ids.len());
    for (case_id, required, status, n) in rows {
        if let Some(status) = ItemStatus::from_code(&status, "") {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            by_case
                .entry(case_id)
                .or_default()
                .add(required, &status, n);
        }
    }
    Ok(by_case)
}

/// Gives every case without a checklist its programme's (cases opened
/// before checklists existed); returns how many. Call in a write transaction.
pub fn fill_missing(conn: &mut DbConnection, now: i64) -> Result<usize, ServerError> {
    let missing: Vec<(String, String)> = cases::table
        .filter(diesel::dsl::not(cases::id.eq_any(
            checklist_items::table.select(checklist_items::case_id),
        )))
        .select((cases::id, cases::programme))
        .load(conn)?;
    let rows: Vec<ItemRow> = missing
        .iter()
        .filter_map(|(id, programme)| {
            programme
                .parse::<Programme>()
                .ok()
                .map(|p| rows_for(id, p, now))
        })
        .flatten()
        .collect();
    insert_many(conn, &rows)?;
    Ok(missing.len())
}
