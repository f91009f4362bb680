//! The one web error type. It maps every failure to an HTTP status and a JSON body that names
//! the field at fault, and never leaks internals: unexpected errors are logged with an id and
//! the client sees only that id.

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kirjuri_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::wire::{FieldError, FindingView};

/// The message of every "not found": it does not exist, or the user may not see it.
pub const NOT_FOUND: &str = "not found, or not visible to you";

/// The code of a write refused because the database's storage is full.
pub const STORAGE_FULL: &str = "storage_full";
/// The code of a write refused because the database is read-only.
pub const READ_ONLY: &str = "read_only";

/// Body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_field`, `not_found`, `blocked_by_checks`.
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
    /// The request field at fault (JSON path such as `mode.address`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `blocked_by_checks`: what the entry-quality checker found in the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<FindingView>>,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub findings: Option<Vec<FindingView>>,
    /// Seconds for a `Retry-After` header (too many failed log-ins).
    pub retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            findings: None,
            retry_after: None,
        }
    }
    pub fn field(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Self {
            field: Some(field.into()),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                message.to_string(),
            )
        }
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }
    /// Not found. One message whatever was looked for (issue 15 item 13): "decision not
    /// found" beside "client not found" told which of two ids exists. `what` goes to the log.
    pub fn not_found(what: &str) -> Self {
        tracing::debug!(what, "not found");
        Self::new(StatusCode::NOT_FOUND, "not_found", NOT_FOUND)
    }
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "log in first")
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    pub fn with_status(self, status: StatusCode) -> Self {
        Self { status, ..self }
    }
    pub fn internal(err: &dyn std::fmt::Display) -> Self {
        // A short random id ties the client's report to the server log without revealing
        // anything about the failure.
        let id: u32 = rand::random();
        tracing::error!(error_id = format!("{id:08x}"), "internal error: {err}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("internal error (reference {id:08x})"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                field: self.field,
                findings: self.findings,
            },
        };
        // A refusal for lack of storage is remembered for `/health` (see `metrics`); a
        // read-only database the probe finds itself.
        let refused = self.code == STORAGE_FULL;
        let mut resp = (self.status, Json(body)).into_response();
        if refused {
            resp.extensions_mut().insert(crate::metrics::StorageRefused);
        }
        if let Some(seconds) = self.retry_after {
            resp.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        resp
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::field(e.field, e.message)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthenticated => ApiError::unauthenticated(),
            AppError::WrongCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "wrong_credentials",
                "wrong username or password",
            ),
            AppError::TooManyLogins {
                retry_after_seconds,
            } => ApiError {
                retry_after: Some(retry_after_seconds),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_failed_logins",
                    e.to_string(),
                )
            },
            AppError::NotFound(what) => ApiError::not_found(what),
            AppError::Forbidden(why) => ApiError::forbidden(why),
            AppError::Invalid { field, message } => ApiError::field(field, message),
            AppError::Blocked { field, report } => ApiError {
                field: Some(field.to_owned()),
                findings: Some(report.findings.iter().map(FindingView::from).collect()),
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "blocked_by_checks",
                    "the text cannot be saved as it is: see the findings",
                )
            },
            AppError::Conflict { field, message } => ApiError {
                field: field.map(str::to_owned),
                ..ApiError::conflict(message)
            },
            AppError::Unavailable(message) => {
                tracing::error!("refused a request: {message}");
                ApiError {
                    retry_after: Some(30),
                    ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, STORAGE_FULL, message)
                }
            }
            AppError::ReadOnly(message) => {
                tracing::error!("refused a request: {message}");
                ApiError {
                    retry_after: Some(30),
                    ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, READ_ONLY, message)
                }
            }
            AppError::Internal(ref what) => ApiError::internal(what),
        }
    }
}
