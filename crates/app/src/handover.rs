//! The handover summary (A8, issue 12): what a new responsible expert reads first — what was
//! agreed (the employment plan in force and its follow-up dates), the follow-ups still open,
//! the next appointment and the latest contacts. One use case: the guard authorises a read of
//! the client, and the store logs the client read and the summary read (`handover`).

use chrono::NaiveDate;
use kirjuri_domain::{plan_follow_ups, time, Appointment, Client, ClientId, Entry, EntryId};

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
    /// What was agreed: the plan in force (the latest employment-plan entry not corrected,
    /// [`kirjuri_domain::plan_follow_ups`]), with its follow-up dates.
    pub plan: Option<Entry>,
    /// Follow-up dates of the plan in force not yet held ([`open_follow_ups`]), the earliest
    /// first.
    pub open_follow_ups: Vec<FollowUp>,
    pub next_appointment: Option<Appointment>,
    /// The latest contact entries in force, the latest event first.
    pub recent_contacts: Vec<Entry>,
}

/// The follow-up dates of the client's plan in force still open on `today`, earliest first,
/// each once, by the one rule of A7 that "my work today" uses too
/// ([`kirjuri_domain::plan_follow_ups`]): only the plan in force (the latest employment-plan
/// entry not corrected) counts, and a date is held once the client has a contact or plan entry
/// in force about an event on or after it. `entries`: the client's entries in recording
/// order (at least those in force of the follow-up types).
pub fn open_follow_ups(entries: &[Entry], today: NaiveDate) -> Vec<FollowUp> {
    let Some(f) = plan_follow_ups(entries) else {
        return Vec::new();
    };
    f.open()
        .into_iter()
        .map(|date| FollowUp {
            date,
            overdue: date < today,
            plan: f.plan.id,
        })
        .collect()
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
        let plan = plan_follow_ups(&parts.follow_up_entries).map(|f| f.plan.clone());
        Ok(HandoverSummary {
            client,
            open_follow_ups: open_follow_ups(&parts.follow_up_entries, today),
            plan,
            next_appointment: parts.next_appointment,
            recent_contacts: parts.recent_contacts,
        })
    }
}
