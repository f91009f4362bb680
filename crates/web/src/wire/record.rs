//! The record: journal entries, appointments, the agreed contact method and the responsible
//! expert.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use kirjuri_domain::{self as d, ClientId, EntryId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::parse::{date, field, instant, invalid, opt_short, Parsed};
use super::quality::FindingView;

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
    pub fn into_domain(self, client: ClientId) -> Parsed<d::NewEntry> {
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
            .map_err(|e| invalid(kirjuri_app::entry_error_field(&e), e))
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
    pub fn into_domain(self, client: ClientId) -> Parsed<d::NewAppointment> {
        let date = date("date", &self.date)?;
        let time = NaiveTime::parse_from_str(&self.time, "%H:%M")
            .map_err(|_| invalid("time", format!("{:?} is not a time (HH:MM)", self.time)))?;
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
                    None => return Err(invalid("mode.address", "a visit needs an address")),
                },
            },
            other => {
                return Err(invalid(
                    "mode.kind",
                    format!("unknown value {other:?}; expected one of: phone video visit"),
                ))
            }
        };
        d::NewAppointment::new(client, official, date, time, self.duration_minutes, mode).map_err(
            |e| match e {
                d::AppointmentError::Duration(_) => invalid("duration_minutes", e),
                _ => invalid("time", e),
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactMethodRequest {
    /// `online`, `phone`, `video`, `visit` or `letter`.
    pub method: String,
    pub agreed_on: String,
    pub note: Option<String>,
    /// Where notices go ("you have a new message / appointment / statement in Kirjuri — log
    /// in to read it", issue 13); none: no notices. Not with `letter`.
    #[serde(default)]
    pub email: Option<String>,
}

impl ContactMethodRequest {
    /// The e-mail address for notices, if given.
    pub fn parse_email(&self) -> Parsed<Option<d::EmailAddress>> {
        match self.email.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(e) => Ok(Some(field("email", d::EmailAddress::parse(e))?)),
        }
    }

    pub fn parse(&self) -> Parsed<(d::ContactMethodKind, NaiveDate, Option<d::ShortText>)> {
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
    /// Where notices go (issue 13).
    pub email: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl From<&d::ContactMethod> for ContactMethodView {
    fn from(c: &d::ContactMethod) -> Self {
        Self {
            method: c.method.code().into(),
            agreed_on: c.agreed_on,
            note: c.note.as_ref().map(|n| n.to_string()),
            email: c.email.as_ref().map(|e| e.as_str().to_owned()),
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
    pub fn parse(&self) -> Parsed<(UserId, NaiveDate)> {
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

impl From<&kirjuri_app::clients::RecordEntry> for EntryView {
    fn from(r: &kirjuri_app::clients::RecordEntry) -> Self {
        EntryView::new(&r.entry, r.corrected_by)
    }
}

/// Each entry of the record as a view.
pub fn entry_views(entries: &[kirjuri_app::clients::RecordEntry]) -> Vec<EntryView> {
    entries.iter().map(EntryView::from).collect()
}
