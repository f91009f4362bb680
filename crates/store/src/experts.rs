//! The client's responsible expert (A8): an official of the client's employment authority, the
//! latest assignment in force, earlier ones kept as history.

use chrono::NaiveDate;
use kirjuri_domain::{ClientId, ResponsibleExpert, UserId};
use kirjuri_ledger::EventType;

use crate::access::{Access, AccessAction};
use crate::clients::require_client;
use crate::ledger;
use crate::rows::{expert_from_row, ts, EXPERT_SELECT};
use crate::users::require_official_of;
use crate::{Store, StoreError};

impl Store {
    /// Makes `official` the client's responsible expert from `from` (A8). The official must
    /// work for the client's employment authority.
    pub async fn assign_responsible_expert(
        &self,
        client: ClientId,
        official: UserId,
        from: NaiveDate,
        by: &Access,
    ) -> Result<ResponsibleExpert, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let by = by.user;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let c = require_client(tx, client).await?;
                    require_official_of(tx, official, c.org_id).await?;
                    let seq: i64 = sqlx::query_scalar(
                        "INSERT INTO responsible_experts (client_id, official_id, from_date, recorded_at, recorded_by)
                         VALUES ($1, $2, $3, $4, $5) RETURNING seq",
                    )
                    .bind(client.to_string())
                    .bind(official.to_string())
                    .bind(from.to_string())
                    .bind(ts(now))
                    .bind(by.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    leaf.defer(leaves, &ledger::RESPONSIBLE_EXPERTS, &seq.to_string(), EventType::OfficialAction, now);
                    logged.record(tx, leaves, now, AccessAction::Write, "responsible_experts").await?;
                    let row = sqlx::query(&format!("{EXPERT_SELECT} WHERE r.seq = $1"))
                        .bind(seq)
                        .fetch_one(&mut *tx)
                        .await?;
                    expert_from_row(&row)
                })
            })
            .await
    }

    /// Whether `official` is the client's responsible expert in force (the latest
    /// assignment). For the authorisation decision only: not logged.
    pub async fn is_responsible_expert(
        &self,
        client: ClientId,
        official: UserId,
    ) -> Result<bool, StoreError> {
        let current: Option<String> = sqlx::query_scalar(
            "SELECT official_id FROM responsible_experts WHERE client_id = $1
             ORDER BY seq DESC LIMIT 1",
        )
        .bind(client.to_string())
        .fetch_optional(&self.read)
        .await?;
        Ok(current.as_deref() == Some(official.to_string().as_str()))
    }

    /// Responsible-expert assignments, latest (in force) first.
    pub async fn responsible_experts(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<ResponsibleExpert>, StoreError> {
        self.log(by, client, AccessAction::Read, "responsible_experts")
            .await?;
        let rows = sqlx::query(&format!(
            "{EXPERT_SELECT} WHERE r.client_id = $1 ORDER BY r.seq DESC"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(expert_from_row).collect()
    }
}
