//! Journal entries (*kirjaukset*): typed, timed, attributed and never changed (A4–A7, A10).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ClientId, EntryId, UserId};
use crate::model::code_enum;
use crate::text::{EntryText, PersonName, ShortText};

code_enum!(
    /// The type of a journal entry; it decides which content belongs in it (e.g. health data only
    /// in `work_capacity`, A17).
    EntryKind {
        Contact = "contact",
        InitialInterview = "initial_interview",
        EmploymentPlan = "employment_plan",
        Advice = "advice",
        ServiceStart = "service_start",
        ServiceEnd = "service_end",
        WorkCapacity = "work_capacity",
        Safety = "safety",
        Other = "other",
    }
);

/// Content that only some entry types carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EntryDetails {
    /// Employment plan: the dates on which the plan is followed up (A7).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_up_dates: Vec<NaiveDate>,
    /// Service start/end: which service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ShortText>,
}

/// A correction: a new entry that points at the one it corrects, with a reason (A5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub entry_id: EntryId,
    pub reason: ShortText,
}

/// Why an entry could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("an employment plan needs at least one follow-up date")]
    PlanWithoutFollowUp,
    #[error("follow-up date {0} is before the plan was made")]
    FollowUpBeforePlan(NaiveDate),
    #[error("a {0} entry must name the service")]
    ServiceMissing(EntryKind),
    #[error("a {kind} entry cannot carry {field}")]
    DetailNotAllowed {
        kind: EntryKind,
        field: &'static str,
    },
    #[error("the event time {event_at} is after the recording time {recorded_at}")]
    EventInFuture {
        event_at: DateTime<Utc>,
        recorded_at: DateTime<Utc>,
    },
}

/// An entry about to be recorded. Built only through [`NewEntry::new`], which checks that the
/// details fit the type; the recording time and author are added by the store from the clock
/// and the session, never from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    client_id: ClientId,
    kind: EntryKind,
    text: EntryText,
    event_at: DateTime<Utc>,
    details: EntryDetails,
    corrects: Option<Correction>,
}

impl NewEntry {
    pub fn new(
        client_id: ClientId,
        kind: EntryKind,
        text: EntryText,
        event_at: DateTime<Utc>,
        details: EntryDetails,
        corrects: Option<Correction>,
    ) -> Result<Self, EntryError> {
        match kind {
            EntryKind::EmploymentPlan => {
                if details.follow_up_dates.is_empty() {
                    return Err(EntryError::PlanWithoutFollowUp);
                }
                let made = crate::time::helsinki_date(event_at);
                if let Some(d) = details.follow_up_dates.iter().find(|d| **d < made) {
                    return Err(EntryError::FollowUpBeforePlan(*d));
                }
            }
            _ if !details.follow_up_dates.is_empty() => {
                return Err(EntryError::DetailNotAllowed {
                    kind,
                    field: "follow_up_dates",
                })
            }
            _ => {}
        }
        match kind {
            EntryKind::ServiceStart | EntryKind::ServiceEnd if details.service.is_none() => {
                return Err(EntryError::ServiceMissing(kind))
            }
            EntryKind::ServiceStart | EntryKind::ServiceEnd => {}
            _ if details.service.is_some() => {
                return Err(EntryError::DetailNotAllowed {
                    kind,
                    field: "service",
                })
            }
            _ => {}
        }
        Ok(Self {
            client_id,
            kind,
            text,
            event_at,
            details,
            corrects,
        })
    }

    /// Checks the event time against the recording time the store is about to assign. A small
    /// allowance covers clocks of browsers and servers that differ by seconds.
    pub fn check_event_time(&self, recorded_at: DateTime<Utc>) -> Result<(), EntryError> {
        // Checked: an instant at the end of the calendar must not panic (issue 15).
        let allowed = recorded_at
            .checked_add_signed(Duration::minutes(5))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        if self.event_at > allowed {
            return Err(EntryError::EventInFuture {
                event_at: self.event_at,
                recorded_at,
            });
        }
        Ok(())
    }

    pub fn client_id(&self) -> ClientId {
        self.client_id
    }
    pub fn kind(&self) -> EntryKind {
        self.kind
    }
    pub fn text(&self) -> &EntryText {
        &self.text
    }
    pub fn event_at(&self) -> DateTime<Utc> {
        self.event_at
    }
    pub fn details(&self) -> &EntryDetails {
        &self.details
    }
    pub fn corrects(&self) -> Option<&Correction> {
        self.corrects.as_ref()
    }
}

