//! Wire types: the JSON the API accepts and returns. Serialization is a boundary, so these live
//! here and nowhere else. Requests carry plain strings for every validated value and are turned
//! into domain types by `into_domain`-style functions that name the field at fault; responses
//! are built from domain types and never carry a full identity code.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use kirjuri_domain::{self as d, ClientId, EntryId, JobSearchId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

// ---- parsing helpers ------------------------------------------------------------------------

pub(crate) fn field<T, E: std::fmt::Display>(name: &str, r: Result<T, E>) -> Result<T, ApiError> {
    r.map_err(|e| ApiError::field(name, e))
}

pub(crate) fn date(name: &str, s: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        ApiError::field(
            name,
            format!("{s:?} is not a date that exists (YYYY-MM-DD)"),
        )
    })
}

fn instant(name: &str, s: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::field(
                name,
                format!("{s:?} is not a valid RFC 3339 time with an offset"),
            )
        })
}

fn opt_short(name: &str, s: Option<&str>) -> Result<Option<d::ShortText>, ApiError> {
    s.map(|s| field(name, d::ShortText::parse(s))).transpose()
}

// ---- session --------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub organisation: Option<OrgView>,
    pub client_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgView {
    pub id: String,
    pub kind: String,
    /// Full name in Finnish (never an abbreviation).
    pub name_fi: String,
    /// Full name in Swedish.
    pub name_sv: String,
}

impl From<&d::Organisation> for OrgView {
    fn from(o: &d::Organisation) -> Self {
        Self {
            id: o.id.to_string(),
            kind: o.kind.code().into(),
            name_fi: o.name_fi.to_string(),
            name_sv: o.name_sv.to_string(),
        }
    }
}

// ---- clients --------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClientRequest {
    /// Henkilötunnus, e.g. `010594Y9032`.
    pub hetu: String,
    pub first_name: String,
    pub last_name: String,
    /// `fi`, `sv`, `se` or `en`.
    pub language: String,
}

