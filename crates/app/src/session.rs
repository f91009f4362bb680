//! Log-in and sessions (A1: personal accounts only): password log-in with Argon2id and the
//! failed-log-in throttle, sessions by the hash of a random token, log-out, and the parts of an
//! OpenID Connect log-in that touch the record (the pending log-in, the identity-to-account
//! link). The transport keeps the token in a cookie; only its hash is stored.
//!
//! Failed password log-ins are counted in the database per (username, client address) and per
//! client address, so every instance behind a load balancer sees the same counts and a restart
//! does not reset them; times come from the store's `Clock`. Issue 15 item 7: there is no lock
//! that anyone can set off for someone else. After a few free failures each further one
//! doubles the wait before the next try from the same address (for that username) and, more
//! leniently, from the address for any username; the same username from another address is
//! not delayed. An administrator can lift an account's delays at once. Every failure, every
//! delayed try and every lifting is written to the lasting security log, which the supervisor
//! reads. Of the delayed tries only the first after each failure of a key is written: they
//! cost no Argon2 work, and a row for each would let one address fill the disk.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use kirjuri_domain::{User, UserId};
use kirjuri_store::{
    LoginAttempt, NewSecurityEvent, PendingOidcLogin, SecurityEvent, SecurityEventKind,
};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::field;
use crate::policy::{Capability, Scope};
use crate::{Actor, App, AppError, AppResult};

/// Delays after failed password log-ins (issue 15 item 7).
#[derive(Debug, Clone)]
pub struct LoginThrottle {
    /// Failures of one username from one address within `window` before tries are delayed.
    pub free_per_username_and_address: i64,
    /// Failures from one address within `window`, whatever the username (an office shares
    /// one address), before tries from it are delayed.
    pub free_per_address: i64,
    /// The first delay; each further failure doubles it.
    pub first_delay: chrono::Duration,
    /// The longest delay.
    pub max_delay: chrono::Duration,
    /// How long a failure counts.
    pub window: chrono::Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            free_per_username_and_address: 3,
            free_per_address: 20,
            first_delay: chrono::Duration::seconds(2),
            max_delay: chrono::Duration::minutes(15),
            window: chrono::Duration::hours(1),
        }
    }
}

impl LoginThrottle {
    /// The wait after `failures` failures when `free` are free: none up to `free`, then
    /// `first_delay` doubling with each failure up to `max_delay`.
    pub fn delay(&self, failures: i64, free: i64) -> chrono::Duration {
        if failures < free.max(1) {
            return chrono::Duration::zero();
        }
        let doublings = u32::try_from(failures - free.max(1))
            .unwrap_or(u32::MAX)
            .min(30);
        self.first_delay
            .checked_mul(2i32.saturating_pow(doublings))
            .map_or(self.max_delay, |d| d.min(self.max_delay))
    }
}

/// An address as the throttle counts it: an IPv4 address (also one written as an
/// IPv4-mapped IPv6 address) whole, an IPv6 address by its /64. One end site gets a whole /64
/// (RFC 6177) and picks any address in it at will, so counting full IPv6 addresses would let
/// one attacker start afresh with every try.
fn throttle_address(address: std::net::IpAddr) -> String {
    match address {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let net = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", std::net::Ipv6Addr::from(net))
            }
        },
    }
}

/// The throttle key of a username from an address.
fn pair_key(username: &str, address: Option<std::net::IpAddr>) -> String {
    let address = address.map_or_else(|| "-".to_owned(), throttle_address);
    format!("{}{address}", pair_prefix(username))
}

/// The key under which the first delayed try of `key` since its latest failure is marked as
/// logged (kept with the failures, so every instance sees it and it is pruned with them).
fn delay_mark(key: &str) -> String {
    format!("logged-delay:{key}")
}

/// The throttle key of an address, whatever the username.
fn address_key(address: std::net::IpAddr) -> String {
    format!("ip:{}", throttle_address(address))
}