/// A recorded entry as read back. There is no way to change one: the store has no update or
/// delete path, and the database refuses both with triggers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    pub client_id: ClientId,
    pub kind: EntryKind,
    pub text: EntryText,
    pub details: EntryDetails,
    pub event_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub author_id: UserId,
    pub author_name: PersonName,
    pub corrects: Option<Correction>,
}

/// Working days an entry may be made after its event before the lag counts as undue (A6).
pub const RECORDING_LAG_WORKING_DAYS: u32 = 5;

/// The entry types that follow an employment plan up (A7): a contact with the client, or a
/// new plan. See [`plan_follow_ups`] for the rule.
pub const FOLLOW_UP_KINDS: [EntryKind; 2] = [EntryKind::Contact, EntryKind::EmploymentPlan];

/// Whether an employment plan's follow-up on `date` has been held, given the event date of
/// the client's latest entry in force of a [`FOLLOW_UP_KINDS`] type (`None`: there is none).
pub fn follow_up_met(date: NaiveDate, latest_follow_up: Option<NaiveDate>) -> bool {
    latest_follow_up.is_some_and(|l| l >= date)
}

/// A client's employment plan in force and the state of its follow-up dates (A7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFollowUps<'a> {
    /// The plan in force.
    pub plan: &'a Entry,
    /// The event date (Finnish time) of the client's latest entry in force of a
    /// [`FOLLOW_UP_KINDS`] type.
    pub latest_follow_up: Option<NaiveDate>,
    /// The plan's follow-up dates, each with whether it has been held, in the plan's order.
    pub dates: Vec<(NaiveDate, bool)>,
}

impl PlanFollowUps<'_> {
    /// The follow-up dates not yet held, earliest first, each once.
    pub fn open(&self) -> Vec<NaiveDate> {
        let mut open: Vec<NaiveDate> = self
            .dates
            .iter()
            .filter(|(_, held)| !held)
            .map(|(d, _)| *d)
            .collect();
        open.sort();
        open.dedup();
        open
    }
}

/// THE rule for employment-plan follow-ups (A7), used by both "my work today" and the handover
/// summary so that they always agree:
///
/// - An entry is *in force* unless another entry of `entries` corrects it (A5: the correction
///   replaces it and counts instead of it).
/// - The *plan in force* is the client's latest `employment_plan` entry in force, by event
///   time; of plans about the same instant the one later in `entries`. Only its follow-up
///   dates count: the dates of a plan that a newer plan replaced are never open.
/// - A follow-up date is *held* once the client has an entry in force of a [`FOLLOW_UP_KINDS`]
///   type (a contact, or an employment plan) whose event date, in Finnish time, is on or
///   after the date ([`follow_up_met`]).
///
/// `entries` are one client's entries in the order they were recorded: all of them, or only
/// those in force of the [`FOLLOW_UP_KINDS`] types (entries of other types are ignored, except
/// that a correction of any type takes the entry it corrects out of force). `None` when the
/// client has no plan in force.
pub fn plan_follow_ups(entries: &[Entry]) -> Option<PlanFollowUps<'_>> {
    let corrected: std::collections::HashSet<EntryId> = entries
        .iter()
        .filter_map(|e| e.corrects.as_ref().map(|c| c.entry_id))
        .collect();
    let in_force: Vec<&Entry> = entries
        .iter()
        .filter(|e| !corrected.contains(&e.id) && FOLLOW_UP_KINDS.contains(&e.kind))
        .collect();
    let plan = in_force
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntryKind::EmploymentPlan)
        .max_by_key(|(i, e)| (e.event_at, *i))
        .map(|(_, e)| *e)?;
    let latest_follow_up = in_force
        .iter()
        .map(|e| crate::time::helsinki_date(e.event_at))
        .max();
    let dates = plan
        .details
        .follow_up_dates
        .iter()
        .map(|d| (*d, follow_up_met(*d, latest_follow_up)))
        .collect();
    Some(PlanFollowUps {
        plan,
        latest_follow_up,
        dates,
    })
}

impl Entry {
    /// How long after the event the entry was made (A6: without undue delay).
    pub fn recording_lag(&self) -> Duration {
        self.recorded_at - self.event_at
    }

    /// Whether the entry was made more than [`RECORDING_LAG_WORKING_DAYS`] Finnish working
    /// days after its event (A6), counted on the dates in Finland.
    pub fn recorded_late(&self) -> bool {
        crate::time::working_days_between(
            crate::time::helsinki_date(self.event_at),
            crate::time::helsinki_date(self.recorded_at),
        ) > RECORDING_LAG_WORKING_DAYS
    }
}