impl NewClientRequest {
    pub fn into_domain(self, org_id: d::OrgId) -> Result<d::NewClient, ApiError> {
        Ok(d::NewClient {
            hetu: field("hetu", d::Hetu::parse(self.hetu.trim()))?,
            first_name: field("first_name", d::PersonName::parse(&self.first_name))?,
            last_name: field("last_name", d::PersonName::parse(&self.last_name))?,
            language: field("language", self.language.parse::<d::Language>())?,
            org_id,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientLookupRequest {
    pub hetu: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientView {
    pub id: String,
    /// Masked identity code (`131052-****`); the full code is never sent.
    pub hetu_masked: String,
    pub birth_date: NaiveDate,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
    pub organisation_id: String,
    pub created_at: DateTime<Utc>,
}

impl From<&d::Client> for ClientView {
    fn from(c: &d::Client) -> Self {
        Self {
            id: c.id.to_string(),
            hetu_masked: c.hetu.masked(),
            birth_date: c.hetu.birth_date(),
            first_name: c.first_name.to_string(),
            last_name: c.last_name.to_string(),
            language: c.language.code().into(),
            organisation_id: c.org_id.to_string(),
            created_at: c.created_at,
        }
    }
}

/// A client with what an official needs first: agreed contact method, responsible expert, the
/// job search in progress and its initial-interview deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientDetail {
    pub client: ClientView,
    pub organisation: OrgView,
    pub contact_method: Option<ContactMethodView>,
    pub responsible_expert: Option<ResponsibleExpertView>,
    pub job_search: Option<JobSearchView>,
    /// Last day for the initial interview of the job search in progress (JTYPL 31 §).
    pub initial_interview_deadline: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientList {
    pub clients: Vec<ClientView>,
    pub limit: i64,
    pub offset: i64,
}

// ---- job searches ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartJobSearchRequest {
    pub start_date: String,
    /// The client's answers on the form: the `reported` part of the statement-request contract
    /// (`shared/cases/README.md`), every field present, `null` only where the contract allows.
    /// Without answers the start statement cannot be automatic: the case goes to an official.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub answers: Option<kirjuri_rules::Reported>,
    /// The client has been shown the prior notice of automated decision-making (B14).
    #[serde(default)]
    pub acknowledged_notice: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndJobSearchRequest {
    pub end_date: String,
    /// `employed`, `own_request`, `not_renewed`, `no_contact`, `info_not_given`,
    /// `right_to_work_ended`, `full_time_studies`.
    pub reason: String,
    /// The client's answers (as for the start); at the end only `free_text` is read.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub answers: Option<kirjuri_rules::Reported>,
    /// The client has been shown the prior notice of automated decision-making (B14).
    #[serde(default)]
    pub acknowledged_notice: bool,
}

impl EndJobSearchRequest {
    pub fn parse(&self) -> Result<(NaiveDate, d::EndReason), ApiError> {
        Ok((
            date("end_date", &self.end_date)?,
            field("reason", self.reason.parse())?,
        ))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobSearchView {
    pub id: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

impl From<&d::JobSearch> for JobSearchView {
    fn from(j: &d::JobSearch) -> Self {
        Self {
            id: j.id.to_string(),
            start_date: j.start_date,
            end_date: j.end.as_ref().map(|e| e.date),
            end_reason: j.end.as_ref().map(|e| e.reason.code().into()),
            recorded_at: j.recorded_at,
        }
    }
}

// ---- entries --------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntryRequest {
    /// `contact`, `initial_interview`, `employment_plan`, `advice`, `service_start`,
    /// `service_end`, `work_capacity`, `safety`, `other`.
    pub entry_type: String,
    pub text: String,
    /// When the event happened (RFC 3339 with offset); the recording time is set by the server.
    pub event_at: String,
    /// Employment plan only: follow-up dates (YYYY-MM-DD).
    #[serde(default)]
    pub follow_up_dates: Vec<String>,
    /// Service start/end only: the service.
    #[serde(default)]
    pub service: Option<String>,
    /// Set when this entry corrects an earlier one (A5).
    #[serde(default)]
    pub corrects: Option<CorrectionRequest>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    pub entry_id: String,
    pub reason: String,
}

impl NewEntryRequest {
    pub fn into_domain(self, client: ClientId) -> Result<d::NewEntry, ApiError> {
        let kind: d::EntryKind = field("entry_type", self.entry_type.parse())?;
        let text = field("text", d::EntryText::parse(&self.text))?;
        let event_at = instant("event_at", &self.event_at)?;
        let follow_up_dates = self
            .follow_up_dates
            .iter()
            .enumerate()
            .map(|(i, s)| date(&format!("follow_up_dates[{i}]"), s))
            .collect::<Result<Vec<_>, _>>()?;
        let details = d::EntryDetails {
            follow_up_dates,
            service: opt_short("service", self.service.as_deref())?,
        };
        let corrects = match self.corrects {
            None => None,
            Some(c) => Some(d::Correction {
                entry_id: field("corrects.entry_id", c.entry_id.parse::<EntryId>())?,
                reason: field("corrects.reason", d::ShortText::parse(&c.reason))?,
            }),
        };
        d::NewEntry::new(client, kind, text, event_at, details, corrects)
            .map_err(|e| ApiError::from(kirjuri_store::StoreError::Entry(e)))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    pub id: String,
    pub entry_type: String,
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub follow_up_dates: Vec<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub event_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    /// Seconds between the event and its recording (A6).
    pub recording_lag_seconds: i64,
    pub author_id: String,
    pub author_name: String,
    pub corrects: Option<CorrectionView>,
    /// The entry that corrects this one, if any: read that one instead.
    pub corrected_by: Option<String>,
    /// What the entry-quality checker warned about when the entry was written (in the answer
    /// to the write).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionView {
    pub entry_id: String,
    pub reason: String,
}

impl EntryView {
    pub fn new(e: &d::Entry, corrected_by: Option<EntryId>) -> Self {
        Self {
            id: e.id.to_string(),
            entry_type: e.kind.code().into(),
            text: e.text.to_string(),
            follow_up_dates: e.details.follow_up_dates.clone(),
            service: e.details.service.as_ref().map(|s| s.to_string()),
            event_at: e.event_at,
            recorded_at: e.recorded_at,
            recording_lag_seconds: e.recording_lag().num_seconds(),
            author_id: e.author_id.to_string(),
            author_name: e.author_name.to_string(),
            corrects: e.corrects.as_ref().map(|c| CorrectionView {
                entry_id: c.entry_id.to_string(),
                reason: c.reason.to_string(),
            }),
            corrected_by: corrected_by.map(|i| i.to_string()),
            findings: Vec::new(),
        }
    }
}

// ---- appointments ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppointmentRequest {
    /// Local date in Finland (YYYY-MM-DD).
    pub date: String,
    /// Local time in Finland (HH:MM).
    pub time: String,
    pub duration_minutes: u32,
    pub official_id: Option<String>,
    pub mode: AppointmentModeRequest,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentModeRequest {
    /// `phone`, `video` or `visit`.
    pub kind: String,
    pub phone_number: Option<String>,
    pub link: Option<String>,
    /// Required for a visit.
    pub address: Option<String>,
}

impl NewAppointmentRequest {
    pub fn into_domain(self, client: ClientId) -> Result<d::NewAppointment, ApiError> {
        let date = date("date", &self.date)?;
        let time = NaiveTime::parse_from_str(&self.time, "%H:%M").map_err(|_| {
            ApiError::field("time", format!("{:?} is not a time (HH:MM)", self.time))
        })?;
        let official = self
            .official_id
            .as_deref()
            .map(|s| field("official_id", s.parse::<UserId>()))
            .transpose()?;
        let m = self.mode;
        let mode = match m.kind.as_str() {
            "phone" => d::AppointmentMode::Phone {
                phone_number: opt_short("mode.phone_number", m.phone_number.as_deref())?,
            },
            "video" => d::AppointmentMode::Video {
                link: opt_short("mode.link", m.link.as_deref())?,
            },
            "visit" => d::AppointmentMode::Visit {
                address: match m.address.as_deref() {
                    Some(a) => field("mode.address", d::Address::parse(a))?,
                    None => {
                        return Err(ApiError::field("mode.address", "a visit needs an address"))
                    }
                },
            },
            other => {
                return Err(ApiError::field(
                    "mode.kind",
                    format!("unknown value {other:?}; expected one of: phone video visit"),
                ))
            }
        };
        d::NewAppointment::new(client, official, date, time, self.duration_minutes, mode).map_err(
            |e| match e {
                d::AppointmentError::Duration(_) => ApiError::field("duration_minutes", e),
                _ => ApiError::field("time", e),
            },
        )
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentView {
    pub id: String,
    pub date: NaiveDate,
    /// Local time, HH:MM.
    pub time: String,
    pub time_zone: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: u32,
    /// `phone`, `video` or `visit`.
    pub mode: String,
    pub phone_number: Option<String>,
    pub link: Option<String>,
    pub address: Option<String>,
    pub official_id: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

impl From<&d::Appointment> for AppointmentView {
    fn from(a: &d::Appointment) -> Self {
        let (phone_number, link, address) = match &a.mode {
            d::AppointmentMode::Phone { phone_number } => {
                (phone_number.as_ref().map(|s| s.to_string()), None, None)
            }
            d::AppointmentMode::Video { link } => {
                (None, link.as_ref().map(|s| s.to_string()), None)
            }
            d::AppointmentMode::Visit { address } => (None, None, Some(address.to_string())),
        };
        Self {
            id: a.id.to_string(),
            date: a.date,
            time: a.time.format("%H:%M").to_string(),
            time_zone: a.time_zone.clone(),
            starts_at: a.starts_at,
            duration_minutes: a.duration_minutes,
            mode: a.mode.code().into(),
            phone_number,
            link,
            address,
            official_id: a.official_id.map(|o| o.to_string()),
            recorded_at: a.recorded_at,
        }
    }
}

// ---- contact method and responsible expert --------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactMethodRequest {
    /// `online`, `phone`, `video`, `visit` or `letter`.
    pub method: String,
    pub agreed_on: String,
    pub note: Option<String>,
}

impl ContactMethodRequest {
    pub fn parse(
        &self,
    ) -> Result<(d::ContactMethodKind, NaiveDate, Option<d::ShortText>), ApiError> {
        Ok((
            field("method", self.method.parse())?,
            date("agreed_on", &self.agreed_on)?,
            opt_short("note", self.note.as_deref())?,
        ))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactMethodView {
    pub method: String,
    pub agreed_on: NaiveDate,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl From<&d::ContactMethod> for ContactMethodView {
    fn from(c: &d::ContactMethod) -> Self {
        Self {
            method: c.method.code().into(),
            agreed_on: c.agreed_on,
            note: c.note.as_ref().map(|n| n.to_string()),
            recorded_at: c.recorded_at,
            recorded_by: c.recorded_by.to_string(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponsibleExpertRequest {
    pub official_id: String,
    pub from: String,
}

impl ResponsibleExpertRequest {
    pub fn parse(&self) -> Result<(UserId, NaiveDate), ApiError> {
        Ok((
            field("official_id", self.official_id.parse())?,
            date("from", &self.from)?,
        ))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsibleExpertView {
    pub official_id: String,
    pub official_name: String,
    pub from: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

impl From<&d::ResponsibleExpert> for ResponsibleExpertView {
    fn from(r: &d::ResponsibleExpert) -> Self {
        Self {
            official_id: r.official_id.to_string(),
            official_name: r.official_name.to_string(),
            from: r.from,
            recorded_at: r.recorded_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
}

pub(crate) fn parse_path_id<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, ApiError> {
    s.parse::<T>().map_err(|_| ApiError::not_found(what))
}

pub(crate) fn job_search_id(s: &str) -> Result<JobSearchId, ApiError> {
    parse_path_id("job search", s)
}

// ---- access log (Information Management Act 17 §) --------------------------------------------

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

impl From<&kirjuri_store::AccessLogEntry> for AccessLogView {
    fn from(a: &kirjuri_store::AccessLogEntry) -> Self {
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

// ---- the client's own data (A19, GDPR art. 15) -----------------------------------------------

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
}

// ---- administration ---------------------------------------------------------------------------

/// An account as an administrator manages it: no client data.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub organisation_id: Option<String>,
}

impl From<&d::User> for AccountView {
    fn from(u: &d::User) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.to_string(),
            display_name: u.display_name.to_string(),
            role: u.role.code().into(),
            organisation_id: u.org_id.map(|o| o.to_string()),
        }
    }
}

/// A new personal account in the administrator's organisation (A1: one account per person).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccountRequest {
    pub username: String,
    pub display_name: String,
    /// `official`, `keha_official`, `rules_author`, `supervisor` or `administrator`; job-seeker
    /// accounts come with the client's own identification, not from an administrator.
    pub role: String,
    /// At least 12 characters; omit for an account that logs in only through OpenID Connect.
    pub password: Option<String>,
}

// ---- entry-quality checks (A13–A18) -----------------------------------------------------------

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
    /// `abbreviation`, `offensive`, `health`, `hetu`, `benefit` or `clarity`.
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

// ---- statements (KEHA/73792/2024) ------------------------------------------------------------

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

impl From<&kirjuri_store::AdoptionDecision> for AdoptionDecisionView {
    fn from(a: &kirjuri_store::AdoptionDecision) -> Self {
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

/// What the checker found in a text.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckReport {
    /// `voikko` (Finnish morphology) or `fallback` (the weaker built-in stemmer).
    pub morphology: String,
    /// Whether a finding blocks saving the text.
    pub blocks: bool,
    pub findings: Vec<FindingView>,
}

/// The answer to an entry the checker blocked.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockedBody {
    pub error: BlockedDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockedDetail {
    /// `blocked_by_checks`.
    pub code: &'static str,
    pub message: String,
    /// `text`.
    pub field: &'static str,
    pub findings: Vec<FindingView>,
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
    pub fn parse(&self) -> Result<kirjuri_store::NewAdoptionDecision, ApiError> {
        let number = self.number.trim();
        let valid_number = {
            let parts: Vec<&str> = number.split('/').collect();
            parts.len() == 3
                && !parts[0].is_empty()
                && parts[0].chars().all(|c| c.is_ascii_uppercase() || c == '-')
                && !parts[1].is_empty()
                && parts[1].chars().all(|c| c.is_ascii_digit())
                && parts[2].len() == 4
                && parts[2].chars().all(|c| c.is_ascii_digit())
        };
        if !valid_number {
            return Err(ApiError::field(
                "number",
                "must be a register number such as KEHA/73792/2024",
            ));
        }
        let decided_on = date("decided_on", &self.decided_on)?;
        if self.rule_set_hashes.is_empty() {
            return Err(ApiError::field(
                "rule_set_hashes",
                "name at least one adopted rule set",
            ));
        }
        for (i, h) in self.rule_set_hashes.iter().enumerate() {
            if h.len() != 64
                || !h
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
            {
                return Err(ApiError::field(
                    format!("rule_set_hashes[{i}]"),
                    "must be a SHA-256 hash: 64 lower-case hexadecimal digits",
                ));
            }
        }
        let person = |name: &str, v: &str| -> Result<String, ApiError> {
            let p = field(name, d::PersonName::parse(v.trim()))?;
            Ok(p.to_string())
        };
        let url = self.url.trim();
        if !url.starts_with("https://") || url.len() < 12 || url.contains(char::is_whitespace) {
            return Err(ApiError::field(
                "url",
                "must be the public https:// address of the published decision",
            ));
        }
        Ok(kirjuri_store::NewAdoptionDecision {
            number: number.to_owned(),
            decided_on,
            rule_set_hashes: self.rule_set_hashes.clone(),
            quality_owner: person("quality_owner", &self.quality_owner)?,
            error_owner: person("error_owner", &self.error_owner)?,
            url: url.to_owned(),
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
    pub fn to_store(&self) -> kirjuri_store::RegisterFacts {
        kirjuri_store::RegisterFacts {
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

impl From<&kirjuri_store::RecordedRegisterFacts> for RegisterFactsView {
    fn from(r: &kirjuri_store::RecordedRegisterFacts) -> Self {
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
    #[schema(value_type = Object)]
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

impl From<&kirjuri_store::StoredDecision> for DecisionView {
    fn from(s: &kirjuri_store::StoredDecision) -> Self {
        let d = &s.decision;
        Self {
            id: s.id.to_string(),
            job_search_id: s.job_search_id.to_string(),
            kind: d.kind.clone(),
            decision_date: d.decision_date,
            outcome: d.outcome.clone(),
            automated: d.outcome != "routed",
            reasons: serde_json::from_str(&d.reasons).unwrap_or(serde_json::Value::Null),
            to: d.target.clone(),
            effective_date: d.effective_date,
            rule_set: RuleSetRefView {
                name: d.rule_set_name.clone(),
                version: d.rule_set_version.clone(),
                hash: d.rule_set_hash.clone(),
            },
            adoption_decision: d.adoption_number.clone(),
            document: d.document.clone(),
            document_language: d.document_language.clone(),
            notice_acknowledged: d.notice_acknowledged,
            recorded_at: s.recorded_at,
            official_statement: None,
            safeguards: None,
            reconsideration: None,
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

// ---- the work queue (issue 5: routed statements) -------------------------------------------

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

/// A [`ResolveRequest`] checked against the decision it resolves.
#[derive(Debug, Clone)]
pub struct ParsedResolution {
    pub outcome: String,
    pub effective_date: NaiveDate,
    pub reasoning: String,
    pub basis: String,
}

/// Longest reasoning accepted (characters).
pub const MAX_REASONING_CHARS: usize = 5000;
/// Longest legal basis accepted (characters).
pub const MAX_BASIS_CHARS: usize = 200;

impl ResolveRequest {
    /// Checks the body for a decision of `kind` (`job_search_start` or `job_search_end`).
    pub fn parse(&self, kind: &str) -> Result<ParsedResolution, ApiError> {
        let allowed: &[&str] = if kind == "job_search_end" {
            &["job_search_ended", "obstacle"]
        } else {
            &["no_obstacle", "obstacle"]
        };
        if !allowed.contains(&self.outcome.as_str()) {
            return Err(ApiError::field(
                "outcome",
                format!(
                    "{:?} is not an outcome of this statement (one of: {})",
                    self.outcome,
                    allowed.join(", ")
                ),
            ));
        }
        let effective_date = date("effective_date", &self.effective_date)?;
        let text = |name: &str, s: &str, max: usize| -> Result<String, ApiError> {
            let t = s.trim();
            if t.is_empty() {
                return Err(ApiError::field(name, "must not be empty"));
            }
            if t.chars().count() > max {
                return Err(ApiError::field(
                    name,
                    format!("must be at most {max} characters"),
                ));
            }
            if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                return Err(ApiError::field(name, "must not contain control characters"));
            }
            Ok(t.to_owned())
        };
        Ok(ParsedResolution {
            outcome: self.outcome.clone(),
            effective_date,
            reasoning: text("reasoning", &self.reasoning, MAX_REASONING_CHARS)?,
            basis: text("basis", &self.basis, MAX_BASIS_CHARS)?,
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

// ---- reconsideration (B7), quality figures (B11), GDPR art. 22 safeguards (B15) --------------

/// A request for reconsideration: the client's reasons (their view of the matter). Strict.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReconsiderationRequestBody {
    /// Why the statement should be reconsidered, in the client's own words.
    pub reasons: String,
}

/// Longest reasons accepted (characters).
pub const MAX_RECONSIDERATION_REASONS_CHARS: usize = 5000;

impl ReconsiderationRequestBody {
    /// The reasons, trimmed: not empty, at most [`MAX_RECONSIDERATION_REASONS_CHARS`]
    /// characters, no control characters other than line breaks and tabs.
    pub fn parse(&self) -> Result<String, ApiError> {
        let t = self.reasons.trim();
        if t.is_empty() {
            return Err(ApiError::field("reasons", "must not be empty"));
        }
        if t.chars().count() > MAX_RECONSIDERATION_REASONS_CHARS {
            return Err(ApiError::field(
                "reasons",
                format!("must be at most {MAX_RECONSIDERATION_REASONS_CHARS} characters"),
            ));
        }
        if t.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
        {
            return Err(ApiError::field(
                "reasons",
                "must not contain control characters",
            ));
        }
        Ok(t.to_owned())
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

impl From<&kirjuri_store::QualityFigures> for RuleSetQualityView {
    fn from(f: &kirjuri_store::QualityFigures) -> Self {
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
// ---- benefit payers, applications, deliveries, validity (issue 5, A11) ------------------------

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

impl From<&kirjuri_store::BenefitPayer> for PayerView {
    fn from(p: &kirjuri_store::BenefitPayer) -> Self {
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
    /// The delivery endpoint: `https://...` (plain http only to a loopback address).
    pub endpoint_url: String,
}

impl NewPayerRequest {
    pub(crate) fn parse(&self) -> Result<kirjuri_store::NewBenefitPayer, ApiError> {
        Ok(kirjuri_store::NewBenefitPayer {
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

/// A failed delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryFailureView {
    pub attempt: i64,
    pub at: DateTime<Utc>,
    pub http_status: Option<i64>,
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

impl From<&kirjuri_store::DeliveryStatus> for DeliveryView {
    fn from(s: &kirjuri_store::DeliveryStatus) -> Self {
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
                error: f.error.clone(),
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
