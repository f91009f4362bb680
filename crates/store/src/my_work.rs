//! "My work today" (issue 12 item 2; A6, A7, JTYPL 31 §; migration 14): what an official's
//! start-of-day page lists, read in a handful of queries over the clients the official is the
//! responsible expert of (the latest assignment names them) in their own organisation:
//! appointments in a date range, open job searches without an initial interview since their
//! start, the follow-up dates of the employment plan in force that are not yet held, and the
//! official's own recent entries made late. Every client whose data is returned is a logged
//! read (resource `my_work`), all in one write; a client the lists leave out is not read.
//!
//! The counts of the work queues ([`Store::queue_counts`]) read no client's data, only how
//! many cases wait, and are not logged (like `statement_quality`).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{
    plan_follow_ups, time::helsinki_date, Appointment, Client, ClientId, Entry, EntryId, JobSearch,
    OrgId, UserId,
};

use crate::access::AccessAction;
use crate::handover::follow_up_entries_where;
use crate::rows::{
    appointment_from_row, client_from_row, entry_from_row, job_search_from_row, parse_ts, ts,
    APPOINTMENT_SELECT, CLIENT_COLS, ENTRY_SELECT, JOB_SEARCH_SELECT,
};
use crate::work_queue::Queue;
use crate::{Access, Store, StoreError};

/// The clients whose latest responsible-expert assignment names `$1`, of organisation `$2`.
pub(crate) const MINE: &str = "SELECT r.client_id FROM responsible_experts r
     JOIN clients mc ON mc.id = r.client_id
     WHERE r.official_id = $1 AND mc.org_id = $2
       AND r.seq = (SELECT MAX(r2.seq) FROM responsible_experts r2
                    WHERE r2.client_id = r.client_id)";

/// At most this many of the official's late entries are listed (the newest).
const LATE_ENTRIES_MAX: i64 = 200;

/// What to list for whom.
#[derive(Debug, Clone, Copy)]
pub struct MyWorkQuery {
    /// The official: their clients are those they are the responsible expert of.
    pub official: UserId,
    /// The official's organisation: clients of any other never appear.
    pub org: OrgId,
    /// Appointments on these local dates (Europe/Helsinki), inclusive.
    pub appointments_from: NaiveDate,
    pub appointments_until: NaiveDate,
    /// Follow-up dates up to this date (inclusive) that are not yet held.
    pub follow_ups_until: NaiveDate,
    /// The official's own entries recorded at or after this instant, made late (A6).
    pub late_since: DateTime<Utc>,
}

/// A follow-up date of a client's employment plan in force that has not been held (A7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub client: Client,
    /// The employment-plan entry that set the date.
    pub plan: EntryId,
    pub date: NaiveDate,
    /// The event date (Finnish time) of the client's latest entry in force that follows a plan
    /// up.
    pub latest_follow_up: Option<NaiveDate>,
}

/// What [`Store::my_work`] found, each list in the order to show it.
#[derive(Debug, Clone, Default)]
pub struct MyWorkRows {
    /// By start time.
    pub appointments: Vec<(Appointment, Client)>,
    /// Open job searches with no initial-interview entry on or after their start date, by
    /// start date.
    pub pending_interviews: Vec<(JobSearch, Client)>,
    /// By date.
    pub follow_ups: Vec<FollowUp>,
    /// The official's entries recorded late, newest first.
    pub late_entries: Vec<(Entry, Client)>,
}

/// How many cases wait in a queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Open routed decisions, and of them those nobody has taken.
    pub routed_open: i64,
    pub routed_untaken: i64,
    /// Open requests for reconsideration, and of them those nobody has taken.
    pub reconsiderations_open: i64,
    pub reconsiderations_untaken: i64,
}

