//! OpenID Connect log-in (A1): the authorization code flow with PKCE, `state` and `nonce`,
//! against any number of configured providers (the officials' identity provider, the national
//! e-identification for clients).
//!
//! - `GET /api/oidc/{provider}/login` stores a pending log-in (hash of `state`, the `nonce`,
//!   the PKCE verifier, and a hash of a random value kept in a short-lived browser cookie) in
//!   the database and redirects to the provider.
//! - `GET /api/oidc/{provider}/callback` takes the pending log-in (one use only), checks that
//!   the same browser came back, exchanges the code with the PKCE verifier, verifies the ID
//!   token (signature against the provider's published keys, issuer, audience, `nonce`, expiry
//!   by the store's `Clock`, access-token hash), and maps `(provider, subject)` to a personal
//!   account through `oidc_identities`. An unknown subject is refused: accounts are linked by
//!   an administrator (`POST /api/oidc-identities`), never created on first log-in.
//!
//! The session that follows is the same as after a password log-in (`auth::start_session`).

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use kirjuri_app::model::PendingOidcLogin;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, TokenResponse,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kirjuri_app::session::{random_token, token_hash};

use crate::auth::{session_cookie, Act};
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::AppState;

mod callback;
// The browser-binding cookie of a log-in in progress is SameSite=Lax, because it must come back
// on the provider's top-level redirect to the callback (Strict cookies do not).
pub use callback::{
    provider_error_code, read_callback, CallbackInput, CallbackParams, QueryError, LOGIN_COOKIE,
};
/// How long a log-in may stay at the provider.
const PENDING_TTL_MINUTES: i64 = 10;
/// How long provider metadata and keys are reused before they are fetched again.
const METADATA_TTL_MINUTES: i64 = 60;

/// One identity provider.
#[derive(Clone, Deserialize)]
pub struct OidcProviderConfig {
    /// Name in the routes: `/api/oidc/{name}/login`. Lower-case letters, digits, hyphens.
    pub name: String,
    /// Issuer URL; `{issuer}/.well-known/openid-configuration` is fetched from it.
    pub issuer: String,
    pub client_id: String,
    /// Client secret of a confidential client (sent with HTTP Basic at the token endpoint).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// This server's callback URL as registered at the provider:
    /// `https://HOST/api/oidc/{name}/callback`.
    pub redirect_url: String,
    /// What the log-in page's button names the provider (e.g. "Suomi.fi"); the name when
    /// unset.
    #[serde(default)]
    pub label: Option<String>,
}

impl std::fmt::Debug for OidcProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProviderConfig")
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("redirect_url", &self.redirect_url)
            .field("label", &self.label)
            .finish()
    }
}

/// A provider configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OidcConfigError {
    #[error("identity provider name {0:?}: use lower-case letters, digits and hyphens")]
    Name(String),
    #[error("identity provider {0:?} is configured twice")]
    Duplicate(String),
    #[error("identity provider {name}: {field} {value:?} is not a valid URL")]
    Url {
        name: String,
        field: &'static str,
        value: String,
    },
    #[error(
        "identity provider {name}: {field} must be https (plain http only on a loopback address)"
    )]
    NotHttps { name: String, field: &'static str },
    #[error("building the HTTP client for identity providers: {0}")]
    Http(String),
}

