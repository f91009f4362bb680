//! The entry-quality checker's findings (A13–A18).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A text to check, as an official is writing it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    pub text: String,
    /// The entry type (default `other`); health data is expected only in `work_capacity`, and
    /// offensive words block in `safety`.
    pub entry_type: Option<String>,
    /// `fi` (default), `sv`, `se` or `en`.
    pub language: Option<String>,
    /// `entry` (default) or `email`: in an outgoing e-mail identity codes, health data and
    /// benefit details block (A18).
    pub purpose: Option<String>,
}

/// One finding of the checker.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingView {
    /// `abbreviation`, `offensive`, `health`, `hetu`, `benefit`, `clarity` or `format`.
    pub kind: String,
    /// `warn` or `block`.
    pub severity: String,
    /// Character range in the text.
    pub start: usize,
    pub end: usize,
    /// The matched base form, abbreviation or code (an identity code only masked).
    pub matched: String,
    pub message_fi: String,
    pub message_sv: String,
    pub message_en: String,
    pub suggestion_fi: Option<String>,
    pub suggestion_sv: Option<String>,
}

impl From<&kirjuri_quality::Finding> for FindingView {
    fn from(f: &kirjuri_quality::Finding) -> Self {
        Self {
            kind: f.kind.code().into(),
            severity: match f.severity {
                kirjuri_quality::Severity::Warn => "warn",
                kirjuri_quality::Severity::Block => "block",
            }
            .into(),
            start: f.chars.start,
            end: f.chars.end,
            matched: f.matched.clone(),
            message_fi: f.message.fi.clone(),
            message_sv: f.message.sv.clone(),
            message_en: f.message.en.clone(),
            suggestion_fi: f.suggestion.as_ref().map(|s| s.fi.clone()),
            suggestion_sv: f.suggestion.as_ref().map(|s| s.sv.clone()),
        }
    }
}

/// What the checker found in a text.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckReport {
    /// `voikko` (Finnish morphology) or `fallback` (the weaker built-in stemmer).
    pub morphology: String,
    /// Whether a finding blocks saving the text.
    pub blocks: bool,
    pub findings: Vec<FindingView>,
}
