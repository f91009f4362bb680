//! Errors as pages in the user's language. The page says what kind of failure it was and
//! what to do; it never shows internals (an unexpected error shows only a reference that ties
//! it to the server log). An expired or missing session leads to the log-in page.

use askama::Template;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use kirjuri_app::AppError;

use super::i18n::{text, Lang};
use super::layout::{Layout, PageCtx};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    message: String,
    reference: Option<String>,
}

/// A failed page.
#[derive(Debug)]
pub struct PageError {
    pub ctx: PageCtx,
    pub kind: PageErrorKind,
}

#[derive(Debug)]
pub enum PageErrorKind {
    /// No valid session: to the log-in page.
    LogIn,
    NotFound,
    Forbidden,
    /// A form's CSRF token is missing or wrong.
    Csrf,
    /// A request no form of ours sends (a field missing or malformed).
    BadRequest,
    Conflict,
    TooManyLogins,
    /// The database cannot take writes now (its storage is full, `full`, or it is read-only):
    /// nothing was saved; try again.
    Unavailable {
        what: String,
        full: bool,
    },
    Internal(String),
}

impl PageError {
    pub fn new(ctx: &PageCtx, kind: PageErrorKind) -> Self {
        PageError {
            ctx: ctx.clone(),
            kind,
        }
    }

    pub fn app(ctx: &PageCtx, e: AppError) -> Self {
        let kind = match e {
            AppError::Unauthenticated => PageErrorKind::LogIn,
            AppError::WrongCredentials | AppError::Forbidden(_) => PageErrorKind::Forbidden,
            AppError::NotFound(_) => PageErrorKind::NotFound,
            AppError::TooManyLogins { .. } => PageErrorKind::TooManyLogins,
            AppError::Invalid { .. } | AppError::Blocked { .. } => PageErrorKind::BadRequest,
            AppError::Conflict { .. } => PageErrorKind::Conflict,
            AppError::Unavailable(what) => PageErrorKind::Unavailable { what, full: true },
            AppError::ReadOnly(what) => PageErrorKind::Unavailable { what, full: false },
            AppError::Internal(what) => PageErrorKind::Internal(what),
        };
        PageError::new(ctx, kind)
    }

    pub fn render(ctx: &PageCtx, e: askama::Error) -> Self {
        PageError::new(ctx, PageErrorKind::Internal(e.to_string()))
    }
}

/// A `303 See Other` to a path of ours.
pub fn see_other(path: &str) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(path) {
        resp.headers_mut().insert(LOCATION, v);
    }
    resp
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let lang: Lang = self.ctx.lang;
        let full = matches!(self.kind, PageErrorKind::Unavailable { full: true, .. });
        let (status, key, reference) = match self.kind {
            PageErrorKind::LogIn => return see_other("/login"),
            PageErrorKind::NotFound => (StatusCode::NOT_FOUND, "error-not-found", None),
            PageErrorKind::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden", None),
            PageErrorKind::Csrf => (StatusCode::FORBIDDEN, "error-csrf", None),
            PageErrorKind::BadRequest => (StatusCode::BAD_REQUEST, "error-bad-request", None),
            PageErrorKind::Conflict => (StatusCode::CONFLICT, "error-conflict", None),
            PageErrorKind::TooManyLogins => {
                (StatusCode::TOO_MANY_REQUESTS, "error-too-many-logins", None)
            }
            PageErrorKind::Unavailable { ref what, .. } => {
                tracing::error!("refused a page request: {what}");
                (StatusCode::SERVICE_UNAVAILABLE, "error-unavailable", None)
            }
            PageErrorKind::Internal(what) => {
                // The same short random reference as the JSON API's: the log has the cause.
                let id: u32 = rand::random();
                tracing::error!(error_id = format!("{id:08x}"), "page error: {what}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal",
                    Some(format!("{id:08x}")),
                )
            }
        };
        let page = ErrorPage {
            l: Layout {
                lang,
                path: self.ctx.path.clone(),
                title: text(lang, "error-title", &[]),
                user_name: None,
                csrf: String::new(),
                reports: false,
                admin: false,
            },
            message: text(lang, key, &[]),
            reference,
        };
        let mut resp = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => status.into_response(),
        };
        // A refusal for lack of storage is remembered for `/health` (see `metrics`); a
        // read-only database the probe finds itself.
        if full {
            resp.extensions_mut().insert(crate::metrics::StorageRefused);
        }
        resp
    }
}

pub type PageResult = Result<Response, PageError>;

/// A page rendered from its template with `status`; a template that fails is the error page.
pub fn rendered(ctx: &PageCtx, status: StatusCode, page: &impl Template) -> PageResult {
    let html = page.render().map_err(|e| PageError::render(ctx, e))?;
    Ok((status, Html(html)).into_response())
}
