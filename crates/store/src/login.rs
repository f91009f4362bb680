//! Log-in support (migration 0004): which OpenID Connect identity logs in as which personal
//! account (A1), log-ins waiting for a provider's answer, and failed password log-ins for
//! throttling.
//!
//! Kept apart from the record: none of these tables is part of the append-only record, and
//! pending log-ins and failure counts are deleted when used or stale.

use chrono::{DateTime, Utc};
use kirjuri_domain::{OrgId, User, UserId};
use sqlx::Row;

use crate::rows::{parse_ts, ts, user_from_row, USER_COLS_U};
use crate::{Backend, Store, StoreError};

/// First key of the advisory locks a log-in attempt's count is taken under on PostgreSQL
/// (`logn` in ASCII); the second is the throttle key's hash. (Wrapped so that the statement
/// returns an integer: the `Any` driver reads no `void`.)
const PG_LOGIN_LOCK: &str =
    "SELECT 1 FROM (SELECT pg_advisory_xact_lock(1819240302, hashtext($1))) AS counting";

/// A log-in attempt as [`Store::begin_login_attempt`] left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginAttempt {
    /// Counted as a failure under each key, as `attempt`, until it succeeds.
    Counted { attempt: String },
    /// Refused before counting: wait until `retry_at`; `delaying` are the keys whose delay
    /// has not passed.
    Delayed {
        retry_at: DateTime<Utc>,
        delaying: Vec<String>,
    },
}

/// A log-in sent to an OpenID Connect provider and not yet back. The secrets (`nonce`, PKCE
/// verifier) stay on the server; only the `state` travels, and only its hash is the key.
#[derive(Clone)]
pub struct PendingOidcLogin {
    pub state_hash: String,
    pub provider: String,
    /// Hash of the random value in the browser's log-in cookie.
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for PendingOidcLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingOidcLogin")
            .field("provider", &self.provider)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Failed log-ins of one key inside a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCount {
    pub count: i64,
    /// The oldest failure still inside the window: the count drops when it leaves.
    pub oldest: Option<DateTime<Utc>>,
    /// The latest failure: the throttle's delay runs from it.
    pub latest: Option<DateTime<Utc>>,
}

/// What the security log records (migration 11, issue 15 item 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityEventKind {
    /// A password log-in failed (unknown username or wrong password).
    LoginFailed,
    /// A log-in was refused unchecked: the throttle's delay had not passed.
    LoginDelayed,
    /// An administrator lifted the log-in delays of an account.
    DelaysLifted,
}

impl SecurityEventKind {
    pub fn code(self) -> &'static str {
        match self {
            SecurityEventKind::LoginFailed => "login_failed",
            SecurityEventKind::LoginDelayed => "login_delayed",
            SecurityEventKind::DelaysLifted => "delays_lifted",
        }
    }

    fn parse(code: &str) -> Result<Self, StoreError> {
        match code {
            "login_failed" => Ok(SecurityEventKind::LoginFailed),
            "login_delayed" => Ok(SecurityEventKind::LoginDelayed),
            "delays_lifted" => Ok(SecurityEventKind::DelaysLifted),
            other => Err(StoreError::Corrupt(format!(
                "security_log.event: {other:?}"
            ))),
        }
    }
}

/// One row of the security log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityEvent {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub kind: SecurityEventKind,
    /// As typed, cleaned by the caller.
    pub username: String,
    pub address: Option<String>,
    pub user_id: Option<UserId>,
    pub by_user: Option<UserId>,
}

/// A security-log row to write.
#[derive(Debug, Clone)]
pub struct NewSecurityEvent {
    pub kind: SecurityEventKind,
    pub username: String,
    pub address: Option<String>,
    pub user_id: Option<UserId>,
    pub by_user: Option<UserId>,
}

