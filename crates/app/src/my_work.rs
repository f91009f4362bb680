//! "My work today" (issue 12 item 2): what an official has to do, on one page at the start of
//! the day. Dates are Finnish dates by the store's clock.
//!
//! - **Appointments** of the official's clients (those they are the responsible expert of)
//!   today, and later this week (to Sunday).
//! - **Initial interviews** (JTYPL 31 §): a client's open job search with no `initial_interview`
//!   entry on or after its start date. The deadline is
//!   [`kirjuri_domain::time::initial_interview_deadline`] (5 Finnish working days, 10 for job
//!   searches starting on or after 2026-01-01); due while the deadline is today or later,
//!   overdue once it has passed.
//! - **Employment-plan follow-ups** (A7), by the one rule the handover summary uses too,
//!   [`kirjuri_domain::plan_follow_ups`]: the follow-up dates of the client's plan in force
//!   (the latest `employment_plan` entry that no entry corrects). A date is held once the
//!   client has an entry in force (not corrected) of a follow-up type
//!   ([`kirjuri_domain::FOLLOW_UP_KINDS`]: a contact, or a new plan) whose event falls on or
//!   after it; a date not held is due today, due this week (to Sunday) or overdue (before
//!   today).
//! - **The work queues** of the official's organisation: how many routed cases and requests
//!   for reconsideration wait (counts only: no client's data).
//! - **New messages** (issue 13, A18): the official's clients with messages nobody of the
//!   organisation has read yet — how many and when the newest came, never the text.
//! - **Late entries** (A6): the official's own entries recorded in the last
//!   [`LATE_ENTRIES_DAYS`] days more than five working days after their event.
//!
//! Every client shown is one logged read (resource `my_work`, the standing purpose of customer
//! service), written together as `list_clients` does; clients not shown are not read.

use chrono::{Datelike, Duration, NaiveDate};
use kirjuri_domain::{time, Appointment, Client, Entry, JobSearch};

use crate::policy::{Capability, Scope};
use crate::{Actor, App, AppError, AppResult};

pub use kirjuri_store::{FollowUp, QueueCounts, UnreadMessages};
use kirjuri_store::{MyWorkQuery, Queue};

/// How far back the official's late entries are listed.
pub const LATE_ENTRIES_DAYS: i64 = 30;

/// A client's open job search whose initial interview has not been held.
#[derive(Debug, Clone)]
pub struct PendingInterview {
    pub client: Client,
    pub job_search: JobSearch,
    /// The last day for the interview; `None` only at the end of the calendar.
    pub deadline: Option<NaiveDate>,
}

/// An entry the official made late, and how late in working days.
#[derive(Debug, Clone)]
pub struct LateEntry {
    pub client: Client,
    pub entry: Entry,
    pub working_days: u32,
}

/// An appointment with its client.
#[derive(Debug, Clone)]
pub struct ClientAppointment {
    pub client: Client,
    pub appointment: Appointment,
}

/// The lists about the official's clients and entries.
#[derive(Debug, Clone, Default)]
pub struct ClientWork {
    pub appointments_today: Vec<ClientAppointment>,
    /// After today, to Sunday.
    pub appointments_this_week: Vec<ClientAppointment>,
    /// Deadline passed, the oldest first.
    pub interviews_overdue: Vec<PendingInterview>,
    /// Deadline today or later, the nearest first.
    pub interviews_due: Vec<PendingInterview>,
    pub follow_ups_overdue: Vec<FollowUp>,
    pub follow_ups_today: Vec<FollowUp>,
    /// After today, to Sunday.
    pub follow_ups_this_week: Vec<FollowUp>,
    /// Newest first.
    pub late_entries: Vec<LateEntry>,
    /// Clients with messages nobody of the organisation has read (issue 13), the newest
    /// first: counts and times only.
    pub new_messages: Vec<UnreadMessages>,
}

