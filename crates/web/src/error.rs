//! The one web error type. It maps every failure to an HTTP status and a JSON body that names
//! the field at fault, and never leaks internals: unexpected errors are logged with an id and
//! the client sees only that id.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kirjuri_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_field`, `not_found`.
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
    /// The request field at fault (JSON path such as `mode.address`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn field(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_field",
            message: message.to_string(),
            field: Some(field.into()),
        }
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
            field: None,
        }
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            code: "conflict",
            message: message.into(),
            field: None,
        }
    }
    pub fn not_found(what: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: format!("{what} not found"),
            field: None,
        }
    }
    pub fn unauthenticated() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthenticated",
            message: "log in first".into(),
            field: None,
        }
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message: message.into(),
            field: None,
        }
    }
    pub(crate) fn internal(err: &dyn std::fmt::Display) -> Self {
        // A short random id ties the client's report to the server log without revealing
        // anything about the failure.
        let id: u32 = rand::random();
        tracing::error!(error_id = format!("{id:08x}"), "internal error: {err}");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: format!("internal error (reference {id:08x})"),
            field: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                field: self.field,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        use StoreError as S;
        match e {
            S::NotFound(what) => ApiError::not_found(what),
            S::DuplicateHetu => ApiError {
                status: StatusCode::CONFLICT,
                ..ApiError::field("hetu", &e)
            },
            S::DuplicateUsername => ApiError {
                status: StatusCode::CONFLICT,
                ..ApiError::field("username", &e)
            },
            S::CorrectedEntryMissing | S::CorrectionOtherClient | S::AlreadyCorrected(..) => {
                ApiError::field("corrects.entry_id", &e)
            }
            S::JobSearchInProgress(_)
            | S::JobSearchAlreadyEnded
            | S::CaseNotOpen
            | S::NoStatement
            | S::ReconsiderationExists => ApiError::conflict(e.to_string()),
            S::NotPermitted(_) => ApiError::forbidden(e.to_string()),
            S::DuplicateAdoptionDecision(_) => ApiError {
                status: StatusCode::CONFLICT,
                ..ApiError::field("number", &e)
            },
            S::DuplicatePayer => ApiError {
                status: StatusCode::CONFLICT,
                ..ApiError::field("name_fi", &e)
            },
            S::DeliveryTaken => ApiError::conflict(e.to_string()),
            S::EndBeforeStart { .. } => ApiError::field("end_date", &e),
            S::NotAnOfficialOfClientOrg => ApiError::field("official_id", &e),
            S::Entry(ref inner) => ApiError::field(entry_error_field(inner), &e),
            S::Corrupt(_)
            | S::MigrationChanged(_)
            | S::UnsupportedUrl(_)
            | S::CommitFailed(_)
            | S::LedgerNotConfigured
            | S::LedgerKeys(_)
            | S::AlreadyErased(_)
            | S::Ledger(_)
            | S::Database(_) => ApiError::internal(&e),
        }
    }
}

fn entry_error_field(e: &kirjuri_domain::EntryError) -> &'static str {
    use kirjuri_domain::EntryError as E;
    match e {
        E::PlanWithoutFollowUp | E::FollowUpBeforePlan(_) => "follow_up_dates",
        E::ServiceMissing(_) => "service",
        E::DetailNotAllowed { field, .. } => field,
        E::EventInFuture { .. } => "event_at",
    }
}

impl From<argon2::password_hash::Error> for ApiError {
    fn from(e: argon2::password_hash::Error) -> Self {
        ApiError::internal(&e)
    }
}
