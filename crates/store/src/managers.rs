//! Manager grants (issue 14, migration 21): an official's (or KEHA official's) account that an
//! administrator of its organisation has made a manager sees that organisation's compliance
//! reports. Every grant and revocation is a `manager_grant_events` row with who made it, a
//! ledger leaf each; `managers` holds the grants in force (a work index: inserted with a
//! `granted` event, deleted with its `revoked` one). Who may grant, and to whom, is the
//! application layer's policy; the store records.

use chrono::{DateTime, Utc};
use kirjuri_domain::{OrgId, UserId};
use kirjuri_ledger::EventType;
use sqlx::Row;

use crate::ledger::{self, LeafParams};
use crate::rows::{corrupt, parse_ts, ts};
use crate::{Store, StoreError};

/// A manager grant in force: whose, for which organisation, since when and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerGrant {
    pub user_id: UserId,
    pub org_id: OrgId,
    pub granted_at: DateTime<Utc>,
    /// The administrator who gave it.
    pub by_user: UserId,
}

fn grant_from_row(r: &sqlx::any::AnyRow) -> Result<ManagerGrant, StoreError> {
    let id = |col: &str| -> Result<String, StoreError> { Ok(r.try_get::<String, _>(col)?) };
    Ok(ManagerGrant {
        user_id: id("user_id")?
            .parse()
            .map_err(|e| corrupt("managers.user_id", e))?,
        org_id: id("org_id")?
            .parse()
            .map_err(|e| corrupt("managers.org_id", e))?,
        granted_at: parse_ts(&id("granted_at")?)?,
        by_user: id("by_user")?
            .parse()
            .map_err(|e| corrupt("managers.by_user", e))?,
    })
}

impl Store {
    /// The manager grant `user` holds, if any. Only a grant for the organisation the account
    /// belongs to counts. Serves the authorisation decision: unlogged, no client data.
    pub async fn manager_grant(&self, user: UserId) -> Result<Option<ManagerGrant>, StoreError> {
        let row = sqlx::query(
            "SELECT m.user_id, m.org_id, m.granted_at, m.by_user
               FROM managers m JOIN users u ON u.id = m.user_id AND u.org_id = m.org_id
              WHERE m.user_id = $1",
        )
        .bind(user.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(grant_from_row).transpose()
    }

    /// The manager grants in force for accounts of `org` (an administrator's list of their
    /// organisation's accounts). Unlogged: no client data.
    pub async fn managers_of_org(&self, org: OrgId) -> Result<Vec<ManagerGrant>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.user_id, m.org_id, m.granted_at, m.by_user
               FROM managers m JOIN users u ON u.id = m.user_id AND u.org_id = m.org_id
              WHERE m.org_id = $1 ORDER BY m.user_id",
        )
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(grant_from_row).collect()
    }

    /// Makes `user` a manager of `org` on administrator `by`'s behalf: the grant in force and
    /// its `granted` event with its ledger leaf, in one write job. A grant already in force is
    /// left as it is (nothing is written); the answer is the grant in force and whether this
    /// call made it.
    pub async fn grant_manager(
        &self,
        user: UserId,
        org: OrgId,
        by: UserId,
    ) -> Result<(ManagerGrant, bool), StoreError> {
        let leaf = LeafParams::new(self.keys()?.subject(&user.to_string()), self.ids.salt());
        let now = self.now();
        let made = self
            .writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let inserted = sqlx::query(
                        "INSERT INTO managers (user_id, org_id, granted_at, by_user)
                         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING",
                    )
                    .bind(user.to_string())
                    .bind(org.to_string())
                    .bind(ts(now))
                    .bind(by.to_string())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if inserted == 0 {
                        return Ok(false);
                    }
                    let seq = insert_event(tx, now, "granted", user, org, by).await?;
                    leaf.defer(
                        leaves,
                        &ledger::MANAGER_GRANT_EVENTS,
                        &seq.to_string(),
                        EventType::OfficialAction,
                        now,
                    );
                    Ok(true)
                })
            })
            .await?;
        let grant = self
            .manager_grant_written(user)
            .await?
            .ok_or(StoreError::NotFound("manager grant"))?;
        Ok((grant, made))
    }

    /// Takes away `user`'s manager grant on administrator `by`'s behalf: the grant in force is
    /// deleted and a `revoked` event with its ledger leaf recorded, in one write job. `false`
    /// when no grant was in force (nothing is written).
    pub async fn revoke_manager(&self, user: UserId, by: UserId) -> Result<bool, StoreError> {
        let leaf = LeafParams::new(self.keys()?.subject(&user.to_string()), self.ids.salt());
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let org: Option<String> =
                        sqlx::query_scalar("SELECT org_id FROM managers WHERE user_id = $1")
                            .bind(user.to_string())
                            .fetch_optional(&mut *tx)
                            .await?;
                    let Some(org) = org else {
                        return Ok(false);
                    };
                    let org: OrgId = org.parse().map_err(|e| corrupt("managers.org_id", e))?;
                    let deleted = sqlx::query("DELETE FROM managers WHERE user_id = $1")
                        .bind(user.to_string())
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if deleted == 0 {
                        return Ok(false);
                    }
                    let seq = insert_event(tx, now, "revoked", user, org, by).await?;
                    leaf.defer(
                        leaves,
                        &ledger::MANAGER_GRANT_EVENTS,
                        &seq.to_string(),
                        EventType::OfficialAction,
                        now,
                    );
                    Ok(true)
                })
            })
            .await
    }

    /// The grant row as written (through the writer's side, so a grant just committed is
    /// seen whatever connection reads next).
    async fn manager_grant_written(
        &self,
        user: UserId,
    ) -> Result<Option<ManagerGrant>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, org_id, granted_at, by_user FROM managers WHERE user_id = $1",
        )
        .bind(user.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(grant_from_row).transpose()
    }
}

async fn insert_event(
    tx: &mut sqlx::AnyConnection,
    now: DateTime<Utc>,
    event: &'static str,
    user: UserId,
    org: OrgId,
    by: UserId,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO manager_grant_events (at, event, user_id, org_id, by_user)
         VALUES ($1, $2, $3, $4, $5) RETURNING seq",
    )
    .bind(ts(now))
    .bind(event)
    .bind(user.to_string())
    .bind(org.to_string())
    .bind(by.to_string())
    .fetch_one(&mut *tx)
    .await?)
}
