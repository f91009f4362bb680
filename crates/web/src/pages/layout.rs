//! What every page shares: the language (chosen with `?lang=` and remembered in a cookie),
//! the signed-in user, the CSRF token of its forms, the security headers, and dates in Finnish
//! form in Europe/Helsinki.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, REFERRER_POLICY, SET_COOKIE,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use kirjuri_app::Actor;

use super::i18n::{text, Lang};
use crate::AppState;

pub const LANG_COOKIE: &str = "kirjuri_lang";
/// The log-in form's CSRF cookie (double submit: there is no session yet to bind it to).
pub const LOGIN_CSRF_COOKIE: &str = "kirjuri_login_csrf";
pub const SESSION_COOKIE: &str = crate::auth::COOKIE_NAME;

/// No script, no inline style, nothing from elsewhere; `data:` images only for the icons that
/// hds-core's stylesheet carries inline.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; script-src 'self'; \
    style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';').find_map(|kv| {
                let (k, val) = kv.trim().split_once('=')?;
                (k == name).then(|| val.to_owned())
            })
        })
}

/// The language asked for with `?lang=` in the query string, if any.
fn asked_lang(parts_query: Option<&str>) -> Option<Lang> {
    parts_query?
        .split('&')
        .find_map(|kv| kv.strip_prefix("lang="))
        .and_then(Lang::parse)
}

/// The language of a request: `?lang=`, else the cookie, else Finnish.
pub fn request_lang(headers: &HeaderMap, query: Option<&str>) -> Lang {
    asked_lang(query)
        .or_else(|| cookie(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c)))
        .unwrap_or_default()
}

/// The middleware of every page and static file: remembers a language chosen with `?lang=`
/// and sets the security headers. Pages carry personal data, so none is stored by any cache.
pub async fn page_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let asked = asked_lang(req.uri().query());
    let is_static = req.uri().path().starts_with("/static/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if let Some(lang) = asked {
        let secure = if state.config.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}",
            lang.code()
        )) {
            h.append(SET_COOKIE, v);
        }
    }
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin`, not `no-referrer`: addresses (with client ids) never go to another site,
    // while Chromium still sends the real `Origin` on our own form posts (with `no-referrer`
    // it sends `Origin: null`, which the cross-site check rightly refuses).
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !is_static {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies {
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    resp
}

/// The request as a page sees it: language, path, and the session token if any.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    /// Path and query of the request (the language links keep the page).
    pub path: String,
    pub session: Option<String>,
    pub login_csrf: Option<String>,
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(PageCtx {
            lang: request_lang(&parts.headers, parts.uri.query()),
            path: parts.uri.path().to_owned(),
            session: cookie(&parts.headers, SESSION_COOKIE),
            login_csrf: cookie(&parts.headers, LOGIN_CSRF_COOKIE),
        })
    }
}

/// The CSRF token of a session's forms: derived from the secret session token, so another
/// site can neither read nor compute it, and it ends with the session.
pub fn session_csrf(session_token: &str) -> String {
    kirjuri_app::session::token_hash(&format!("csrf-form:{session_token}"))
}

/// Compares tokens without an early exit on the first difference.
pub fn tokens_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// What the frame of every page shows.
#[derive(Debug, Clone)]
pub struct Layout {
    pub lang: Lang,
    pub path: String,
    pub title: String,
    /// The signed-in user's name (none on the log-in page).
    pub user_name: Option<String>,
    pub csrf: String,
    /// Whether the menu links the compliance reports (the user may read them, issue 14).
    pub reports: bool,
    /// Whether the menu is the administrator's (accounts, identity links, benefit payers)
    /// instead of the officials'.
    pub admin: bool,
}

impl Layout {
    /// The frame of a page for the signed-in `actor` (none on the log-in page): its menu
    /// follows what the actor may do, grants included (a manager's reports, issue 14).
    pub fn new(ctx: &PageCtx, title_key: &str, actor: Option<&Actor>, csrf: String) -> Self {
        Layout {
            lang: ctx.lang,
            path: ctx.path.clone(),
            title: text(ctx.lang, title_key, &[]),
            user_name: actor.map(|a| a.user.display_name.to_string()),
            csrf,
            reports: actor.is_some_and(kirjuri_app::reports::may_read),
            admin: actor.is_some_and(|a| kirjuri_app::admin::may_administer(&a.user)),
        }
    }

    /// Translates a message.
    pub fn t(&self, key: &str) -> String {
        text(self.lang, key, &[])
    }

    /// Translates a message with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        text(self.lang, key, &[(name, value)])
    }

    pub fn t2(&self, key: &str, n1: &str, v1: &str, n2: &str, v2: &str) -> String {
        text(self.lang, key, &[(n1, v1), (n2, v2)])
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// The other languages, with the link that switches to each.
    pub fn other_langs(&self) -> Vec<(String, &'static str, &'static str)> {
        Lang::ALL
            .iter()
            .filter(|l| **l != self.lang)
            .map(|l| {
                (
                    format!("{}?lang={}", self.path, l.code()),
                    l.code(),
                    l.own_name(),
                )
            })
            .collect()
    }
}

/// A signed-in page's actor and layout pieces.
#[derive(Debug)]
pub struct Signed {
    pub actor: Actor,
    pub csrf: String,
}

/// `7.12.2026 klo 9.05` (Finnish form, Europe/Helsinki; Swedish uses `kl.`, English `at`).
pub fn date_time(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&kirjuri_domain::time::HELSINKI);
    let word = text(lang, "time-at", &[]);
    format!(
        "{} {word} {}",
        local.format("%-d.%-m.%Y"),
        local.format("%-H.%M")
    )
}

/// `7.12.2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%-d.%-m.%Y").to_string()
}

/// `9.05`.
pub fn time(t: NaiveTime) -> String {
    t.format("%-H.%M").to_string()
}

/// Today in Helsinki.
pub fn helsinki_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&kirjuri_domain::time::HELSINKI)
        .date_naive()
}
