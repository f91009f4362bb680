//! The automated statement procedure: adoption decisions, register facts, decisions with what
//! followed them, the GDPR art. 22(3) safeguards, provenance and quality figures.

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_app::model as m;
use kirjuri_app::statements::{
    AdoptionDecisionInput, DecisionRecord, JobSearchDecision, Notice, Provenance,
    ReconsiderationRecord, RuleSetRef, Safeguards,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::cases::reconsiders;
use super::clients::JobSearchView;
use super::parse::{date, Parsed};
use super::session::OrgView;

/// A deployment (adoption) decision of the automated procedure (B13, B17).
#[derive(Debug, Serialize, ToSchema)]
pub struct AdoptionDecisionView {
    pub number: String,
    pub decided_on: NaiveDate,
    pub rule_set_hashes: Vec<String>,
    pub quality_owner: String,
    pub error_owner: String,
    pub url: String,
    pub retired_on: Option<NaiveDate>,
}

impl From<&m::AdoptionDecision> for AdoptionDecisionView {
    fn from(a: &m::AdoptionDecision) -> Self {
        Self {
            number: a.number.clone(),
            decided_on: a.decided_on,
            rule_set_hashes: a.rule_set_hashes.clone(),
            quality_owner: a.quality_owner.clone(),
            error_owner: a.error_owner.clone(),
            url: a.url.clone(),
            retired_on: a.retired_on,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAdoptionDecisionRequest {
    /// Register number, e.g. `KEHA/73792/2024`.
    pub number: String,
    pub decided_on: String,
    /// SHA-256 hashes (64 lower-case hex digits) of the adopted rule sets.
    pub rule_set_hashes: Vec<String>,
    pub quality_owner: String,
    pub error_owner: String,
    /// Where the decision is published (`https://...`).
    pub url: String,
}

impl NewAdoptionDecisionRequest {
    pub fn parse(&self) -> Parsed<AdoptionDecisionInput> {
        Ok(AdoptionDecisionInput {
            number: self.number.clone(),
            decided_on: date("decided_on", &self.decided_on)?,
            rule_set_hashes: self.rule_set_hashes.clone(),
            quality_owner: self.quality_owner.clone(),
            error_owner: self.error_owner.clone(),
            url: self.url.clone(),
        })
    }
}

/// Register facts of a client (B4) and the person facts the rules read.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterFactsRequest {
    /// Income register shows pay after the reported end of employment.
    pub employment_continues: bool,
    /// Study registers show active degree studies.
    pub active_degree_studies: bool,
    /// Trade register shows an active business.
    pub active_business: bool,
    pub resides_in_finland: bool,
    /// `citizen`, `eu_eea`, `permit_unrestricted`, `permit_restricted`, `permit_temporary`,
    /// `none`.
    #[schema(value_type = String)]
    pub right_to_work: kirjuri_rules::RightToWork,
    pub vocational_qualification: bool,
    pub partial_disability_pension: bool,
}

impl RegisterFactsRequest {
    pub fn to_store(&self) -> m::RegisterFacts {
        m::RegisterFacts {
            employment_continues: self.employment_continues,
            active_degree_studies: self.active_degree_studies,
            active_business: self.active_business,
            resides_in_finland: self.resides_in_finland,
            right_to_work: self.right_to_work.as_str().to_owned(),
            vocational_qualification: self.vocational_qualification,
            partial_disability_pension: self.partial_disability_pension,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterFactsView {
    pub employment_continues: bool,
    pub active_degree_studies: bool,
    pub active_business: bool,
    pub resides_in_finland: bool,
    pub right_to_work: String,
    pub vocational_qualification: bool,
    pub partial_disability_pension: bool,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl From<&m::RecordedRegisterFacts> for RegisterFactsView {
    fn from(r: &m::RecordedRegisterFacts) -> Self {
        let f = &r.facts;
        Self {
            employment_continues: f.employment_continues,
            active_degree_studies: f.active_degree_studies,
            active_business: f.active_business,
            resides_in_finland: f.resides_in_finland,
            right_to_work: f.right_to_work.clone(),
            vocational_qualification: f.vocational_qualification,
            partial_disability_pension: f.partial_disability_pension,
            recorded_at: r.recorded_at,
            recorded_by: r.recorded_by.to_string(),
        }
    }
}

/// A decision of the automated procedure, with its statement document when automatic.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub id: String,
    pub job_search_id: String,
    /// `job_search_start` or `job_search_end`.
    pub kind: String,
    pub decision_date: NaiveDate,
    /// `auto_positive`, `auto_end` or `routed`.
    pub outcome: String,
    /// Made by the automated procedure without an official (B8).
    pub automated: bool,
    /// Routing reasons: code, target, legal basis, rule.
    #[schema(value_type = Vec<Object>)]
    pub reasons: serde_json::Value,
    /// `employment_authority` or `keha` when routed.
    pub to: Option<String>,
    pub effective_date: Option<NaiveDate>,
    pub rule_set: RuleSetRefView,
    /// The adoption decision that covered the rule set (none: the case was routed).
    pub adoption_decision: Option<String>,
    /// The statement (plain text) for an automatic outcome.
    pub document: Option<String>,
    pub document_language: Option<String>,
    pub notice_acknowledged: bool,
    pub recorded_at: DateTime<Utc>,
    /// For a routed case: the statement an official issued, once resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub official_statement: Option<OfficialStatementView>,
    /// For an automated statement: the GDPR art. 22(3) safeguards (B15) — that it was made
    /// automatically, the logic that applied, and the client's rights and how to use them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safeguards: Option<SafeguardsView>,
    /// The request for reconsideration of this decision's statement, if one was made (B7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconsideration: Option<ReconsiderationView>,
}

/// The statement an official issued on a routed case.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficialStatementView {
    /// `no_obstacle`, `obstacle` or `job_search_ended`.
    pub outcome: String,
    pub effective_date: NaiveDate,
    pub reasoning: String,
    pub basis: String,
    /// The statement (plain text) in `document_language`.
    pub document: String,
    pub document_language: String,
    /// The organisation that issued it (named in full in the document).
    pub issuer_organisation_id: String,
    pub issued_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSetRefView {
    pub name: String,
    pub version: String,
    pub hash: String,
}

impl From<&RuleSetRef> for RuleSetRefView {
    fn from(r: &RuleSetRef) -> Self {
        Self {
            name: r.name.clone(),
            version: r.version.clone(),
            hash: r.hash.clone(),
        }
    }
}

impl From<&DecisionRecord> for DecisionView {
    fn from(r: &DecisionRecord) -> Self {
        let s = &r.stored;
        let d = &s.decision;
        Self {
            id: s.id.to_string(),
            job_search_id: s.job_search_id.to_string(),
            kind: d.kind.clone(),
            decision_date: d.decision_date,
            outcome: d.outcome.clone(),
            automated: r.automated(),
            reasons: r.reasons.clone(),
            to: d.target.clone(),
            effective_date: d.effective_date,
            rule_set: RuleSetRefView::from(&RuleSetRef::of(s)),
            adoption_decision: d.adoption_number.clone(),
            document: d.document.clone(),
            document_language: d.document_language.clone(),
            notice_acknowledged: d.notice_acknowledged,
            recorded_at: s.recorded_at,
            official_statement: r
                .official_statement
                .as_ref()
                .map(|o| OfficialStatementView {
                    outcome: o.resolution.outcome.clone(),
                    effective_date: o.resolution.effective_date,
                    reasoning: o.resolution.reasoning.clone(),
                    basis: o.resolution.basis.clone(),
                    document: o.resolution.document.clone(),
                    document_language: o.resolution.document_language.clone(),
                    issuer_organisation_id: o.issuer.to_string(),
                    issued_at: o.issued_at,
                }),
            safeguards: r
                .safeguards
                .as_ref()
                .map(|g| SafeguardsView::new(g, &s.id.to_string())),
            reconsideration: r.reconsideration.as_ref().map(ReconsiderationView::from),
        }
    }
}

/// The prior notice of automated decision-making (B14), shown before the form is filled in.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    pub fi: &'static str,
    pub sv: &'static str,
}

/// A job search started or ended, with the decision it triggered and the prior notice.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobSearchDecisionView {
    /// The job search's own fields, as in `JobSearchView`.
    #[serde(flatten)]
    pub job_search: JobSearchView,
    pub decision: DecisionView,
    pub notice: NoticeView,
}

impl From<Notice> for NoticeView {
    fn from(n: Notice) -> Self {
        Self { fi: n.fi, sv: n.sv }
    }
}

impl JobSearchDecisionView {
    pub fn new(d: &JobSearchDecision, notice: Notice) -> Self {
        Self {
            job_search: JobSearchView::from(&d.job_search),
            decision: DecisionView::from(&d.decision),
            notice: NoticeView::from(notice),
        }
    }
}

/// One step of a decision's history (B10): who took it and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvenanceStep {
    /// `automated_decision`, `official_taken` or `official_resolved`.
    pub step: &'static str,
    /// `automated procedure` or an official and their organisation.
    pub by: String,
    /// The account whose request triggered the step.
    pub requested_by: String,
    pub at: DateTime<Utc>,
}

/// Which rules decided, under which adoption decision, the steps, and an offline-verifiable
/// ledger proof of the decision record (B10).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvenanceView {
    pub decision: DecisionView,
    pub rule_set: RuleSetRefView,
    pub adoption_decision: Option<AdoptionDecisionView>,
    pub steps: Vec<ProvenanceStep>,
    pub ledger_leaf_index: u64,
    /// The proof bundle (kirjuri-ledger text format): leaf, opening, inclusion proof and
    /// signed checkpoint; verifies offline with the ledger's public key.
    pub ledger_bundle: String,
}

impl From<&Provenance> for ProvenanceView {
    fn from(p: &Provenance) -> Self {
        Self {
            decision: DecisionView::from(&p.decision),
            rule_set: RuleSetRefView::from(&p.rule_set),
            adoption_decision: p.adoption_decision.as_ref().map(AdoptionDecisionView::from),
            steps: p
                .steps
                .iter()
                .map(|s| ProvenanceStep {
                    step: s.step,
                    by: s.by.clone(),
                    requested_by: s.requested_by.clone(),
                    at: s.at,
                })
                .collect(),
            ledger_leaf_index: p.ledger_leaf_index,
            ledger_bundle: p.ledger_bundle.clone(),
        }
    }
}

/// The statement issued on reconsideration, linked to the statement it reconsiders.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReconsiderationStatementView {
    /// `no_obstacle`, `obstacle` or `job_search_ended`.
    pub outcome: String,
    pub effective_date: NaiveDate,
    pub reasoning: String,
    pub basis: String,
    /// The statement (plain text) in `document_language`.
    pub document: String,
    pub document_language: String,
    /// The outcome or its effective date differs from the statement reconsidered.
    pub outcome_changed: bool,
    /// The issuing organisation, named in full.
    pub issuer: OrgView,
    pub issued_at: DateTime<Utc>,
    /// The decision whose statement it reconsiders.
    pub reconsiders_decision_id: String,
    /// `automated_statement` or `official_statement`.
    pub reconsiders: String,
}

/// A request for reconsideration, its state and, once resolved, the new statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReconsiderationView {
    pub id: String,
    pub decision_id: String,
    /// `automated_statement` or `official_statement`: which statement is reconsidered.
    pub reconsiders: String,
    /// The reconsidered statement's outcome (`no_obstacle`, `obstacle`, `job_search_ended`).
    pub reconsidered_outcome: String,
    pub reconsidered_effective_date: NaiveDate,
    /// The client's reasons, as given.
    pub reasons: String,
    /// `client`, or `official` when an official recorded it on the client's behalf.
    pub requested_as: String,
    pub requested_at: DateTime<Utc>,
    /// `requested`, `taken` (an official works on it) or `resolved`.
    pub state: &'static str,
    /// The organisation that handles it (the issuer of the statement), named in full.
    pub handled_by: OrgView,
    pub taken_at: Option<DateTime<Utc>>,
    pub new_statement: Option<ReconsiderationStatementView>,
}

