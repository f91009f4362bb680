//! [`AppError`]: the one error of every use case. A transport maps it to its own answer (an
//! HTTP status and JSON body, an error page, a CLI message); the variants say what the user can
//! do about it, never how the failure happened inside.

use kirjuri_quality::Report;
use kirjuri_store::StoreError;

/// Why a use case did not happen. Nothing was changed when a use case answers with one of
/// these (writes are single transactions in the store).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No session, or it ended.
    #[error("log in first")]
    Unauthenticated,
    /// The username and password do not match an account.
    #[error("wrong username or password")]
    WrongCredentials,
    /// Too many failed log-ins of this username or from this address (see `retry_after`).
    #[error("too many failed log-ins; try again in {} minutes", (retry_after_seconds + 59) / 60)]
    TooManyLogins { retry_after_seconds: i64 },
    /// The thing does not exist — or the user may not learn that it does (A2, A16): both are
    /// answered alike so that existence itself stays confidential.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The user may know the thing exists but may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// An input is not acceptable; `field` names it as the caller sent it.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The text cannot be saved as it is: the entry-quality checker found something that
    /// blocks it (A13–A18). Nothing was written.
    #[error("the text cannot be saved as it is: see the findings")]
    Blocked { field: &'static str, report: Report },
    /// The request conflicts with the record as it stands (already registered, already
    /// ended, already taken …).
    #[error("{message}")]
    Conflict {
        field: Option<&'static str>,
        message: String,
    },
    /// The database cannot take writes now (its storage is full). Nothing was saved, nothing
    /// saved before is affected; the same request succeeds once there is space again.
    #[error("{0}")]
    Unavailable(String),
    /// The database refuses writes (it is read-only). Nothing was saved; the same request
    /// succeeds once it takes writes again.
    #[error("{0}")]
    ReadOnly(String),
    /// A failure inside Kirjuri or its database. The transport logs it under a reference and
    /// shows the user only that reference.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The result of a use case.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.to_string(),
        }
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict {
            field: None,
            message: message.into(),
        }
    }
    pub(crate) fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }
}

/// `Ok` of `r`, or [`AppError::Invalid`] naming `name`.
pub fn field<T, E: std::fmt::Display>(name: &str, r: Result<T, E>) -> AppResult<T> {
    r.map_err(|e| AppError::invalid(name, e))
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        use StoreError as S;
        let conflict = |field: Option<&'static str>, e: &StoreError| AppError::Conflict {
            field,
            message: e.to_string(),
        };
        match e {
            S::NotFound(what) => AppError::NotFound(what),
            S::DuplicateHetu => conflict(Some("hetu"), &e),
            S::DuplicateUsername => conflict(Some("username"), &e),
            S::DuplicateDisplayName => conflict(Some("display_name"), &e),
            S::DuplicateAdoptionDecision(_) | S::DuplicateAdoptionDecisionNumber => {
                conflict(Some("number"), &e)
            }
            S::DuplicatePayer => conflict(Some("name_fi"), &e),
            S::CorrectedEntryMissing
            | S::CorrectionOtherClient
            | S::AlreadyCorrected(..)
            | S::CorrectedConcurrently => AppError::invalid("corrects.entry_id", &e),
            S::JobSearchInProgress(_)
            | S::JobSearchStartedConcurrently
            | S::JobSearchAlreadyEnded
            | S::CaseNotOpen
            | S::NoStatement
            | S::ReconsiderationExists
            | S::DeliveryTaken
            | S::AlreadyInitialised => conflict(None, &e),
            S::NotPermitted(_) => AppError::Forbidden(e.to_string()),
            S::EndBeforeStart { .. } => AppError::invalid("end_date", &e),
            S::NotAnOfficialOfClientOrg => AppError::invalid("official_id", &e),
            S::Entry(ref inner) => AppError::invalid(entry_error_field(inner), &e),
            S::StorageFull => AppError::Unavailable(
                "the database's storage is full: nothing was saved; try again later".into(),
            ),
            S::ReadOnly => AppError::ReadOnly(
                "the database refuses writes (it is read-only): nothing was saved; try again later"
                    .into(),
            ),
            S::Corrupt(_)
            | S::MigrationChanged(_)
            | S::UnsupportedUrl(_)
            | S::CannotOpen(_)
            | S::CommitFailed(_)
            | S::LedgerNotConfigured
            | S::LedgerKeys(_)
            | S::AlreadyErased(_)
            | S::BackupUnsupported
            | S::BackupTarget(_)
            | S::Ledger(_)
            | S::Database(_) => AppError::Internal(e.to_string()),
        }
    }
}

/// The input field an entry's domain error is about.
pub fn entry_error_field(e: &kirjuri_domain::EntryError) -> &'static str {
    use kirjuri_domain::EntryError as E;
    match e {
        E::PlanWithoutFollowUp | E::FollowUpBeforePlan(_) => "follow_up_dates",
        E::ServiceMissing(_) => "service",
        E::DetailNotAllowed { field, .. } => field,
        E::EventInFuture { .. } => "event_at",
    }
}
