//! Reconsideration of statements (B7, B10, B15; GDPR art. 22(3); migration 8).
//!
//! A client (or an official on the client's behalf) asks that a statement be reconsidered: the
//! automated statement of a decision, or the official's statement on a routed decision. The
//! request is a case in the queue of the organisation that issued the statement — the client's
//! employment authority for an automated statement (the document names it as the issuer), the
//! organisation the official acted for otherwise (KEHA-keskus: `keha`). A person handles it: an
//! official takes it and resolves it with a new statement that links to the request, and so to
//! the statement it reconsiders, and records whether the outcome (or its date) changed. Only
//! officials and KEHA officials take and resolve requests; the store refuses anyone else, so the
//! automated procedure (which acts through no official's access) cannot. Every request and
//! step is an append-only row with a ledger leaf, written with its access-log row. The new
//! statement goes to the outbox in the resolving write ([`issued_from_reconsideration`]).

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{
    Client, ClientId, DecisionId, OrgId, OrgKind, ReconsiderationId, Role, UserId,
};
use kirjuri_ledger::EventType;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::outbox::{enqueue_statement_in, IssuedStatement};
use crate::rows::{corrupt, parse_date, parse_id, parse_ts, ts};
use crate::statements::StoredDecision;
use crate::work_queue::resolution_from_row;
use crate::{ledger, Access, AccessAction, Queue, Resolution, Store, StoreError};

/// A request for reconsideration, with the steps officials took on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconsideration {
    pub id: ReconsiderationId,
    pub decision_id: DecisionId,
    pub client_id: ClientId,
    /// `automated` (the decision's automated statement) or `official` (an official's statement
    /// on the routed decision).
    pub statement: String,
    /// For an official's statement: the `official_steps` row that issued it.
    pub official_step: Option<i64>,
    /// The reconsidered statement's outcome, in the words of an official's statement
    /// (`no_obstacle`, `obstacle`, `job_search_ended`).
    pub statement_outcome: String,
    pub statement_effective_date: NaiveDate,
    /// `employment_authority` or `keha`: whose queue.
    pub target: String,
    /// The organisation that issued the statement and handles the request.
    pub org: OrgId,
    /// The client's reasons, as given.
    pub reasons: String,
    pub requested_by: UserId,
    /// `client` or `official` (on the client's behalf).
    pub requested_as: String,
    pub requested_at: DateTime<Utc>,
    /// Oldest first.
    pub steps: Vec<ReconsiderationStep>,
}

impl Reconsideration {
    /// The resolution, once resolved.
    pub fn resolved(&self) -> Option<&ReconsiderationStep> {
        self.steps.iter().find(|s| s.step == "resolved")
    }
    /// `requested`, `taken` or `resolved`.
    pub fn state(&self) -> &'static str {
        if self.resolved().is_some() {
            "resolved"
        } else if self.steps.iter().any(|s| s.step == "taken") {
            "taken"
        } else {
            "requested"
        }
    }
}

/// One step an official took on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconsiderationStep {
    pub seq: i64,
    pub request_id: ReconsiderationId,
    pub client_id: ClientId,
    /// `taken` or `resolved`.
    pub step: String,
    pub by: UserId,
    /// The organisation the official acted for (the new statement's issuer).
    pub org: OrgId,
    pub at: DateTime<Utc>,
    /// Only for `resolved`: the new statement.
    pub resolution: Option<Resolution>,
    /// Only for `resolved`: the outcome or its effective date differs from the statement
    /// reconsidered.
    pub outcome_changed: Option<bool>,
}

/// An open request in a queue.
#[derive(Debug, Clone)]
pub struct ReconsiderationCase {
    pub request: Reconsideration,
    pub client: Client,
    /// `job_search_start` or `job_search_end`: the kind of the decision reconsidered.
    pub kind: String,
}

const REQUEST_COLS: &str = "id, decision_id, client_id, statement, official_step,
     statement_outcome, statement_effective_date, target, org_id, reasons, requested_by,
     requested_as, requested_at";
