//! The `clients` table.

use crate::db::schema::{client_terms, clients};
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use visadesk_app::domain::client::{
    Client, ClientInput, ClientPage, ClientSort, ClientSummary, Education, LanguageSkill, Work,
    CLIENT_PAGE_SIZE, SEARCH_COUNT_CAP,
};
use visadesk_app::domain::search::{client_terms, prefix_end, query_tokens, Searchable};
use visadesk_app::domain::Language;
use visadesk_app::eligibility::EligibilityFacts;

/// A row of `clients`.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = clients, treat_none_as_default_value = false)]
pub struct ClientRow {
    pub id: String,
    pub version: i64,
    pub full_name: String,
    pub latin_name: String,
    pub search_text: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub date_of_birth: String,
    pub nationality: String,
    pub passport_number: String,
    pub passport_expiry: String,
    pub profile: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub created_by: Option<String>,
    pub preferred_language: String,
}

/// The lists kept as JSON in `profile`.
#[derive(Serialize, Deserialize, Default)]
struct Profile {
    education: Vec<Education>,
    work: Vec<Work>,
    languages: Vec<LanguageSkill>,
    #[serde(default)]
    eligibility: EligibilityFacts,
}

/// The columns a save writes (all but id and creation facts).
#[derive(AsChangeset, Insertable)]
#[diesel(table_name = clients)]
struct ClientChanges {
    version: i64,
    full_name: String,
    latin_name: String,
    search_text: String,
    email: String,
    phone: String,
    address: String,
    date_of_birth: String,
    nationality: String,
    passport_number: String,
    passport_expiry: String,
    profile: String,
    updated_at: i64,
    preferred_language: &'static str,
}

fn search_text(d: &ClientInput) -> String {
    format!("{} {}", d.full_name, d.latin_name).to_lowercase()
}

fn profile_json(d: &ClientInput) -> Result<String, ServerError> {
    let p = Profile {
        education: d.education.clone(),
        work: d.work.clone(),
        languages: d.languages.clone(),
        eligibility: d.eligibility.clone(),
    };
    serde_json::to_string(&p)
        .map_err(|e| ServerError::CorruptData(format!("profile could not be stored: {e}")))
}

