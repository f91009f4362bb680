//! The officials' work queues: routed cases and requests for reconsideration, taken and
//! resolved through one path (`kirjuri_app::cases`).

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_app::cases::{
    CaseRef, CaseStep, OpenReconsideration, ReasonInWords as Reason, ResolutionInput, RoutedCase,
    Taken,
};
use kirjuri_domain as d;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::parse::{date, field, Parsed};

/// An official's statement on a routed case. Strict: unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// `no_obstacle` or `obstacle` (a start), `job_search_ended` or `obstacle` (an end).
    pub outcome: String,
    /// From when the statement applies (YYYY-MM-DD).
    pub effective_date: String,
    /// The official's reasoning, shown to the client in the statement.
    pub reasoning: String,
    /// Legal basis, e.g. `TTL 2:14`.
    pub basis: String,
}

impl ResolveRequest {
    /// The resolution as given; the outcome is checked against the decision's kind by the
    /// application layer.
    pub fn parse(&self) -> Parsed<ResolutionInput> {
        Ok(ResolutionInput {
            outcome: self.outcome.clone(),
            effective_date: date("effective_date", &self.effective_date)?,
            reasoning: field("reasoning", d::Reasoning::parse(&self.reasoning))?,
            basis: field("basis", d::LegalBasis::parse(&self.basis))?,
        })
    }
}

/// A routing reason in words (titles of the rule in Finnish and Swedish).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonInWords {
    pub code: String,
    pub title_fi: String,
    pub title_sv: String,
    /// Legal basis.
    pub basis: String,
    /// The rule that routed the case (none for the procedure's own checks).
    pub rule: Option<String>,
}

/// Who took a case, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct TakenView {
    pub by: String,
    pub at: DateTime<Utc>,
}

/// An open case in the work queue. The client appears only by masked identity code.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkQueueCase {
    pub decision_id: String,
    pub client_id: String,
    pub hetu_masked: String,
    /// `job_search_start` or `job_search_end`.
    pub kind: String,
    pub decision_date: NaiveDate,
    /// `employment_authority` or `keha`.
    pub to: String,
    pub reasons: Vec<ReasonInWords>,
    pub taken: Option<TakenView>,
    pub recorded_at: DateTime<Utc>,
}

/// A step an official took on a decision; for `resolved`, the statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficialStepView {
    pub decision_id: String,
    /// `taken` or `resolved`.
    pub step: String,
    /// The official.
    pub by: String,
    /// The organisation the official acted for, in full.
    pub organisation: String,
    pub at: DateTime<Utc>,
    pub outcome: Option<String>,
    pub effective_date: Option<NaiveDate>,
    pub reasoning: Option<String>,
    pub basis: Option<String>,
    /// The statement (plain text) in `document_language`.
    pub document: Option<String>,
    pub document_language: Option<String>,
}

/// A request for reconsideration: the client's reasons (their view of the matter). Strict.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReconsiderationRequestBody {
    /// Why the statement should be reconsidered, in the client's own words.
    pub reasons: String,
}

impl ReconsiderationRequestBody {
    /// The reasons, trimmed: not empty, not too long, no control characters other than line
    /// breaks and tabs.
    pub fn parse(&self) -> Parsed<d::ClientReasons> {
        field("reasons", d::ClientReasons::parse(&self.reasons))
    }
}

/// An open request for reconsideration in a work queue. The client appears only by masked
/// identity code.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReconsiderationCaseView {
    pub request_id: String,
    pub decision_id: String,
    pub client_id: String,
    pub hetu_masked: String,
    /// `job_search_start` or `job_search_end`.
    pub kind: String,
    /// `employment_authority` or `keha`.
    pub to: String,
    /// `automated_statement` or `official_statement`.
    pub reconsiders: String,
    pub reconsidered_outcome: String,
    pub reconsidered_effective_date: NaiveDate,
    pub reasons: String,
    pub requested_as: String,
    pub requested_at: DateTime<Utc>,
    pub taken: Option<TakenView>,
}

