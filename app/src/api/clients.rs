//! Clients: list, read, create and edit.

use crate::domain::client::{Client, ClientInput, ClientPage, SaveOutcome};
use crate::domain::ClientId;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::context::{backend, require, respond};
#[cfg(feature = "ssr")]
use crate::domain::{client::ClientSort, Permission};

/// A page of clients matching `q` (name in any script, email, passport
/// number or two-letter nationality), sorted by `sort` (name, updated or
/// nationality).
#[server(prefix = "/api", endpoint = "list_clients")]
pub async fn list_clients(
    q: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
) -> Result<ClientPage, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewClients).await?;
            let q: String = q.unwrap_or_default().chars().take(200).collect();
            let sort = ClientSort::from_code(sort.as_deref().unwrap_or(""));
            backend()?
                .list_clients(&actor.user, q, sort, page.unwrap_or(1).clamp(1, 100_000))
                .await
        }
        .await,
    )
}

/// One client.
#[server(prefix = "/api", endpoint = "get_client")]
pub async fn get_client(id: ClientId) -> Result<Client, AppError> {
    respond(
        async move {
            let actor = require(Permission::ViewClients).await?;
            backend()?.get_client(&actor.user, &id).await
        }
        .await,
    )
}

/// Creates (`id` absent) or updates a client. Every broken input rule comes
/// back at once, tied to its field; see [`SaveOutcome`] for the outcomes.
#[server(prefix = "/api", endpoint = "save_client", input = Json)]
pub async fn save_client(
    id: Option<ClientId>,
    base_version: Option<i64>,
    details: ClientInput,
    confirm_duplicate: bool,
) -> Result<SaveOutcome, AppError> {
    use super::port::ClientSave;
    use crate::domain::{client::validate_client, date::Date};
    respond(
        async move {
            let actor = require(Permission::EditClients).await?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default();
            let details =
                validate_client(&details, Date::from_unix(now)).map_err(AppError::InvalidFields)?;
            backend()?
                .save_client(
                    &actor,
                    ClientSave {
                        id,
                        base_version,
                        details,
                        confirm_duplicate,
                    },
                )
                .await
        }
        .await,
    )
}
