//! Personal accounts: officials, KEHA officials, supervisors, administrators and job seekers,
//! each with a role and, for staff, the organisation they act for.

use kirjuri_domain::{ClientId, OrgId, PersonName, Role, User, UserId, Username};
use sqlx::Row;

use crate::rows::{ts, user_from_row, USER_COLS};
use crate::{Store, StoreError};

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

impl Store {
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
