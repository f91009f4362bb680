//! Cross-site request forgery defence in depth.
//!
//! The session cookie is SameSite=Strict, so a browser does not send it on a request another
//! site starts; JSON bodies must be sent as `application/json` (`extract::ApiJson`), which a
//! plain HTML form cannot do. On top of both, this middleware refuses a state-changing request
//! (POST, PUT, PATCH, DELETE) that a browser marks as coming from another origin: an `Origin`
//! header that is not the server's own origin, or, without `Origin`, `Sec-Fetch-Site:
//! cross-site`. Requests without either header (command-line clients) pass: they carry no
//! ambient browser credentials to abuse.

use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::AppState;

/// The middleware: `axum::middleware::from_fn_with_state(state, csrf::check_origin)`.
pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let changes_state = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if changes_state && !same_origin(req.headers(), state.config.public_origin.as_deref()) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "the request comes from another site and is refused",
        )
        .into_response();
    }
    next.run(req).await
}

/// Whether the headers allow a state-changing request. `public_origin` is the server's origin
/// as browsers see it (`https://kirjuri.example.fi`); without it the `Host` header stands in.
pub fn same_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    let Some(origin) = headers.get(ORIGIN) else {
        return headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_none_or(|site| site != "cross-site");
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if let Some(own) = public_origin {
        return origin.eq_ignore_ascii_case(own.trim_end_matches('/'));
    }
    // `null` (sandboxed frames, some redirects) and anything not scheme://authority is refused.
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let host = headers.get(HOST).and_then(|h| h.to_str().ok());
    match (authority, host) {
        (Some(a), Some(h)) => a.eq_ignore_ascii_case(h),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_rules() {
        assert!(same_origin(&headers(&[]), None));
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            None
        ));
        let own = [
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080"),
        ];
        assert!(same_origin(&headers(&own), None));
        let other = [
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:8080"),
        ];
        assert!(!same_origin(&headers(&other), None));
        assert!(!same_origin(
            &headers(&[("origin", "null"), ("host", "127.0.0.1:8080")]),
            None
        ));
        let proxied = [
            ("origin", "https://kirjuri.example.fi"),
            ("host", "10.0.0.5:8080"),
        ];
        assert!(same_origin(
            &headers(&proxied),
            Some("https://kirjuri.example.fi/")
        ));
        assert!(!same_origin(
            &headers(&own),
            Some("https://kirjuri.example.fi")
        ));
    }
}