impl ClientRow {
    /// The client as the app sees it.
    pub fn client(self) -> Result<Client, ServerError> {
        let profile: Profile = serde_json::from_str(&self.profile).map_err(|e| {
            ServerError::CorruptData(format!("client {} has an unreadable profile: {e}", self.id))
        })?;
        Ok(Client {
            id: self.id.into(),
            version: self.version,
            details: ClientInput {
                full_name: self.full_name,
                latin_name: self.latin_name,
                email: self.email,
                phone: self.phone,
                address: self.address,
                date_of_birth: self.date_of_birth,
                nationality: self.nationality,
                passport_number: self.passport_number,
                passport_expiry: self.passport_expiry,
                education: profile.education,
                work: profile.work,
                languages: profile.languages,
                eligibility: profile.eligibility,
                // A code no longer spoken reads as English.
                preferred_language: Language::from_code(&self.preferred_language)
                    .unwrap_or_default(),
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }

    fn summary(self) -> ClientSummary {
        ClientSummary {
            id: self.id.into(),
            full_name: self.full_name,
            latin_name: self.latin_name,
            email: self.email,
            nationality: self.nationality,
            passport_number: self.passport_number,
            updated_at: self.updated_at,
        }
    }
}

impl ClientChanges {
    fn new(d: &ClientInput, version: i64, now: i64) -> Result<ClientChanges, ServerError> {
        Ok(ClientChanges {
            version,
            full_name: d.full_name.clone(),
            latin_name: d.latin_name.clone(),
            search_text: search_text(d),
            email: d.email.clone(),
            phone: d.phone.clone(),
            address: d.address.clone(),
            date_of_birth: d.date_of_birth.clone(),
            nationality: d.nationality.clone(),
            passport_number: d.passport_number.clone(),
            passport_expiry: d.passport_expiry.clone(),
            profile: profile_json(d)?,
            updated_at: now,
            preferred_language: d.preferred_language.code(),
        })
    }
}

/// A new client's row (version 1), for bulk inserts.
pub fn new_row(d: &ClientInput, by: Option<&str>, now: i64) -> Result<ClientRow, ServerError> {
    let c = ClientChanges::new(d, 1, now)?;
    Ok(ClientRow {
        id: uuid::Uuid::new_v4().to_string(),
        version: 1,
        full_name: c.full_name,
        latin_name: c.latin_name,
        search_text: c.search_text,
        email: c.email,
        phone: c.phone,
        address: c.address,
        date_of_birth: c.date_of_birth,
        nationality: c.nationality,
        passport_number: c.passport_number,
        passport_expiry: c.passport_expiry,
        profile: c.profile,
        created_at: now,
        updated_at: now,
        created_by: by.map(str::to_string),
        preferred_language: c.preferred_language.to_string(),
    })
}

/// Inserts many clients at once (multi-row inserts on the concrete connection).
pub fn insert_many(conn: &mut DbConnection, rows: &[ClientRow]) -> Result<(), ServerError> {
    for chunk in rows.chunks(500) {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(clients::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(clients::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    let terms: Vec<(String, String)> = rows
        .iter()
        .flat_map(|r| row_terms(r).into_iter().map(move |t| (t, r.id.clone())))
        .collect();
    insert_terms(conn, &terms)
}

/// The search terms of a stored client.
fn row_terms(r: &ClientRow) -> Vec<String> {
    client_terms(&Searchable {
        full_name: &r.full_name,
        latin_name: &r.latin_name,
        email: &r.email,
        passport_number: &r.passport_number,
        nationality: &r.nationality,
    })
}

fn input_terms(d: &ClientInput) -> Vec<String> {
    client_terms(&Searchable {
        full_name: &d.full_name,
        latin_name: &d.latin_name,
        email: &d.email,
        passport_number: &d.passport_number,
        nationality: &d.nationality,
    })
}

/// Inserts (term, client id) pairs, many rows per statement.
fn insert_terms(conn: &mut DbConnection, terms: &[(String, String)]) -> Result<(), ServerError> {
    for chunk in terms.chunks(1000) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(t, id)| (client_terms::term.eq(t), client_terms::client_id.eq(id)))
            .collect();
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(client_terms::table)
                .values(&values)
                .execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(client_terms::table)
                .values(&values)
                .execute(c)?,
        };
    }
    Ok(())
}

/// Replaces a client's search terms.
fn set_terms(conn: &mut DbConnection, id: &str, d: &ClientInput) -> Result<(), ServerError> {
    diesel::delete(client_terms::table.filter(client_terms::client_id.eq(id))).execute(conn)?;
    let terms: Vec<(String, String)> = input_terms(d)
        .into_iter()
        .map(|t| (t, id.to_string()))
        .collect();
    insert_terms(conn, &terms)
}

/// Builds the search terms of every client when there are clients but no
/// terms (a database from before the terms table); returns how many
/// clients were indexed. Call inside a write transaction.
pub fn fill_missing_terms(conn: &mut DbConnection) -> Result<usize, ServerError> {
    let a_client: Option<String> = clients::table.select(clients::id).first(conn).optional()?;
    let a_term: Option<String> = client_terms::table
        .select(client_terms::term)
        .first(conn)
        .optional()?;
    if a_client.is_none() || a_term.is_some() {
        return Ok(0);
    }
    let rows: Vec<ClientRow> = clients::table.select(ClientRow::as_select()).load(conn)?;
    let terms: Vec<(String, String)> = rows
        .iter()
        .flat_map(|r| row_terms(r).into_iter().map(move |t| (t, r.id.clone())))
        .collect();
    insert_terms(conn, &terms)?;
    Ok(rows.len())
}

/// Inserts a new client (version 1); returns its id.
pub fn insert(
    conn: &mut DbConnection,
    d: &ClientInput,
    by: Option<&str>,
    now: i64,
) -> Result<String, ServerError> {
    let id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(clients::table)
        .values((
            clients::id.eq(&id),
            clients::created_at.eq(now),
            clients::created_by.eq(by),
            ClientChanges::new(d, 1, now)?,
        ))
        .execute(conn)?;
    set_terms(conn, &id, d)?;
    Ok(id)
}

/// Saves `d` over the client if it is still at `base_version`; returns
/// whether it was (false: someone saved in between, or it is gone).
pub fn update_if_version(
    conn: &mut DbConnection,
    id: &str,
    base_version: i64,
    d: &ClientInput,
    now: i64,
) -> Result<bool, ServerError> {
    let n = diesel::update(
        clients::table
            .filter(clients::id.eq(id))
            .filter(clients::version.eq(base_version)),
    )
    .set(ClientChanges::new(d, base_version + 1, now)?)
    .execute(conn)?;
    if n == 1 {
        set_terms(conn, id, d)?;
    }
    Ok(n == 1)
}

/// The client with this id.
pub fn by_id(conn: &mut DbConnection, id: &str) -> Result<Option<Client>, ServerError> {
    let row: Option<ClientRow> = clients::table
        .find(id)
        .select(ClientRow::as_select())
        .first(conn)
        .optional()?;
    row.map(ClientRow::client).transpose()
}

/// Other clients with the same email or passport number.
pub fn likely_duplicates(
    conn: &mut DbConnection,
    d: &ClientInput,
    except: Option<&str>,
) -> Result<Vec<ClientSummary>, ServerError> {
    if d.email.is_empty() && d.passport_number.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = clients::table.select(ClientRow::as_select()).into_boxed();
    q = match (d.email.is_empty(), d.passport_number.is_empty()) {
        (false, false) => q.filter(
            clients::email
                .eq(d.email.clone())
                .or(clients::passport_number.eq(d.passport_number.clone())),
        ),
        (false, true) => q.filter(clients::email.eq(d.email.clone())),
        _ => q.filter(clients::passport_number.eq(d.passport_number.clone())),
    };
    if let Some(id) = except {
        q = q.filter(clients::id.ne(id.to_string()));
    }
    Ok(q.limit(10)
        .load(conn)?
        .into_iter()
        .map(ClientRow::summary)
        .collect())
}

/// A page of clients matching `q`: every word of it starts a word of the
/// name (in any script), the email, the passport number or the nationality.
/// Past [`SEARCH_COUNT_CAP`] matches, the first that many found are listed
/// and `more` says there are others: a search stays fast however broad.
pub fn search(
    conn: &mut DbConnection,
    q: &str,
    sort: ClientSort,
    page: i64,
) -> Result<ClientPage, ServerError> {
    let q = q.trim();
    let page = page.max(1);
    let tokens = query_tokens(q);
    let order =
        |query: clients::BoxedQuery<'static, <DbConnection as Connection>::Backend>| match sort {
            ClientSort::Name => query.order((clients::full_name.asc(), clients::id.asc())),
            ClientSort::RecentlyUpdated => {
                query.order((clients::updated_at.desc(), clients::id.asc()))
            }
            ClientSort::Nationality => {
                query.order((clients::nationality.asc(), clients::full_name.asc()))
            }
        };
    let offset = (page - 1) * CLIENT_PAGE_SIZE;
    let (rows, total, more): (Vec<ClientRow>, i64, bool) = match tokens.split_first() {
        None if !q.is_empty() => (Vec::new(), 0, false), // only punctuation
        None => {
            let total = clients::table.count().get_result(conn)?;
            let rows = order(clients::table.into_boxed())
                .select(ClientRow::as_select())
                .limit(CLIENT_PAGE_SIZE)
                .offset(offset)
                .load(conn)?;
            (rows, total, false)
        }
        Some((first, rest)) => {
            // Matching ids, up to the cap: an index range scan of the first
            // token's terms in index order (the same on both backends), each
            // checked for the other tokens. A client can match through
            // several terms, so read a few times the cap and keep the first
            // of each.
            let mut ids = client_terms::table
                .filter(client_terms::term.ge(first.clone()))
                .filter(client_terms::term.lt(prefix_end(first)))
                .order((client_terms::term.asc(), client_terms::client_id.asc()))
                .select(client_terms::client_id)
                .limit(4 * (SEARCH_COUNT_CAP + 1))
                .into_boxed();
            for token in rest {
                let t2 = diesel::alias!(client_terms as t2);
                ids = ids.filter(diesel::dsl::exists(
                    t2.filter(
                        t2.field(client_terms::client_id)
                            .eq(client_terms::client_id),
                    )
                    .filter(t2.field(client_terms::term).ge(token.clone()))
                    .filter(t2.field(client_terms::term).lt(prefix_end(token))),
                ));
            }
            let mut seen = std::collections::HashSet::new();
            let mut found: Vec<String> = ids.load::<String>(conn)?;
            found.retain(|id| seen.insert(id.clone()));
            // Past the cap, the page is drawn from the first matches found,
            // so paging stays consistent and the work stays bounded.
            let more = found.len() as i64 > SEARCH_COUNT_CAP;
            found.truncate(SEARCH_COUNT_CAP as usize);
            let total = found.len() as i64;
            let rows = order(clients::table.into_boxed())
                .filter(clients::id.eq_any(found))
                .select(ClientRow::as_select())
                .limit(CLIENT_PAGE_SIZE)
                .offset(offset)
                .load(conn)?;
            (rows, total, more)
        }
    };
    Ok(ClientPage {
        clients: rows.into_iter().map(ClientRow::summary).collect(),
        total,
        more,
        page,
    })
}