/// One rule of the processing rules as it applied to the client's case.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppliedRuleView {
    pub rule: String,
    /// The rule's title in the client's language.
    pub title: String,
    /// Legal basis, in full.
    pub basis: String,
    /// The rule's condition held.
    pub applied: bool,
    /// What happened to the rule, in words.
    pub status: String,
    /// The facts it read, as `name = value`.
    pub read: Vec<String>,
}

/// Meaningful information about the logic of an automated statement (GDPR art. 22, 13(2)(f)).
#[derive(Debug, Serialize, ToSchema)]
pub struct LogicView {
    /// In a sentence or two, how the statement was formed.
    pub summary: String,
    pub rule_set: RuleSetRefView,
    /// Every rule considered, in order.
    pub rules: Vec<AppliedRuleView>,
    /// The rules engine's own explanation (`kirjuri rules explain`), when the rule-set
    /// version that decided is the one in use.
    pub explanation: Option<String>,
}

/// How to ask for reconsideration (a person handles it).
#[derive(Debug, Serialize, ToSchema)]
pub struct HowToAskView {
    /// A request can still be made (none was made yet).
    pub available: bool,
    pub method: &'static str,
    pub path: String,
    /// What to send: `{"reasons": "..."}`.
    pub body: &'static str,
    /// In words, in the client's language.
    pub text: String,
}

