//! Personal accounts: officials, KEHA officials, supervisors, administrators and job seekers,
//! each with a role and, for staff, the organisation they act for.

use chrono::{DateTime, Utc};
use kirjuri_domain::{
    ClientId, OrgId, OrgKind, Organisation, PersonName, Role, User, UserId, Username,
};
use kirjuri_ledger::EventType;
use sqlx::Row;

use crate::ledger::{self, LeafParams};
use crate::rows::{parse_ts, ts, user_from_row, USER_COLS};
use crate::{Backend, Store, StoreError};

/// Who created an account, when, with which role (issue 15 item 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEvent {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// `created`.
    pub event: String,
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_id: Option<OrgId>,
    pub by_user: UserId,
    /// The acting administrator's username and display name.
    pub by_username: String,
    pub by_display_name: String,
}

/// An account to be created.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub display_name: PersonName,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub client_id: Option<ClientId>,
    /// Argon2id PHC string, hashed by the caller.
    pub password_hash: Option<String>,
}

/// An organisation to create when a database is initialised (`kirjuri init`, issue 16).
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub kind: OrgKind,
    pub name_fi: PersonName,
    pub name_sv: PersonName,
}

impl Store {
    /// Whether the database already holds organisations: initialised by `kirjuri init` or
    /// filled by the demo.
    pub async fn is_initialised(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Initialises an empty database (issue 16): the organisations and the first
    /// administrator, of `organisations[admin_org]`, in one transaction, so either all of it
    /// is written or nothing. A database that already holds an organisation is
    /// [`StoreError::AlreadyInitialised`] (on PostgreSQL the table is locked first, so two
    /// initialisations at once cannot both pass the check).
    pub async fn initialise(
        &self,
        organisations: Vec<NewOrganisation>,
        admin_org: usize,
        admin: NewUser,
    ) -> Result<(Vec<Organisation>, User), StoreError> {
        if admin_org >= organisations.len() {
            return Err(StoreError::NotFound("administrator's organisation"));
        }
        let orgs: Vec<Organisation> = organisations
            .into_iter()
            .map(|o| Organisation {
                id: OrgId::from_uuid(self.ids.next()),
                kind: o.kind,
                name_fi: o.name_fi,
                name_sv: o.name_sv,
            })
            .collect();
        let user = User {
            id: UserId::from_uuid(self.ids.next()),
            username: admin.username,
            display_name: admin.display_name,
            role: Role::Administrator,
            org_id: orgs.get(admin_org).map(|o| o.id),
            client_id: None,
        };
        let now = self.now();
        let backend = self.backend;
        let (orgs_w, user_w, hash) = (orgs.clone(), user.clone(), admin.password_hash);
        self.writer
            .write(move |tx, _leaves| {
                Box::pin(async move {
                    if backend == Backend::Postgres {
                        sqlx::query("LOCK TABLE organisations IN SHARE ROW EXCLUSIVE MODE")
                            .execute(&mut *tx)
                            .await?;
                    }
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
                        .fetch_one(&mut *tx)
                        .await?;
                    if n > 0 {
                        return Err(StoreError::AlreadyInitialised);
                    }
                    for o in &orgs_w {
                        sqlx::query(
                            "INSERT INTO organisations (id, kind, name_fi, name_sv) VALUES ($1, $2, $3, $4)",
                        )
                        .bind(o.id.to_string())
                        .bind(o.kind.code())
                        .bind(o.name_fi.as_str().to_owned())
                        .bind(o.name_sv.as_str().to_owned())
                        .execute(&mut *tx)
                        .await?;
                    }
                    sqlx::query(
                        "INSERT INTO users (id, username, display_name, role, org_id, client_id, password_hash, created_at)
                         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7)",
                    )
                    .bind(user_w.id.to_string())
                    .bind(user_w.username.as_str().to_owned())
                    .bind(user_w.display_name.as_str().to_owned())
                    .bind(user_w.role.code())
                    .bind(user_w.org_id.map(|o| o.to_string()))
                    .bind(hash)
                    .bind(ts(now))
                    .execute(&mut *tx)
                    .await?;
                    Ok(())
                })
            })
            .await?;
        Ok((orgs, user))
    }

