//! The stylesheets, compiled into the binary so that `cargo build` needs nothing else and the
//! pages load nothing from elsewhere: hds-core 5.2.2 (Helsinki Design System, MIT; its
//! `base.min.css` and `components/all.min.css` joined, licence beside it in `static/`) and
//! Kirjuri's own small additions; and the one script, the entry form's check while typing.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, Uri};
use axum::response::{IntoResponse, Response};

use super::error::{PageError, PageErrorKind};
use super::layout::PageCtx;

pub const HDS_CSS: &str = include_str!("../../static/hds-core-5.2.2.min.css");
pub const KIRJURI_CSS: &str = include_str!("../../static/kirjuri.css");
/// The check while typing on the entry form (progressive enhancement; the form works without).
pub const LIVE_CHECK_JS: &str = include_str!("../../static/live-check.js");

/// `GET /static/{file}`.
pub async fn file(ctx: PageCtx, Path(name): Path<String>) -> Response {
    let (body, mime) = match name.as_str() {
        "hds-core-5.2.2.min.css" => (HDS_CSS, "text/css; charset=utf-8"),
        "kirjuri.css" => (KIRJURI_CSS, "text/css; charset=utf-8"),
        "live-check.js" => (LIVE_CHECK_JS, "text/javascript; charset=utf-8"),
        _ => return PageError::new(&ctx, PageErrorKind::NotFound).into_response(),
    };
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    resp
}

/// Any address no route is at (the whole router's fallback, merged in from here): under
/// `/api` the API's JSON answer, elsewhere a not-found page in the user's language.
pub async fn not_found(ctx: PageCtx, uri: Uri) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return crate::extract::no_route().await.into_response();
    }
    PageError::new(&ctx, PageErrorKind::NotFound).into_response()
}