impl Store {
    /// Links `(provider, subject)` to an account. Returns `false` when that identity is already
    /// linked (to this or another account): a link is never silently moved.
    pub async fn link_oidc_identity(
        &self,
        provider: &str,
        subject: &str,
        user: UserId,
        by: Option<UserId>,
    ) -> Result<bool, StoreError> {
        // Checked first so an unknown account is "not found", not a foreign-key failure.
        self.user(user).await?;
        let done = sqlx::query(
            "INSERT INTO oidc_identities (provider, subject, user_id, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, subject) DO NOTHING",
        )
        .bind(provider)
        .bind(subject)
        .bind(user.to_string())
        .bind(ts(self.clock.now()))
        .bind(by.map(|u| u.to_string()))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The identity-provider links of the accounts of `org`: (account, provider, subject), by
    /// provider and subject.
    pub async fn oidc_identities_of_org(
        &self,
        org: OrgId,
    ) -> Result<Vec<(UserId, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT i.user_id, i.provider, i.subject FROM oidc_identities i
             JOIN users u ON u.id = i.user_id
             WHERE u.org_id = $1 ORDER BY i.provider, i.subject",
        )
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    crate::rows::parse_id(r, "user_id")?,
                    r.try_get("provider")?,
                    r.try_get("subject")?,
                ))
            })
            .collect()
    }

    /// The account an identity is linked to, if any.
    pub async fn user_by_oidc_identity(
        &self,
        provider: &str,
        subject: &str,
    ) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLS_U} FROM oidc_identities i JOIN users u ON u.id = i.user_id
             WHERE i.provider = $1 AND i.subject = $2"
        ))
        .bind(provider)
        .bind(subject)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Stores a log-in on its way to the provider, and forgets expired ones.
    pub async fn save_oidc_login(&self, login: &PendingOidcLogin) -> Result<(), StoreError> {
        let now = ts(self.clock.now());
        sqlx::query("DELETE FROM oidc_pending_logins WHERE expires_at <= $1")
            .bind(&now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO oidc_pending_logins
                (state_hash, provider, browser_hash, nonce, pkce_verifier, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&login.state_hash)
        .bind(&login.provider)
        .bind(&login.browser_hash)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(now)
        .bind(ts(login.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes (deletes and returns) the unexpired pending log-in of `state_hash` started by the
    /// browser of `browser_hash`: a `state` is good for one callback only, and only from the
    /// browser that started the log-in (someone who learns a `state` cannot spend it).
    pub async fn take_oidc_login(
        &self,
        state_hash: &str,
        browser_hash: &str,
    ) -> Result<Option<PendingOidcLogin>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM oidc_pending_logins WHERE state_hash = $1 AND browser_hash = $2
             RETURNING state_hash, provider, browser_hash, nonce, pkce_verifier, expires_at",
        )
        .bind(state_hash)
        .bind(browser_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let expires_at = parse_ts(&row.try_get::<String, _>("expires_at")?)?;
        if expires_at <= self.clock.now() {
            return Ok(None);
        }
        Ok(Some(PendingOidcLogin {
            state_hash: row.try_get("state_hash")?,
            provider: row.try_get("provider")?,
            browser_hash: row.try_get("browser_hash")?,
            nonce: row.try_get("nonce")?,
            pkce_verifier: row.try_get("pkce_verifier")?,
            expires_at,
        }))
    }

    /// Records one failed log-in under each key and in the security log, and forgets
    /// throttle counts older than `keep` (the security log is kept).
    pub async fn record_login_failure(
        &self,
        keys: &[String],
        keep: chrono::Duration,
        event: NewSecurityEvent,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        insert_security_event(&mut tx, &event, now).await?;
        sqlx::query("DELETE FROM login_failures WHERE failed_at <= $1")
            .bind(ts(now - keep))
            .execute(&mut *tx)
            .await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, failed_at) VALUES ($1, $2)")
                .bind(key)
                .bind(ts(now))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Counts a log-in attempt before its password is checked (issue 16: several servers, one
    /// database). In one transaction, under an advisory lock per key on PostgreSQL (SQLite
    /// has one writer), the failures of each key after `since` are read and given to
    /// `delay`; when it names no delay, one failure row per key is written for the attempt
    /// ([`LoginAttempt::Counted`]) before the commit. So of parallel guesses, wherever they
    /// are checked, no more pass than the count allows; a log-in that then succeeds removes
    /// its rows ([`Store::clear_login_attempt`]).
    pub async fn begin_login_attempt<F>(
        &self,
        keys: &[String],
        since: DateTime<Utc>,
        delay: F,
    ) -> Result<LoginAttempt, StoreError>
    where
        F: FnOnce(&[(String, FailureCount)]) -> Option<(DateTime<Utc>, Vec<String>)>,
    {
        let now = self.clock.now();
        let attempt = self.ids.next().simple().to_string();
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            let mut sorted: Vec<&String> = keys.iter().collect();
            sorted.sort();
            sorted.dedup();
            for key in sorted {
                sqlx::query(PG_LOGIN_LOCK)
                    .bind(key.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let mut counts = Vec::new();
        for key in keys {
            counts.push((key.clone(), failures_since(&mut tx, key, since).await?));
        }
        if let Some((retry_at, delaying)) = delay(&counts) {
            tx.rollback().await?;
            return Ok(LoginAttempt::Delayed { retry_at, delaying });
        }
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, failed_at, attempt) VALUES ($1, $2, $3)")
                .bind(key)
                .bind(ts(now))
                .bind(&attempt)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(LoginAttempt::Counted { attempt })
    }

    /// Removes the failure rows an attempt was counted under (it succeeded).
    pub async fn clear_login_attempt(&self, attempt: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
            .bind(attempt)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Writes a `login_delayed` row to the security log and, in the same transaction, marks
    /// each of `marks` (throttle keys of their own, counted like failures) so that the
    /// further delayed tries of the same delay are not logged again.
    pub async fn record_login_delayed(
        &self,
        marks: &[String],
        event: NewSecurityEvent,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        insert_security_event(&mut tx, &event, now).await?;
        for key in marks {
            sqlx::query("INSERT INTO login_failures (key, failed_at) VALUES ($1, $2)")
                .bind(key)
                .bind(ts(now))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Failed log-ins of `key` after `since`.
    pub async fn login_failures_since(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<FailureCount, StoreError> {
        let mut conn = self.pool.acquire().await?;
        failures_since(&mut conn, key, since).await
    }

    /// Writes one security-log row.
    pub async fn record_security_event(&self, event: NewSecurityEvent) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_security_event(&mut tx, &event, self.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the throttle counts of every key starting with `prefix` and writes `event` to
    /// the security log, together (an administrator lifting an account's delays).
    pub async fn lift_login_failures(
        &self,
        prefix: &str,
        event: NewSecurityEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // `key` is compared by prefix without LIKE, so `%` or `_` in a username match only
        // themselves.
        sqlx::query("DELETE FROM login_failures WHERE SUBSTR(key, 1, LENGTH($1)) = $1")
            .bind(prefix)
            .execute(&mut *tx)
            .await?;
        insert_security_event(&mut tx, &event, self.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The security log, newest first, at most `limit` rows.
    pub async fn security_log(&self, limit: i64) -> Result<Vec<SecurityEvent>, StoreError> {
        self.security_log_before(None, limit).await
    }

    /// The security log, newest first, at most `limit` rows older than the row `before_seq`
    /// (the key of a page, issue 16).
    pub async fn security_log_before(
        &self,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<SecurityEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, event, username, address, user_id, by_user FROM security_log
             WHERE seq < $2 ORDER BY seq DESC LIMIT $1",
        )
        .bind(limit)
        .bind(before_seq.unwrap_or(i64::MAX))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let user = |col: &str| -> Result<Option<UserId>, StoreError> {
                    let v: Option<String> = r.try_get(col)?;
                    v.map(|s| {
                        s.parse()
                            .map_err(|e| StoreError::Corrupt(format!("security_log.{col}: {e}")))
                    })
                    .transpose()
                };
                Ok(SecurityEvent {
                    seq: r.try_get("seq")?,
                    at: parse_ts(&r.try_get::<String, _>("at")?)?,
                    kind: SecurityEventKind::parse(&r.try_get::<String, _>("event")?)?,
                    username: r.try_get("username")?,
                    address: r.try_get("address")?,
                    user_id: user("user_id")?,
                    by_user: user("by_user")?,
                })
            })
            .collect()
    }

    /// Forgets the failures of `key` (after a successful log-in of that account).
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

async fn insert_security_event(
    tx: &mut sqlx::AnyConnection,
    event: &NewSecurityEvent,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO security_log (at, event, username, address, user_id, by_user)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(ts(now))
    .bind(event.kind.code())
    .bind(event.username.clone())
    .bind(event.address.clone())
    .bind(event.user_id.map(|u| u.to_string()))
    .bind(event.by_user.map(|u| u.to_string()))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Failed log-ins of `key` after `since`, on `conn`.
async fn failures_since(
    conn: &mut sqlx::AnyConnection,
    key: &str,
    since: DateTime<Utc>,
) -> Result<FailureCount, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(failed_at) AS oldest, MAX(failed_at) AS latest
         FROM login_failures WHERE key = $1 AND failed_at > $2",
    )
    .bind(key)
    .bind(ts(since))
    .fetch_one(&mut *conn)
    .await?;
    let oldest: Option<String> = row.try_get("oldest")?;
    let latest: Option<String> = row.try_get("latest")?;
    Ok(FailureCount {
        count: row.try_get("n")?,
        oldest: oldest.as_deref().map(parse_ts).transpose()?,
        latest: latest.as_deref().map(parse_ts).transpose()?,
    })
}