/// Configured providers and the HTTP client that talks to them.
pub struct Oidc {
    http: openidconnect::reqwest::Client,
    providers: HashMap<String, Provider>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("providers", &self.providers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

struct Provider {
    config: OidcProviderConfig,
    issuer: IssuerUrl,
    redirect: RedirectUrl,
    metadata: tokio::sync::Mutex<Option<(CoreProviderMetadata, DateTime<Utc>)>>,
}

fn checked_url(
    name: &str,
    field: &'static str,
    value: &str,
) -> Result<openidconnect::url::Url, OidcConfigError> {
    let url = openidconnect::url::Url::parse(value).map_err(|_| OidcConfigError::Url {
        name: name.to_owned(),
        field,
        value: value.to_owned(),
    })?;
    let loopback = match url.host() {
        Some(openidconnect::url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(openidconnect::url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(openidconnect::url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(OidcConfigError::NotHttps {
            name: name.to_owned(),
            field,
        }),
    }
}

impl Oidc {
    /// Checks every provider's configuration. Nothing is fetched until the first log-in.
    pub fn new(configs: &[OidcProviderConfig]) -> Result<Self, OidcConfigError> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would let a provider's answer steer requests elsewhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| OidcConfigError::Http(e.to_string()))?;
        let mut providers = HashMap::new();
        for c in configs {
            let ok_name = !c.name.is_empty()
                && c.name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
            if !ok_name {
                return Err(OidcConfigError::Name(c.name.clone()));
            }
            checked_url(&c.name, "issuer", &c.issuer)?;
            checked_url(&c.name, "redirect_url", &c.redirect_url)?;
            let url_err = |field, value: &str| OidcConfigError::Url {
                name: c.name.clone(),
                field,
                value: value.to_owned(),
            };
            let provider = Provider {
                config: c.clone(),
                issuer: IssuerUrl::new(c.issuer.clone())
                    .map_err(|_| url_err("issuer", &c.issuer))?,
                redirect: RedirectUrl::new(c.redirect_url.clone())
                    .map_err(|_| url_err("redirect_url", &c.redirect_url))?,
                metadata: tokio::sync::Mutex::new(None),
            };
            if providers.insert(c.name.clone(), provider).is_some() {
                return Err(OidcConfigError::Duplicate(c.name.clone()));
            }
        }
        Ok(Self { http, providers })
    }

    /// The configured providers as the log-in page offers them: name (as in the routes) and
    /// label, sorted by label.
    pub fn buttons(&self) -> Vec<(String, String)> {
        let mut b: Vec<(String, String)> = self
            .providers
            .values()
            .map(|p| {
                let c = &p.config;
                (
                    c.name.clone(),
                    c.label.clone().unwrap_or_else(|| c.name.clone()),
                )
            })
            .collect();
        b.sort_by(|x, y| x.1.cmp(&y.1));
        b
    }

    fn provider(&self, name: &str) -> Result<&Provider, ApiError> {
        self.providers
            .get(name)
            .ok_or_else(|| ApiError::not_found("identity provider"))
    }

    /// The provider's metadata and keys, fetched again after [`METADATA_TTL_MINUTES`] so that
    /// a key rotation at the provider is picked up.
    async fn metadata(
        &self,
        p: &Provider,
        now: DateTime<Utc>,
    ) -> Result<CoreProviderMetadata, ApiError> {
        let mut cached = p.metadata.lock().await;
        if let Some((meta, fetched)) = cached.as_ref() {
            if now - *fetched < chrono::Duration::minutes(METADATA_TTL_MINUTES) {
                return Ok(meta.clone());
            }
        }
        let meta = CoreProviderMetadata::discover_async(p.issuer.clone(), &self.http)
            .await
            .map_err(|e| {
                tracing::warn!(provider = %p.config.name, "OpenID Connect discovery failed: {e}");
                provider_unavailable()
            })?;
        *cached = Some((meta.clone(), now));
        Ok(meta)
    }
}

fn provider_unavailable() -> ApiError {
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "identity_provider_unavailable",
        "the identity provider cannot be reached; try again shortly",
    )
}

fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(status, code, message)
}

fn login_expired() -> ApiError {
    refused(
        StatusCode::BAD_REQUEST,
        "oidc_state",
        "this log-in was not started in this browser or has expired; start the log-in again",
    )
}

fn not_confirmed() -> ApiError {
    refused(
        StatusCode::UNAUTHORIZED,
        "oidc_failed",
        "the identity provider's answer could not be verified; start the log-in again",
    )
}

fn cookie_value(state: &AppState, value: &str, max_age: i64) -> Result<HeaderValue, ApiError> {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{LOGIN_COOKIE}={value}; Path=/api/oidc/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .map_err(|e| ApiError::internal(&e))
}

fn client_for(p: &Provider, meta: CoreProviderMetadata) -> CoreClientReady {
    CoreClient::from_provider_metadata(
        meta,
        ClientId::new(p.config.client_id.clone()),
        p.config.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(p.redirect.clone())
}

type CoreClientReady = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

#[utoipa::path(get, path = "/api/oidc/{provider}/login", tag = "session",
    params(("provider" = String, Path, description = "configured identity provider, e.g. `officials`")),
    responses((status = 303, description = "to the identity provider's log-in page"),
        (status = 404, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn oidc_login(
    State(state): State<AppState>,
    Path(provider): Path<String>,
) -> Result<Response, ApiError> {
    let p = state.oidc.provider(&provider)?;
    let now = state.app.clock().now();
    let meta = state.oidc.metadata(p, now).await?;
    let client = client_for(p, meta);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    let browser = random_token();
    state
        .app
        .save_oidc_login(&PendingOidcLogin {
            state_hash: token_hash(csrf.secret()),
            provider: p.config.name.clone(),
            browser_hash: token_hash(&browser),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            expires_at: now + chrono::Duration::minutes(PENDING_TTL_MINUTES),
        })
        .await?;
    let mut resp = StatusCode::SEE_OTHER.into_response();
    let location = HeaderValue::from_str(url.as_str()).map_err(|e| ApiError::internal(&e))?;
    resp.headers_mut().insert(LOCATION, location);
    resp.headers_mut().append(
        SET_COOKIE,
        cookie_value(&state, &browser, PENDING_TTL_MINUTES * 60)?,
    );
    Ok(resp)
}

#[utoipa::path(get, path = "/api/oidc/{provider}/callback", tag = "session",
    params(("provider" = String, Path, description = "configured identity provider"),
        ("code" = Option<String>, Query, description = "the authorization code"),
        ("state" = Option<String>, Query, description = "the `state` the log-in was started with"),
        ("error" = Option<String>, Query, description = "an OAuth error code when the provider did not log the user in"),
        ("iss" = Option<String>, Query, description = "the issuer of the answer (RFC 9207): must be this provider")),
    responses((status = 303, description = "logged in: session cookie set, on to `/`"),
        (status = 400, body = ErrorBody, description = "unknown, reused or expired `state`, or another browser"),
        (status = 401, body = ErrorBody, description = "the provider refused, or its answer did not verify"),
        (status = 403, body = ErrorBody, description = "the identity is not linked to a Kirjuri account")))]
pub async fn oidc_callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let p = state.oidc.provider(&provider)?;
    let CallbackInput { params, browser } = read_callback(query.as_deref(), &headers)
        .map_err(|e| ApiError::bad_request("query", e.to_string()))?;
    // Login CSRF: the browser that comes back must be the one that started the log-in; the
    // pending log-in is taken only together with that browser's cookie.
    let pending = match (params.state.as_deref(), browser) {
        (Some(s), Some(browser)) => {
            state
                .app
                .take_oidc_login(&token_hash(s), &token_hash(&browser))
                .await?
        }
        _ => None,
    };
    let pending = pending
        .filter(|l| l.provider == p.config.name)
        .ok_or_else(login_expired)?;
    if let Some(iss) = params.iss.as_deref() {
        if iss.trim_end_matches('/') != p.config.issuer.trim_end_matches('/') {
            tracing::warn!(provider = %p.config.name, "callback from another issuer");
            return Err(not_confirmed());
        }
    }
    if let Some(error) = params.error {
        let error = provider_error_code(&error);
        return Err(refused(
            StatusCode::UNAUTHORIZED,
            "oidc_denied",
            format!("the identity provider did not log you in ({error})"),
        ));
    }
    let code = params.code.ok_or_else(not_confirmed)?;
    let clock = state.app.clock().clone();
    let meta = state.oidc.metadata(p, clock.now()).await?;
    let client = client_for(p, meta);
    let exchange = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| {
            tracing::warn!(provider = %p.config.name, "no token endpoint: {e}");
            provider_unavailable()
        })?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
        .request_async(&state.oidc.http)
        .await;
    let tokens = exchange.map_err(|e| {
        tracing::warn!(provider = %p.config.name, "OpenID Connect code exchange failed: {e}");
        not_confirmed()
    })?;
    let id_token = tokens.id_token().ok_or_else(|| {
        tracing::warn!(provider = %p.config.name, "token response without an ID token");
        not_confirmed()
    })?;
    let verifier = client.id_token_verifier().set_time_fn(move || clock.now());
    let claims = id_token
        .claims(&verifier, &Nonce::new(pending.nonce))
        .map_err(|e| {
            tracing::warn!(provider = %p.config.name, "ID token refused: {e}");
            not_confirmed()
        })?;
    if let Some(expected) = claims.access_token_hash() {
        let actual = id_token
            .signing_alg()
            .ok()
            .zip(id_token.signing_key(&verifier).ok())
            .and_then(|(alg, key)| {
                AccessTokenHash::from_token(tokens.access_token(), alg, key).ok()
            });
        if actual.as_ref() != Some(expected) {
            tracing::warn!(provider = %p.config.name, "access-token hash does not match");
            return Err(not_confirmed());
        }
    }
    let subject = claims.subject().as_str();
    let user = state
        .app
        .user_by_identity(&p.config.name, subject)
        .await?
        .ok_or_else(|| {
            // The subject stays in the server log: at the national e-identification it may be
            // derived from an identity code, which never goes back in a response.
            tracing::info!(provider = %p.config.name, %subject, "log-in of an unlinked identity refused");
            refused(
                StatusCode::FORBIDDEN,
                "oidc_unknown_identity",
                format!(
                    "your identity at {} is not linked to a Kirjuri account; \
                     ask your administrator to link it",
                    p.config.name
                ),
            )
        })?;
    let session = session_cookie(&state, &state.app.start_session(user).await?)?;
    let mut resp = StatusCode::SEE_OTHER.into_response();
    resp.headers_mut()
        .insert(LOCATION, HeaderValue::from_static("/"));
    resp.headers_mut().append(SET_COOKIE, session);
    resp.headers_mut()
        .append(SET_COOKIE, cookie_value(&state, "", 0)?);
    Ok(resp)
}

/// Links an external identity to a personal account.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct LinkIdentityRequest {
    /// Name of a configured identity provider.
    pub provider: String,
    /// The provider's `sub` claim for the person.
    pub subject: String,
    pub user_id: String,
}

#[utoipa::path(post, path = "/api/oidc-identities", tag = "session",
    request_body = LinkIdentityRequest,
    responses((status = 201, body = LinkIdentityRequest),
        (status = 403, body = ErrorBody, description = "only administrators link identities"),
        (status = 404, body = ErrorBody, description = "no such account in the administrator's organisation"),
        (status = 409, body = ErrorBody, description = "the identity is already linked")))]
pub async fn link_identity(
    State(state): State<AppState>,
    Act(admin): Act,
    ApiJson(req): ApiJson<LinkIdentityRequest>,
) -> Result<Response, ApiError> {
    let user = state
        .app
        .link_identity(&admin, &req.provider, &req.subject, &req.user_id)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(LinkIdentityRequest {
            provider: req.provider,
            subject: req.subject.trim().to_owned(),
            user_id: user.id.to_string(),
        }),
    )
        .into_response())
}
