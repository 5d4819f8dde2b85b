//! The `documents` table: each uploaded version of a checklist item.

use crate::db::schema::{checklist_items, documents};
use crate::db::DbConnection;
use crate::documents::pipeline::StoredVersion;
use crate::error::ServerError;
use diesel::prelude::*;
use std::collections::HashMap;
use visadesk_app::domain::checklist::{DocumentKind, ItemStatus};
use visadesk_app::domain::document::{DocumentVersion, Review};

/// A row of `documents`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = documents, treat_none_as_default_value = false)]
pub struct DocumentRow {
    pub id: String,
    pub case_id: String,
    pub item_id: String,
    pub version: i64,
    pub file_name: String,
    /// The sniffed media type.
    pub content_type: String,
    pub size: i64,
    /// Hex SHA-256 of the original bytes.
    pub sha256: String,
    pub storage_key: String,
    pub key_id: String,
    /// Hex of the data key wrapped by master key `key_id`.
    pub wrapped_key: String,
    pub duplicate_of: Option<String>,
    pub uploaded_by: Option<String>,
    pub uploaded_by_name: String,
    pub by_applicant: bool,
    pub uploaded_at: i64,
    pub review: String,
    pub review_reason: String,
    pub reviewed_by_name: String,
    pub reviewed_at: Option<i64>,
}

impl DocumentRow {
    /// The review, refusing a value the database should never hold.
    pub fn review(&self) -> Result<Review, ServerError> {
        Review::from_code(&self.review, &self.review_reason).ok_or_else(|| {
            ServerError::CorruptData(format!("document {} has an unknown review", self.id))
        })
    }

    /// What reading its stored object needs.
    pub fn stored(&self) -> StoredVersion {
        StoredVersion {
            document_id: self.id.clone(),
            version: self.version,
            storage_key: self.storage_key.clone(),
            key_id: self.key_id.clone(),
            wrapped_key: self.wrapped_key.clone(),
            sha256: self.sha256.clone(),
            size: self.size,
        }
    }
}

/// Inserts a document version.
pub fn insert(conn: &mut DbConnection, row: &DocumentRow) -> Result<(), ServerError> {
    diesel::insert_into(documents::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The document with this id.
pub fn by_id(conn: &mut DbConnection, id: &str) -> Result<Option<DocumentRow>, ServerError> {
    Ok(documents::table
        .find(id)
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The highest version uploaded for an item (0 when none).
pub fn last_version(conn: &mut DbConnection, item_id: &str) -> Result<i64, ServerError> {
    let last: Option<i64> = documents::table
        .filter(documents::item_id.eq(item_id))
        .select(diesel::dsl::max(documents::version))
        .first(conn)?;
    Ok(last.unwrap_or(0))
}

/// An earlier document of the case with the same bytes, if any.
pub fn same_bytes(
    conn: &mut DbConnection,
    case_id: &str,
    sha256: &str,
) -> Result<Option<DocumentRow>, ServerError> {
    Ok(documents::table
        .filter(documents::case_id.eq(case_id))
        .filter(documents::sha256.eq(sha256))
        .order(documents::uploaded_at.asc())
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records a review decision.
pub fn set_review(
    conn: &mut DbConnection,
    id: &str,
    review: &Review,
    by_name: &str,
    now: i64,
) -> Result<(), ServerError> {
    let reason = match review {
        Review::Rejected(r) => r.as_str(),
        _ => "",
    };
    diesel::update(documents::table.find(id))
        .set((
            documents::review.eq(review.code()),
            documents::review_reason.eq(reason),
            documents::reviewed_by_name.eq(by_name),
            documents::reviewed_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every stored object's key (for sweeping objects no row points at).
pub fn storage_keys(conn: &mut DbConnection) -> Result<Vec<String>, ServerError> {
    Ok(documents::table.select(documents::storage_key).load(conn)?)
}

/// Every document row (for the integrity check after a crash).
pub fn all(conn: &mut DbConnection) -> Result<Vec<DocumentRow>, ServerError> {
    Ok(documents::table
        .order(documents::uploaded_at.asc())
        .select(DocumentRow::as_select())
        .load(conn)?)
}

/// Up to `limit` document rows with ids after `after`, in id order (the
/// scrub pages through every version this way).
pub fn page_after(
    conn: &mut DbConnection,
    after: &str,
    limit: i64,
) -> Result<Vec<DocumentRow>, ServerError> {
    Ok(documents::table
        .filter(documents::id.gt(after))
        .order(documents::id.asc())
        .limit(limit)
        .select(DocumentRow::as_select())
        .load(conn)?)
}

/// A case's document versions by checklist item, newest first, with
/// duplicates described by the earlier document's item and version.
pub fn versions_for_case(
    conn: &mut DbConnection,
    case_id: &str,
) -> Result<HashMap<String, Vec<DocumentVersion>>, ServerError> {
    let rows: Vec<(DocumentRow, String)> = documents::table
        .inner_join(checklist_items::table)
        .filter(documents::case_id.eq(case_id))
        .order((documents::item_id.asc(), documents::version.desc()))
        .select((DocumentRow::as_select(), checklist_items::kind))
        .load(conn)?;
    let names: HashMap<String, String> = rows
        .iter()
        .map(|(d, kind)| {
            let label = DocumentKind::from_code(kind).map_or("Document", |k| k.label());
            (d.id.clone(), format!("{label}, version {}", d.version))
        })
        .collect();
    let mut by_item: HashMap<String, Vec<DocumentVersion>> = HashMap::new();
    for (row, _) in rows {
        let review = row.review()?;
        by_item
            .entry(row.item_id.clone())
            .or_default()
            .push(DocumentVersion {
                duplicate_of: row
                    .duplicate_of
                    .as_ref()
                    .and_then(|id| names.get(id).cloned()),
                id: row.id.into(),
                version: row.version,
                file_name: row.file_name,
                content_type: row.content_type,
                size: row.size,
                uploaded_by_name: row.uploaded_by_name,
                by_applicant: row.by_applicant,
                uploaded_at: row.uploaded_at,
                review,
                reviewed_by_name: row.reviewed_by_name,
            });
    }
    Ok(by_item)
}

/// The status an item has from its newest upload's review (used when an
/// upload arrives, on review, and when a waiver is lifted).
pub fn status_from_uploads(
    conn: &mut DbConnection,
    item_id: &str,
) -> Result<ItemStatus, ServerError> {
    let newest: Option<DocumentRow> = documents::table
        .filter(documents::item_id.eq(item_id))
        .order(documents::version.desc())
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?;
    Ok(match newest {
        None => ItemStatus::Missing,
        Some(row) => match row.review()? {
            Review::Pending => ItemStatus::Uploaded,
            Review::Accepted => ItemStatus::Accepted,
            Review::Rejected(reason) => ItemStatus::Rejected(reason),
        },
    })
}
