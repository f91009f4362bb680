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
    let own = OwnOrigin::of(&state.config);
    if !own.host_allowed(req.headers()) {
        // A name the server was not configured under: a DNS-rebinding page, or a misrouted
        // request. Answered alike for reads and writes (issue 15 item 12).
        return ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "unknown_host",
            "the Host header does not name this server (see --public-origin)",
        )
        .into_response();
    }
    let changes_state = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if changes_state && !own.same_origin(req.headers()) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "the request comes from another site and is refused",
        )
        .into_response();
    }
    next.run(req).await
}

/// A web origin: scheme, lower-case host and port (the scheme's default when not written).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: &'static str,
    host: String,
    port: u16,
}

impl Origin {
    /// `scheme://host[:port]` exactly (a trailing `/` tolerated), nothing else.
    fn parse(s: &str) -> Option<Self> {
        let s = s.trim_end_matches('/');
        let (scheme, rest) = if let Some(r) = s.strip_prefix("https://") {
            ("https", r)
        } else if let Some(r) = s.strip_prefix("http://") {
            ("http", r)
        } else {
            return None;
        };
        let default = if scheme == "https" { 443 } else { 80 };
        let (host, port) = authority(rest, default)?;
        Some(Origin { scheme, host, port })
    }
}

/// `host[:port]` (an IPv6 host in brackets) as a lower-case host and a port.
fn authority(s: &str, default_port: u16) -> Option<(String, u16)> {
    if s.is_empty() || s.contains(['/', '?', '#', '@', ' ']) {
        return None;
    }
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let port = match after {
            "" => default_port,
            p => p.strip_prefix(':')?.parse().ok()?,
        };
        (format!("[{h}]"), port)
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().ok()?),
            None => (s.to_owned(), default_port),
        }
    };
    if host.is_empty() {
        return None;
    }
    Some((host.to_ascii_lowercase(), port))
}

/// The server's own origin as browsers see it: the configured `--public-origin`, or else the
/// scheme browsers use (HTTPS when the server serves TLS or sits behind a TLS proxy, i.e. when
/// its cookies are `Secure`) with the `Host` the request names.
#[derive(Debug, Clone)]
pub struct OwnOrigin {
    public: Option<Origin>,
    scheme: &'static str,
}

impl OwnOrigin {
    pub fn of(config: &crate::Config) -> Self {
        Self::new(config.public_origin.as_deref(), config.secure_cookies)
    }

    /// `public_origin` as configured (an unparsable one matches nothing: every write is
    /// refused rather than every origin accepted); `secure` whether browsers reach the server
    /// over HTTPS.
    pub fn new(public_origin: Option<&str>, secure: bool) -> Self {
        let public = public_origin.map(|o| {
            Origin::parse(o).unwrap_or(Origin {
                scheme: "https",
                host: String::new(),
                port: 0,
            })
        });
        let scheme = match &public {
            Some(o) => o.scheme,
            None if secure => "https",
            None => "http",
        };
        Self { public, scheme }
    }

    /// Whether the `Host` header names this server: its public origin's host when one is
    /// configured, an IP address, or `localhost`. A DNS-rebinding page reaches the server
    /// under the attacker's own name, which is none of these. A request without `Host`
    /// (HTTP/1.0 tools) passes.
    pub fn host_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(host) = headers.get(HOST) else {
            return true;
        };
        let Some((host, _)) = host.to_str().ok().and_then(|h| authority(h, 0)) else {
            return false;
        };
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        bare.parse::<std::net::IpAddr>().is_ok()
            || host == "localhost"
            || self.public.as_ref().is_some_and(|p| p.host == host)
    }

    /// Whether the headers allow a state-changing request: the whole origin (scheme, host and
    /// port) must be the server's own. Without a configured public origin the `Host` header
    /// names the host and port, and the scheme must be the one browsers reach the server by.
    pub fn same_origin(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(ORIGIN) else {
            return headers
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok())
                .is_none_or(|site| site != "cross-site");
        };
        // `null` (sandboxed frames, some redirects) and anything not scheme://authority is
        // refused.
        let Some(origin) = origin.to_str().ok().and_then(Origin::parse) else {
            return false;
        };
        if let Some(own) = &self.public {
            return origin == *own;
        }
        let default = if self.scheme == "https" { 443 } else { 80 };
        let host = headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| authority(h, default));
        match host {
            Some((host, port)) => {
                origin
                    == Origin {
                        scheme: self.scheme,
                        host,
                        port,
                    }
            }
            None => false,
        }
    }
}