/// The start of every throttle key of a username (whatever the address).
fn pair_prefix(username: &str) -> String {
    format!("user:{}|", username.to_lowercase())
}

/// A typed username as the security log keeps it: control and format characters replaced,
/// at most 100 characters.
fn loggable(username: &str) -> String {
    username
        .chars()
        .take(100)
        .map(|c| {
            if c.is_control() || kirjuri_domain::is_format_char(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
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
        let user_key = pair_key(username, address);
        let addr_key = address.map(address_key);
        let event = |kind, user_id| NewSecurityEvent {
            kind,
            username: loggable(username),
            address: address.map(|a| a.to_string()),
            user_id,
            by_user: None,
        };
        // The attempt is counted as a failure before the password is checked, atomically in
        // the database (issue 16): parallel guesses, on this server or another, cannot all
        // pass the count before any failure is recorded.
        let mut keys = vec![user_key.clone()];
        keys.extend(addr_key.clone());
        let now = self.store.clock().now();
        let since = now - self.config.login_throttle.window;
        let counted = self
            .store
            .begin_login_attempt(&keys, since, |counts| self.delay(counts, now))
            .await?;
        let attempt = match counted {
            LoginAttempt::Counted { attempt } => attempt,
            LoginAttempt::Delayed { retry_at, delaying } => {
                // Who is being tried, and from where, is what the supervisor needs to see; once
                // per delay is enough. A delayed try costs no Argon2 work, so logging every one
                // would let one address fill the disk with permanent rows: only the first
                // delayed try after a key's latest failure is logged (the failure clears the
                // key's mark, see record_login_failure).
                let mut unmarked = Vec::new();
                for key in delaying {
                    let mark = delay_mark(&key);
                    if self.store.login_failures_since(&mark, since).await?.count == 0 {
                        unmarked.push(mark);
                    }
                }
                if !unmarked.is_empty() {
                    let known = self
                        .store
                        .user_by_username(username)
                        .await?
                        .map(|(u, _)| u.id);
                    self.store
                        .record_login_delayed(
                            &unmarked,
                            event(SecurityEventKind::LoginDelayed, known),
                        )
                        .await?;
                }
                return Err(AppError::TooManyLogins {
                    retry_after_seconds: (retry_at - now).num_seconds().max(1),
                });
            }
        };
        let found = self.store.user_by_username(username).await?;
        let user = match found {
            Some((user, Some(phc))) if verify_password(password, &phc) => user,
            Some((user, phc)) => {
                if phc.is_none() {
                    verify_password(password, &self.dummy_hash);
                }
                self.record_login_failure(
                    &user_key,
                    addr_key.as_deref(),
                    event(SecurityEventKind::LoginFailed, Some(user.id)),
                )
                .await?;
                return Err(AppError::WrongCredentials);
            }
            None => {
                verify_password(password, &self.dummy_hash);
                self.record_login_failure(
                    &user_key,
                    addr_key.as_deref(),
                    event(SecurityEventKind::LoginFailed, None),
                )
                .await?;
                return Err(AppError::WrongCredentials);
            }
        };
        self.store.clear_login_failures(&user_key).await?;
        self.store.clear_login_attempt(&attempt).await?;
        self.start_session(user).await
    }

    /// Whether a try must wait, from the failures counted under each key (this username from
    /// this address, this address at all): until when, and the keys whose delay has not
    /// passed.
    fn delay(
        &self,
        counts: &[(String, kirjuri_store::FailureCount)],
        now: DateTime<Utc>,
    ) -> Option<(DateTime<Utc>, Vec<String>)> {
        let limits = &self.config.login_throttle;
        let mut retry_at: Option<DateTime<Utc>> = None;
        let mut delaying = Vec::new();
        for (i, (key, count)) in counts.iter().enumerate() {
            // The first key is the username's from the address, the second the address's.
            let free = if i == 0 {
                limits.free_per_username_and_address
            } else {
                limits.free_per_address
            };
            let delay = limits.delay(count.count, free);
            if let Some(latest) = count.latest {
                let at = latest + delay;
                if delay > chrono::Duration::zero() && at > now {
                    retry_at = Some(retry_at.map_or(at, |r| r.max(at)));
                    delaying.push(key.clone());
                }
            }
        }
        retry_at.map(|at| (at, delaying))
    }

    /// Records a failed log-in in the security log; the attempt was counted under its keys
    /// when it began ([`kirjuri_store::Store::begin_login_attempt`]).
    async fn record_login_failure(
        &self,
        user_key: &str,
        addr_key: Option<&str>,
        event: NewSecurityEvent,
    ) -> AppResult<()> {
        let mut keys = vec![user_key.to_owned()];
        keys.extend(addr_key.map(str::to_owned));
        // A new failure starts a new delay, whose first delayed try is logged again.
        for key in &keys {
            self.store.clear_login_failures(&delay_mark(key)).await?;
        }
        self.store
            .record_login_failure(&[], self.config.login_throttle.window, event)
            .await?;
        Ok(())
    }

    /// Lifts the log-in delays of an account of the administrator's own organisation, from
    /// every address (issue 15 item 7: the way back for a user whose password was guessed at).
    pub async fn lift_login_delays(&self, actor: &Actor, user: UserId) -> AppResult<()> {
        let (grant, _) = self.permit(actor, Capability::ManageAccounts)?;
        let target = match self.store.user(user).await {
            Ok(u) => u,
            Err(kirjuri_store::StoreError::NotFound(_)) => {
                return Err(AppError::NotFound("account"))
            }
            Err(e) => return Err(e.into()),
        };
        if !matches!(grant.scope, Scope::Organisation(org) if target.org_id == Some(org)) {
            return Err(AppError::NotFound("account"));
        }
        self.store
            .lift_login_failures(
                &pair_prefix(target.username.as_str()),
                NewSecurityEvent {
                    kind: SecurityEventKind::DelaysLifted,
                    username: target.username.as_str().to_owned(),
                    address: None,
                    user_id: Some(target.id),
                    by_user: Some(actor.user.id),
                },
            )
            .await?;
        Ok(())
    }

    /// The lasting security log, newest first (the supervisor).
    pub async fn security_log(&self, actor: &Actor, limit: i64) -> AppResult<Vec<SecurityEvent>> {
        self.permit(actor, Capability::SearchAccessLog)?;
        Ok(self.store.security_log(limit.clamp(1, 10_000)).await?)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// Review finding (log-in delays keyed by the full IPv6 address): every address of one
    /// IPv6 /64 shares the username-and-address key and the address key; another /64 and
    /// IPv4 addresses keep keys of their own.
    #[test]
    fn login_delays_key_an_ipv6_address_by_its_64() {
        let (a, b) = (
            ip("2001:db8:1:2::1"),
            ip("2001:db8:1:2:ffff:ffff:ffff:fffe"),
        );
        assert_eq!(pair_key("Matti", Some(a)), pair_key("matti", Some(b)));
        assert_eq!(address_key(a), address_key(b));
        assert_eq!(address_key(a), "ip:2001:db8:1:2::/64");
        let other = ip("2001:db8:1:3::1");
        assert_ne!(pair_key("matti", Some(a)), pair_key("matti", Some(other)));
        assert_ne!(address_key(a), address_key(other));
        // IPv4 stays whole, also when written IPv4-mapped.
        assert_eq!(address_key(ip("192.0.2.7")), "ip:192.0.2.7");
        assert_eq!(address_key(ip("::ffff:192.0.2.7")), "ip:192.0.2.7");
        assert_ne!(address_key(ip("192.0.2.7")), address_key(ip("192.0.2.8")));
        assert_eq!(pair_key("matti", None), "user:matti|-");
    }
}