impl Store {
    /// An official's work for the days asked (see the module documentation). A follow-up date
    /// is listed when it is on or before `follow_ups_until` and still open by the one rule of
    /// A7, [`kirjuri_domain::plan_follow_ups`] (the handover summary uses the same): only the
    /// plan in force counts, and a date is held by a contact or plan entry in force on or
    /// after it.
    pub async fn my_work(&self, q: &MyWorkQuery, by: &Access) -> Result<MyWorkRows, StoreError> {
        let (official, org) = (q.official.to_string(), q.org.to_string());
        let clients: HashMap<ClientId, Client> = sqlx::query(&format!(
            "SELECT {CLIENT_COLS} FROM clients WHERE id IN ({MINE})"
        ))
        .bind(&official)
        .bind(&org)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| client_from_row(r).map(|c| (c.id, c)))
        .collect::<Result<_, _>>()?;
        let mut out = MyWorkRows::default();
        if !clients.is_empty() {
            out.appointments = self.my_appointments(q, &clients).await?;
            out.pending_interviews = self.my_pending_interviews(q, &clients).await?;
            out.follow_ups = self.my_follow_ups(q, &clients).await?;
        }
        out.late_entries = self.my_late_entries(q, &clients).await?;

        let mut shown: Vec<ClientId> = Vec::new();
        let ids = out
            .appointments
            .iter()
            .map(|(_, c)| c.id)
            .chain(out.pending_interviews.iter().map(|(_, c)| c.id))
            .chain(out.follow_ups.iter().map(|f| f.client.id))
            .chain(out.late_entries.iter().map(|(_, c)| c.id));
        for id in ids {
            if !shown.contains(&id) {
                shown.push(id);
            }
        }
        let logs = shown
            .iter()
            .map(|c| self.logged(by, *c))
            .collect::<Result<Vec<_>, _>>()?;
        if !logs.is_empty() {
            let now = self.now();
            self.writer
                .write(move |tx, leaves| {
                    Box::pin(async move {
                        for logged in logs {
                            logged
                                .record(tx, leaves, now, AccessAction::Read, "my_work")
                                .await?;
                        }
                        Ok(())
                    })
                })
                .await?;
        }
        Ok(out)
    }

    async fn my_appointments(
        &self,
        q: &MyWorkQuery,
        clients: &HashMap<ClientId, Client>,
    ) -> Result<Vec<(Appointment, Client)>, StoreError> {
        let rows = sqlx::query(&format!(
            "{APPOINTMENT_SELECT} WHERE client_id IN ({MINE})
               AND local_date >= $3 AND local_date <= $4
             ORDER BY starts_at, id"
        ))
        .bind(q.official.to_string())
        .bind(q.org.to_string())
        .bind(q.appointments_from.to_string())
        .bind(q.appointments_until.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let a = appointment_from_row(row)?;
            if let Some(c) = clients.get(&a.client_id) {
                out.push((a, c.clone()));
            }
        }
        Ok(out)
    }

    async fn my_pending_interviews(
        &self,
        q: &MyWorkQuery,
        clients: &HashMap<ClientId, Client>,
    ) -> Result<Vec<(JobSearch, Client)>, StoreError> {
        let rows = sqlx::query(&format!(
            "{JOB_SEARCH_SELECT}
             JOIN open_job_searches o ON o.job_search_id = j.id
             WHERE j.client_id IN ({MINE})
             ORDER BY j.start_date, j.id"
        ))
        .bind(q.official.to_string())
        .bind(q.org.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut out = Vec::new();
        for row in &rows {
            let j = job_search_from_row(row)?;
            let Some(c) = clients.get(&j.client_id) else {
                continue;
            };
            // The latest interview on the start date or after it (Finnish time) counts; the
            // newest interview is enough to ask about, through entries_client_kind.
            let latest: Option<String> = sqlx::query_scalar(
                "SELECT MAX(event_at) FROM entries
                 WHERE client_id = $1 AND kind = 'initial_interview'",
            )
            .bind(j.client_id.to_string())
            .fetch_one(&self.read)
            .await?;
            let held = match latest {
                Some(at) => helsinki_date(parse_ts(&at)?) >= j.start_date,
                None => false,
            };
            if !held {
                out.push((j, c.clone()));
            }
        }
        Ok(out)
    }

    async fn my_follow_ups(
        &self,
        q: &MyWorkQuery,
        clients: &HashMap<ClientId, Client>,
    ) -> Result<Vec<FollowUp>, StoreError> {
        // The entries the follow-up rule reads, per client in recording order.
        let rows = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.client_id IN ({MINE}) AND {}
             ORDER BY e.seq",
            follow_up_entries_where()
        ))
        .bind(q.official.to_string())
        .bind(q.org.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut by_client: BTreeMap<ClientId, Vec<Entry>> = BTreeMap::new();
        for row in &rows {
            let e = entry_from_row(row)?;
            by_client.entry(e.client_id).or_default().push(e);
        }
        let mut out = Vec::new();
        for (client, entries) in &by_client {
            let (Some(c), Some(f)) = (clients.get(client), plan_follow_ups(entries)) else {
                continue;
            };
            for date in f.open() {
                if date <= q.follow_ups_until {
                    out.push(FollowUp {
                        client: c.clone(),
                        plan: f.plan.id,
                        date,
                        latest_follow_up: f.latest_follow_up,
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            (a.date, a.client.last_name.as_str(), a.client.id).cmp(&(
                b.date,
                b.client.last_name.as_str(),
                b.client.id,
            ))
        });
        Ok(out)
    }

    async fn my_late_entries(
        &self,
        q: &MyWorkQuery,
        clients: &HashMap<ClientId, Client>,
    ) -> Result<Vec<(Entry, Client)>, StoreError> {
        let rows = sqlx::query(&format!(
            "{ENTRY_SELECT} JOIN clients c ON c.id = e.client_id
             WHERE e.author_id = $1 AND c.org_id = $2 AND e.recorded_at >= $3
             ORDER BY e.recorded_at DESC, e.seq DESC LIMIT $4"
        ))
        .bind(q.official.to_string())
        .bind(q.org.to_string())
        .bind(ts(q.late_since))
        .bind(LATE_ENTRIES_MAX)
        .fetch_all(&self.read)
        .await?;
        let mut out = Vec::new();
        let mut others: HashMap<ClientId, Client> = HashMap::new();
        for row in &rows {
            let e = entry_from_row(row)?;
            if !e.recorded_late() {
                continue;
            }
            let c = match clients
                .get(&e.client_id)
                .or_else(|| others.get(&e.client_id))
            {
                Some(c) => c.clone(),
                None => {
                    let c = self.client(e.client_id).await?;
                    others.insert(c.id, c.clone());
                    c
                }
            };
            out.push((e, c));
        }
        Ok(out)
    }

    /// How many cases wait in `queue`: counts only, no client's data, so not logged.
    pub async fn queue_counts(&self, queue: Queue) -> Result<QueueCounts, StoreError> {
        let routed_open = "d.outcome = 'routed' AND NOT EXISTS (SELECT 1 FROM official_steps s
                           WHERE s.decision_id = d.id AND s.step = 'resolved')";
        let routed_untaken = "NOT EXISTS (SELECT 1 FROM official_steps s
                              WHERE s.decision_id = d.id AND s.step = 'taken')";
        let recon_open = "NOT EXISTS (SELECT 1 FROM reconsideration_steps s
                          WHERE s.request_id = r.id AND s.step = 'resolved')";
        let recon_untaken = "NOT EXISTS (SELECT 1 FROM reconsideration_steps s
                             WHERE s.request_id = r.id AND s.step = 'taken')";
        let (routed_where, recon_where, org) = match queue {
            Queue::EmploymentAuthority(org) => (
                "d.target = 'employment_authority'
                 AND d.client_id IN (SELECT c.id FROM clients c WHERE c.org_id = $1)",
                "r.target = 'employment_authority' AND r.org_id = $1",
                Some(org.to_string()),
            ),
            Queue::Keha => ("d.target = 'keha'", "r.target = 'keha'", None),
        };
        let count = |sql: String| {
            let org = org.clone();
            async move {
                let mut query = sqlx::query_scalar::<_, i64>(&sql);
                if let Some(org) = org {
                    query = query.bind(org);
                }
                query.fetch_one(&self.read).await
            }
        };
        Ok(QueueCounts {
            routed_open: count(format!(
                "SELECT COUNT(*) FROM decisions d WHERE {routed_where} AND {routed_open}"
            ))
            .await?,
            routed_untaken: count(format!(
                "SELECT COUNT(*) FROM decisions d
                 WHERE {routed_where} AND {routed_open} AND {routed_untaken}"
            ))
            .await?,
            reconsiderations_open: count(format!(
                "SELECT COUNT(*) FROM reconsideration_requests r WHERE {recon_where} AND {recon_open}"
            ))
            .await?,
            reconsiderations_untaken: count(format!(
                "SELECT COUNT(*) FROM reconsideration_requests r
                 WHERE {recon_where} AND {recon_open} AND {recon_untaken}"
            ))
            .await?,
        })
    }
}