/// A step an official took on a request; for `resolved`, the new statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReconsiderationStepView {
    pub request_id: String,
    /// `taken` or `resolved`.
    pub step: String,
    /// The official.
    pub by: String,
    /// The organisation the official acted for, in full.
    pub organisation: String,
    pub at: DateTime<Utc>,
    pub outcome: Option<String>,
    pub effective_date: Option<NaiveDate>,
    pub reasoning: Option<String>,
    pub basis: Option<String>,
    pub document: Option<String>,
    pub document_language: Option<String>,
    pub outcome_changed: Option<bool>,
}

impl From<&Reason> for ReasonInWords {
    fn from(r: &Reason) -> Self {
        Self {
            code: r.code.clone(),
            title_fi: r.title_fi.clone(),
            title_sv: r.title_sv.clone(),
            basis: r.basis.clone(),
            rule: r.rule.clone(),
        }
    }
}

impl From<&Taken> for TakenView {
    fn from(t: &Taken) -> Self {
        Self {
            by: t.by.to_string(),
            at: t.at,
        }
    }
}

impl From<&RoutedCase> for WorkQueueCase {
    fn from(c: &RoutedCase) -> Self {
        let d = &c.case.decision;
        Self {
            decision_id: d.id.to_string(),
            client_id: c.case.client.id.to_string(),
            hetu_masked: c.case.client.hetu.masked(),
            kind: d.decision.kind.clone(),
            decision_date: d.decision.decision_date,
            to: d.decision.target.clone().unwrap_or_default(),
            reasons: c.reasons.iter().map(ReasonInWords::from).collect(),
            taken: c.taken.as_ref().map(TakenView::from),
            recorded_at: d.recorded_at,
        }
    }
}

/// `automated_statement` or `official_statement`, from the stored `automated` / `official`.
pub fn reconsiders(statement: &str) -> String {
    if statement == "automated" {
        "automated_statement".to_owned()
    } else {
        "official_statement".to_owned()
    }
}

impl From<&OpenReconsideration> for ReconsiderationCaseView {
    fn from(o: &OpenReconsideration) -> Self {
        let r = &o.case.request;
        Self {
            request_id: r.id.to_string(),
            decision_id: r.decision_id.to_string(),
            client_id: o.case.client.id.to_string(),
            hetu_masked: o.case.client.hetu.masked(),
            kind: o.case.kind.clone(),
            to: r.target.clone(),
            reconsiders: reconsiders(&r.statement),
            reconsidered_outcome: r.statement_outcome.clone(),
            reconsidered_effective_date: r.statement_effective_date,
            reasons: r.reasons.clone(),
            requested_as: r.requested_as.clone(),
            requested_at: r.requested_at,
            taken: o.taken.as_ref().map(TakenView::from),
        }
    }
}

impl From<&CaseStep> for OfficialStepView {
    fn from(s: &CaseStep) -> Self {
        let r = s.resolution.as_ref();
        Self {
            decision_id: match s.case {
                CaseRef::Routed(id) => id.to_string(),
                CaseRef::Reconsideration(id) => id.to_string(),
            },
            step: s.step.clone(),
            by: s.by.display_name.to_string(),
            organisation: s.organisation.name_fi.to_string(),
            at: s.at,
            outcome: r.map(|r| r.outcome.clone()),
            effective_date: r.map(|r| r.effective_date),
            reasoning: r.map(|r| r.reasoning.clone()),
            basis: r.map(|r| r.basis.clone()),
            document: r.map(|r| r.document.clone()),
            document_language: r.map(|r| r.document_language.clone()),
        }
    }
}

impl From<&CaseStep> for ReconsiderationStepView {
    fn from(s: &CaseStep) -> Self {
        let r = s.resolution.as_ref();
        Self {
            request_id: match s.case {
                CaseRef::Routed(id) => id.to_string(),
                CaseRef::Reconsideration(id) => id.to_string(),
            },
            step: s.step.clone(),
            by: s.by.display_name.to_string(),
            organisation: s.organisation.name_fi.to_string(),
            at: s.at,
            outcome: r.map(|r| r.outcome.clone()),
            effective_date: r.map(|r| r.effective_date),
            reasoning: r.map(|r| r.reasoning.clone()),
            basis: r.map(|r| r.basis.clone()),
            document: r.map(|r| r.document.clone()),
            document_language: r.map(|r| r.document_language.clone()),
            outcome_changed: s.outcome_changed,
        }
    }
}
