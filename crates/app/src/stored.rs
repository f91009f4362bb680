//! Values stored as JSON text and read back (routing reasons, decision traces and inputs).
//! Kirjuri wrote them, so one that does not parse is a corrupt record, never a default.

use serde_json::Value;

use crate::{AppError, AppResult};

/// Stored JSON read back: a value that does not parse is a corrupt record, never a default.
pub(crate) fn stored_json(what: &str, text: &str) -> AppResult<Value> {
    serde_json::from_str(text)
        .map_err(|e| AppError::Internal(format!("corrupt stored {what}: {e}")))
}