/// The safeguards of an automated statement (B15; GDPR art. 22(3); Administrative Procedure
/// Act 53 e §), in the client's language.
#[derive(Debug, Serialize, ToSchema)]
pub struct SafeguardsView {
    /// `fi` or `sv`.
    pub language: String,
    pub made_automatically: bool,
    /// That the statement was made automatically, and under which adoption decision.
    pub notice: String,
    pub logic: LogicView,
    pub right_to_human_intervention: String,
    pub right_to_express_view: String,
    pub right_to_contest: String,
    pub how_to_ask: HowToAskView,
    pub legal_basis: String,
}

/// Routed decisions of one reason code.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutedCountView {
    pub code: String,
    pub count: i64,
}

/// The quality figures of one rule-set version (B11). No client-identifying data.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSetQualityView {
    pub rule_set: RuleSetRefView,
    /// The adoption decisions under which it decided.
    pub adoption_decisions: Vec<String>,
    pub decisions: i64,
    pub automated: i64,
    pub routed: i64,
    /// automated / decisions (0 when there are none).
    pub automated_share: f64,
    pub routed_share: f64,
    /// Routed decisions by reason code; a decision routed for two reasons counts under both.
    pub routed_by_reason: Vec<RoutedCountView>,
    pub reconsiderations_requested: i64,
    pub reconsiderations_of_automated: i64,
    pub reconsiderations_resolved: i64,
    /// Resolved with a different outcome or effective date.
    pub reconsiderations_changed: i64,
}

