//! Request extraction: JSON bodies and query strings whose errors name the field at fault,
//! and the JSON answers for a route or method that does not exist (issue 15 item 14: every
//! error is JSON naming the field).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Like `axum::Json`, but a body that does not fit the request type is refused with the JSON
/// path of the offending field (`mode.address`, `follow_up_dates[1]`), so a form can point at it.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|m| m.trim() == "application/json")
            });
        if !is_json {
            return Err(whole(
                "content-type",
                ApiError::bad_request("content_type", "send the body as application/json")
                    .with_status(axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            whole(
                "body",
                ApiError::bad_request("body", e.body_text()).with_status(e.status()),
            )
        })?;
        parse_body(&bytes).map(ApiJson)
    }
}

/// `e` naming what of the request as a whole is at fault (the body, its content type): every
/// error names a field (issue 15 item 14).
fn whole(field: &str, e: ApiError) -> ApiError {
    ApiError {
        field: Some(field.to_owned()),
        ..e
    }
}

/// Deserializes `bytes`, turning serde's message into a field-naming [`ApiError`].
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // A syntax error is the body's as a whole only when the body is not JSON; a value JSON
        // can write but no field can hold (`1e999`) is a syntax error to serde_json too, and
        // belongs to its field (issue 15 item 14).
        let well_formed = || {
            std::str::from_utf8(bytes)
                .is_ok_and(|s| serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok())
        };
        if (inner.is_syntax() || inner.is_eof()) && (path == "." || !well_formed()) {
            return whole(
                "body",
                ApiError::bad_request(
                    "invalid_json",
                    format!("the body is not valid JSON: {inner}"),
                ),
            );
        }
        let msg = inner.to_string();
        // serde reports a missing field at the parent's path; name the field itself.
        let field = match msg
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            Some(name) if path == "." => name.to_owned(),
            Some(name) => format!("{path}.{name}"),
            None if path == "." => "body".to_owned(),
            None => path,
        };
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
        ApiError::field(field, msg)
    })
}

/// Like `axum::extract::Query`, but a query string that does not fit the parameters is
/// refused in JSON naming the parameter (`limit`), as a body field is, instead of axum's
/// `400 text/plain`.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parse_query(parts.uri.query().unwrap_or_default()).map(ApiQuery)
    }
}

/// Deserializes a query string, naming the parameter at fault.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let msg = e.into_inner().to_string();
        let named = |prefix: &str| {
            msg.strip_prefix(prefix)
                .and_then(|r| r.split('`').next())
                .map(str::to_owned)
        };
        let field = match path.as_str() {
            "." => named("missing field `")
                .or_else(|| named("unknown field `"))
                .or_else(|| named("duplicate field `"))
                .unwrap_or_else(|| "query".to_owned()),
            _ => path,
        };
        ApiError::field(field, msg)
    })
}

/// The answer for a path no operation is at (the router's fallback): JSON like every other
/// error, naming the path as the field at fault.
pub async fn no_route() -> ApiError {
    ApiError {
        field: Some("path".to_owned()),
        ..ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no operation at this path (see /api/openapi.json)",
        )
    }
}

/// The answer for a method the path does not take.
pub async fn no_method() -> ApiError {
    ApiError {
        field: Some("method".to_owned()),
        ..ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this path does not take this method (see /api/openapi.json)",
        )
    }
}

/// An id in a URL path. One that does not parse names nothing that exists: "not found", like
/// an id of something the user may not see.
pub fn path_id<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, ApiError> {
    s.parse::<T>().map_err(|_| ApiError::not_found(what))
}
