//! Every table's rows in a form both backends read: one JSON array per row,
//! its values in column order. The database does the conversion itself
//! (SQLite's `json_object`/`json_each`, PostgreSQL's `row_to_json` and
//! `json_populate_recordset`), so one copy of the code serves both, and an
//! SQLite install's rows load into PostgreSQL as they are.

use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::Value;

/// Every table, in an order in which each row's references come before it
/// (a restore inserts in this order). A test holds it to the migrations.
pub const TABLES: &[&str] = &[
    "clients",
    "users",
    "sessions",
    "login_throttle",
    "audit_log",
    "cases",
    "case_events",
    "case_counters",
    "case_tasks",
    "client_terms",
    "checklist_items",
    "documents",
    "invitations",
    "firm_settings",
    "assessments",
    "outbox",
    "password_resets",
    "notifications",
    "case_messages",
    "message_reads",
    "calendar_feeds",
    "mail_preferences",
    "digest_items",
    "digest_runs",
    "totp_secrets",
    "recovery_codes",
    "sign_in_challenges",
    "passkeys",
    "passkey_ceremonies",
    "known_browsers",
    "scrub_runs",
];

/// Rows the migrations themselves write (defaults no one has saved yet),
/// by table: a database holding only these is still empty, and a restore
/// replaces them with the backup's.
pub fn seeded(table: &str) -> Option<&'static str> {
    match table {
        "firm_settings" => Some("updated_at = 0 AND updated_by IS NULL"),
        _ => None,
    }
}

/// Rows read or written per statement.
const BATCH: i64 = 1000;

/// What a column holds; the migrations use only these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    BigInt,
    Integer,
    Bool,
    Text,
}

/// A column of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnType,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = Text)]
    j: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn checked_name(table: &str) -> Result<&str, ServerError> {
    if TABLES.contains(&table) {
        Ok(table)
    } else {
        Err(ServerError::Invariant(format!(
            "{table} is not a Visadesk table"
        )))
    }
}

