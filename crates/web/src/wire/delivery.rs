//! Benefit payers, applications, deliveries and the validity query (A11).

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_app::delivery::{ApplicationRecord, Gaps};
use kirjuri_app::model as m;
use kirjuri_domain as d;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::parse::{field, Parsed};

/// A benefit payer (Kela, an unemployment fund).
#[derive(Debug, Serialize, ToSchema)]
pub struct PayerView {
    pub id: String,
    pub name_fi: String,
    pub name_sv: String,
    /// Where statements are delivered (https).
    pub endpoint_url: String,
    pub registered_at: DateTime<Utc>,
}

impl From<&m::BenefitPayer> for PayerView {
    fn from(p: &m::BenefitPayer) -> Self {
        Self {
            id: p.id.to_string(),
            name_fi: p.name_fi.to_string(),
            name_sv: p.name_sv.to_string(),
            endpoint_url: p.endpoint.to_string(),
            registered_at: p.registered_at,
        }
    }
}

/// Registers a benefit payer (an administrator).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPayerRequest {
    /// The payer's name in full, in Finnish (`Kansaneläkelaitos`).
    pub name_fi: String,
    /// In Swedish (`Folkpensionsanstalten`).
    pub name_sv: String,
    /// The delivery endpoint: `https://...` to a public host (no private, link-local or
    /// numerically encoded address; plain http only to loopback in a test configuration).
    pub endpoint_url: String,
}

impl NewPayerRequest {
    pub fn parse(&self) -> Parsed<m::NewBenefitPayer> {
        Ok(m::NewBenefitPayer {
            name_fi: field("name_fi", d::PersonName::parse(&self.name_fi))?,
            name_sv: field("name_sv", d::PersonName::parse(&self.name_sv))?,
            endpoint: field("endpoint_url", d::EndpointUrl::parse(&self.endpoint_url))?,
        })
    }
}

/// Records that the client has applied for benefit at a payer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationRequest {
    pub payer_id: String,
    /// From which date the benefit is applied for (YYYY-MM-DD).
    pub from_date: String,
}

/// A client's benefit application.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    pub payer_id: String,
    pub payer_name_fi: String,
    pub payer_name_sv: String,
    pub from_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    /// Deliveries enqueued by this application (statements in force for this payer); only in
    /// the answer to recording it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deliveries_enqueued: Option<usize>,
}

impl From<&ApplicationRecord> for ApplicationView {
    fn from(a: &ApplicationRecord) -> Self {
        Self {
            payer_id: a.application.payer_id.to_string(),
            payer_name_fi: a.payer.name_fi.to_string(),
            payer_name_sv: a.payer.name_sv.to_string(),
            from_date: a.application.from_date,
            recorded_at: a.application.recorded_at,
            recorded_by: a.recorded_by.to_string(),
            deliveries_enqueued: a.deliveries_enqueued,
        }
    }
}

/// A failed delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryFailureView {
    pub attempt: i64,
    pub at: DateTime<Utc>,
    pub http_status: Option<i64>,
    /// What went wrong, in Kirjuri's words: the payer's status, never what it answered.
    pub error: String,
    pub retry_at: DateTime<Utc>,
}

/// The payer's acceptance of a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryReceiptView {
    pub attempt: i64,
    pub delivered_at: DateTime<Utc>,
    /// The worker instance that delivered it.
    pub worker: String,
    pub endpoint_url: String,
    pub http_status: i64,
    /// SHA-256 of the payer's answer.
    pub response_sha256: String,
}

/// Where one statement's delivery to one payer stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: String,
    pub payer_id: String,
    pub payer_name_fi: String,
    pub payer_name_sv: String,
    /// `source:reference` of the statement (`decision:<id>`, `official_step:<seq>`).
    pub statement: String,
    /// Sent as `Idempotency-Key`: the same for every attempt of this statement to this payer.
    pub idempotency_key: String,
    /// `pending`, `retrying` (a failure, next try at `last_failure.retry_at`) or `delivered`.
    pub state: &'static str,
    pub enqueued_at: DateTime<Utc>,
    pub attempts: i64,
    pub last_failure: Option<DeliveryFailureView>,
    pub receipt: Option<DeliveryReceiptView>,
}