impl From<&m::QualityFigures> for RuleSetQualityView {
    fn from(f: &m::QualityFigures) -> Self {
        let share = |n: i64| {
            if f.decisions == 0 {
                0.0
            } else {
                n as f64 / f.decisions as f64
            }
        };
        Self {
            rule_set: RuleSetRefView {
                name: f.rule_set_name.clone(),
                version: f.rule_set_version.clone(),
                hash: f.rule_set_hash.clone(),
            },
            adoption_decisions: f.adoption_decisions.clone(),
            decisions: f.decisions,
            automated: f.automated,
            routed: f.routed,
            automated_share: share(f.automated),
            routed_share: share(f.routed),
            routed_by_reason: f
                .routed_by_reason
                .iter()
                .map(|r| RoutedCountView {
                    code: r.code.clone(),
                    count: r.count,
                })
                .collect(),
            reconsiderations_requested: f.reconsiderations_requested,
            reconsiderations_of_automated: f.reconsiderations_of_automated,
            reconsiderations_resolved: f.reconsiderations_resolved,
            reconsiderations_changed: f.reconsiderations_changed,
        }
    }
}

impl From<&ReconsiderationRecord> for ReconsiderationView {
    fn from(rec: &ReconsiderationRecord) -> Self {
        let r = &rec.request;
        Self {
            id: r.id.to_string(),
            decision_id: r.decision_id.to_string(),
            reconsiders: reconsiders(&r.statement),
            reconsidered_outcome: r.statement_outcome.clone(),
            reconsidered_effective_date: r.statement_effective_date,
            reasons: r.reasons.clone(),
            requested_as: r.requested_as.clone(),
            requested_at: r.requested_at,
            state: r.state(),
            handled_by: OrgView::from(&rec.handled_by),
            taken_at: rec.taken_at(),
            new_statement: rec
                .new_statement
                .as_ref()
                .map(|n| ReconsiderationStatementView {
                    outcome: n.resolution.outcome.clone(),
                    effective_date: n.resolution.effective_date,
                    reasoning: n.resolution.reasoning.clone(),
                    basis: n.resolution.basis.clone(),
                    document: n.resolution.document.clone(),
                    document_language: n.resolution.document_language.clone(),
                    outcome_changed: n.outcome_changed,
                    issuer: OrgView::from(&n.issuer),
                    issued_at: n.issued_at,
                    reconsiders_decision_id: r.decision_id.to_string(),
                    reconsiders: reconsiders(&r.statement),
                }),
        }
    }
}

impl SafeguardsView {
    /// The safeguards of the statement of decision `decision_id`, with how to ask over this
    /// API.
    pub fn new(g: &Safeguards, decision_id: &str) -> Self {
        Self {
            language: g.language.code().to_owned(),
            made_automatically: true,
            notice: g.notice.clone(),
            logic: LogicView {
                summary: g.summary.clone(),
                rule_set: RuleSetRefView::from(&g.rule_set),
                rules: g
                    .rules
                    .iter()
                    .map(|r| AppliedRuleView {
                        rule: r.rule.clone(),
                        title: r.title.clone(),
                        basis: r.basis.clone(),
                        applied: r.applied,
                        status: r.status.clone(),
                        read: r.read.clone(),
                    })
                    .collect(),
                explanation: g.explanation.clone(),
            },
            right_to_human_intervention: g.right_to_human_intervention.clone(),
            right_to_express_view: g.right_to_express_view.clone(),
            right_to_contest: g.right_to_contest.clone(),
            how_to_ask: HowToAskView {
                available: g.can_ask,
                method: "POST",
                path: format!("/api/me/decisions/{decision_id}/reconsideration"),
                body: "{\"reasons\": \"...\"}",
                text: g.how_to_ask.clone(),
            },
            legal_basis: g.legal_basis.clone(),
        }
    }
}
