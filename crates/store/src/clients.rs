//! Clients (job seekers) and their identity codes. Creating a client and listing the clients
//! of an organisation are logged accesses; [`Store::client`] and [`Store::client_by_hetu`]
//! serve the authorisation decision only and log nothing.

use kirjuri_domain::{Client, ClientId, Hetu, NewClient, OrgId};

use crate::access::{Access, AccessAction};
use crate::rows::{client_from_row, parse_ts, ts, CLIENT_COLS};
use crate::{Store, StoreError};

impl Store {
    pub async fn create_client(&self, new: NewClient, by: &Access) -> Result<Client, StoreError> {
        let id = ClientId::from_uuid(self.ids.next());
        let now = self.now();
        let logged = self.logged(by, id)?;
        let by = by.user;
        let client = Client {
            id,
            hetu: new.hetu,
            first_name: new.first_name,
            last_name: new.last_name,
            language: new.language,
            org_id: new.org_id,
            created_at: parse_ts(&ts(now))?,
        };
        let row = client.clone();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO clients (id, hetu, first_name, last_name, language, org_id, created_at, created_by)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(row.id.to_string())
                    .bind(row.hetu.as_str())
                    .bind(row.first_name.as_str())
                    .bind(row.last_name.as_str())
                    .bind(row.language.code())
                    .bind(row.org_id.to_string())
                    .bind(ts(now))
                    .bind(by.to_string())
                    .execute(&mut *tx)
                    .await?;
                    logged.record(tx, leaves, now, AccessAction::Write, "client").await
                })
            })
            .await?;
        Ok(client)
    }

    /// The client row for the authorisation decision only: nothing is logged, so a caller that
    /// shows the client to a user reads it through [`Store::read_client`].
    pub async fn client(&self, id: ClientId) -> Result<Client, StoreError> {
        let row = sqlx::query(&format!("SELECT {CLIENT_COLS} FROM clients WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("client"))?;
        client_from_row(&row)
    }

    /// Reads a client for a user, logging the read.
    pub async fn read_client(&self, id: ClientId, by: &Access) -> Result<Client, StoreError> {
        let client = self.client(id).await?;
        self.log(by, id, AccessAction::Read, "client").await?;
        Ok(client)
    }

    /// Finds a client by identity code for the authorisation decision only (not logged; see
    /// [`Store::client`]).
    pub async fn client_by_hetu(&self, hetu: &Hetu) -> Result<Client, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CLIENT_COLS} FROM clients WHERE hetu = $1"
        ))
        .bind(hetu.as_str())
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("client"))?;
        client_from_row(&row)
    }

    /// Clients of one organisation, by name, a page at a time; each listed client's record
    /// logs the read.
    pub async fn clients_of_org(
        &self,
        org: OrgId,
        limit: i64,
        offset: i64,
        by: &Access,
    ) -> Result<Vec<Client>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CLIENT_COLS} FROM clients WHERE org_id = $1
             ORDER BY last_name, first_name, id LIMIT $2 OFFSET $3"
        ))
        .bind(org.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let clients = rows
            .iter()
            .map(client_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let logs = clients
            .iter()
            .map(|c| self.logged(by, c.id))
            .collect::<Result<Vec<_>, _>>()?;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    for logged in logs {
                        logged
                            .record(tx, leaves, now, AccessAction::Read, "client_list")
                            .await?;
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(clients)
    }
}

/// The client `id` inside a write's transaction, or "not found".
pub(crate) async fn require_client(
    conn: &mut sqlx::AnyConnection,
    id: ClientId,
) -> Result<Client, StoreError> {
    let row = sqlx::query(&format!("SELECT {CLIENT_COLS} FROM clients WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("client"))?;
    client_from_row(&row)
}
