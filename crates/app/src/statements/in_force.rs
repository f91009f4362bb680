//! The statement in force for the client's latest job search (issue 12, the record header):
//! the statement of its latest decision — its start statement, or its end statement once it
//! has ended — as last given: on reconsideration (B7), by an official on a routed case, or
//! automatically; or, while a routed case waits, where it waits.

use chrono::NaiveDate;
use kirjuri_domain::{ClientId, DecisionId, JobSearch};

use super::decisions::DecisionRecord;
use crate::guard::Granted;
use crate::policy::Action;
use crate::{Actor, App, AppResult};

/// Who gave the statement in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GivenBy {
    /// The automated procedure (B8).
    Automated,
    /// An official on the routed case.
    Official,
    /// An official on the request for its reconsideration (B7).
    Reconsideration,
}

/// Where the statement of a job search's latest decision stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementState {
    /// Given: the outcome (`auto_positive` or `auto_end` automatically; `no_obstacle`,
    /// `obstacle` or `job_search_ended` by an official) and its effective date.
    Given {
        outcome: String,
        effective_date: Option<NaiveDate>,
        by: GivenBy,
    },
    /// Routed to an official and not yet resolved; `target` is the queue
    /// (`employment_authority` or `keha`).
    Waiting { target: Option<String> },
}

/// The client's latest job search and the statement of its latest decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementInForce {
    pub job_search: JobSearch,
    /// The decision whose provenance shows how the statement came about.
    pub decision: DecisionId,
    /// `job_search_start` or `job_search_end`.
    pub kind: String,
    pub state: StatementState,
}

/// The statement a decision stands at, as last given.
pub fn state_of(d: &DecisionRecord) -> StatementState {
    let given = |outcome: &str, effective_date, by| StatementState::Given {
        outcome: outcome.to_owned(),
        effective_date,
        by,
    };
    if let Some(s) = d
        .reconsideration
        .as_ref()
        .and_then(|r| r.new_statement.as_ref())
    {
        return given(
            &s.resolution.outcome,
            Some(s.resolution.effective_date),
            GivenBy::Reconsideration,
        );
    }
    let stored = &d.stored.decision;
    if d.automated() {
        return given(&stored.outcome, stored.effective_date, GivenBy::Automated);
    }
    match &d.official_statement {
        Some(s) => given(
            &s.resolution.outcome,
            Some(s.resolution.effective_date),
            GivenBy::Official,
        ),
        None => StatementState::Waiting {
            target: stored.target.clone(),
        },
    }
}

/// The statement in force for the latest of `searches`, from the client's `decisions` (as
/// [`App::client_decisions`] gives them): the statement of its latest decision — its end
/// statement once it has ended, its start statement until then — as [`state_of`] tells it.
/// `None` without a job search or a decision on it. Pure: a page that has read the decisions
/// derives it without reading them again.
pub fn in_force(searches: &[JobSearch], decisions: &[DecisionRecord]) -> Option<StatementInForce> {
    let latest = searches
        .iter()
        .max_by_key(|j| (j.start_date, j.recorded_at))?;
    let wanted = if latest.end.is_some() {
        "job_search_end"
    } else {
        "job_search_start"
    };
    let of_search = || {
        decisions
            .iter()
            .filter(|d| d.stored.job_search_id == latest.id)
    };
    // Its end statement once it has ended; its start statement until then (or when the
    // end had no decision).
    let decision = of_search()
        .filter(|d| d.stored.decision.kind == wanted)
        .max_by_key(|d| d.stored.recorded_at)
        .or_else(|| of_search().max_by_key(|d| d.stored.recorded_at))?;
    Some(StatementInForce {
        decision: decision.stored.id,
        kind: decision.stored.decision.kind.clone(),
        state: state_of(decision),
        job_search: latest.clone(),
    })
}

impl App {
    /// The statement in force for the client's latest job search (None without a job search
    /// or a decision on it), for an official or the supervisor. Reads the job searches and
    /// the decisions, each logged.
    pub async fn statement_in_force(
        &self,
        actor: &Actor,
        client: ClientId,
    ) -> AppResult<Option<StatementInForce>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "decisions")
            .await?;
        let searches = self.store.job_searches(client.id, &access).await?;
        if searches.is_empty() {
            return Ok(None);
        }
        let decisions = self.decision_records(client.id, &access).await?;
        Ok(in_force(&searches, &decisions))
    }
}