/// An official's work today.
#[derive(Debug, Clone)]
pub struct MyWork {
    pub today: NaiveDate,
    /// The Sunday of this week.
    pub week_end: NaiveDate,
    /// `None` for a user who has no clients of their own (not an official of an employment
    /// authority).
    pub clients: Option<ClientWork>,
    /// `None` for a user without a work queue.
    pub queue: Option<QueueCounts>,
}

/// The Sunday of the week `today` is in (today itself on a Sunday).
pub fn week_end(today: NaiveDate) -> NaiveDate {
    let days = 6 - i64::from(today.weekday().num_days_from_monday());
    today
        .checked_add_signed(Duration::days(days))
        .unwrap_or(NaiveDate::MAX)
}

impl App {
    /// The signed-in user's work today (see the module documentation): any signed-in user may
    /// ask; the lists about clients are an official's, the queue counts an official's or a KEHA
    /// official's.
    pub async fn my_work_today(&self, actor: &Actor) -> AppResult<MyWork> {
        self.permit(actor, Capability::SignedIn)?;
        let today = self.clock().today();
        let week_end = week_end(today);
        let queue = match self.permit(actor, Capability::WorkQueue) {
            Ok((grant, _)) => match grant.scope {
                Scope::Organisation(org) => Some(
                    self.store
                        .queue_counts(Queue::EmploymentAuthority(org))
                        .await?,
                ),
                Scope::Keha => Some(self.store.queue_counts(Queue::Keha).await?),
                _ => None,
            },
            Err(AppError::Forbidden(_)) => None,
            Err(e) => return Err(e),
        };
        let clients = match self.permit(actor, Capability::MyWork) {
            Ok((grant, access)) => {
                let Scope::Organisation(org) = grant.scope else {
                    return Err(AppError::Internal(
                        "an official's own work is granted for their organisation".into(),
                    ));
                };
                let since = self.clock().now() - Duration::days(LATE_ENTRIES_DAYS);
                let q = MyWorkQuery {
                    official: actor.user.id,
                    org,
                    appointments_from: today,
                    appointments_until: week_end,
                    follow_ups_until: week_end,
                    late_since: since,
                };
                let rows = self.store.my_work(&q, &access).await?;
                let mut work = sorted(today, rows);
                work.new_messages = self
                    .store
                    .unread_messages_of_expert(actor.user.id, org, &access)
                    .await?;
                Some(work)
            }
            Err(AppError::Forbidden(_)) => None,
            Err(e) => return Err(e),
        };
        Ok(MyWork {
            today,
            week_end,
            clients,
            queue,
        })
    }
}

/// The store's rows in the lists of the page.
fn sorted(today: NaiveDate, rows: kirjuri_store::MyWorkRows) -> ClientWork {
    let mut w = ClientWork::default();
    for (appointment, client) in rows.appointments {
        let a = ClientAppointment {
            client,
            appointment,
        };
        if a.appointment.date == today {
            w.appointments_today.push(a);
        } else {
            w.appointments_this_week.push(a);
        }
    }
    let mut interviews: Vec<PendingInterview> = rows
        .pending_interviews
        .into_iter()
        .map(|(job_search, client)| PendingInterview {
            deadline: time::initial_interview_deadline(job_search.start_date),
            client,
            job_search,
        })
        .collect();
    interviews.sort_by_key(|p| {
        (
            p.deadline.unwrap_or(NaiveDate::MAX),
            p.job_search.start_date,
        )
    });
    for p in interviews {
        match p.deadline {
            Some(d) if d < today => w.interviews_overdue.push(p),
            _ => w.interviews_due.push(p),
        }
    }
    for f in rows.follow_ups {
        if f.date < today {
            w.follow_ups_overdue.push(f);
        } else if f.date == today {
            w.follow_ups_today.push(f);
        } else {
            w.follow_ups_this_week.push(f);
        }
    }
    w.late_entries = rows
        .late_entries
        .into_iter()
        .map(|(entry, client)| LateEntry {
            working_days: time::working_days_between(
                time::helsinki_date(entry.event_at),
                time::helsinki_date(entry.recorded_at),
            ),
            client,
            entry,
        })
        .collect();
    w
}
