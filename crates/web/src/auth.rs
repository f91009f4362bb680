//! Log-in with personal accounts (A1): Argon2id password hashes, opaque session tokens of which
//! only a SHA-256 hash is stored, and an HttpOnly SameSite=Strict cookie (`Secure` over HTTPS).
//! Failed password log-ins are throttled ([`crate::throttle`]); OpenID Connect log-in
//! ([`crate::oidc`]) ends in the same session through [`start_session`].

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kirjuri_domain::User;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::throttle::{self, ClientAddr};
use crate::wire::{LoginRequest, UserView};
use crate::{api::user_view, AppState};

pub const COOKIE_NAME: &str = "kirjuri_session";

/// Hashes a password with Argon2id (default parameters, random salt from the OS).
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

pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';').find_map(|kv| {
                let (k, val) = kv.trim().split_once('=')?;
                (k == COOKIE_NAME).then(|| val.to_owned())
            })
        })
}

/// The logged-in user. Extracting it from a request without a valid session answers 401.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = session_token(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        let user = state.store.session_user(&token_hash(&token)).await?;
        user.map(CurrentUser).ok_or_else(ApiError::unauthenticated)
    }
}

#[utoipa::path(post, path = "/api/login", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = UserView), (status = 401, body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody,
            description = "too many failed log-ins of this username or from this address; see Retry-After")))]
pub async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let username = req.username.trim();
    let (user_key, addr_key) = throttle::keys(username, addr);
    let stripe = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        user_key.hash(&mut h);
        (h.finish() % state.login_locks.len() as u64) as usize
    };
    let _one_at_a_time = state.login_locks[stripe].lock().await;
    if let Some(refused) = throttle::refused(&state, &user_key, addr_key.as_deref()).await? {
        return Ok(refused);
    }
    let found = state.store.user_by_username(username).await?;
    let user = match found {
        Some((user, Some(phc))) if verify_password(&req.password, &phc) => user,
        Some((_, phc)) => {
            if phc.is_none() {
                // An account that logs in only through OpenID Connect: the same work as a
                // wrong password, so timing does not tell such accounts apart.
                verify_password(&req.password, &state.dummy_hash);
            }
            throttle::record_failure(&state, &user_key, addr_key.as_deref()).await?;
            return Err(wrong_credentials());
        }
        None => {
            // Same work as for a real account, so timing does not reveal which usernames exist.
            verify_password(&req.password, &state.dummy_hash);
            throttle::record_failure(&state, &user_key, addr_key.as_deref()).await?;
            return Err(wrong_credentials());
        }
    };
    state.store.clear_login_failures(&user_key).await?;
    let cookie = start_session(&state, &user).await?;
    let view = user_view(&state, &user).await?;
    let mut resp = Json(view).into_response();
    resp.headers_mut().append(SET_COOKIE, cookie);
    Ok(resp)
}

/// A random opaque token (256 bits from the operating system), hex-encoded.
pub(crate) fn random_token() -> String {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    hex(&raw)
}

/// Opens a session for `user` (password or OpenID Connect log-in alike) and returns its
/// `Set-Cookie` value: HttpOnly, SameSite=Strict, `Secure` when the server is reached over
/// HTTPS.
pub(crate) async fn start_session(state: &AppState, user: &User) -> Result<HeaderValue, ApiError> {
    let token = random_token();
    let expires = state.store.clock().now() + state.config.session_ttl;
    state
        .store
        .create_session(&token_hash(&token), user.id, expires)
        .await?;
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        state.config.session_ttl.num_seconds()
    );
    HeaderValue::from_str(&cookie).map_err(|e| ApiError::internal(&e))
}

fn wrong_credentials() -> ApiError {
    ApiError {
        status: StatusCode::UNAUTHORIZED,
        code: "wrong_credentials",
        message: "wrong username or password".into(),
        field: None,
    }
}

#[utoipa::path(post, path = "/api/logout", tag = "session", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        state.store.delete_session(&token_hash(&token)).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("kirjuri_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(resp)
}
