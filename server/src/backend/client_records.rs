//! The client port: search, read, and save with versions and duplicate checks.

use super::{access, By, VisadeskBackend};
use crate::auth::now;
use crate::error::ServerError;
use crate::store::audit::{self};
use crate::store::clients;
use visadesk_app::api::port::ClientPort;
use visadesk_app::api::port::{Actor, ClientSave};
use visadesk_app::domain::client::{changed_fields, Client, ClientPage, ClientSort, SaveOutcome};
use visadesk_app::domain::problem::Problem;
use visadesk_app::domain::Permission;
use visadesk_app::domain::{ClientId, CurrentUser};
use visadesk_app::i18n::problems::things;
use visadesk_app::i18n::Locale;
use visadesk_app::AppError;

#[async_trait::async_trait]
impl ClientPort for VisadeskBackend {
    async fn list_clients(
        &self,
        caller: &CurrentUser,
        query: String,
        sort: ClientSort,
        page: i64,
    ) -> Result<ClientPage, AppError> {
        access::require(caller, Permission::ViewClients)?;
        Ok(self
            .db
            .run(move |conn| clients::search(conn, &query, sort, page))
            .await?)
    }

    async fn get_client(&self, caller: &CurrentUser, id: &ClientId) -> Result<Client, AppError> {
        access::require(caller, Permission::ViewClients)?;
        let id = id.to_string();
        self.db
            .run(move |conn| clients::by_id(conn, &id))
            .await?
            .ok_or_else(|| AppError::NotFound("client".into()))
    }

    async fn save_client(&self, actor: &Actor, save: ClientSave) -> Result<SaveOutcome, AppError> {
        let by = By::actor(actor);
        Ok(self
            .db
            .write(move |conn| {
                let now = now();
                if !save.confirm_duplicate {
                    let matches = clients::likely_duplicates(
                        conn,
                        &save.details,
                        save.id.as_ref().map(ClientId::as_str),
                    )?;
                    if !matches.is_empty() {
                        return Ok(SaveOutcome::PossibleDuplicate(matches));
                    }
                }
                let d = &save.details;
                let id = match (save.id.as_ref().map(ClientId::as_str), save.base_version) {
                    (None, _) => {
                        let id = clients::insert(conn, d, by.id.as_deref(), now)?;
                        audit::append(
                            conn,
                            by.entry(
                                "client.create",
                                "client",
                                &id,
                                format!("created {}", d.full_name),
                            ),
                            now,
                        )?;
                        id
                    }
                    (Some(id), Some(base)) => {
                        let current = clients::by_id(conn, id)?
                            .ok_or_else(|| AppError::NotFound("client".into()))?;
                        if !clients::update_if_version(conn, id, base, d, now)? {
                            return Ok(SaveOutcome::Conflict(current));
                        }
                        let changed = changed_fields(&current.details, d);
                        let summary = if changed.is_empty() {
                            "saved without changes".to_string()
                        } else {
                            format!("{}: changed {}", d.full_name, things(Locale::en, &changed))
                        };
                        audit::append(conn, by.entry("client.update", "client", id, summary), now)?;
                        id.to_string()
                    }
                    (Some(_), None) => {
                        return Err(AppError::Request(Problem::MissingVersion).into())
                    }
                };
                let saved = clients::by_id(conn, &id)?.ok_or_else(|| {
                    ServerError::Invariant(format!("client {id} is gone right after it was saved"))
                })?;
                Ok(SaveOutcome::Saved(saved))
            })
            .await?)
    }
}
