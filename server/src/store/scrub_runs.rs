//! The `scrub_runs` table: each run of the document scrub and what it found.

use crate::db::schema::scrub_runs;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use visadesk_app::domain::scrub::{ScrubFinding, ScrubRun};

/// A row of `scrub_runs`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = scrub_runs, treat_none_as_default_value = false)]
pub struct ScrubRunRow {
    pub id: String,
    /// The schedule's interval number a scheduled run claimed.
    pub slot: Option<i64>,
    pub ran_by: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub checked: i64,
    pub bytes: i64,
    pub missing: i64,
    pub corrupt: i64,
    pub unreadable: i64,
    pub orphaned: i64,
    /// JSON list of [`ScrubFinding`].
    pub findings: String,
    pub failure: Option<String>,
}

impl ScrubRunRow {
    /// A run that starts now, with nothing found yet.
    pub fn started(ran_by: &str, slot: Option<i64>, now: i64) -> ScrubRunRow {
        ScrubRunRow {
            id: uuid::Uuid::now_v7().to_string(),
            slot,
            ran_by: ran_by.to_string(),
            started_at: now,
            finished_at: None,
            checked: 0,
            bytes: 0,
            missing: 0,
            corrupt: 0,
            unreadable: 0,
            orphaned: 0,
            findings: "[]".into(),
            failure: None,
        }
    }

    /// The run as the app shows it.
    pub fn into_run(self) -> Result<ScrubRun, ServerError> {
        let findings: Vec<ScrubFinding> = serde_json::from_str(&self.findings).map_err(|e| {
            ServerError::CorruptData(format!("scrub run {}: findings: {e}", self.id))
        })?;
        Ok(ScrubRun {
            started_at: self.started_at,
            finished_at: self.finished_at,
            ran_by: self.ran_by,
            scheduled: self.slot.is_some(),
            checked: self.checked,
            bytes: self.bytes,
            missing: self.missing,
            corrupt: self.corrupt,
            unreadable: self.unreadable,
            orphaned: self.orphaned,
            findings,
            failure: self.failure,
        })
    }
}

/// Records a run's start. A scheduled run (with a `slot`) that another
/// instance has claimed already is not recorded: `false`.
pub fn start(conn: &mut DbConnection, row: &ScrubRunRow) -> Result<bool, ServerError> {
    let insert = diesel::insert_into(scrub_runs::table).values(row);
    let added = match conn {
        DbConnection::Postgresql(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConnection::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    Ok(added == 1)
}

/// Records what a run found (finished or stopped).
pub fn finish(conn: &mut DbConnection, row: &ScrubRunRow) -> Result<(), ServerError> {
    diesel::update(scrub_runs::table.find(&row.id))
        .set((
            scrub_runs::finished_at.eq(row.finished_at),
            scrub_runs::checked.eq(row.checked),
            scrub_runs::bytes.eq(row.bytes),
            scrub_runs::missing.eq(row.missing),
            scrub_runs::corrupt.eq(row.corrupt),
            scrub_runs::unreadable.eq(row.unreadable),
            scrub_runs::orphaned.eq(row.orphaned),
            scrub_runs::findings.eq(&row.findings),
            scrub_runs::failure.eq(&row.failure),
        ))
        .execute(conn)?;
    Ok(())
}

/// The latest run, by when it started.
pub fn latest(conn: &mut DbConnection) -> Result<Option<ScrubRunRow>, ServerError> {
    Ok(scrub_runs::table
        .order((scrub_runs::started_at.desc(), scrub_runs::id.desc()))
        .select(ScrubRunRow::as_select())
        .first(conn)
        .optional()?)
}
