//! The work queue (issue 5; B2, B4, B10; migration 7): decisions the automated procedure
//! routed to an official, and the steps officials take on them (`official_steps`). A routed
//! decision is open while it has no `resolved` step. Each step is a ledger leaf (event
//! `official_action`), written in the same transaction as its access-log row.
//!
//! Where a case goes: routed to `employment_authority`, the client's own employment authority;
//! routed to `keha`, KEHA-keskus (one national unit: any KEHA organisation). A resolution is the
//! official's statement: [`issued_from_step`] hands it to the outbox in the resolving write.

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{Client, ClientId, DecisionId, OrgId, UserId};
use kirjuri_ledger::EventType;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::outbox::{enqueue_statement_in, IssuedStatement};
use crate::rows::{corrupt, parse_date, parse_id, parse_ts, ts};
use crate::statements::{decision_from_row, DECISION_COLS};
use crate::{ledger, Access, AccessAction, Store, StoreError, StoredDecision};

/// Whose queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Cases routed to the employment authority, of this organisation's clients.
    EmploymentAuthority(OrgId),
    /// Cases routed to KEHA-keskus (national).
    Keha,
}

/// The official's statement on a routed case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// `no_obstacle`, `obstacle` or `job_search_ended`.
    pub outcome: String,
    pub effective_date: NaiveDate,
    pub reasoning: String,
    /// Legal basis as written by the official.
    pub basis: String,
    /// The statement document (plain text) in `document_language`.
    pub document: String,
    pub document_language: String,
}

/// One step an official took on a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialStep {
    pub seq: i64,
    pub decision_id: DecisionId,
    pub client_id: ClientId,
    /// `taken` or `resolved`.
    pub step: String,
    pub by: UserId,
    /// The organisation the official acted for (the statement's issuer).
    pub org: OrgId,
    pub at: DateTime<Utc>,
    /// Only for `resolved`.
    pub resolution: Option<Resolution>,
}

/// An open case in a queue.
#[derive(Debug, Clone)]
pub struct QueueCase {
    pub decision: StoredDecision,
    pub client: Client,
    /// The latest `taken` step, if an official has taken the case.
    pub taken: Option<OfficialStep>,
}

pub(crate) const STEP_COLS: &str =
    "seq, decision_id, client_id, step, by_user, org_id, at, outcome,
     effective_date, reasoning, basis, document, document_language";

/// The statement of a step row of `official_steps` or `reconsideration_steps`: `None` for a
/// `taken` step, the [`Resolution`] for a `resolved` one. A resolution missing any of its
/// columns, or a step whose kind and columns disagree, was changed outside the store: it is
/// [`StoreError::Corrupt`], never shown with a blank in place of what is missing.
pub(crate) fn resolution_from_row(row: &AnyRow) -> Result<Option<Resolution>, StoreError> {
    let step: String = row.try_get("step")?;
    let text = |col: &str| -> Result<String, StoreError> {
        row.try_get::<Option<String>, _>(col)?
            .ok_or_else(|| corrupt("resolution", format!("no {col}")))
    };
    match (step.as_str(), row.try_get::<Option<String>, _>("outcome")?) {
        ("taken", None) => Ok(None),
        ("resolved", Some(outcome)) => Ok(Some(Resolution {
            outcome,
            effective_date: parse_date(&text("effective_date")?)?,
            reasoning: text("reasoning")?,
            basis: text("basis")?,
            document: text("document")?,
            document_language: text("document_language")?,
        })),
        (step, outcome) => Err(corrupt(
            "step",
            format!("{step:?} with outcome {outcome:?}"),
        )),
    }
}

pub(crate) fn step_from_row(row: &AnyRow) -> Result<OfficialStep, StoreError> {
    let resolution = resolution_from_row(row)?;
    Ok(OfficialStep {
        seq: row.try_get("seq")?,
        decision_id: parse_id(row, "decision_id")?,
        client_id: parse_id(row, "client_id")?,
        step: row.try_get("step")?,
        by: parse_id(row, "by_user")?,
        org: parse_id(row, "org_id")?,
        at: parse_ts(&row.try_get::<String, _>("at")?)?,
        resolution,
    })
}