/// The columns of `table`, in their order, as this database has them.
pub fn columns(conn: &mut DbConnection, table: &str) -> Result<Vec<Column>, ServerError> {
    let table = checked_name(table)?;
    let rows: Vec<ColumnRow> = match conn {
        DbConnection::Sqlite(c) => {
            diesel::sql_query("SELECT name, type AS kind FROM pragma_table_info(?) ORDER BY cid")
                .bind::<Text, _>(table)
                .load(c)?
        }
        DbConnection::Postgresql(c) => diesel::sql_query(
            "SELECT column_name::text AS name, data_type::text AS kind \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind::<Text, _>(table)
        .load(c)?,
    };
    if rows.is_empty() {
        return Err(ServerError::Backup(format!(
            "the database has no table {table}"
        )));
    }
    rows.into_iter()
        .map(|r| {
            let kind = match r.kind.to_ascii_lowercase().as_str() {
                "bigint" | "int8" => ColumnType::BigInt,
                "integer" | "int" | "int4" => ColumnType::Integer,
                "boolean" | "bool" => ColumnType::Bool,
                "text" => ColumnType::Text,
                other => {
                    return Err(ServerError::Backup(format!(
                        "{table}.{} has the type {other}, which backups do not know",
                        r.name
                    )))
                }
            };
            Ok(Column { name: r.name, kind })
        })
        .collect()
}

/// How many rows `table` holds.
pub fn count(conn: &mut DbConnection, table: &str) -> Result<i64, ServerError> {
    let sql = format!("SELECT COUNT(*) AS n FROM {}", checked_name(table)?);
    count_of(conn, sql)
}

/// How many rows of `table` someone made (leaving out [`seeded`] ones).
pub fn count_made(conn: &mut DbConnection, table: &str) -> Result<i64, ServerError> {
    let table = checked_name(table)?;
    let sql = match seeded(table) {
        Some(filter) => format!("SELECT COUNT(*) AS n FROM {table} WHERE NOT ({filter})"),
        None => format!("SELECT COUNT(*) AS n FROM {table}"),
    };
    count_of(conn, sql)
}

/// Deletes `table`'s [`seeded`] rows, which a restore replaces.
pub fn clear_seeded(conn: &mut DbConnection, table: &str) -> Result<(), ServerError> {
    let table = checked_name(table)?;
    if let Some(filter) = seeded(table) {
        let sql = format!("DELETE FROM {table} WHERE {filter}");
        match conn {
            DbConnection::Sqlite(c) => diesel::sql_query(sql).execute(c)?,
            DbConnection::Postgresql(c) => diesel::sql_query(sql).execute(c)?,
        };
    }
    Ok(())
}

fn count_of(conn: &mut DbConnection, sql: String) -> Result<i64, ServerError> {
    let n: Count = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(sql).get_result(c)?,
        DbConnection::Postgresql(c) => diesel::sql_query(sql).get_result(c)?,
    };
    Ok(n.n)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Calls `each` with every row of `table` as a JSON array in column order
/// (booleans as `true`/`false` on both backends), in batches. Run inside
/// one read transaction, every table is read from the same snapshot.
pub fn dump(
    conn: &mut DbConnection,
    table: &str,
    columns: &[Column],
    mut each: impl FnMut(Value) -> Result<(), ServerError>,
) -> Result<u64, ServerError> {
    let table = checked_name(table)?;
    let order = columns
        .iter()
        .take(2)
        .map(|c| quoted(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let object = match conn {
        DbConnection::Sqlite(_) => format!(
            "json_object({})",
            columns
                .iter()
                .map(|c| format!("'{}', {}", c.name, quoted(&c.name)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        DbConnection::Postgresql(_) => format!("row_to_json({table})::text"),
    };
    let mut written = 0u64;
    let mut offset = 0i64;
    loop {
        let sql = format!(
            "SELECT {object} AS j FROM {table} ORDER BY {order} LIMIT {BATCH} OFFSET {offset}"
        );
        let rows: Vec<JsonRow> = match conn {
            DbConnection::Sqlite(c) => diesel::sql_query(sql).load(c)?,
            DbConnection::Postgresql(c) => diesel::sql_query(sql).load(c)?,
        };
        let n = rows.len() as i64;
        for row in rows {
            let object: serde_json::Map<String, Value> = serde_json::from_str(&row.j)
                .map_err(|e| ServerError::CorruptData(format!("{table}: a row as JSON: {e}")))?;
            let values = columns
                .iter()
                .map(|c| normalised(c, object.get(&c.name).cloned().unwrap_or(Value::Null)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| ServerError::CorruptData(format!("{table}: {e}")))?;
            each(Value::Array(values))?;
            written += 1;
        }
        if n < BATCH {
            return Ok(written);
        }
        offset += BATCH;
    }
}

/// A value as the portable form has it: booleans as booleans (SQLite keeps
/// them as 0 and 1), integers as numbers, text as strings.
fn normalised(column: &Column, value: Value) -> Result<Value, String> {
    match (column.kind, value) {
        (_, Value::Null) => Ok(Value::Null),
        (ColumnType::Bool, Value::Number(n)) => Ok(Value::Bool(n.as_i64() != Some(0))),
        (ColumnType::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
        (ColumnType::BigInt | ColumnType::Integer, Value::Number(n)) if n.is_i64() => {
            Ok(Value::Number(n))
        }
        (ColumnType::Text, Value::String(s)) => Ok(Value::String(s)),
        (_, other) => Err(format!(
            "{} holds {other}, not a {:?}",
            column.name, column.kind
        )),
    }
}

/// Inserts rows (JSON arrays in `columns`' order) into `table`, converting
/// them to the columns' types in SQL.
pub fn load(
    conn: &mut DbConnection,
    table: &str,
    columns: &[Column],
    rows: &[Value],
) -> Result<(), ServerError> {
    let table = checked_name(table)?;
    for batch in rows.chunks(BATCH as usize) {
        let objects: Vec<Value> = batch
            .iter()
            .map(|row| {
                let values = row
                    .as_array()
                    .filter(|v| v.len() == columns.len())
                    .ok_or_else(|| {
                        ServerError::Backup(format!(
                            "{table}: a row does not have the table's {} columns",
                            columns.len()
                        ))
                    })?;
                Ok(Value::Object(
                    columns
                        .iter()
                        .zip(values)
                        .map(|(c, v)| (c.name.clone(), v.clone()))
                        .collect(),
                ))
            })
            .collect::<Result<_, ServerError>>()?;
        let json = Value::Array(objects).to_string();
        let names = columns
            .iter()
            .map(|c| quoted(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        match conn {
            DbConnection::Sqlite(c) => {
                let extracted = columns
                    .iter()
                    .map(|col| format!("json_extract(value, '$.\"{}\"')", col.name))
                    .collect::<Vec<_>>()
                    .join(", ");
                diesel::sql_query(format!(
                    "INSERT INTO {table} ({names}) SELECT {extracted} FROM json_each(?)"
                ))
                .bind::<Text, _>(json)
                .execute(c)?;
            }
            DbConnection::Postgresql(c) => {
                diesel::sql_query(format!(
                    "INSERT INTO {table} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{table}, $1::json)"
                ))
                .bind::<Text, _>(json)
                .execute(c)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_take_one_form_whichever_database_wrote_them() {
        let flag = Column {
            name: "active".into(),
            kind: ColumnType::Bool,
        };
        assert_eq!(normalised(&flag, Value::from(1)), Ok(Value::Bool(true)));
        assert_eq!(normalised(&flag, Value::from(0)), Ok(Value::Bool(false)));
        assert_eq!(normalised(&flag, Value::Bool(true)), Ok(Value::Bool(true)));
        let text = Column {
            name: "id".into(),
            kind: ColumnType::Text,
        };
        assert_eq!(normalised(&text, Value::Null), Ok(Value::Null));
        assert!(normalised(&text, Value::from(3)).is_err());
    }
}
