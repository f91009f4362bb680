//! Clients, their record view and job searches.

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_app::clients::{ClientPage, ClientRecord, ClientRegistration};
use kirjuri_domain as d;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::parse::{date, field, Parsed};
use super::record::{ContactMethodView, ResponsibleExpertView};
use super::session::OrgView;

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
    pub fn parse(&self) -> Parsed<ClientRegistration> {
        Ok(ClientRegistration {
            hetu: field("hetu", d::Hetu::parse(self.hetu.trim()))?,
            first_name: field("first_name", d::PersonName::parse(&self.first_name))?,
            last_name: field("last_name", d::PersonName::parse(&self.last_name))?,
            language: field("language", self.language.parse::<d::Language>())?,
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
    /// The cursor of the next page (`?cursor=`), present when more clients follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartJobSearchRequest {
    pub start_date: String,
    /// The client's answers on the form: the `reported` part of the statement-request contract
    /// (`shared/cases/README.md`), every field present, `null` only where the contract allows.
    /// Without answers the start statement cannot be automatic: the case goes to an official.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub answers: Option<serde_json::Value>,
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
    pub answers: Option<serde_json::Value>,
    /// The client has been shown the prior notice of automated decision-making (B14).
    #[serde(default)]
    pub acknowledged_notice: bool,
}

impl EndJobSearchRequest {
    pub fn parse(&self) -> Parsed<(NaiveDate, d::EndReason)> {
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

impl From<&ClientRecord> for ClientDetail {
    fn from(r: &ClientRecord) -> Self {
        Self {
            client: ClientView::from(&r.client),
            organisation: OrgView::from(&r.organisation),
            contact_method: r.contact_method.as_ref().map(ContactMethodView::from),
            responsible_expert: r
                .responsible_expert
                .as_ref()
                .map(ResponsibleExpertView::from),
            job_search: r.job_search.as_ref().map(JobSearchView::from),
            initial_interview_deadline: r.initial_interview_deadline,
        }
    }
}

impl From<&ClientPage> for ClientList {
    fn from(p: &ClientPage) -> Self {
        Self {
            clients: p.clients.iter().map(ClientView::from).collect(),
            limit: p.limit,
            offset: p.offset,
            next: p.next.clone(),
        }
    }
}