impl From<&m::DeliveryStatus> for DeliveryView {
    fn from(s: &m::DeliveryStatus) -> Self {
        let state = match (&s.receipt, &s.last_failure) {
            (Some(_), _) => "delivered",
            (None, Some(_)) => "retrying",
            (None, None) => "pending",
        };
        Self {
            id: s.id.to_string(),
            payer_id: s.payer_id.to_string(),
            payer_name_fi: s.payer_name_fi.clone(),
            payer_name_sv: s.payer_name_sv.clone(),
            statement: format!("{}:{}", s.statement_kind, s.statement_ref),
            idempotency_key: s.idempotency_key.clone(),
            state,
            enqueued_at: s.enqueued_at,
            attempts: s.attempts,
            last_failure: s.last_failure.as_ref().map(|f| DeliveryFailureView {
                attempt: f.attempt_no,
                at: f.at,
                http_status: f.http_status,
                // Failures recorded before issue 15 item 5 kept up to 200 characters of the
                // answer after the status: only the status is shown.
                error: match f.http_status {
                    Some(status) => format!("the payer answered HTTP {status}"),
                    None => f.error.clone(),
                },
                retry_at: f.retry_at,
            }),
            receipt: s.receipt.as_ref().map(|r| DeliveryReceiptView {
                attempt: r.attempt_no,
                delivered_at: r.delivered_at,
                worker: r.worker.clone(),
                endpoint_url: r.endpoint_url.clone(),
                http_status: r.http_status,
                response_sha256: r.response_sha256.clone(),
            }),
        }
    }
}

/// One client who applies for benefit and has no statement in force on the date (A11).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementGapView {
    pub client_id: String,
    pub hetu_masked: String,
    pub name: String,
    pub organisation_id: String,
    /// `no_job_search`, `no_statement`, `routed_unresolved`, `end_without_statement`,
    /// `service_ended`.
    pub reason: &'static str,
    pub reason_fi: &'static str,
    pub reason_sv: &'static str,
    /// When the situation began (job-search start or end, routed decision, service end).
    pub since: Option<NaiveDate>,
    pub job_search_id: Option<String>,
    pub decision_id: Option<String>,
    /// The payers the client has applied to, in Finnish.
    pub payers: Vec<String>,
    pub applied_from: NaiveDate,
}

/// The validity query's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementGaps {
    pub date: NaiveDate,
    pub gaps: Vec<StatementGapView>,
}

impl From<&Gaps> for StatementGaps {
    fn from(g: &Gaps) -> Self {
        let name_of = |id: &d::PayerId| {
            g.payers
                .iter()
                .find(|p| p.id == *id)
                .map(|p| p.name_fi.to_string())
                .unwrap_or_default()
        };
        Self {
            date: g.date,
            gaps: g
                .gaps
                .iter()
                .map(|gap| {
                    let (fi, sv) = gap.reason.words();
                    StatementGapView {
                        client_id: gap.client.id.to_string(),
                        hetu_masked: gap.client.hetu.masked(),
                        name: format!("{} {}", gap.client.first_name, gap.client.last_name),
                        organisation_id: gap.client.org_id.to_string(),
                        reason: gap.reason.code(),
                        reason_fi: fi,
                        reason_sv: sv,
                        since: gap.since,
                        job_search_id: gap.job_search_id.map(|j| j.to_string()),
                        decision_id: gap.decision_id.map(|d| d.to_string()),
                        payers: gap.payers.iter().map(name_of).collect(),
                        applied_from: gap.applied_from,
                    }
                })
                .collect(),
        }
    }
}
