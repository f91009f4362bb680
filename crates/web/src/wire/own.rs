//! The access log (Information Management Act 17 §) and the client's own data (A19, GDPR
//! art. 15).

use chrono::{DateTime, Utc};
use kirjuri_app::me::SeenBy;
use kirjuri_app::model as m;
use serde::Serialize;
use utoipa::ToSchema;

use super::clients::{ClientView, JobSearchView};
use super::delivery::{ApplicationView, DeliveryView};
use super::record::{AppointmentView, ContactMethodView, EntryView, ResponsibleExpertView};
use super::session::OrgView;
use super::statements::DecisionView;

/// One row of the access log, as the supervisor searches it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLogView {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user_id: String,
    pub user_name: String,
    pub role: String,
    pub organisation_id: Option<String>,
    pub client_id: String,
    /// `read`, `write` or `denied`.
    pub action: String,
    /// What was touched: `client`, `entries`, `appointments`, `export`, ...
    pub resource: String,
    pub purpose: String,
    /// An access to another organisation's client, or a refusal: to be reviewed (A2).
    pub flagged: bool,
}

impl From<&m::AccessLogEntry> for AccessLogView {
    fn from(a: &m::AccessLogEntry) -> Self {
        Self {
            seq: a.seq,
            at: a.at,
            user_id: a.user_id.to_string(),
            user_name: a.user_name.clone(),
            role: a.role.code().into(),
            organisation_id: a.org_id.map(|o| o.to_string()),
            client_id: a.client_id.to_string(),
            action: a.action.code().into(),
            resource: a.resource.clone(),
            purpose: a.purpose.clone(),
            flagged: a.flagged,
        }
    }
}

/// Who has handled the client's data, as the client sees it: the organisation named in full
/// and the official's role, not the official's name.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeenByView {
    pub at: DateTime<Utc>,
    /// The organisation in Finnish and Swedish, in full; none for the supervisor's own staff
    /// without an organisation.
    pub organisation: Option<OrgView>,
    pub role: String,
    pub action: String,
    pub what: String,
    pub purpose: String,
}

/// A full copy of the client's own data, machine-readable, with the meaning of every field.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportView {
    /// `kirjuri-export/1`.
    pub format: &'static str,
    pub generated_at: DateTime<Utc>,
    /// What each field of this document means, by JSON path.
    pub field_meanings: std::collections::BTreeMap<&'static str, &'static str>,
    pub client: ClientView,
    pub organisation: OrgView,
    pub job_searches: Vec<JobSearchView>,
    pub entries: Vec<EntryView>,
    pub appointments: Vec<AppointmentView>,
    pub contact_methods: Vec<ContactMethodView>,
    pub responsible_experts: Vec<ResponsibleExpertView>,
    /// Labour-policy statements and the decisions behind them.
    pub statements: Vec<DecisionView>,
    /// Benefit applications the authority knows of (issue 5).
    pub benefit_applications: Vec<ApplicationView>,
    /// Statements delivered (or being delivered) to benefit payers: the recipients.
    pub statement_deliveries: Vec<DeliveryView>,
    pub seen_by: Vec<SeenByView>,
    /// The secure conversation with the organisation, oldest first (A18).
    pub messages: Vec<super::MessageView>,
}

impl From<&SeenBy> for SeenByView {
    fn from(s: &SeenBy) -> Self {
        Self {
            at: s.at,
            organisation: s.organisation.as_ref().map(OrgView::from),
            role: s.role.code().into(),
            action: s.action.code().into(),
            what: s.what.clone(),
            purpose: s.purpose.clone(),
        }
    }
}
