//! Throttling of failed password log-ins, per username and per client address.
//!
//! Failures are counted in the database (`login_failures`, migration 0004), not in memory:
//! every server instance behind a load balancer then sees the same counts, and a restart does
//! not hand an attacker a fresh budget. Times come from the store's `Clock`, so tests move time
//! instead of waiting.
//!
//! The per-address limit is higher than the per-username one because the officials of one
//! office often reach the server from one address.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::RETRY_AFTER;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::AppState;

/// Limits of failed log-ins.
#[derive(Debug, Clone)]
pub struct LoginThrottle {
    /// Failures of one username inside `window` after which log-ins of it are refused.
    pub per_username: i64,
    /// Failures from one client address inside `window` after which its log-ins are refused.
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

/// The address of the client: the peer of the connection, or, when the server is configured to
/// trust a proxy in front (`Config::trust_forwarded_for`), the address the proxy appended last
/// to `X-Forwarded-For`. `None` when neither is known (a router driven without a socket).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if state.config.trust_forwarded_for {
            // Only the last entry: the one the trusted proxy appended. Earlier ones come from
            // the client and may be anything.
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .next_back()
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|a| a.trim().parse::<IpAddr>().ok());
            if forwarded.is_some() {
                return Ok(ClientAddr(forwarded));
            }
        }
        Ok(ClientAddr(peer))
    }
}

/// The throttling keys of one log-in attempt.
pub(crate) fn keys(username: &str, addr: ClientAddr) -> (String, Option<String>) {
    (
        format!("user:{}", username.to_lowercase()),
        addr.0.map(|a| format!("ip:{a}")),
    )
}

/// `Some(response)` (429 with `Retry-After`) when either key has used up its failures.
pub(crate) async fn refused(
    state: &AppState,
    user_key: &str,
    addr_key: Option<&str>,
) -> Result<Option<Response>, ApiError> {
    let limits = &state.config.login_throttle;
    let now = state.store.clock().now();
    let since = now - limits.window;
    let mut retry_at = None;
    let mut check = |count: kirjuri_store::FailureCount, limit: i64| {
        if count.count >= limit {
            if let Some(oldest) = count.oldest {
                let at = oldest + limits.window;
                retry_at = Some(retry_at.map_or(at, |r: chrono::DateTime<chrono::Utc>| r.max(at)));
            }
        }
    };
    check(
        state.store.login_failures_since(user_key, since).await?,
        limits.per_username,
    );
    if let Some(addr_key) = addr_key {
        check(
            state.store.login_failures_since(addr_key, since).await?,
            limits.per_address,
        );
    }
    let Some(at) = retry_at else { return Ok(None) };
    let seconds = (at - now).num_seconds().max(1);
    let mut resp = ApiError {
        status: StatusCode::TOO_MANY_REQUESTS,
        code: "too_many_failed_logins",
        message: format!(
            "too many failed log-ins; try again in {} minutes",
            (seconds + 59) / 60
        ),
        field: None,
    }
    .into_response();
    resp.headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(seconds));
    Ok(Some(resp))
}

/// Counts one failed log-in under both keys.
pub(crate) async fn record_failure(
    state: &AppState,
    user_key: &str,
    addr_key: Option<&str>,
) -> Result<(), ApiError> {
    let mut keys = vec![user_key.to_owned()];
    keys.extend(addr_key.map(str::to_owned));
    state
        .store
        .record_login_failure(&keys, state.config.login_throttle.window)
        .await?;
    Ok(())
}
