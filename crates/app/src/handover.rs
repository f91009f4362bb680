//! The handover summary (A8, issue 12): what a new responsible expert reads first — what was
//! agreed (the employment plan in force and its follow-up dates), the follow-ups still open,
//! the next appointment and the latest contacts. One use case: the guard authorises a read of
//! the client, and the store logs the client read and the summary read (`handover`).

use chrono::NaiveDate;
use kirjuri_domain::{time, Appointment, Client, ClientId, Entry, EntryId};

use crate::guard::Granted;
use crate::policy::Action;
use crate::{Actor, App, AppResult};

/// How many of the latest contact entries the summary shows.
pub const RECENT_CONTACTS: i64 = 5;

/// A follow-up date of an employment plan not yet followed up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub date: NaiveDate,
    /// Before today (A7: overdue ones surface).
    pub overdue: bool,
    /// The plan entry that set it.
    pub plan: EntryId,
}

/// A client's handover summary.
#[derive(Debug, Clone)]
pub struct HandoverSummary {
    pub client: Client,
    /// What was agreed: the latest employment-plan entry in force (not corrected), with its
    /// follow-up dates.
    pub plan: Option<Entry>,
    /// Follow-up dates of the plans in force that no later plan entry has followed up, the
    /// earliest first.
    pub open_follow_ups: Vec<FollowUp>,
    pub next_appointment: Option<Appointment>,
    /// The latest contact entries in force, the latest event first.
    pub recent_contacts: Vec<Entry>,
}

/// The follow-up dates of `plans` (employment-plan entries in force) still open on `today`: a
/// date is followed up once an employment-plan entry is made about an event on or after it
/// (the follow-up is recorded as a plan entry, A7). Earliest first, each date once.
pub fn open_follow_ups(plans: &[Entry], today: NaiveDate) -> Vec<FollowUp> {
    let plan_dates: Vec<NaiveDate> = plans
        .iter()
        .map(|p| time::helsinki_date(p.event_at))
        .collect();
    let mut open: Vec<FollowUp> = plans
        .iter()
        .flat_map(|p| {
            p.details.follow_up_dates.iter().map(|d| FollowUp {
                date: *d,
                overdue: *d < today,
                plan: p.id,
            })
        })
        .filter(|f| !plan_dates.iter().any(|at| *at >= f.date))
        .collect();
    open.sort_by_key(|f| f.date);
    open.dedup_by_key(|f| f.date);
    open
}

impl App {
    /// The handover summary of a client for an official (A8).
    pub async fn handover_summary(
        &self,
        actor: &Actor,
        client: ClientId,
    ) -> AppResult<HandoverSummary> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "handover")
            .await?;
        let now = self.clock().now();
        let (client, parts) = tokio::try_join!(
            self.store.read_client(client.id, &access),
            self.store
                .handover_parts(client.id, now, RECENT_CONTACTS, &access),
        )?;
        let today = time::helsinki_date(now);
        // The latest by event; of plans about the same moment, the one recorded last.
        let plan = parts
            .plans
            .iter()
            .enumerate()
            .max_by_key(|(i, p)| (p.event_at, *i))
            .map(|(_, p)| p.clone());
        Ok(HandoverSummary {
            client,
            open_follow_ups: open_follow_ups(&parts.plans, today),
            plan,
            next_appointment: parts.next_appointment,
            recent_contacts: parts.recent_contacts,
        })
    }
}