const STEP_COLS: &str = "seq, request_id, client_id, step, by_user, org_id, at, outcome,
     effective_date, reasoning, basis, document, document_language, outcome_changed";

fn request_from_row(row: &AnyRow) -> Result<Reconsideration, StoreError> {
    Ok(Reconsideration {
        id: parse_id(row, "id")?,
        decision_id: parse_id(row, "decision_id")?,
        client_id: parse_id(row, "client_id")?,
        statement: row.try_get("statement")?,
        official_step: row.try_get("official_step")?,
        statement_outcome: row.try_get("statement_outcome")?,
        statement_effective_date: parse_date(
            &row.try_get::<String, _>("statement_effective_date")?,
        )?,
        target: row.try_get("target")?,
        org: parse_id(row, "org_id")?,
        reasons: row.try_get("reasons")?,
        requested_by: parse_id(row, "requested_by")?,
        requested_as: row.try_get("requested_as")?,
        requested_at: parse_ts(&row.try_get::<String, _>("requested_at")?)?,
        steps: Vec::new(),
    })
}

fn step_from_row(row: &AnyRow) -> Result<ReconsiderationStep, StoreError> {
    let resolution = resolution_from_row(row)?;
    // Whether the outcome changed is part of a resolution, and of nothing else.
    let outcome_changed = match (
        &resolution,
        row.try_get::<Option<i64>, _>("outcome_changed")?,
    ) {
        (Some(_), Some(changed)) => Some(changed != 0),
        (None, None) => None,
        (Some(_), None) => return Err(corrupt("resolution", "no outcome_changed")),
        (None, Some(_)) => return Err(corrupt("step", "outcome_changed without a resolution")),
    };
    Ok(ReconsiderationStep {
        seq: row.try_get("seq")?,
        request_id: parse_id(row, "request_id")?,
        client_id: parse_id(row, "client_id")?,
        step: row.try_get("step")?,
        by: parse_id(row, "by_user")?,
        org: parse_id(row, "org_id")?,
        at: parse_ts(&row.try_get::<String, _>("at")?)?,
        resolution,
        outcome_changed,
    })
}

/// The statement of a decision, in the words of an official's statement: which one, the
/// issuing official step (for an official's statement), outcome, effective date, and whose
/// queue a request about it goes to. Read inside the write.
struct Statement {
    kind: &'static str,
    official_step: Option<i64>,
    outcome: String,
    effective_date: NaiveDate,
    target: &'static str,
    org: OrgId,
}

async fn statement_of(
    tx: &mut sqlx::AnyConnection,
    client: ClientId,
    decision: DecisionId,
) -> Result<Statement, StoreError> {
    let row = sqlx::query(
        "SELECT d.outcome, d.effective_date, d.document, c.org_id
         FROM decisions d JOIN clients c ON c.id = d.client_id
         WHERE d.id = $1 AND d.client_id = $2",
    )
    .bind(decision.to_string())
    .bind(client.to_string())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound("decision"))?;
    let outcome: String = row.try_get("outcome")?;
    if outcome != "routed" {
        // The automated statement, issued in the name of the client's employment authority.
        let document: Option<String> = row.try_get("document")?;
        let effective = row.try_get::<Option<String>, _>("effective_date")?;
        let (Some(_), Some(effective)) = (document, effective) else {
            return Err(StoreError::NoStatement);
        };
        let outcome = match outcome.as_str() {
            "auto_positive" => "no_obstacle",
            "auto_end" => "job_search_ended",
            other => return Err(corrupt("decision outcome", other)),
        };
        return Ok(Statement {
            kind: "automated",
            official_step: None,
            outcome: outcome.to_owned(),
            effective_date: parse_date(&effective)?,
            target: "employment_authority",
            org: parse_id(&row, "org_id")?,
        });
    }
    // A routed decision: the official's statement, issued in the name of the organisation
    // the official acted for.
    let step = sqlx::query(
        "SELECT s.seq, s.outcome, s.effective_date, s.org_id, o.kind
         FROM official_steps s JOIN organisations o ON o.id = s.org_id
         WHERE s.decision_id = $1 AND s.step = 'resolved'",
    )
    .bind(decision.to_string())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NoStatement)?;
    let kind: OrgKind = parse_id(&step, "kind")?;
    Ok(Statement {
        kind: "official",
        official_step: Some(step.try_get("seq")?),
        outcome: step
            .try_get::<Option<String>, _>("outcome")?
            .ok_or_else(|| corrupt("official statement", "no outcome"))?,
        effective_date: parse_date(
            &step
                .try_get::<Option<String>, _>("effective_date")?
                .ok_or_else(|| corrupt("official statement", "no effective date"))?,
        )?,
        target: if kind == OrgKind::Keha {
            "keha"
        } else {
            "employment_authority"
        },
        org: parse_id(&step, "org_id")?,
    })
}

