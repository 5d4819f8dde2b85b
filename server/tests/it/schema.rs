//! Both backends' migrations describe the same database, and `schema.rs`
//! describes it too: the same tables and columns (with matching types and
//! nullability), the same named indexes, and the same guarded events.

use crate::common::{postgres_url, PgDatabase};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text};
use diesel::{PgConnection, SqliteConnection};
use std::collections::{BTreeMap, BTreeSet};
use visadesk_server::config::DatabaseUrl;
use visadesk_server::db::Db;

/// Table -> column -> (type as diesel names it, nullable).
type Columns = BTreeMap<String, BTreeMap<String, (String, bool)>>;

/// What a database or `schema.rs` says its tables are.
#[derive(Debug, Default, PartialEq)]
struct Schema {
    columns: Columns,
    /// (name, table, unique), leaving out what keys and UNIQUE constraints make.
    indexes: BTreeSet<(String, String, bool)>,
    /// (table, event) pairs a trigger guards: "UPDATE", "DELETE", "INSERT".
    guarded: BTreeSet<(String, String)>,
}

/// A database column type, as diesel's schema names it.
fn diesel_type(sql: &str) -> String {
    match sql.to_ascii_lowercase().as_str() {
        "text" => "Text",
        "bigint" => "BigInt",
        "integer" => "Integer",
        "boolean" => "Bool",
        "blob" | "bytea" => "Binary",
        "double precision" | "double" | "real" => "Double",
        other => panic!("a column has a type the backends may not share: {other}"),
    }
    .to_string()
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    r#type: String,
    #[diesel(sql_type = Integer)]
    notnull: i32,
}

