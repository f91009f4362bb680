//! Appointments: date, time, zone and mode recorded unambiguously, and shown to the client
//! exactly as recorded (A12).

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AppointmentId, ClientId, UserId};
use crate::text::{Address, ShortText};
use crate::time::HELSINKI;

/// How the appointment is held. A visit always has an address; there is no "unknown" mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum AppointmentMode {
    /// The official calls the client (or the number given).
    Phone { phone_number: Option<ShortText> },
    /// A video meeting; the link is sent through the secure channel.
    Video { link: Option<ShortText> },
    /// The client comes to an office.
    Visit { address: Address },
}

impl AppointmentMode {
    pub fn code(&self) -> &'static str {
        match self {
            AppointmentMode::Phone { .. } => "phone",
            AppointmentMode::Video { .. } => "video",
            AppointmentMode::Visit { .. } => "visit",
        }
    }
}

/// Why an appointment time was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppointmentError {
    #[error("{date} {time} does not exist in Finnish time (clocks move forward)")]
    NonexistentLocalTime { date: NaiveDate, time: NaiveTime },
    #[error("{date} {time} occurs twice in Finnish time (clocks move back); choose another time")]
    AmbiguousLocalTime { date: NaiveDate, time: NaiveTime },
    #[error("duration must be 5–480 minutes, got {0}")]
    Duration(u32),
}

/// An appointment to be booked. Local date and time in Europe/Helsinki; the instant is derived
/// and a time that does not exist or occurs twice is refused, so the client sees one meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppointment {
    pub client_id: ClientId,
    pub official_id: Option<UserId>,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub duration_minutes: u32,
    pub mode: AppointmentMode,
    pub starts_at: DateTime<Utc>,
}

impl NewAppointment {
    pub fn new(
        client_id: ClientId,
        official_id: Option<UserId>,
        date: NaiveDate,
        time: NaiveTime,
        duration_minutes: u32,
        mode: AppointmentMode,
    ) -> Result<Self, AppointmentError> {
        if !(5..=480).contains(&duration_minutes) {
            return Err(AppointmentError::Duration(duration_minutes));
        }
        let starts_at = match HELSINKI.from_local_datetime(&date.and_time(time)) {
            chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
            chrono::LocalResult::None => {
                return Err(AppointmentError::NonexistentLocalTime { date, time })
            }
            chrono::LocalResult::Ambiguous(..) => {
                return Err(AppointmentError::AmbiguousLocalTime { date, time })
            }
        };
        Ok(Self {
            client_id,
            official_id,
            date,
            time,
            duration_minutes,
            mode,
            starts_at,
        })
    }
}

/// A booked appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: AppointmentId,
    pub client_id: ClientId,
    pub official_id: Option<UserId>,
    pub date: NaiveDate,
    pub time: NaiveTime,
    /// Always `Europe/Helsinki`; stored so the record is unambiguous on its own.
    pub time_zone: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub mode: AppointmentMode,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: UserId,
}
