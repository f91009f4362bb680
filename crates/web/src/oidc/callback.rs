//! The OpenID Connect callback's input, read without I/O: the query string the identity
//! provider sent the browser back with, and the browser-binding cookie.
//!
//! Self-contained on purpose — no `crate::` or `super::` paths, only `http`, `serde` and
//! `serde_urlencoded` — because the parser fuzzer compiles this very file (`crates/fuzz`,
//! target `oidc_callback`) without the web crate's dependency tree, which would make the
//! instrumented fuzz build several times longer.

use http::header::COOKIE;
use http::HeaderMap;
use serde::{Deserialize, Serialize};

/// The browser-binding cookie of a log-in in progress.
pub const LOGIN_COOKIE: &str = "kirjuri_oidc";

/// What the provider sends back to the callback.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct CallbackParams {
    /// The authorization code.
    pub code: Option<String>,
    /// The `state` the log-in was started with.
    pub state: Option<String>,
    /// An OAuth error code when the provider did not log the user in.
    pub error: Option<String>,
    /// The issuer of the answer (RFC 9207), when the provider sends it: must be this provider.
    pub iss: Option<String>,
}

/// The callback's input as read from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackInput {
    /// The query parameters.
    pub params: CallbackParams,
    /// The value of the browser-binding cookie, when the browser sent one.
    pub browser: Option<String>,
}

/// A query string that does not parse (a parameter given twice, say); the message says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the query string does not parse: {}", self.0)
    }
}

/// Reads the callback's query string and cookies.
pub fn read_callback(
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<CallbackInput, QueryError> {
    let params: CallbackParams = serde_urlencoded::from_str(query.unwrap_or_default())
        .map_err(|e| QueryError(e.to_string()))?;
    Ok(CallbackInput {
        params,
        browser: login_cookie(headers),
    })
}

/// A provider's OAuth error code as it may be shown back: ASCII letters, digits and `_`, at
/// most 64 characters (the code comes from the query string, so anyone can write it).
pub fn provider_error_code(error: &str) -> String {
    error
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect()
}

fn login_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == LOGIN_COOKIE).then(|| v.to_owned())
        })
}