#[derive(QueryableByName)]
struct SqliteObject {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    tbl_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

fn sqlite_schema(conn: &mut SqliteConnection) -> Schema {
    let mut schema = Schema::default();
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name != '__diesel_schema_migrations'",
    )
    .load(conn)
    .unwrap();
    for table in tables {
        let columns: Vec<SqliteColumn> = diesel::sql_query(format!(
            "SELECT name, type, \"notnull\" FROM pragma_table_info('{}')",
            table.name
        ))
        .load(conn)
        .unwrap();
        schema.columns.insert(
            table.name,
            columns
                .into_iter()
                .map(|c| (c.name, (diesel_type(&c.r#type), c.notnull == 0)))
                .collect(),
        );
    }
    let objects: Vec<SqliteObject> = diesel::sql_query(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') \
         AND name NOT LIKE 'sqlite_autoindex_%'",
    )
    .load(conn)
    .unwrap();
    for object in objects {
        let sql = object.sql.unwrap_or_default().to_ascii_uppercase();
        if sql.starts_with("CREATE TRIGGER") {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                if sql.contains(&format!(" {event} ON ")) {
                    schema
                        .guarded
                        .insert((object.tbl_name.clone(), event.to_string()));
                }
            }
        } else {
            let unique = sql.starts_with("CREATE UNIQUE INDEX");
            schema
                .indexes
                .insert((object.name, object.tbl_name, unique));
        }
    }
    schema
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct PgIndex {
    #[diesel(sql_type = Text)]
    indexname: String,
    #[diesel(sql_type = Text)]
    tablename: String,
    #[diesel(sql_type = Text)]
    indexdef: String,
}

#[derive(QueryableByName)]
struct PgTrigger {
    #[diesel(sql_type = Text)]
    event_object_table: String,
    #[diesel(sql_type = Text)]
    event_manipulation: String,
}

fn postgres_schema(conn: &mut PgConnection) -> Schema {
    let mut schema = Schema::default();
    let columns: Vec<PgColumn> = diesel::sql_query(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns WHERE table_schema = 'public' \
         AND table_name != '__diesel_schema_migrations'",
    )
    .load(conn)
    .unwrap();
    for c in columns {
        schema.columns.entry(c.table_name).or_default().insert(
            c.column_name,
            (diesel_type(&c.data_type), c.is_nullable == "YES"),
        );
    }
    let indexes: Vec<PgIndex> = diesel::sql_query(
        "SELECT indexname::text, tablename::text, indexdef::text FROM pg_indexes \
         WHERE schemaname = 'public' AND tablename != '__diesel_schema_migrations'",
    )
    .load(conn)
    .unwrap();
    // Indexes that back a primary key or a UNIQUE constraint (SQLite's
    // sqlite_autoindex_*) are left out: the columns say those.
    let constraint_indexes: Vec<Name> = diesel::sql_query(
        "SELECT conname::text AS name FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
         WHERE n.nspname = 'public' AND c.contype IN ('p', 'u')",
    )
    .load(conn)
    .unwrap();
    let constraint_indexes: BTreeSet<String> =
        constraint_indexes.into_iter().map(|n| n.name).collect();
    for index in indexes {
        if constraint_indexes.contains(&index.indexname) {
            continue;
        }
        let unique = index.indexdef.starts_with("CREATE UNIQUE INDEX");
        schema
            .indexes
            .insert((index.indexname, index.tablename, unique));
    }
    let triggers: Vec<PgTrigger> = diesel::sql_query(
        "SELECT event_object_table::text, event_manipulation::text \
         FROM information_schema.triggers WHERE trigger_schema = 'public'",
    )
    .load(conn)
    .unwrap();
    for t in triggers {
        schema
            .guarded
            .insert((t.event_object_table, t.event_manipulation));
    }
    schema
}

/// The tables and columns `server/src/db/schema.rs` declares.
fn declared_columns() -> Columns {
    let text = include_str!("../../src/db/schema.rs");
    let mut columns = Columns::new();
    let mut table: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some((name, _)) = line.split_once(" (").filter(|_| line.ends_with('{')) {
            table = Some(name.trim().to_string());
            columns.insert(name.trim().to_string(), BTreeMap::new());
        } else if let (Some(t), Some((column, ty))) = (&table, line.split_once(" -> ")) {
            let ty = ty.trim_end_matches(',');
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>'), true),
                None => (ty, false),
            };
            let column = column.trim().trim_start_matches("r#").to_string();
            columns
                .get_mut(t)
                .expect("table")
                .insert(column, (ty.to_string(), nullable));
        } else if line == "}" {
            table = None;
        }
    }
    columns
}

fn migrated_sqlite() -> (tempfile::TempDir, Schema) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema.db");
    Db::open(&DatabaseUrl::Sqlite(path.clone()), 1)
        .unwrap()
        .migrate()
        .unwrap();
    let mut conn = SqliteConnection::establish(&path.display().to_string()).unwrap();
    let schema = sqlite_schema(&mut conn);
    (dir, schema)
}

#[test]
fn schema_rs_matches_the_migrations() {
    let (_dir, sqlite) = migrated_sqlite();
    assert!(sqlite.columns.len() >= 10, "{:?}", sqlite.columns.keys());
    let declared = declared_columns();
    assert_eq!(
        declared.keys().collect::<Vec<_>>(),
        sqlite.columns.keys().collect::<Vec<_>>(),
        "the tables in schema.rs and in the migrations"
    );
    for (table, columns) in &sqlite.columns {
        assert_eq!(
            &declared[table], columns,
            "the columns of {table} in schema.rs"
        );
    }
}

#[test]
fn both_backends_migrate_to_the_same_schema() {
    let Some(admin_url) = postgres_url() else {
        return;
    };
    let (_dir, sqlite) = migrated_sqlite();
    let database = PgDatabase::create(&admin_url);
    Db::open(&DatabaseUrl::Postgres(database.url.clone()), 1)
        .unwrap()
        .migrate()
        .unwrap();
    let postgres = postgres_schema(&mut PgConnection::establish(&database.url).unwrap());
    for (table, columns) in &sqlite.columns {
        assert_eq!(
            Some(columns),
            postgres.columns.get(table),
            "the columns of {table} on SQLite and on PostgreSQL"
        );
    }
    assert_eq!(
        sqlite.columns.keys().collect::<Vec<_>>(),
        postgres.columns.keys().collect::<Vec<_>>(),
        "the tables"
    );
    assert_eq!(sqlite.indexes, postgres.indexes, "the indexes");
    assert_eq!(
        sqlite.guarded, postgres.guarded,
        "the events triggers guard"
    );
    assert!(
        sqlite
            .guarded
            .contains(&("audit_log".into(), "DELETE".into())),
        "{:?}",
        sqlite.guarded
    );
}