/// Whether the headers allow a state-changing request (see [`OwnOrigin::same_origin`]).
pub fn same_origin(headers: &HeaderMap, public_origin: Option<&str>, secure: bool) -> bool {
    OwnOrigin::new(public_origin, secure).same_origin(headers)
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
        assert!(same_origin(&headers(&[]), None, false));
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None,
            false
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            None,
            false
        ));
        let own = [
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080"),
        ];
        assert!(same_origin(&headers(&own), None, false));
        let other = [
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:8080"),
        ];
        assert!(!same_origin(&headers(&other), None, false));
        assert!(!same_origin(
            &headers(&[("origin", "null"), ("host", "127.0.0.1:8080")]),
            None,
            false
        ));
        let proxied = [
            ("origin", "https://kirjuri.example.fi"),
            ("host", "10.0.0.5:8080"),
        ];
        assert!(same_origin(
            &headers(&proxied),
            Some("https://kirjuri.example.fi/"),
            false
        ));
        assert!(!same_origin(
            &headers(&own),
            Some("https://kirjuri.example.fi"),
            false
        ));
    }

    /// Issue 15 item 12: the scheme and port count, not only the host.
    #[test]
    fn the_whole_origin_is_compared_scheme_and_port_included() {
        let host = ("host", "127.0.0.1:8080");
        // `https://` to a plain-HTTP server is another origin.
        assert!(!same_origin(
            &headers(&[("origin", "https://127.0.0.1:8080"), host]),
            None,
            false
        ));
        assert!(same_origin(
            &headers(&[("origin", "http://127.0.0.1:8080"), host]),
            None,
            false
        ));
        // Behind a TLS proxy (Secure cookies) browsers use https.
        assert!(same_origin(
            &headers(&[("origin", "https://127.0.0.1:8080"), host]),
            None,
            true
        ));
        assert!(!same_origin(
            &headers(&[("origin", "http://127.0.0.1:8080"), host]),
            None,
            true
        ));
        // Another port, an origin with a path or credentials, a default port written out.
        assert!(!same_origin(
            &headers(&[("origin", "http://127.0.0.1:8081"), host]),
            None,
            false
        ));
        assert!(!same_origin(
            &headers(&[("origin", "http://user@127.0.0.1:8080"), host]),
            None,
            false
        ));
        let public = Some("https://kirjuri.example.fi");
        for (origin, ok) in [
            ("https://kirjuri.example.fi", true),
            ("https://KIRJURI.example.fi:443", true),
            ("http://kirjuri.example.fi", false),
            ("https://kirjuri.example.fi:8443", false),
            ("https://kirjuri.example.fi.evil.example", false),
        ] {
            assert_eq!(
                same_origin(&headers(&[("origin", origin), host]), public, false),
                ok,
                "{origin}"
            );
        }
    }

    /// Issue 15 item 12: a `Host` naming another server (a DNS-rebinding page) is refused;
    /// IP addresses, `localhost` and the configured public host are this server.
    #[test]
    fn only_this_servers_names_are_accepted_as_host() {
        let own = OwnOrigin::new(None, false);
        for (host, ok) in [
            ("127.0.0.1:8080", true),
            ("[::1]:8080", true),
            ("localhost:8080", true),
            ("10.0.0.5", true),
            ("evil.example:8080", false),
            ("kirjuri.example.fi", false),
            ("", false),
        ] {
            assert_eq!(own.host_allowed(&headers(&[("host", host)])), ok, "{host}");
        }
        let public = OwnOrigin::new(Some("https://kirjuri.example.fi"), true);
        assert!(public.host_allowed(&headers(&[("host", "kirjuri.example.fi")])));
        assert!(public.host_allowed(&headers(&[("host", "10.0.0.5:8080")])));
        assert!(!public.host_allowed(&headers(&[("host", "evil.example")])));
    }
}
