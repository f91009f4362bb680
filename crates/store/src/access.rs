//! The access log (Information Management Act 17 §): who read or wrote which client's data,
//! when and why. Every client-data method of the [`Store`] takes an [`Access`] and writes its
//! row itself, in the same transaction as a write, so no caller can forget it.
//! Each row is also a ledger leaf (event `access`), so the log is as tamper-evident as the
//! record it is about.

use chrono::{DateTime, Utc};
use kirjuri_domain::{ClientId, OrgId, PersonName, Role, ShortText, User, UserId};
use sqlx::Row;

use crate::ledger::{self, LeafParams, Pending};
use crate::rows::{parse_id, parse_ts, ts};
use crate::{Store, StoreError};

/// Who is acting, in which role and organisation, and why.
#[derive(Debug, Clone)]
pub struct Access {
    pub user: UserId,
    /// The user's name, for what the write returns (an entry names its author).
    pub user_name: PersonName,
    pub role: Role,
    pub org: Option<OrgId>,
    pub purpose: ShortText,
    /// Set by the policy when an official reaches another organisation's client with a stated
    /// reason: the access is allowed and flagged for review.
    pub flagged: bool,
}

impl Access {
    pub fn new(user: &User, purpose: ShortText, flagged: bool) -> Self {
        Self {
            user: user.id,
            user_name: user.display_name.clone(),
            role: user.role,
            org: user.org_id,
            purpose,
            flagged,
        }
    }
}

/// What an access did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessAction {
    Read,
    Write,
    Denied,
}

impl AccessAction {
    pub fn code(self) -> &'static str {
        match self {
            AccessAction::Read => "read",
            AccessAction::Write => "write",
            AccessAction::Denied => "denied",
        }
    }
    /// The action of a code (`read`, `write`, `denied`).
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "read" => Some(AccessAction::Read),
            "write" => Some(AccessAction::Write),
            "denied" => Some(AccessAction::Denied),
            _ => None,
        }
    }
    fn parse(s: &str) -> Result<Self, StoreError> {
        Self::from_code(s).ok_or_else(|| StoreError::Corrupt(format!("access action {s:?}")))
    }
}

/// One row of the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user_id: UserId,
    pub user_name: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub client_id: ClientId,
    pub action: AccessAction,
    pub resource: String,
    pub purpose: String,
    pub flagged: bool,
}

/// Filters for searching the log (supervisor).
#[derive(Debug, Clone, Default)]
pub struct AccessLogQuery {
    pub client: Option<ClientId>,
    pub user: Option<UserId>,
    pub flagged_only: bool,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub action: Option<AccessAction>,
    pub limit: i64,
    /// Only rows after this sequence number (the key of a page, issue 16).
    pub after_seq: Option<i64>,
    /// Leave out this user's rows (the job seeker's own view leaves out their own accesses).
    pub not_user: Option<UserId>,
}

/// Inserts one log row and its ledger leaf (inside the caller's transaction).
#[allow(clippy::too_many_arguments)] // one row of the log, column by column
async fn log(
    conn: &mut sqlx::AnyConnection,
    leaves: &mut Pending,
    at: DateTime<Utc>,
    access: &Access,
    client: ClientId,
    action: AccessAction,
    resource: &str,
    leaf: LeafParams,
) -> Result<(), StoreError> {
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO access_log (at, user_id, role, org_id, client_id, action, resource, purpose, flagged)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq",
    )
    .bind(ts(at))
    .bind(access.user.to_string())
    .bind(access.role.code())
    .bind(access.org.map(|o| o.to_string()))
    .bind(client.to_string())
    .bind(action.code())
    .bind(resource)
    .bind(access.purpose.as_str())
    .bind(i64::from(access.flagged))
    .fetch_one(&mut *conn)
    .await?;
    leaf.defer(
        leaves,
        &ledger::ACCESS_LOG,
        &seq.to_string(),
        kirjuri_ledger::EventType::Access,
        at,
    );
    Ok(())
}