    pub async fn create_user(&self, new: NewUser) -> Result<User, StoreError> {
        let id = UserId::from_uuid(self.ids.next());
        sqlx::query(
            "INSERT INTO users (id, username, display_name, role, org_id, client_id, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(new.username.as_str())
        .bind(new.display_name.as_str())
        .bind(new.role.code())
        .bind(new.org_id.map(|o| o.to_string()))
        .bind(new.client_id.map(|c| c.to_string()))
        .bind(new.password_hash)
        .bind(ts(self.now()))
        .execute(&self.pool)
        .await?;
        Ok(User {
            id,
            username: new.username,
            display_name: new.display_name,
            role: new.role,
            org_id: new.org_id,
            client_id: new.client_id,
        })
    }

    /// Creates an account on an administrator's behalf and records who did it, in one write
    /// job: the account, its `account_events` row and that row's ledger leaf (issue 15 item
    /// 6). A display name another account of the organisation has is
    /// [`StoreError::DuplicateDisplayName`].
    pub async fn create_account_by(&self, new: NewUser, by: UserId) -> Result<User, StoreError> {
        let id = UserId::from_uuid(self.ids.next());
        let leaf = LeafParams::new(self.keys()?.subject(&id.to_string()), self.ids.salt());
        let now = self.now();
        let user = User {
            id,
            username: new.username.clone(),
            display_name: new.display_name.clone(),
            role: new.role,
            org_id: new.org_id,
            client_id: new.client_id,
        };
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO users (id, username, display_name, role, org_id, client_id, password_hash, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(id.to_string())
                    .bind(new.username.as_str().to_owned())
                    .bind(new.display_name.as_str().to_owned())
                    .bind(new.role.code())
                    .bind(new.org_id.map(|o| o.to_string()))
                    .bind(new.client_id.map(|c| c.to_string()))
                    .bind(new.password_hash)
                    .bind(ts(now))
                    .execute(&mut *tx)
                    .await?;
                    let seq: i64 = sqlx::query_scalar(
                        "INSERT INTO account_events (at, event, user_id, username, display_name, role, org_id, by_user)
                         VALUES ($1, 'created', $2, $3, $4, $5, $6, $7) RETURNING seq",
                    )
                    .bind(ts(now))
                    .bind(id.to_string())
                    .bind(new.username.as_str().to_owned())
                    .bind(new.display_name.as_str().to_owned())
                    .bind(new.role.code())
                    .bind(new.org_id.map(|o| o.to_string()))
                    .bind(by.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    leaf.defer(leaves, &ledger::ACCOUNT_EVENTS, &seq.to_string(), EventType::OfficialAction, now);
                    Ok(())
                })
            })
            .await?;
        Ok(user)
    }

    /// Who created which account, newest first, at most `limit` rows (the supervisor).
    pub async fn account_events(&self, limit: i64) -> Result<Vec<AccountEvent>, StoreError> {
        self.account_events_before(None, limit).await
    }

    /// Who created which account, newest first, at most `limit` rows older than the row
    /// `before_seq` (the key of a page, issue 16).
    pub async fn account_events_before(
        &self,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AccountEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.seq, e.at, e.event, e.user_id, e.username, e.display_name, e.role,
                 e.org_id, e.by_user, b.username AS by_username, b.display_name AS by_display_name
             FROM account_events e JOIN users b ON b.id = e.by_user
             WHERE e.seq < $2 ORDER BY e.seq DESC LIMIT $1",
        )
        .bind(limit)
        .bind(before_seq.unwrap_or(i64::MAX))
        .fetch_all(&self.read)
        .await?;
        let id = |r: &sqlx::any::AnyRow, col: &str| -> Result<String, StoreError> {
            Ok(r.try_get::<String, _>(col)?)
        };
        let corrupt = |col: &str, e: &dyn std::fmt::Display| {
            StoreError::Corrupt(format!("account_events.{col}: {e}"))
        };
        rows.iter()
            .map(|r| {
                Ok(AccountEvent {
                    seq: r.try_get("seq")?,
                    at: parse_ts(&id(r, "at")?)?,
                    event: id(r, "event")?,
                    user_id: id(r, "user_id")?
                        .parse()
                        .map_err(|e| corrupt("user_id", &e))?,
                    username: id(r, "username")?,
                    display_name: id(r, "display_name")?,
                    role: id(r, "role")?,
                    org_id: r
                        .try_get::<Option<String>, _>("org_id")?
                        .map(|o| o.parse().map_err(|e| corrupt("org_id", &e)))
                        .transpose()?,
                    by_user: id(r, "by_user")?
                        .parse()
                        .map_err(|e| corrupt("by_user", &e))?,
                    by_username: id(r, "by_username")?,
                    by_display_name: id(r, "by_display_name")?,
                })
            })
            .collect()
    }

    pub async fn user(&self, id: UserId) -> Result<User, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        user_from_row(&row)
    }

    /// The account and its password hash, for log-in.
    pub async fn user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<(User, Option<String>)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLS}, password_hash FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.read)
        .await?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("password_hash")?))),
        }
    }

    pub async fn users_of_org(&self, org: OrgId) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users WHERE org_id = $1 ORDER BY display_name"
        ))
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// A page of `org`'s accounts by display name (distinct within an organisation), after
    /// the account `after` (its id: a cursor carries no name), at most `limit`.
    pub async fn users_of_org_page(
        &self,
        org: OrgId,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users WHERE org_id = $1
               AND ($2 IS NULL OR (display_name, id) >
                   (SELECT display_name, id FROM users WHERE id = $2 AND org_id = $1))
             ORDER BY display_name, id LIMIT $3"
        ))
        .bind(org.to_string())
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// The accounts of `org` that have a password (the others log in only through an
    /// identity provider). Only whether one is set; never the hash.
    pub async fn users_with_password_of_org(&self, org: OrgId) -> Result<Vec<UserId>, StoreError> {
        let rows =
            sqlx::query("SELECT id FROM users WHERE org_id = $1 AND password_hash IS NOT NULL")
                .bind(org.to_string())
                .fetch_all(&self.read)
                .await?;
        rows.iter()
            .map(|r| crate::rows::parse_id(r, "id"))
            .collect()
    }
}

/// Refuses `user` unless it is an official of the employment authority `org` (an appointment's
/// official, a responsible expert).
pub(crate) async fn require_official_of(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    org: OrgId,
) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT role, org_id FROM users WHERE id = $1")
        .bind(user.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("official"))?;
    let role: String = row.try_get(0)?;
    let user_org: Option<String> = row.try_get(1)?;
    if role != Role::Official.code() || user_org != Some(org.to_string()) {
        return Err(StoreError::NotAnOfficialOfClientOrg);
    }
    Ok(())
}