/// Inserts a step on an open routed decision of `client`.
#[allow(clippy::too_many_arguments)] // the write's prepared values
async fn add_step(
    tx: &mut sqlx::AnyConnection,
    client: ClientId,
    decision: DecisionId,
    step: &str,
    by: UserId,
    org: OrgId,
    now: DateTime<Utc>,
    resolution: Option<&Resolution>,
) -> Result<i64, StoreError> {
    let open = sqlx::query(
        "SELECT 1 FROM decisions d WHERE d.id = $1 AND d.client_id = $2 AND d.outcome = 'routed'
         AND NOT EXISTS (SELECT 1 FROM official_steps s
                         WHERE s.decision_id = d.id AND s.step = 'resolved')",
    )
    .bind(decision.to_string())
    .bind(client.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_none() {
        let exists = sqlx::query("SELECT 1 FROM decisions WHERE id = $1 AND client_id = $2")
            .bind(decision.to_string())
            .bind(client.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match exists {
            Some(_) => StoreError::CaseNotOpen,
            None => StoreError::NotFound("decision"),
        });
    }
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO official_steps (decision_id, client_id, step, by_user, org_id, at, outcome,
             effective_date, reasoning, basis, document, document_language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq",
    )
    .bind(decision.to_string())
    .bind(client.to_string())
    .bind(step.to_owned())
    .bind(by.to_string())
    .bind(org.to_string())
    .bind(ts(now))
    .bind(resolution.map(|r| r.outcome.clone()))
    .bind(resolution.map(|r| r.effective_date.to_string()))
    .bind(resolution.map(|r| r.reasoning.clone()))
    .bind(resolution.map(|r| r.basis.clone()))
    .bind(resolution.map(|r| r.document.clone()))
    .bind(resolution.map(|r| r.document_language.clone()))
    .fetch_one(&mut *tx)
    .await?;
    Ok(seq)
}

impl Store {
    /// The open routed decisions of a queue, oldest first. Every client listed is a read of
    /// that client's data, logged under `by`.
    pub async fn work_queue(
        &self,
        queue: Queue,
        by: &Access,
    ) -> Result<Vec<QueueCase>, StoreError> {
        Ok(self.open_cases(queue, None, None, by).await?.0)
    }

    /// A page of [`Store::work_queue`]: at most `limit` cases after the decision `after` (its
    /// id: the page's key), and whether more follow. Only the clients shown are logged reads.
    pub async fn work_queue_page(
        &self,
        queue: Queue,
        after: Option<&str>,
        limit: i64,
        by: &Access,
    ) -> Result<(Vec<QueueCase>, bool), StoreError> {
        self.open_cases(queue, None, Some((after, limit)), by).await
    }

    /// One open routed decision of a queue (`None`: not open in this queue), a logged read of
    /// its client only.
    pub async fn work_queue_case(
        &self,
        queue: Queue,
        id: DecisionId,
        by: &Access,
    ) -> Result<Option<QueueCase>, StoreError> {
        Ok(self.open_cases(queue, Some(id), None, by).await?.0.pop())
    }

    /// The open cases of `queue` (only the one `only`), a page of them with `window` (after
    /// the decision whose id is given, at most so many), and whether more follow the page.
    async fn open_cases(
        &self,
        queue: Queue,
        only: Option<DecisionId>,
        window: Option<(Option<&str>, i64)>,
        by: &Access,
    ) -> Result<(Vec<QueueCase>, bool), StoreError> {
        let open = "d.outcome = 'routed' AND NOT EXISTS (SELECT 1 FROM official_steps s
                    WHERE s.decision_id = d.id AND s.step = 'resolved')";
        let (filter, org) = match queue {
            Queue::EmploymentAuthority(org) => (
                "d.target = 'employment_authority'
                 AND d.client_id IN (SELECT c.id FROM clients c WHERE c.org_id = $1)",
                Some(org.to_string()),
            ),
            Queue::Keha => ("d.target = 'keha'", None),
        };
        // The one decision, bound after the queue's own parameter.
        let mut n = if org.is_some() { 1 } else { 0 };
        let mut param = || {
            n += 1;
            n
        };
        let one = match only {
            Some(_) => format!(" AND d.id = ${}", param()),
            None => String::new(),
        };
        // Keyset: after the key decision's place in the order (issue 16).
        let after = match window {
            Some((Some(_), _)) => format!(
                " AND (d.recorded_at, d.id) > (SELECT k.recorded_at, k.id FROM decisions k WHERE k.id = ${})",
                param()
            ),
            _ => String::new(),
        };
        let limit = match window {
            Some(_) => format!(" LIMIT ${}", param()),
            None => String::new(),
        };
        let sql = format!(
            "SELECT {DECISION_COLS} FROM decisions d
             WHERE {filter} AND {open}{one}{after} ORDER BY d.recorded_at, d.id{limit}"
        );
        let mut query = sqlx::query(&sql);
        if let Some(org) = org {
            query = query.bind(org);
        }
        if let Some(id) = only {
            query = query.bind(id.to_string());
        }
        if let Some((after, limit)) = window {
            if let Some(after) = after {
                query = query.bind(after.to_owned());
            }
            query = query.bind(limit + 1);
        }
        let rows = query.fetch_all(&self.read).await?;
        let mut decisions = rows
            .iter()
            .map(decision_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let more = window
            .and_then(|(_, limit)| usize::try_from(limit).ok())
            .is_some_and(|l| decisions.len() > l);
        if more {
            decisions.pop();
        }
        let mut cases = Vec::with_capacity(decisions.len());
        let mut logged: Vec<ClientId> = Vec::new();
        for d in decisions {
            if !logged.contains(&d.client_id) {
                self.log(by, d.client_id, AccessAction::Read, "work_queue")
                    .await?;
                logged.push(d.client_id);
            }
            let client = self.client(d.client_id).await?;
            let taken = sqlx::query(&format!(
                "SELECT {STEP_COLS} FROM official_steps
                 WHERE decision_id = $1 AND step = 'taken' ORDER BY seq DESC LIMIT 1"
            ))
            .bind(d.id.to_string())
            .fetch_optional(&self.read)
            .await?
            .map(|r| step_from_row(&r))
            .transpose()?;
            cases.push(QueueCase {
                decision: d,
                client,
                taken,
            });
        }
        Ok((cases, more))
    }

    /// An official takes an open routed case of `client`.
    pub async fn take_case(
        &self,
        client: ClientId,
        decision: DecisionId,
        by: &Access,
    ) -> Result<OfficialStep, StoreError> {
        self.official_step(client, decision, "taken", None, by)
            .await
    }

    /// An official resolves an open routed case of `client` with their statement.
    pub async fn resolve_case(
        &self,
        client: ClientId,
        decision: DecisionId,
        resolution: Resolution,
        by: &Access,
    ) -> Result<OfficialStep, StoreError> {
        self.official_step(client, decision, "resolved", Some(resolution), by)
            .await
    }

    async fn official_step(
        &self,
        client: ClientId,
        decision: DecisionId,
        step: &'static str,
        resolution: Option<Resolution>,
        by: &Access,
    ) -> Result<OfficialStep, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let outbox = self.outbox(client)?;
        let org = by
            .org
            .ok_or(StoreError::NotFound("organisation of the official"))?;
        let user = by.user;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let seq = add_step(
                        tx,
                        client,
                        decision,
                        step,
                        user,
                        org,
                        now,
                        resolution.as_ref(),
                    )
                    .await?;
                    leaf.defer(
                        leaves,
                        &ledger::OFFICIAL_STEPS,
                        &seq.to_string(),
                        EventType::OfficialAction,
                        now,
                    );
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "decisions")
                        .await?;
                    let row = sqlx::query(&format!(
                        "SELECT {STEP_COLS} FROM official_steps WHERE seq = $1"
                    ))
                    .bind(seq)
                    .fetch_one(&mut *tx)
                    .await?;
                    let step = step_from_row(&row)?;
                    // The official's statement goes to the client's benefit payers.
                    if step.resolution.is_some() {
                        let kind: String =
                            sqlx::query_scalar("SELECT kind FROM decisions WHERE id = $1")
                                .bind(decision.to_string())
                                .fetch_one(&mut *tx)
                                .await?;
                        if let Some(s) = issued_from_step(&step, &kind) {
                            enqueue_statement_in(tx, leaves, &outbox, &s, now).await?;
                        }
                    }
                    Ok(step)
                })
            })
            .await
    }

    /// The official steps on a decision of `client`, oldest first.
    pub async fn official_steps(
        &self,
        client: ClientId,
        decision: DecisionId,
        by: &Access,
    ) -> Result<Vec<OfficialStep>, StoreError> {
        self.log(by, client, AccessAction::Read, "decisions")
            .await?;
        sqlx::query(&format!(
            "SELECT {STEP_COLS} FROM official_steps WHERE decision_id = $1 AND client_id = $2
             ORDER BY seq"
        ))
        .bind(decision.to_string())
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(step_from_row)
        .collect()
    }

    /// A decision's client, where it was routed (`None`: not routed) and its kind, for the
    /// authorisation decision only: not logged, and returns nothing to a user.
    pub async fn decision_routing(
        &self,
        id: DecisionId,
    ) -> Result<(ClientId, Option<String>, String), StoreError> {
        let row = sqlx::query(
            "SELECT client_id, CASE WHEN outcome = 'routed' THEN target END AS routed_to, kind
             FROM decisions WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("decision"))?;
        Ok((
            parse_id(&row, "client_id")?,
            row.try_get("routed_to")?,
            row.try_get("kind")?,
        ))
    }
}

// ---- the statement a resolution issues -------------------------------------------------------

/// The statement of an official's resolution of a routed decision of kind `kind`; `None` for
/// a step that is not a resolution.
pub fn issued_from_step(s: &OfficialStep, kind: &str) -> Option<IssuedStatement> {
    let r = s.resolution.as_ref()?;
    Some(IssuedStatement {
        source: "official_step".into(),
        reference: s.seq.to_string(),
        client: s.client_id,
        subject: kind.to_owned(),
        outcome: r.outcome.clone(),
        effective_date: Some(r.effective_date),
        issued_at: s.at,
        issuer: Some(s.org),
        automated: false,
        adoption_number: None,
        document: r.document.clone(),
        document_language: r.document_language.clone(),
        replaces: None,
    })
}