/// Who may handle a request: an official of the issuing employment authority, or a KEHA
/// official for KEHA-keskus. Never anyone else, and so never the automated procedure.
fn may_handle(by: &Access, target: &str, org: OrgId) -> Result<OrgId, StoreError> {
    match (by.role, target, by.org) {
        (Role::Official, "employment_authority", Some(o)) if o == org => Ok(o),
        (Role::KehaOfficial, "keha", Some(o)) => Ok(o),
        _ => Err(StoreError::NotPermitted(
            "an official of the organisation that issued the statement handles its reconsideration (B7)",
        )),
    }
}

async fn steps_of(
    conn: impl sqlx::Executor<'_, Database = sqlx::Any>,
    request: ReconsiderationId,
) -> Result<Vec<ReconsiderationStep>, StoreError> {
    sqlx::query(&format!(
        "SELECT {STEP_COLS} FROM reconsideration_steps WHERE request_id = $1 ORDER BY seq"
    ))
    .bind(request.to_string())
    .fetch_all(conn)
    .await?
    .iter()
    .map(step_from_row)
    .collect()
}

impl Store {
    /// Records a request for reconsideration of the statement on `decision` of `client` (B7):
    /// by the client (`requested_as` = `client`) or by an official on their behalf. The
    /// decision must have a statement (automatic, or resolved by an official), and a statement
    /// is reconsidered once.
    pub async fn request_reconsideration(
        &self,
        client: ClientId,
        decision: DecisionId,
        reasons: String,
        by: &Access,
    ) -> Result<Reconsideration, StoreError> {
        let requested_as = match by.role {
            Role::JobSeeker => "client",
            Role::Official | Role::KehaOfficial => "official",
            _ => {
                return Err(StoreError::NotPermitted(
                    "the client, or an official on their behalf, asks for reconsideration",
                ))
            }
        };
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let user = by.user;
        let (id, now) = (ReconsiderationId::from_uuid(self.ids.next()), self.now());
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let st = statement_of(tx, client, decision).await?;
                    let exists = sqlx::query(
                        "SELECT 1 FROM reconsideration_requests WHERE decision_id = $1",
                    )
                    .bind(decision.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
                    if exists.is_some() {
                        return Err(StoreError::ReconsiderationExists);
                    }
                    sqlx::query(&format!(
                        "INSERT INTO reconsideration_requests ({REQUEST_COLS})
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                    ))
                    .bind(id.to_string())
                    .bind(decision.to_string())
                    .bind(client.to_string())
                    .bind(st.kind)
                    .bind(st.official_step)
                    .bind(st.outcome)
                    .bind(st.effective_date.to_string())
                    .bind(st.target)
                    .bind(st.org.to_string())
                    .bind(reasons)
                    .bind(user.to_string())
                    .bind(requested_as)
                    .bind(ts(now))
                    .execute(&mut *tx)
                    .await?;
                    leaf.defer(
                        leaves,
                        &ledger::RECONSIDERATION_REQUESTS,
                        &id.to_string(),
                        EventType::RoutingStep,
                        now,
                    );
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "reconsiderations")
                        .await?;
                    let row = sqlx::query(&format!(
                        "SELECT {REQUEST_COLS} FROM reconsideration_requests WHERE id = $1"
                    ))
                    .bind(id.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    request_from_row(&row)
                })
            })
            .await
    }

    /// An official takes an open request of `client`.
    pub async fn take_reconsideration(
        &self,
        client: ClientId,
        id: ReconsiderationId,
        by: &Access,
    ) -> Result<ReconsiderationStep, StoreError> {
        self.reconsideration_step(client, id, "taken", None, by)
            .await
    }

    /// An official resolves an open request of `client` with the new statement; whether the
    /// outcome changed is judged against the statement reconsidered.
    pub async fn resolve_reconsideration(
        &self,
        client: ClientId,
        id: ReconsiderationId,
        resolution: Resolution,
        by: &Access,
    ) -> Result<ReconsiderationStep, StoreError> {
        self.reconsideration_step(client, id, "resolved", Some(resolution), by)
            .await
    }

    async fn reconsideration_step(
        &self,
        client: ClientId,
        id: ReconsiderationId,
        step: &'static str,
        resolution: Option<Resolution>,
        by: &Access,
    ) -> Result<ReconsiderationStep, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let outbox = self.outbox(client)?;
        let access = by.clone();
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let row = sqlx::query(&format!(
                        "SELECT {REQUEST_COLS} FROM reconsideration_requests
                         WHERE id = $1 AND client_id = $2"
                    ))
                    .bind(id.to_string())
                    .bind(client.to_string())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound("reconsideration request"))?;
                    let request = request_from_row(&row)?;
                    let org = may_handle(&access, &request.target, request.org)?;
                    let resolved = sqlx::query(
                        "SELECT 1 FROM reconsideration_steps WHERE request_id = $1 AND step = 'resolved'",
                    )
                    .bind(id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
                    if resolved.is_some() {
                        return Err(StoreError::CaseNotOpen);
                    }
                    let r = resolution.as_ref();
                    let changed = r.map(|r| {
                        r.outcome != request.statement_outcome
                            || r.effective_date != request.statement_effective_date
                    });
                    let seq: i64 = sqlx::query_scalar(
                        "INSERT INTO reconsideration_steps (request_id, client_id, step, by_user,
                             org_id, at, outcome, effective_date, reasoning, basis, document,
                             document_language, outcome_changed)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                         RETURNING seq",
                    )
                    .bind(id.to_string())
                    .bind(client.to_string())
                    .bind(step)
                    .bind(access.user.to_string())
                    .bind(org.to_string())
                    .bind(ts(now))
                    .bind(r.map(|r| r.outcome.clone()))
                    .bind(r.map(|r| r.effective_date.to_string()))
                    .bind(r.map(|r| r.reasoning.clone()))
                    .bind(r.map(|r| r.basis.clone()))
                    .bind(r.map(|r| r.document.clone()))
                    .bind(r.map(|r| r.document_language.clone()))
                    .bind(changed.map(i64::from))
                    .fetch_one(&mut *tx)
                    .await?;
                    leaf.defer(
                        leaves,
                        &ledger::RECONSIDERATION_STEPS,
                        &seq.to_string(),
                        EventType::OfficialAction,
                        now,
                    );
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "reconsiderations")
                        .await?;
                    let row = sqlx::query(&format!(
                        "SELECT {STEP_COLS} FROM reconsideration_steps WHERE seq = $1"
                    ))
                    .bind(seq)
                    .fetch_one(&mut *tx)
                    .await?;
                    let step = step_from_row(&row)?;
                    // The new statement goes to the benefit payers with the step that issues it.
                    let kind: String =
                        sqlx::query_scalar("SELECT kind FROM decisions WHERE id = $1")
                            .bind(request.decision_id.to_string())
                            .fetch_one(&mut *tx)
                            .await?;
                    if let Some(s) =
                        issued_from_reconsideration(&step, &request, &kind)
                    {
                        enqueue_statement_in(tx, leaves, &outbox, &s, now)
                            .await?;
                    }
                    Ok(step)
                })
            })
            .await
    }

    /// A client's requests for reconsideration with their steps, oldest first.
    pub async fn reconsiderations(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<Reconsideration>, StoreError> {
        self.log(by, client, AccessAction::Read, "reconsiderations")
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT {REQUEST_COLS} FROM reconsideration_requests WHERE client_id = $1
             ORDER BY requested_at, id"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut r = request_from_row(row)?;
            r.steps = steps_of(&self.read, r.id).await?;
            out.push(r);
        }
        Ok(out)
    }

    /// The open requests of a queue, oldest first: an employment authority's (requests about
    /// statements it issued) or KEHA-keskus's. Every client listed is a logged read.
    pub async fn reconsideration_queue(
        &self,
        queue: Queue,
        by: &Access,
    ) -> Result<Vec<ReconsiderationCase>, StoreError> {
        Ok(self.open_requests(queue, None, None, by).await?.0)
    }

    /// A page of [`Store::reconsideration_queue`]: at most `limit` requests after the request
    /// `after` (its id: the page's key), and whether more follow. Only the clients shown are
    /// logged reads.
    pub async fn reconsideration_queue_page(
        &self,
        queue: Queue,
        after: Option<&str>,
        limit: i64,
        by: &Access,
    ) -> Result<(Vec<ReconsiderationCase>, bool), StoreError> {
        self.open_requests(queue, None, Some((after, limit)), by)
            .await
    }

    /// One open request of a queue (`None`: not open in this queue), a logged read of its
    /// client only.
    pub async fn reconsideration_queue_case(
        &self,
        queue: Queue,
        id: ReconsiderationId,
        by: &Access,
    ) -> Result<Option<ReconsiderationCase>, StoreError> {
        Ok(self.open_requests(queue, Some(id), None, by).await?.0.pop())
    }

    /// The open requests of `queue` (only the one `only`), a page of them with `window`
    /// (after the request whose id is given, at most so many), and whether more follow.
    async fn open_requests(
        &self,
        queue: Queue,
        only: Option<ReconsiderationId>,
        window: Option<(Option<&str>, i64)>,
        by: &Access,
    ) -> Result<(Vec<ReconsiderationCase>, bool), StoreError> {
        let open = "NOT EXISTS (SELECT 1 FROM reconsideration_steps s
                    WHERE s.request_id = r.id AND s.step = 'resolved')";
        let cols = REQUEST_COLS
            .split(',')
            .map(|c| format!("r.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let (filter, org) = match queue {
            Queue::EmploymentAuthority(org) => (
                "r.target = 'employment_authority' AND r.org_id = $1",
                Some(org.to_string()),
            ),
            Queue::Keha => ("r.target = 'keha'", None),
        };
        // The one request, bound after the queue's own parameter.
        let mut n = if org.is_some() { 1 } else { 0 };
        let mut param = || {
            n += 1;
            n
        };
        let one = match only {
            Some(_) => format!(" AND r.id = ${}", param()),
            None => String::new(),
        };
        // Keyset: after the key request's place in the order (issue 16).
        let after = match window {
            Some((Some(_), _)) => format!(
                " AND (r.requested_at, r.id) > (SELECT k.requested_at, k.id FROM reconsideration_requests k WHERE k.id = ${})",
                param()
            ),
            _ => String::new(),
        };
        let limit = match window {
            Some(_) => format!(" LIMIT ${}", param()),
            None => String::new(),
        };
        let sql = format!(
            "SELECT {cols}, d.kind FROM reconsideration_requests r
             JOIN decisions d ON d.id = r.decision_id
             WHERE {filter} AND {open}{one}{after} ORDER BY r.requested_at, r.id{limit}"
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
        let mut rows = query.fetch_all(&self.read).await?;
        let more = window
            .and_then(|(_, limit)| usize::try_from(limit).ok())
            .is_some_and(|l| rows.len() > l);
        if more {
            rows.pop();
        }
        let mut cases = Vec::with_capacity(rows.len());
        let mut logged: Vec<ClientId> = Vec::new();
        for row in &rows {
            let mut request = request_from_row(row)?;
            if !logged.contains(&request.client_id) {
                self.log(by, request.client_id, AccessAction::Read, "work_queue")
                    .await?;
                logged.push(request.client_id);
            }
            request.steps = steps_of(&self.read, request.id).await?;
            let client = self.client(request.client_id).await?;
            cases.push(ReconsiderationCase {
                request,
                client,
                kind: row.try_get("kind")?,
            });
        }
        Ok((cases, more))
    }

    /// A request's client, queue (`employment_authority` or `keha`), the kind of the
    /// decision it is about and that decision, for the authorisation decision only: not
    /// logged, and returns nothing to a user.
    pub async fn reconsideration_routing(
        &self,
        id: ReconsiderationId,
    ) -> Result<(ClientId, String, String, DecisionId), StoreError> {
        let row = sqlx::query(
            "SELECT r.client_id, r.target, d.kind, r.decision_id FROM reconsideration_requests r
             JOIN decisions d ON d.id = r.decision_id WHERE r.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("reconsideration request"))?;
        Ok((
            parse_id(&row, "client_id")?,
            row.try_get("target")?,
            row.try_get("kind")?,
            parse_id(&row, "decision_id")?,
        ))
    }

    /// Whether the client has a decision routed to KEHA-keskus that is open or was resolved
    /// by KEHA-keskus, or a request for reconsideration in KEHA-keskus's queue: what a KEHA
    /// official's statement task needs. For the authorisation
    /// decision only: not logged, and returns nothing to a user.
    pub async fn has_keha_task(&self, client: ClientId) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 FROM decisions d
             WHERE d.client_id = $1 AND d.outcome = 'routed' AND d.target = 'keha'
               AND (NOT EXISTS (SELECT 1 FROM official_steps s
                                WHERE s.decision_id = d.id AND s.step = 'resolved')
                    OR EXISTS (SELECT 1 FROM official_steps s
                               JOIN organisations o ON o.id = s.org_id
                               WHERE s.decision_id = d.id AND s.step = 'resolved'
                                 AND o.kind = 'keha'))
             LIMIT 1",
        )
        .bind(client.to_string())
        .fetch_optional(&self.read)
        .await?;
        // A request for reconsideration in KEHA-keskus's queue is a KEHA task too (B7).
        Ok(row.is_some() || self.has_keha_reconsideration(client).await?)
    }

    /// Whether the client has a request for reconsideration in KEHA-keskus's queue (open or
    /// resolved): a KEHA statement task. For the authorisation decision only: not logged.
    async fn has_keha_reconsideration(&self, client: ClientId) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 FROM reconsideration_requests WHERE client_id = $1 AND target = 'keha' LIMIT 1",
        )
        .bind(client.to_string())
        .fetch_optional(&self.read)
        .await?;
        Ok(row.is_some())
    }
}

