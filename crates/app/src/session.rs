//! Log-in and sessions (A1: personal accounts only): password log-in with Argon2id and the
//! failed-log-in throttle, sessions by the hash of a random token, log-out, and the parts of an
//! OpenID Connect log-in that touch the record (the pending log-in, the identity-to-account
//! link). The transport keeps the token in a cookie; only its hash is stored.
//!
//! Failed password log-ins are counted in the database per username and per client address,
//! so every instance behind a load balancer sees the same counts and a restart does not reset
//! them; times come from the store's `Clock`.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use kirjuri_domain::{User, UserId};
use kirjuri_store::PendingOidcLogin;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::field;
use crate::policy::Capability;
use crate::{Actor, App, AppError, AppResult};

/// Limits of failed password log-ins.
#[derive(Debug, Clone)]
pub struct LoginThrottle {
    /// Failures of one username within `window` before it is refused.
    pub per_username: i64,
    /// Failures from one address within `window` (an office shares one address).
    pub per_address: i64,
    pub window: chrono::Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            per_username: 5,
            per_address: 20,
            window: chrono::Duration::minutes(15),
        }
    }
}

/// A started session: the token to hand to the browser (never stored) and until when it holds.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

/// Hashes a password with Argon2id (a PHC string with its own salt).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// SHA-256 of a token, in hex: what is stored instead of a session token or an OpenID Connect
/// `state`.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// 32 random bytes from the operating system, in hex.
pub fn random_token() -> String {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    hex(&raw)
}

impl App {
    /// Logs in with a password. `address` is the client's network address as the transport
    /// knows it (throttled separately from the username). Wrong credentials take as long as
    /// right ones whether or not the username exists.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: Option<std::net::IpAddr>,
    ) -> AppResult<Session> {
        let username = username.trim();
        let user_key = format!("user:{}", username.to_lowercase());
        let addr_key = address.map(|a| format!("ip:{a}"));
        // Log-in attempts of one username run one at a time, so parallel guesses cannot all
        // pass the throttle's count before any failure is recorded.
        let stripe = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            user_key.hash(&mut h);
            (h.finish() % self.login_locks.len() as u64) as usize
        };
        let _one_at_a_time = self.login_locks[stripe].lock().await;
        self.refuse_if_throttled(&user_key, addr_key.as_deref())
            .await?;
        let found = self.store.user_by_username(username).await?;
        let user = match found {
            Some((user, Some(phc))) if verify_password(password, &phc) => user,
            Some((_, phc)) => {
                if phc.is_none() {
                    verify_password(password, &self.dummy_hash);
                }
                self.record_login_failure(&user_key, addr_key.as_deref())
                    .await?;
                return Err(AppError::WrongCredentials);
            }
            None => {
                verify_password(password, &self.dummy_hash);
                self.record_login_failure(&user_key, addr_key.as_deref())
                    .await?;
                return Err(AppError::WrongCredentials);
            }
        };
        self.store.clear_login_failures(&user_key).await?;
        self.start_session(user).await
    }

    async fn refuse_if_throttled(&self, user_key: &str, addr_key: Option<&str>) -> AppResult<()> {
        let limits = &self.config.login_throttle;
        let now = self.store.clock().now();
        let since = now - limits.window;
        let mut retry_at: Option<DateTime<Utc>> = None;
        let mut check = |count: kirjuri_store::FailureCount, limit: i64| {
            if count.count >= limit {
                if let Some(oldest) = count.oldest {
                    let at = oldest + limits.window;
                    retry_at = Some(retry_at.map_or(at, |r| r.max(at)));
                }
            }
        };
        check(
            self.store.login_failures_since(user_key, since).await?,
            limits.per_username,
        );
        if let Some(addr_key) = addr_key {
            check(
                self.store.login_failures_since(addr_key, since).await?,
                limits.per_address,
            );
        }
        match retry_at {
            Some(at) => Err(AppError::TooManyLogins {
                retry_after_seconds: (at - now).num_seconds().max(1),
            }),
            None => Ok(()),
        }
    }

    async fn record_login_failure(&self, user_key: &str, addr_key: Option<&str>) -> AppResult<()> {
        let mut keys = vec![user_key.to_owned()];
        keys.extend(addr_key.map(str::to_owned));
        self.store
            .record_login_failure(&keys, self.config.login_throttle.window)
            .await?;
        Ok(())
    }

    /// Starts a session for a user who has proved who they are (a password, an identity
    /// provider).
    pub async fn start_session(&self, user: User) -> AppResult<Session> {
        let token = random_token();
        let expires_at = self.store.clock().now() + self.config.session_ttl;
        self.store
            .create_session(&token_hash(&token), user.id, expires_at)
            .await?;
        Ok(Session {
            token,
            user,
            expires_at,
        })
    }

    /// The user of a session token, while the session holds.
    pub async fn session_user(&self, token: &str) -> AppResult<User> {
        self.store
            .session_user(&token_hash(token))
            .await?
            .ok_or(AppError::Unauthenticated)
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> AppResult<()> {
        self.store.delete_session(&token_hash(token)).await?;
        Ok(())
    }

    /// How long a session lasts.
    pub fn session_ttl(&self) -> chrono::Duration {
        self.config.session_ttl
    }

    /// Stores a pending OpenID Connect log-in until its callback.
    pub async fn save_oidc_login(&self, pending: &PendingOidcLogin) -> AppResult<()> {
        self.store.save_oidc_login(pending).await?;
        Ok(())
    }

    /// Takes a pending OpenID Connect log-in (once only) by the hashes of its `state` and of
    /// the browser's cookie value.
    pub async fn take_oidc_login(
        &self,
        state_hash: &str,
        browser_hash: &str,
    ) -> AppResult<Option<PendingOidcLogin>> {
        Ok(self.store.take_oidc_login(state_hash, browser_hash).await?)
    }

    /// The account linked to a provider's subject, if any (never created on first log-in).
    pub async fn user_by_identity(&self, provider: &str, subject: &str) -> AppResult<Option<User>> {
        Ok(self.store.user_by_oidc_identity(provider, subject).await?)
    }

    /// Links an identity provider's subject to an account of the administrator's own
    /// organisation. `provider` must be one of the configured providers.
    pub async fn link_identity(
        &self,
        actor: &Actor,
        provider: &str,
        subject: &str,
        user_id: &str,
    ) -> AppResult<User> {
        let (grant, _) = self.permit(actor, Capability::LinkIdentity)?;
        if !self.config.identity_providers.iter().any(|p| p == provider) {
            return Err(AppError::invalid(
                "provider",
                "no such identity provider is configured",
            ));
        }
        let subject = subject.trim();
        if subject.is_empty() || subject.len() > 255 {
            return Err(AppError::invalid(
                "subject",
                "give the subject (1–255 characters)",
            ));
        }
        let user_id: UserId = field("user_id", user_id.trim().parse())?;
        let user = self.store.user(user_id).await?;
        // An administrator links accounts of their own organisation only; others do not
        // exist for them.
        let same_org = matches!(
            (user.org_id, grant.scope),
            (Some(org), crate::policy::Scope::Organisation(own)) if org == own
        );
        if !same_org {
            return Err(AppError::NotFound("user"));
        }
        if !self
            .store
            .link_oidc_identity(provider, subject, user.id, Some(actor.user.id))
            .await?
        {
            return Err(AppError::conflict(
                "this identity is already linked to an account",
            ));
        }
        tracing::info!(%provider, user = %user.id, by = %actor.user.id, "identity linked");
        Ok(user)
    }
}