const LOG_SELECT: &str =
    "SELECT a.seq, a.at, a.user_id, u.display_name, a.role, a.org_id, a.client_id, a.action,
            a.resource, a.purpose, a.flagged
     FROM access_log a JOIN users u ON u.id = a.user_id";

fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<AccessLogEntry, StoreError> {
    let org: Option<String> = row.try_get("org_id")?;
    Ok(AccessLogEntry {
        seq: row.try_get("seq")?,
        at: parse_ts(&row.try_get::<String, _>("at")?)?,
        user_id: parse_id(row, "user_id")?,
        user_name: row.try_get("display_name")?,
        role: parse_id(row, "role")?,
        org_id: org
            .map(|o| {
                o.parse()
                    .map_err(|e| StoreError::Corrupt(format!("org_id: {e}")))
            })
            .transpose()?,
        client_id: parse_id(row, "client_id")?,
        action: AccessAction::parse(&row.try_get::<String, _>("action")?)?,
        resource: row.try_get("resource")?,
        purpose: row.try_get("purpose")?,
        flagged: row.try_get::<i64, _>("flagged")? != 0,
    })
}

/// An access to log inside a write job: who, about which client, with the leaf's salt drawn
/// before the job (a salt is never shared between two leaves: erasing one opening must not
/// reveal the salt of another).
#[derive(Debug, Clone)]
pub(crate) struct Logged {
    access: Access,
    client: ClientId,
    leaf: LeafParams,
}

impl Logged {
    pub(crate) async fn record(
        self,
        tx: &mut sqlx::AnyConnection,
        leaves: &mut Pending,
        now: DateTime<Utc>,
        action: AccessAction,
        resource: &str,
    ) -> Result<(), StoreError> {
        log(
            tx,
            leaves,
            now,
            &self.access,
            self.client,
            action,
            resource,
            self.leaf,
        )
        .await
    }
}

impl Store {
    /// What a write job needs to log an access to `client` (with a leaf of its own salt).
    pub(crate) fn logged(&self, access: &Access, client: ClientId) -> Result<Logged, StoreError> {
        Ok(Logged {
            access: access.clone(),
            client,
            leaf: self.leaf_params(client)?,
        })
    }

    /// Logs an access on its own (a read, or a refused attempt), as one write.
    pub async fn log(
        &self,
        access: &Access,
        client: ClientId,
        action: AccessAction,
        resource: &'static str,
    ) -> Result<(), StoreError> {
        let logged = self.logged(access, client)?;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move { logged.record(tx, leaves, now, action, resource).await })
            })
            .await
    }

    /// The access-log rows about one client, oldest first (the client's own view of who has
    /// seen their data, and the supervisor's).
    pub async fn access_log_of_client(
        &self,
        client: ClientId,
    ) -> Result<Vec<AccessLogEntry>, StoreError> {
        self.search_access_log(&AccessLogQuery {
            client: Some(client),
            limit: 10_000,
            ..Default::default()
        })
        .await
    }

    /// Searches the access log (supervisor), oldest first.
    pub async fn search_access_log(
        &self,
        q: &AccessLogQuery,
    ) -> Result<Vec<AccessLogEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "{} WHERE ($1 IS NULL OR a.client_id = $1) AND ($2 IS NULL OR a.user_id = $2)
               AND ($3 = 0 OR a.flagged = 1) AND ($4 IS NULL OR a.at >= $4)
               AND ($5 IS NULL OR a.at < $5) AND ($6 IS NULL OR a.action = $6)
               AND a.seq > $8 AND ($9 IS NULL OR a.user_id <> $9)
             ORDER BY a.seq LIMIT $7",
            LOG_SELECT
        ))
        .bind(q.client.map(|c| c.to_string()))
        .bind(q.user.map(|u| u.to_string()))
        .bind(i64::from(q.flagged_only))
        .bind(q.from.map(ts))
        .bind(q.to.map(ts))
        .bind(q.action.map(|a| a.code()))
        .bind(q.limit)
        .bind(q.after_seq.unwrap_or(0))
        .bind(q.not_user.map(|u| u.to_string()))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }
}