/// The statement given on reconsideration of decision `d`'s statement, if a request was
/// resolved: it replaces the statement reconsidered (for the outbox's "statements in force").
pub(crate) async fn issued_on_reconsideration_in(
    tx: &mut sqlx::AnyConnection,
    d: &StoredDecision,
) -> Result<Option<IssuedStatement>, StoreError> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {REQUEST_COLS} FROM reconsideration_requests WHERE decision_id = $1"
    ))
    .bind(d.id.to_string())
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let request = request_from_row(&row)?;
    let step = sqlx::query(&format!(
        "SELECT {STEP_COLS} FROM reconsideration_steps WHERE request_id = $1 AND step = 'resolved'"
    ))
    .bind(request.id.to_string())
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| step_from_row(&r))
    .transpose()?;
    Ok(step.and_then(|s| issued_from_reconsideration(&s, &request, &d.decision.kind)))
}

/// The statement issued on reconsideration (B7) of `request`, which concerned a decision of
/// kind `kind`; `None` for a step that is not a resolution. It names the statement it
/// replaces, so the payer knows which one no longer stands.
pub fn issued_from_reconsideration(
    s: &ReconsiderationStep,
    request: &Reconsideration,
    kind: &str,
) -> Option<IssuedStatement> {
    let r = s.resolution.as_ref()?;
    let replaces = match request.official_step {
        Some(seq) => format!("official_step:{seq}"),
        None => format!("decision:{}", request.decision_id),
    };
    Some(IssuedStatement {
        source: "reconsideration".into(),
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
        replaces: Some(replaces),
    })
}
