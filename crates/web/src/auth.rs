//! Sessions over HTTP (A1): the session cookie (HttpOnly, SameSite=Strict, `Secure` over
//! HTTPS) holding an opaque token whose hash the application layer stores, the extractors that
//! turn a request into a signed-in [`kirjuri_app::Actor`], and the log-in and log-out
//! endpoints. Password checks, the failed-log-in throttle and the sessions themselves are the
//! application layer's (`kirjuri_app::session`); OpenID Connect log-in ([`crate::oidc`]) ends in
//! the same session through [`session_cookie`].

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kirjuri_app::{Actor, Session};
use kirjuri_domain::{ShortText, User};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::wire::{field, LoginRequest, UserView};
use crate::AppState;

pub const COOKIE_NAME: &str = "kirjuri_session";

/// The header in which a user states why they access a client's data (required for another
/// organisation's client; recorded in the access log whenever given).
pub const PURPOSE_HEADER: &str = "x-kirjuri-purpose";

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

/// The signed-in user (401 without a valid session).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = session_token(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        Ok(CurrentUser(state.app.session_user(&token).await?))
    }
}

/// The signed-in user with the purpose stated in [`PURPOSE_HEADER`]: the actor of every use
/// case. A malformed header is refused before anything is looked up, so it answers the same
/// whether or not what the request names exists.
#[derive(Debug, Clone)]
pub struct Act(pub Actor);

impl FromRequestParts<AppState> for Act {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let purpose = match parts.headers.get(PURPOSE_HEADER) {
            None => None,
            Some(value) => {
                let text = std::str::from_utf8(value.as_bytes())
                    .map_err(|_| ApiError::field(PURPOSE_HEADER, "must be UTF-8 text"))?;
                Some(field(PURPOSE_HEADER, ShortText::parse(text.trim()))?)
            }
        };
        Ok(Act(state.app.actor(user, purpose).await?))
    }
}

/// The client's address: the connection's peer, or the last `X-Forwarded-For` entry when a
/// trusted proxy in front appends it (`Config::trust_forwarded_for`).
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

/// The `Set-Cookie` value of a started session.
pub(crate) fn session_cookie(state: &AppState, session: &Session) -> Result<HeaderValue, ApiError> {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        session.token,
        state.app.session_ttl().num_seconds()
    );
    HeaderValue::from_str(&cookie).map_err(|e| ApiError::internal(&e))
}

#[utoipa::path(post, path = "/api/login", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = UserView), (status = 401, body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody,
            description = "too many failed log-ins of this username or from this address; see Retry-After")))]
/// Logs in with username and password; sets the session cookie.
pub async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let session = state
        .app
        .login(&req.username, &req.password, addr.0)
        .await?;
    let cookie = session_cookie(&state, &session)?;
    let (user, organisation) = state.app.whoami(&Actor::new(session.user)).await?;
    let mut resp = Json(UserView::new(&user, organisation.as_ref())).into_response();
    resp.headers_mut().append(SET_COOKIE, cookie);
    Ok(resp)
}

#[utoipa::path(post, path = "/api/logout", tag = "session", responses((status = 204)))]
/// Ends the session (if any) and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        state.app.logout(&token).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("kirjuri_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(resp)
}
