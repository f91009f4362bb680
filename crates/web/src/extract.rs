//! Request extraction: JSON bodies whose errors name the field at fault.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
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
            return Err(
                ApiError::bad_request("content_type", "send the body as application/json")
                    .with_status(axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE),
            );
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request("body", e.body_text()).with_status(e.status()))?;
        parse_body(&bytes).map(ApiJson)
    }
}

/// Deserializes `bytes`, turning serde's message into a field-naming [`ApiError`].
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::bad_request(
                "invalid_json",
                format!("the body is not valid JSON: {inner}"),
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

/// An id in a URL path. One that does not parse names nothing that exists: "not found", like
/// an id of something the user may not see.
pub fn path_id<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, ApiError> {
    s.parse::<T>().map_err(|_| ApiError::not_found(what))
}
