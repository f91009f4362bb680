//! Security headers on every answer of the server (issue 15 item 10): the JSON API, its
//! errors, refusals of the cross-site check and unknown routes. The pages set their own
//! (a `'self'` policy for their style sheet, `pages::layout::page_headers`); this layer, the
//! outermost, fills in only what an answer lacks, so it never weakens a page's headers.

use axum::extract::{Request, State};
use axum::http::header::{
    HeaderMap, HeaderName, CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// JSON needs nothing from a browser: no script, style, frame or plug-in of any origin.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Adds the security headers an answer does not already carry. `Cache-Control: no-store` on
/// everything but the static files: API answers carry personal data, and a cache that keeps an
/// error keeps what it says too.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    fill(h, CONTENT_SECURITY_POLICY, API_CSP);
    fill(h, X_CONTENT_TYPE_OPTIONS, "nosniff");
    fill(h, X_FRAME_OPTIONS, "DENY");
    fill(h, REFERRER_POLICY, "no-referrer");
    if !is_static {
        fill(h, CACHE_CONTROL, "no-store");
    }
    // Cookies are `Secure` exactly when browsers reach us over TLS (our own or a proxy's).
    if state.config.secure_cookies {
        fill(h, STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    resp
}

fn fill(h: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !h.contains_key(&name) {
        h.insert(name, HeaderValue::from_static(value));
    }
}
