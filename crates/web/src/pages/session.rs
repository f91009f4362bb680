//! Log-in and log-out pages, the signed-in user of a page, and form posts: every form carries
//! a CSRF token that is checked before anything else happens (a plain HTML form is not
//! stopped by the JSON API's content-type defence).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use kirjuri_app::AppError;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::{rendered, see_other, PageError, PageErrorKind, PageResult};
use super::layout::{session_csrf, tokens_equal, Layout, PageCtx, Signed, LOGIN_CSRF_COOKIE};
use crate::auth::ClientAddr;
use crate::AppState;

/// The signed-in user of a page (to the log-in page without a valid session).
pub async fn signed(state: &AppState, ctx: &PageCtx) -> Result<Signed, PageError> {
    let token = ctx
        .session
        .as_deref()
        .ok_or_else(|| PageError::new(ctx, PageErrorKind::LogIn))?;
    let user = state
        .app
        .session_user(token)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let actor = state
        .app
        .actor(user, None)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    Ok(Signed {
        actor,
        csrf: session_csrf(token),
    })
}

/// Where `user` starts: a job seeker on their own pages, an administrator on the accounts
/// page, everyone else on "my work today" (the application layer decides by role).
pub fn home_path(user: &kirjuri_domain::User) -> &'static str {
    match kirjuri_app::home(user) {
        kirjuri_app::Home::OwnPages => "/me",
        kirjuri_app::Home::Administration => "/admin",
        kirjuri_app::Home::Work => "/today",
    }
}

/// A posted form (`application/x-www-form-urlencoded`). One that does not fit is a request no
/// page of ours sends: refused as a bad request.
pub fn form<T: DeserializeOwned>(ctx: &PageCtx, body: &Bytes) -> Result<T, PageError> {
    serde_urlencoded::from_bytes(body).map_err(|_| PageError::new(ctx, PageErrorKind::BadRequest))
}

/// Refuses a form whose token is not the expected one.
pub fn check_csrf(ctx: &PageCtx, given: &str, expected: &str) -> Result<(), PageError> {
    if expected.is_empty() || !tokens_equal(given, expected) {
        return Err(PageError::new(ctx, PageErrorKind::Csrf));
    }
    Ok(())
}

/// A signed-in user's form: the session and its CSRF token checked first.
pub async fn signed_form<T: DeserializeOwned + HasCsrf>(
    state: &AppState,
    ctx: &PageCtx,
    body: &Bytes,
) -> Result<(Signed, T), PageError> {
    let signed = signed(state, ctx).await?;
    let f: T = form(ctx, body)?;
    check_csrf(ctx, f.csrf(), &signed.csrf)?;
    Ok((signed, f))
}

/// A form with a CSRF token field.
pub trait HasCsrf {
    fn csrf(&self) -> &str;
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    username: String,
    error: Option<String>,
    /// The configured identity providers: route name and button label.
    providers: Vec<(String, String)>,
}

fn login_page(
    state: &AppState,
    ctx: &PageCtx,
    csrf: String,
    username: String,
    error: Option<&str>,
) -> PageResult {
    let page = LoginPage {
        providers: state.oidc.buttons(),
        error: error.map(|k| super::i18n::text(ctx.lang, k, &[])),
        l: Layout::new(ctx, "login-title", None, csrf),
        username,
    };
    rendered(ctx, StatusCode::OK, &page)
}

fn login_csrf_cookie(state: &AppState, token: &str) -> Option<HeaderValue> {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    ))
    .ok()
}

/// `GET /login`: the log-in form (to "my work today" when already signed in).
pub async fn login_form(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    if let Ok(s) = signed(&state, &ctx).await {
        return Ok(see_other(home_path(&s.actor.user)));
    }
    let token = ctx
        .login_csrf
        .clone()
        .filter(|t| t.len() >= 32)
        .unwrap_or_else(kirjuri_app::session::random_token);
    let mut resp = login_page(&state, &ctx, token.clone(), String::new(), None)?;
    if let Some(c) = login_csrf_cookie(&state, &token) {
        resp.headers_mut().append(SET_COOKIE, c);
    }
    Ok(resp)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

impl std::fmt::Debug for LoginForm {
    // The password is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginForm")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// `POST /login`: starts the session and goes to "my work today"; a wrong password shows the
/// form again with the username kept.
pub async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    addr: ClientAddr,
    body: Bytes,
) -> PageResult {
    let f: LoginForm = form(&ctx, &body)?;
    check_csrf(&ctx, &f.csrf, ctx.login_csrf.as_deref().unwrap_or_default())?;
    match state.app.login(&f.username, &f.password, addr.0).await {
        Ok(session) => {
            let cookie = crate::auth::session_cookie(&state, &session)
                .map_err(|e| PageError::new(&ctx, PageErrorKind::Internal(e.message)))?;
            let mut resp = see_other(home_path(&session.user));
            resp.headers_mut().append(SET_COOKIE, cookie);
            resp.headers_mut().append(
                SET_COOKIE,
                HeaderValue::from_static(
                    "kirjuri_login_csrf=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0",
                ),
            );
            Ok(resp)
        }
        Err(e @ (AppError::WrongCredentials | AppError::TooManyLogins { .. })) => {
            let (status, key) = match e {
                AppError::WrongCredentials => (StatusCode::UNAUTHORIZED, "login-wrong"),
                _ => (StatusCode::TOO_MANY_REQUESTS, "error-too-many-logins"),
            };
            let mut resp = login_page(&state, &ctx, f.csrf, f.username, Some(key))?;
            *resp.status_mut() = status;
            Ok(resp)
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

impl HasCsrf for CsrfOnly {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /logout`: ends the session and clears the cookie.
pub async fn logout(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> PageResult {
    let (_, _f): (Signed, CsrfOnly) = signed_form(&state, &ctx, &body).await?;
    if let Some(token) = &ctx.session {
        state
            .app
            .logout(token)
            .await
            .map_err(|e| PageError::app(&ctx, e))?;
    }
    let mut resp = see_other("/login");
    resp.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("kirjuri_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(resp)
}
